"""A Babel extraction method for the modules of ``xltools/cli/`` (``babel.cfg``; a developer tool,
not run by xltools).

Besides the ``_()`` calls that Babel's own Python extractor finds, it takes the texts click shows
in ``--help``: the docstring of every function decorated as a command or group (cleaned by
`inspect.cleandoc`, the msgid `i18n.help_text` looks up) and every ``help="…"`` string literal.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator


def _is_command(node: ast.FunctionDef) -> bool:
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
        if name in ("command", "group"):
            return True
    return False


def extract_cli(fileobj, keywords, comment_tags, options) -> Iterator[tuple]:
    """Babel's ``(lineno, funcname, message, comments)`` for the ``_()`` calls and click's help."""
    from babel.messages.extract import extract_python

    source = fileobj.read()
    fileobj.seek(0)
    yield from extract_python(fileobj, keywords, comment_tags, options)
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef) and _is_command(node):
            doc = ast.get_docstring(node, clean=True)
            if doc:
                yield node.body[0].lineno, None, doc, []
        elif isinstance(node, ast.Call):
            for keyword in node.keywords:
                value = keyword.value
                if (
                    keyword.arg == "help"
                    and isinstance(value, ast.Constant)
                    and isinstance(value.value, str)
                ):
                    yield value.lineno, None, value.value, []
