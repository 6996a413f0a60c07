"""The problem-code registry: every Problem carries a registered code, and README.md lists them all."""

import re
from pathlib import Path

import pytest

from xltools.core.problems import CODES, ERROR, WARNING, Problem, Report, new_problem

README = Path(__file__).resolve().parent.parent / "README.md"


def readme_codes() -> set[str]:
    """The codes README.md lists: backticked words in the paragraphs that say ``codes:``."""
    paragraphs = README.read_text(encoding="utf-8").split("\n\n")
    listed = [p for p in paragraphs if re.search(r"\bcodes:", p, re.IGNORECASE)]
    assert len(listed) >= 3  # the plan importer's, xltools check's and collect's lists
    return {c for p in listed for c in re.findall(r"`([a-z]+(?:-[a-z]+)*)`", p)}


def test_readme_lists_exactly_the_registered_codes():
    listed = readme_codes()
    assert sorted(listed - set(CODES)) == [], "README lists codes nothing raises"
    assert sorted(set(CODES) - listed) == [], "registered codes README does not list"


def test_registry_entries_are_kebab_case_with_a_severity_and_a_meaning():
    for code, entry in CODES.items():
        assert entry.code == code
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", code), code
        assert entry.severity in (ERROR, WARNING), code
        assert entry.meaning and "\n" not in entry.meaning, code


def test_an_unregistered_code_is_refused():
    with pytest.raises(ValueError, match="not registered"):
        Problem("no-such-code", ERROR, "…")
    with pytest.raises(ValueError, match="not registered"):
        Report().error("missing_value", "…")
    with pytest.raises(ValueError, match="severity"):
        Problem("missing-value", "error", "…")


def test_the_factory_takes_the_registered_severity_unless_told():
    assert new_problem("near-duplicate", "…").severity == WARNING
    assert new_problem("missing-value", "…").severity == ERROR
    assert new_problem("undefined-group", "…", WARNING).severity == WARNING
    assert Report().add("contradiction", WARNING, "…", cell="B2").cell == "B2"
