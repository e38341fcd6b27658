"""Statutory deadlines on a calendar that may not be known yet (issue 依法纠错与时间, item 2).

`chinese_calendar` ends at 2026 and the State Council publishes each year's schedule only late
in the year before. A deadline counted into a year whose schedule is not official (see
`WorkCalendar.year_is_official`) cannot be presented as certain. Two answers, by what the law
lets happen:

* **Refuse** — a deadline the platform publishes to the public or to suppliers (a notice's
  bid deadline, display or sale period, a clarification cut-off): `certain(due, what=…)`
  raises `CalendarUnconfirmed` (422 `calendar_unconfirmed`) telling the administrator to enter
  the year's schedule.
* **暂定 (provisional)** — a duty deadline where the work goes on (a bond refund, a report or
  award due date, a rating window): the date is computed on Monday–Friday plus any days
  already entered, stored as usual, and `track(...)` records how it was computed. When the
  year's schedule is confirmed, `recompute` computes every open one again, writes the new date
  into the object (audited), tells the parties through their inbox, and settles it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import Model

from zhengcai.core import clock, transitions
from zhengcai.core.audit import audit_record
from zhengcai.core.errors import RuleViolation
from zhengcai.core.models import Message, ProvisionalDeadline
from zhengcai.core.workdays import WorkCalendar

Unit = Literal["WD", "d"]
ERR_CALENDAR_UNCONFIRMED = "calendar_unconfirmed"

PROVISIONAL = transitions.register(
    transitions.Machine(
        ProvisionalDeadline,
        {
            ProvisionalDeadline.Status.OPEN: {ProvisionalDeadline.Status.SETTLED},
            ProvisionalDeadline.Status.SETTLED: set(),
        },
        what="暂定期限",
        action="deadline",
        labels=ProvisionalDeadline.Status,
    )
)


class CalendarUnconfirmed(RuleViolation):
    code = ERR_CALENDAR_UNCONFIRMED


@dataclass(frozen=True)
class Due:
    """A computed end date, and whether it rests on a schedule nobody has confirmed."""

    date: dt.date
    unconfirmed_years: tuple[int, ...] = ()

    @property
    def provisional(self) -> bool:
        return bool(self.unconfirmed_years)


def due(
    cal: WorkCalendar, start: dt.date, days: int, unit: Unit, *, roll_forward: bool = True
) -> Due:
    """`days` working days ("WD") or calendar days ("d", rolled to a working day when it ends
    on a holiday, rules.md §0) after `start` (the start day not counted); negative counts back."""
    if unit == "WD":
        end = cal.add_working_days(start, days)
    else:
        end = cal.add_calendar_days(start, days, roll_forward=roll_forward)
    return Due(end, cal.unconfirmed_years(start, end))


def unconfirmed_message(years: Sequence[int], what: str) -> str:
    ys = "、".join(f"{y}年" for y in years)
    return (
        f"{what}落在{ys}，该年度国务院节假日安排尚未录入并确认，无法确定法定期限。"
        f"请系统管理员在「系统管理 → 节假日安排」导入并确认{ys}的放假安排后再操作。"
    )


def certain(result: Due, *, what: str) -> dt.date:
    """The date, or `CalendarUnconfirmed` when it rests on an unconfirmed year."""
    if result.provisional:
        raise CalendarUnconfirmed(
            unconfirmed_message(result.unconfirmed_years, what),
            detail={"date": str(result.date), "years": list(result.unconfirmed_years)},
        )
    return result.date


def require_certain(cal: WorkCalendar, start: dt.date, end: dt.date, *, what: str) -> None:
    """Refuse a published date `end` (reached from `start`) that crosses an unconfirmed year."""
    years = cal.unconfirmed_years(start, end)
    if years:
        raise CalendarUnconfirmed(
            unconfirmed_message(years, what), detail={"date": str(end), "years": list(years)}
        )


# --- provisional deadlines ---------------------------------------------------------------------

FollowUp = Callable[[Model, str, Any, Any], None]
_follow_ups: dict[type[Model], FollowUp] = {}


def on_recompute(model: type[Model], follow_up: FollowUp) -> None:
    """Register what else must change when a tracked field of `model` moves (for instance a
    `next_check` derived from it): `follow_up(obj, field, old, new)` runs in the same
    transaction, after the field is saved."""
    _follow_ups[model] = follow_up


def track(
    *,
    obj: Model,
    field: str,
    start: dt.date,
    days: int,
    unit: Unit,
    result: Due,
    label: str,
    citation: str,
    parties: Iterable[Any] = (),
    roll_forward: bool = True,
    at_time: dt.time | None = None,
) -> ProvisionalDeadline | None:
    """Record a provisional deadline stored in `obj.<field>` (a date, or a datetime whose time
    of day is `at_time`). Nothing is recorded for a certain date. Inside the caller's
    transaction; an earlier open record of the same field is replaced."""
    if not connection.in_atomic_block:
        raise RuntimeError("deadlines.track must run inside the transaction of the change")
    ct = ContentType.objects.get_for_model(obj, for_concrete_model=False)
    ProvisionalDeadline.objects.filter(
        content_type=ct,
        object_id=str(obj.pk),
        field=field,
        status=ProvisionalDeadline.Status.OPEN,
    ).delete()
    if not result.provisional:
        return None
    return ProvisionalDeadline.objects.create(
        content_type=ct,
        object_id=str(obj.pk),
        field=field,
        label=label,
        citation=citation,
        start=start,
        days=days,
        unit=unit,
        roll_forward=roll_forward,
        value=result.date,
        at_time=at_time,
        years=list(result.unconfirmed_years),
        parties=sorted({getattr(p, "pk", p) for p in parties if p is not None}),
        created_at=clock.now(),
    )


def untrack(*, obj: Model, field: str) -> None:
    """Forget the open provisional deadline of `obj.<field>` (the duty it counted is gone)."""
    ct = ContentType.objects.get_for_model(obj, for_concrete_model=False)
    ProvisionalDeadline.objects.filter(
        content_type=ct, object_id=str(obj.pk), field=field, status=ProvisionalDeadline.Status.OPEN
    ).delete()


def open_for(obj: Model) -> list[ProvisionalDeadline]:
    """The provisional deadlines of one object (pages mark those dates 暂定)."""
    ct = ContentType.objects.get_for_model(obj, for_concrete_model=False)
    return list(
        ProvisionalDeadline.objects.filter(
            content_type=ct, object_id=str(obj.pk), status=ProvisionalDeadline.Status.OPEN
        ).order_by("field")
    )


def provisional_fields(obj: Model) -> set[str]:
    return {d.field for d in open_for(obj)}


@dataclass(frozen=True)
class Moved:
    deadline: ProvisionalDeadline
    old: dt.date
    new: dt.date


def _stored_value(value: dt.date, at_time: dt.time | None) -> dt.date | dt.datetime:
    if at_time is None:
        return value
    return dt.datetime.combine(value, at_time, tzinfo=clock.SHANGHAI)


def recompute(*, actor: Any, cal: WorkCalendar | None = None) -> list[Moved]:
    """Compute every open provisional deadline again on the calendar as it is now. Dates that
    are now certain are written (if they moved), audited, told to the parties, and settled;
    those still crossing an unconfirmed year stay open with the new estimate."""
    cal = cal or WorkCalendar.load()
    moved: list[Moved] = []
    pending = ProvisionalDeadline.objects.filter(status=ProvisionalDeadline.Status.OPEN).order_by(
        "pk"
    )
    for pd in pending:
        result = due(cal, pd.start, pd.days, pd.unit, roll_forward=pd.roll_forward)  # type: ignore[arg-type]
        with transaction.atomic():
            model = pd.content_type.model_class()
            if model is None:
                pd.delete()
                continue
            obj = model._default_manager.select_for_update().filter(pk=pd.object_id).first()
            if obj is None:
                pd.delete()
                continue
            old_value = getattr(obj, pd.field)
            if result.date != pd.value:
                new_value = _stored_value(result.date, pd.at_time)
                model._default_manager.filter(pk=obj.pk).update(**{pd.field: new_value})
                setattr(obj, pd.field, new_value)
                audit_record(
                    actor=actor,
                    action="deadline.recomputed",
                    obj=obj,
                    before={pd.field: str(old_value)},
                    after={
                        pd.field: str(new_value),
                        "label": pd.label,
                        "citation": pd.citation,
                        "start": str(pd.start),
                        "period": f"{pd.days}{'个工作日' if pd.unit == 'WD' else '日'}",
                        "certain": not result.provisional,
                    },
                )
                follow_up = _follow_ups.get(model)
                if follow_up is not None:
                    follow_up(obj, pd.field, old_value, new_value)
                moved.append(Moved(pd, pd.value, result.date))
                _tell(pd, obj, pd.value, result.date, certain=not result.provisional)
            if result.provisional:
                pd.value = result.date
                pd.years = list(result.unconfirmed_years)
                pd.save(update_fields=["value", "years"])
            else:
                PROVISIONAL.move(
                    pd,
                    to=ProvisionalDeadline.Status.SETTLED,
                    actor=actor,
                    object_label=f"{pd.label}（{obj}）",
                    value=result.date,
                    years=[],
                    settled_at=clock.now(),
                )
    return moved


def _tell(
    pd: ProvisionalDeadline, obj: Model, old: dt.date, new: dt.date, *, certain: bool
) -> None:
    state = "已确定" if certain else "仍为暂定"
    for org_id in pd.parties:
        Message.objects.create(
            organization_id=org_id,
            kind="deadline_moved",
            subject=f"{pd.label}调整为 {new:%Y-%m-%d}",
            body=(
                f"「{obj}」的{pd.label}（{pd.citation}，自 {pd.start:%Y-%m-%d} 起算"
                f" {pd.days}{'个工作日' if pd.unit == 'WD' else '日'}）原按暂定日历为"
                f" {old:%Y-%m-%d}；节假日安排确认后为 {new:%Y-%m-%d}（{state}）。"
            ),
            created_at=clock.now(),
        )
