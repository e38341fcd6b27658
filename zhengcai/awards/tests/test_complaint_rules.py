"""The 投诉 time limits at their boundaries, across 国庆 2026 (Oct 1–7 off, Oct 10 a working
Saturday), and the remedies table of 94号令 31–32."""

from __future__ import annotations

import datetime as dt

import pytest

from zhengcai.awards import constants as c
from zhengcai.awards import rules
from zhengcai.core.workdays import WorkCalendar

pytestmark = pytest.mark.django_db
D = dt.date
EVE = D(2026, 9, 30)


@pytest.fixture
def cal() -> WorkCalendar:
    return WorkCalendar.load()


def test_complaint_window_fifteen_working_days_from_the_answer(cal: WorkCalendar) -> None:
    # 法 55; 94号令 17: Oct 8, 9, 10, 12–16, 19–23, 26, 27 → the 15th is Oct 27
    assert rules.complaint_window_ends(cal, answered_on=EVE, answer_due_on=D(2026, 10, 9)) == D(
        2026, 10, 27
    )


def test_complaint_window_from_the_answer_deadline_without_answer(cal: WorkCalendar) -> None:
    due = rules.answer_due(cal, D(2026, 9, 29))  # 7 WD: Sep 30, Oct 8, 9, 10, 12, 13, 14
    assert due == D(2026, 10, 14)
    assert rules.complaint_window_ends(cal, answered_on=None, answer_due_on=due) == D(2026, 11, 4)


def test_complaint_may_file_only_after_answer_or_deadline() -> None:
    due = D(2026, 10, 14)
    assert not rules.complaint_may_file(today=due, answered_on=None, answer_due_on=due)
    assert rules.complaint_may_file(today=D(2026, 10, 15), answered_on=None, answer_due_on=due)
    assert rules.complaint_may_file(today=D(2026, 10, 9), answered_on=EVE, answer_due_on=due)


def test_review_and_response_five_working_days_across_the_holiday(cal: WorkCalendar) -> None:
    # 94号令 21, 22: Oct 8, 9, 10, 12, 13
    assert rules.complaint_review_due(cal, EVE) == D(2026, 10, 13)
    assert rules.complaint_response_due(cal, EVE) == D(2026, 10, 13)
    assert rules.complaint_review_due(cal, D(2026, 11, 23)) == D(2026, 11, 30)


def test_suspension_at_most_thirty_days() -> None:
    assert rules.suspension_ok(30) and not rules.suspension_ok(31) and not rules.suspension_ok(0)
    assert rules.suspension_ends(D(2026, 11, 23), 30) == D(2026, 12, 23)


def test_decision_thirty_working_days_without_pauses(cal: WorkCalendar) -> None:
    due = rules.complaint_decision_due(cal, EVE, [])
    # 30 WD from Sep 30 (Oct 10 counts) — the same as the plain working-day count
    assert due == D(2026, 11, 17) == cal.add_working_days(EVE, 30)


def test_decision_due_excludes_paused_working_days(cal: WorkCalendar) -> None:
    base = rules.complaint_decision_due(cal, EVE, [])
    # an expert review Mon Oct 19 – Fri Oct 23: five working days do not count
    paused = rules.complaint_decision_due(cal, EVE, [(D(2026, 10, 19), D(2026, 10, 23))])
    assert paused == D(2026, 11, 24)
    assert cal.working_days_between(base, paused) == 5
    # a pause over a weekend only counts its working days
    weekend = rules.complaint_decision_due(cal, EVE, [(D(2026, 10, 24), D(2026, 10, 25))])
    assert weekend == base
    # an open pause runs to today
    open_ = rules.complaint_decision_due(cal, EVE, [(D(2026, 10, 19), None)], today=D(2026, 10, 20))
    assert cal.working_days_between(base, open_) == 2


def test_remedies_by_stage_and_subject() -> None:
    r = rules.complaint_remedies
    assert r(c.Finding.UNFOUNDED, c.Subject.RESULT, c.Stage.AWARDED) == {c.Remedy.CONTINUE}
    assert r(c.Finding.UPHELD, c.Subject.DOCUMENTS, c.Stage.BEFORE_AWARD) == {
        c.Remedy.AMEND_CONTINUE,
        c.Remedy.RESTART,
    }
    assert c.Remedy.RESULT_VOID_OTHER in r(c.Finding.UPHELD, c.Subject.RESULT, c.Stage.AWARDED)
    assert c.Remedy.RESULT_VOID_OTHER not in r(
        c.Finding.UPHELD, c.Subject.DOCUMENTS, c.Stage.AWARDED
    )
    assert r(c.Finding.UPHELD, c.Subject.PROCESS, c.Stage.PERFORMED) == {c.Remedy.DAMAGES}
    assert rules.complaint_stage(has_award=True, signed=False, performed=False) == c.Stage.AWARDED


def test_unfounded_threshold() -> None:
    assert not rules.unfounded_record_due(2, 3)
    assert rules.unfounded_record_due(3, 3)
