"""The command line's language: English messages, translated by gettext catalogs shipped in the package.

Wrap every string the CLI prints, and every message of an `XltoolsError`, in ``_()`` where it is
written (``_("Wrote {path}").format(path=path)``: format after translating, so the catalog holds one
entry). The language is ``XLTOOLS_LANG`` (``zh`` or ``en``) if set, else the system's (``LANGUAGE``,
``LC_ALL``, ``LC_MESSAGES``, ``LANG``): Chinese when it starts with ``zh``, English otherwise.
What units and leaders see (workbooks, problem messages) is Chinese whatever the language.
"""

from __future__ import annotations

import functools
import gettext as _gettext
import os
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
