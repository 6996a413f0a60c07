"""What every command shares: click's help laid out in columns and read in the command line's
language, the group that turns failures into ``Error: …``, the shared options and the echo
helpers. The package ``xltools.cli`` is the only one importing click."""

from __future__ import annotations

import functools
import gettext
import sys
from pathlib import Path

import click

from xltools.core.errors import XltoolsError
from xltools.core.i18n import _, help_text, stdlib_catalog
from xltools.core.text import display_width, fill_paragraphs, wrap

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class _Formatter(click.HelpFormatter):
    """Click's help layout measured in terminal columns, where a Chinese character takes two
    (click counts characters): paragraphs wrap to the width in columns, Chinese between any two
    characters (`core.text.wrap`), and the options' descriptions start at one column. English
    comes out as click writes it. Section headings (选项, 命令) end with the colon of the
    language: full-width in Chinese."""

    def write_heading(self, heading: str) -> None:
        line = _("{heading}:").format(heading=heading)
        self.write(f"{'':>{self.current_indent}}{line}\n")

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        if prefix is None:  # click's word, translated as click translates it (`stdlib_catalog`)
            prefix = gettext.gettext("Usage:") + " "
        usage = f"{prefix:>{self.current_indent}}{prog} "
        if not args:
            self.write(usage.rstrip(" ") + "\n")
            return
        room = self.width - self.current_indent
        if room >= display_width(usage) + 20:  # the arguments fit to the right of the prefix
            lines = wrap(args.expandtabs(), room, usage, " " * display_width(usage))
        else:
            self.write(usage + "\n")
            indent = " " * (max(self.current_indent, display_width(prefix)) + 4)
            lines = wrap(args.expandtabs(), room, indent, indent)
        self.write("\n".join(lines) + "\n")

    def write_text(self, text: str) -> None:
        self.write(fill_paragraphs(text, self.width, " " * self.current_indent) + "\n")

    def write_dl(self, rows, col_max: int = 30, col_spacing: int = 2) -> None:
        rows = [tuple(row) for row in rows]
        if max(map(len, rows), default=0) != 2:
            raise TypeError("Expected two columns for definition list")
        rows = [row + ("",) * (2 - len(row)) for row in rows]
        first_col = min(max(display_width(first) for first, _second in rows), col_max)
        first_col += col_spacing
        margin = " " * self.current_indent
        for first, second in rows:
            self.write(margin + first)
            if not second:
                self.write("\n")
                continue
            if display_width(first) <= first_col - col_spacing:
                self.write(" " * (first_col - display_width(first)))
            else:
                self.write("\n" + " " * (first_col + self.current_indent))
            lines = fill_paragraphs(second, max(self.width - first_col - 2, 10)).splitlines()
            self.write((lines[0] if lines else "") + "\n")
            for line in lines[1:]:
                self.write(f"{'':>{first_col + self.current_indent}}{line}\n")


class _Context(click.Context):
    formatter_class = _Formatter


class _TranslatedHelp:
    """``help`` read in the command line's language: the English text written here is the msgid.

    Click reads docstrings and ``help=`` when the module is imported, before the language is known
    (and tests switch it per run), so the translation happens each time click reads ``help``.
    """

    @property
    def help(self) -> str | None:
        return help_text(self._english_help)

    @help.setter
    def help(self, value: str | None) -> None:
        self._english_help = value


class _TranslatedCommand(_TranslatedHelp):
    """A command or group whose help, and its -h/--help option's, is read in the language."""

    context_class = _Context

    def get_short_help_str(self, limit: int = 45) -> str:
        """The command's line in its group's list of commands, cut as click cuts it to ``limit``
        characters, but in columns when it holds Chinese (between any two Chinese characters)."""
        text = super().get_short_help_str(limit=sys.maxsize)
        if display_width(text) == len(text):
            return super().get_short_help_str(limit)
        if display_width(text) <= limit:
            return text
        return wrap(text, max(limit - 3, 1))[0] + "..."

    def get_help_option(self, ctx):
        # click makes the help option once per command, in the language of that moment.
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = _("Show this message and exit.")
        return option


class Option(_TranslatedHelp, click.Option):
    """An option whose help is translated."""


class Command(_TranslatedCommand, click.Command):
    """A command whose help is translated."""


option = functools.partial(click.option, cls=Option)
# Each stage's module declares its commands with it; the group `main` adds them.
command = functools.partial(click.command, cls=Command)


# Exit codes: 0 all is well, 1 problems remain in the data (collect, check), 2 the command failed.
FAILED = 2


class _Failure(click.ClickException):
    exit_code = FAILED


class Group(_TranslatedCommand, click.Group):
    """Turns any failure into one ``Error: …`` line and exit code 2 (``--debug`` also prints the
    traceback), so a script can tell a failed command from data with problems (exit code 1);
    speaks the command line's language, click's own words included."""

    command_class = Command

    def main(self, *args, **kwargs):
        with stdlib_catalog():
            return super().main(*args, **kwargs)

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as exc:
            if ctx.obj and ctx.obj.get("debug"):
                import traceback

                traceback.print_exc()
            if isinstance(exc, XltoolsError):
                raise _Failure(str(exc)) from exc
            raise _Failure(
                _("unexpected failure ({kind}: {error}); run with --debug to see where").format(
                    kind=type(exc).__name__, error=exc
                )
            ) from exc


def workspace_option(func):
    """``-w/--workspace DIR``: where xltools.yaml is (default: this folder or a parent)."""

    @option(
        "-w",
        "--workspace",
        type=click.Path(exists=True, file_okay=False, path_type=Path),
        help="Workspace folder (default: this folder or the nearest parent with xltools.yaml)",
    )
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        return func(*args, **kwargs)

    return wrapper


def echo_err(message: str) -> None:
    """A line on stderr: progress, warnings, what is not the command's result."""
    click.echo(message, err=True)


def progress_bar(label: str):
    """A progress callback drawing a click bar on stderr, and a function closing it."""
    state = {"bar": None}

    def progress(done: int, total: int, _name: str) -> None:
        if state["bar"] is None:
            state["bar"] = click.progressbar(length=total, label=label, file=sys.stderr)
            state["bar"].__enter__()
        state["bar"].update(done - state["bar"].pos)

    def close() -> None:
        if state["bar"] is not None:
            state["bar"].__exit__(None, None, None)

    return progress, close


class RoundType(click.ParamType):
    """A round key: ``plan`` or a quarter such as ``2023Q2`` (``2023q2`` is accepted)."""

    name = "round"

    def convert(self, value, param, ctx):
        import re

        text = str(value).strip()
        if text.lower() == "plan":
            return "plan"
        found = re.fullmatch(r"((?:19|20)\d\d)\s*[Qq]([1-4])", text)
        if found:
            return f"{found[1]}Q{found[2]}"
        self.fail(
            _("{value!r} is not a round: use plan or a quarter such as 2023Q2").format(value=value),
            param,
            ctx,
        )


ROUND = RoundType()
