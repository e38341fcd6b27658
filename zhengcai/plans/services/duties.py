"""Working-day steps of a commission (the region's policy: accept within N working days, start
the procurement within M). Counted into a year whose holiday schedule is not confirmed the
due time is 暂定 (core.deadlines.track) — the work goes on — and recomputed when the schedule is
entered; `after_recompute` keeps `due_at` at the end of the due day and moves the timed check."""

from __future__ import annotations

import datetime as dt
from typing import Any

from zhengcai.core import deadlines
from zhengcai.core.workdays import WorkCalendar
from zhengcai.plans import constants as c
from zhengcai.plans.models import Commission
from zhengcai.plans.services.base import end_of_day


def step_due(cal: WorkCalendar, start: dt.date, days: int) -> tuple[deadlines.Due, dt.datetime]:
    counted = deadlines.due(cal, start, days, "WD")
    return counted, end_of_day(counted.date)


def track_step(com: Commission, start: dt.date, days: int, counted: deadlines.Due) -> None:
    """Inside the caller's transaction, after `com` is saved."""
    deadlines.track(
        obj=com,
        field="due_at",
        start=start,
        days=days,
        unit="WD",
        result=counted,
        label=f"委托办理期限（{com.due_step}）",
        citation="本地区采购政策（委托办理时限）",
        parties=[com.purchaser_id, com.agency_id],
        at_time=dt.time(0, 0),
    )


def after_recompute(obj: Any, field: str, old: Any, new: Any) -> None:
    """The recomputed value is the due day: the step runs through it (end_of_day)."""
    if field != "due_at" or new is None:
        return
    obj.due_at = end_of_day(new.date())
    open_step = obj.status in (c.CommissionStatus.SENT, c.CommissionStatus.ACCEPTED)
    obj.next_check = obj.due_at if open_step and not obj.is_overdue else obj.next_check
    obj.save(update_fields=["due_at", "next_check"])
