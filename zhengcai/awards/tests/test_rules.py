"""The time limits of the awards app at their boundaries, across 国庆 2026 (chinese_calendar:
Oct 1–7 off, Oct 10 a working Saturday), and the outcome table of 94号令 16."""

from __future__ import annotations

import datetime as dt

import pytest

from zhengcai.awards import constants as c
from zhengcai.awards import rules
from zhengcai.core.workdays import WorkCalendar

pytestmark = pytest.mark.django_db
D = dt.date
EVE = D(2026, 9, 30)  # the last working day before 国庆


@pytest.fixture
def cal() -> WorkCalendar:
    return WorkCalendar.load()


def test_result_notice_due_two_working_days_across_the_holiday(cal: WorkCalendar) -> None:
    # 条例 43; 87号令 69: Oct 8 is the 1st working day after Sep 30, Oct 9 the 2nd
    assert rules.notice_due(cal, EVE) == D(2026, 10, 9)
    assert rules.notice_due(cal, D(2026, 9, 29)) == D(2026, 9, 30) + dt.timedelta(days=8)


def test_display_one_working_day_across_the_holiday(cal: WorkCalendar) -> None:
    assert rules.display_until(cal, EVE) == D(2026, 10, 8)  # 87号令 69
    assert rules.display_until(cal, D(2026, 10, 9)) == D(2026, 10, 10)  # working Saturday


def test_challenge_window_seven_working_days_across_the_holiday(cal: WorkCalendar) -> None:
    # 法 52; 条例 53: Oct 8, 9, 10, 12, 13, 14, 15
    assert rules.challenge_window_ends(cal, EVE) == D(2026, 10, 15)
    assert rules.challenge_window_ends(cal, D(2026, 11, 23)) == D(2026, 12, 2)


def test_answer_due_seven_working_days_across_the_holiday(cal: WorkCalendar) -> None:
    assert rules.answer_due(cal, EVE) == D(2026, 10, 15)  # 法 53; 94号令 13


def test_knowledge_day_per_case_of_article_53() -> None:
    k = rules.knowledge_day
    # documents: obtained during the period → the end of the period; obtained later → that day
    assert k("documents", documents_obtained=D(2026, 9, 1), documents_period_end=D(2026, 9, 7))
    assert (
        k("documents", documents_obtained=D(2026, 9, 1), documents_period_end=D(2026, 9, 7))
    ) == D(2026, 9, 7)
    assert k("documents", documents_obtained=D(2026, 9, 9), documents_period_end=D(2026, 9, 7)) == (
        D(2026, 9, 9)
    )
    assert k("documents") is None
    assert k("process", step_end=D(2026, 9, 30)) == D(2026, 9, 30)
    assert k("result", display_end=D(2026, 10, 8)) == D(2026, 10, 8)
    assert k("result") is None


def test_outcomes_by_subject() -> None:
    assert rules.consequence(c.Outcome.NOT_UPHELD, "result").continues  # type: ignore[union-attr]
    assert rules.consequence(c.Outcome.OTHER_CANDIDATE, "documents") is None
    assert rules.consequence(c.Outcome.DOCUMENTS_AMEND, "result") is None
    cons = rules.consequence(c.Outcome.DOCUMENTS_AMEND, "documents")
    assert cons is not None and cons.continues and cons.amend_documents
    assert not cons.changes_result
    other = rules.consequence(c.Outcome.OTHER_CANDIDATE, "process")
    assert other is not None and other.changes_result
    restart = rules.consequence(c.Outcome.DOCUMENTS_RESTART, "documents")
    assert restart is not None and restart.restart and restart.changes_result


def test_required_contents() -> None:
    assert rules.missing(rules.LETTER_FIELDS, {}) == list(rules.LETTER_FIELDS.values())
    full = {k: "x" for k in rules.LETTER_FIELDS}
    assert rules.missing(rules.LETTER_FIELDS, full) == []
    assert rules.missing(rules.LETTER_FIELDS, {**full, "items": []}) == [
        rules.LETTER_FIELDS["items"]
    ]
    assert rules.sme_missing(True, None) and not rules.sme_missing(False, None)


def test_inquiry_answer_three_working_days_across_the_holiday(cal: WorkCalendar) -> None:
    assert rules.inquiry_answer_due(cal, EVE) == D(2026, 10, 10)  # 条例 52: Oct 8, 9, 10
    assert rules.inquiry_may_affect_result("result")
    assert not rules.inquiry_may_affect_result("documents")
