"""The contracts in core.contracts agree with the data that spells them elsewhere."""

from xltools.core import contracts
from xltools.distribute.forms import load_form


def test_quarterly_form_offers_exactly_the_contract_statuses():
    status = load_form("quarterly").field("status")
    assert tuple(status.choices) == contracts.STATUSES


def test_quarterly_form_requires_issues_for_the_behind_statuses():
    issues = load_form("quarterly").field("issues")
    assert tuple(issues.required_when["status"]) == contracts.BEHIND_STATUSES


def test_words_are_distinct_where_they_share_a_column():
    for words in (
        contracts.STATUSES,
        contracts.DATA_STATES,
        contracts.ROLES,
        contracts.KINDS,
        contracts.TASK_HEADERS,
        contracts.UNIT_HEADERS,
        contracts.MERGED_TASK_HEADERS + contracts.MERGED_TAIL,
        contracts.MERGED_TARGET_HEADERS,
        contracts.STATUS_HEADERS,
        contracts.PROBLEM_HEADERS,
        contracts.MANIFEST_HEADERS,
    ):
        assert len(set(words)) == len(words), words
