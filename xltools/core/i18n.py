"""The command line's language: English messages, translated by gettext catalogs shipped in the package.

Wrap every string the CLI prints, and every message of an `XltoolsError`, in ``_()`` where it is
written (``_("Wrote {path}").format(path=path)``: format after translating, so the catalog holds one
entry). The language is ``XLTOOLS_LANG`` (``zh`` or ``en``) if set, else the system's (``LANGUAGE``,
``LC_ALL``, ``LC_MESSAGES``, ``LANG``): Chinese when it starts with ``zh``, English otherwise.
What units and leaders see (workbooks, problem messages) is Chinese whatever the language.

Click's own words (Usage, Options, Error, "Show this message and exit.") come from the standard
library's global gettext functions under click's msgids; our catalog holds them too, and
`stdlib_catalog` points the global domain at it while a command runs.
"""

from __future__ import annotations

import contextlib
import functools
import gettext as _gettext
import inspect
import os
from collections.abc import Iterator
from pathlib import Path

DOMAIN = "xltools"
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"


def language() -> str:
    """``zh`` or ``en``: the language the command line speaks."""
    chosen = os.environ.get("XLTOOLS_LANG", "").strip().lower()
    if chosen:
        return "zh" if chosen.startswith("zh") else "en"
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(variable, "")
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


@functools.cache
def translation(lang: str) -> _gettext.NullTranslations:
    """The catalog of ``lang`` (English has none: the messages are written in English)."""
    if lang == "en":
        return _gettext.NullTranslations()
    return _gettext.translation(DOMAIN, LOCALE_DIR, languages=["zh_CN"], fallback=True)


def gettext(message: str) -> str:
    """``message`` in the command line's language."""
    return translation(language()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for ``n``, in the command line's language."""
    return translation(language()).ngettext(singular, plural, n)


_ = gettext


def listed(items) -> str:
    """``items`` joined as the language lists names: ``a, b`` in English, ``a、b`` in Chinese."""
    return _(", ").join(map(str, items))


def help_text(text: str | None) -> str | None:
    """A command's docstring or an option's help in the command line's language.

    The msgid is the text as `inspect.cleandoc` leaves it (Python 3.13 dedents docstrings itself,
    older versions do not), so both give the same catalog entry.
    """
    return gettext(inspect.cleandoc(text)) if text else text


@contextlib.contextmanager
def stdlib_catalog() -> Iterator[None]:
    """While it lasts, the standard library's ``gettext.gettext`` (which click calls for its own
    words) translates through our catalog in the command line's language.

    The stdlib looks the language up in ``LANGUAGE``/``LC_ALL``/``LC_MESSAGES``/``LANG``; when
    ``XLTOOLS_LANG=zh`` chooses Chinese on a system that is not, ``LANGUAGE`` says so for the
    duration (GNU gettext's documented way to choose a message language). Both are restored after.
    """
    domain = _gettext.textdomain()
    saved = os.environ.get("LANGUAGE")
    chinese = language() == "zh"
    _gettext.bindtextdomain(DOMAIN, str(LOCALE_DIR))
    _gettext.textdomain(DOMAIN if chinese else "messages")
    if chinese:
        os.environ["LANGUAGE"] = "zh_CN"
    try:
        yield
    finally:
        _gettext.textdomain(domain)
        if saved is None:
            os.environ.pop("LANGUAGE", None)
        else:
            os.environ["LANGUAGE"] = saved
