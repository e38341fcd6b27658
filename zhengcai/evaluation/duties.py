"""The duty deadlines of a signed report (条例 43): the agency delivers the report within 2
working days, the purchaser decides within 5 working days of receiving it. Counted into
a year whose holiday schedule is not confirmed they are 暂定 (core.deadlines.track) — the work
goes on — and recomputed when the schedule is entered; `after_recompute` then moves the timed
check of the deemed choice with `award_due`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from zhengcai.core import clock, deadlines
from zhengcai.core.workdays import WorkCalendar
from zhengcai.evaluation import constants as c
from zhengcai.evaluation.models import Evaluation


def _deemed_check(award_due: dt.date) -> dt.datetime:
    return dt.datetime.combine(
        award_due + dt.timedelta(days=1), dt.time(0, 0), tzinfo=clock.SHANGHAI
    )


def schedule_signed(ev: Evaluation, cal: WorkCalendar, today: dt.date) -> None:
    """Set `report_due`, `award_due` and the deemed-choice check; track them if 暂定. The
    caller saves `ev` inside its transaction."""
    parties = [ev.project.agency_id, ev.project.purchaser_id]
    for field, days, label, citation in (
        ("report_due", c.REPORT_DUE_WORKING_DAYS, "评审报告送交期限", "条例 43"),
        ("award_due", c.AWARD_DUE_WORKING_DAYS, "采购人确定中标（成交）供应商期限", "条例 43"),
    ):
        counted = deadlines.due(cal, today, days, "WD")
        setattr(ev, field, counted.date)
        deadlines.track(
            obj=ev,
            field=field,
            start=today,
            days=days,
            unit="WD",
            result=counted,
            label=label,
            citation=citation,
            parties=parties,
        )
    assert ev.award_due is not None
    ev.next_check = _deemed_check(ev.award_due)


def after_recompute(obj: Any, field: str, old: Any, new: Any) -> None:
    """A confirmed schedule moved `award_due`: the deemed choice moves with it (条例 43)."""
    if field == "award_due" and obj.status == c.EvaluationStatus.SIGNED:
        obj.next_check = _deemed_check(new)
        obj.save(update_fields=["next_check"])
