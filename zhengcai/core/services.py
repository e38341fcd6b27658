"""Writes of the core app: calendar days and years (the State Council schedule)."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import TYPE_CHECKING, Any

from django.db import transaction

from zhengcai.core import clock, deadlines, holidays, transitions
from zhengcai.core.audit import audit_record
from zhengcai.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from zhengcai.core.models import CalendarOverride, CalendarYear, Message
from zhengcai.core.workdays import PACKAGE_FIRST_YEAR, PACKAGE_LAST_YEAR

if TYPE_CHECKING:
    from zhengcai.accounts.models import User


@transaction.atomic
def calendar_override_set(
    *, actor: User | None, date: dt.date, is_workday: bool, name: str = "", note: str = ""
) -> CalendarOverride:
    """Enter or change one day of the official holiday schedule (国务院办公厅放假安排)."""
    if not 2000 <= date.year <= 2100:
        raise InvalidInput("日期超出范围（2000–2100 年）", code="date_out_of_range")
    if len(name) > 60 or len(note) > 200:
        raise InvalidInput("名称不超过 60 字，备注不超过 200 字", code="text_too_long")
    existing = CalendarOverride.objects.select_for_update().filter(date=date).first()
    before = (
        {"is_workday": existing.is_workday, "name": existing.name} if existing is not None else None
    )
    obj, _ = CalendarOverride.objects.update_or_create(
        date=date, defaults={"is_workday": is_workday, "name": name.strip(), "note": note.strip()}
    )
    audit_record(
        actor=actor,
        action="calendar.override_set",
        obj=obj,
        before=before,
        after={"date": date, "is_workday": is_workday, "name": obj.name},
    )
    return obj


@transaction.atomic
def calendar_override_delete(*, actor: User | None, date: dt.date) -> None:
    obj = CalendarOverride.objects.select_for_update().filter(date=date).first()
    if obj is None:
        raise NotFound("该日期没有调整记录")
    audit_record(
        actor=actor,
        action="calendar.override_deleted",
        obj=obj,
        before={"date": date, "is_workday": obj.is_workday, "name": obj.name},
    )
    obj.delete()


# --- a year's schedule: import the State Council notice, confirm, recompute -----------------

CALENDAR_YEAR_TRANSITIONS: dict[str, set[str]] = {
    CalendarYear.Status.DRAFT: {CalendarYear.Status.CONFIRMED},
    CalendarYear.Status.CONFIRMED: set(),
}
CALENDAR_YEAR = transitions.register(
    transitions.Machine(
        CalendarYear,
        CALENDAR_YEAR_TRANSITIONS,
        what="年度节假日安排",
        action="calendar_year",
        labels=CalendarYear.Status,
    )
)
CALENDAR_ROLES = ("admin", "regulator")


def _require_calendar_role(actor: Any) -> None:
    if actor is None or getattr(actor, "role", None) not in CALENDAR_ROLES:
        raise PermissionDenied("只有平台管理员或财政部门可以录入、确认节假日安排")


@transaction.atomic
def calendar_year_import(
    *, actor: User, name: str, content: bytes, year: int | None = None, notice_no: str = ""
) -> CalendarYear:
    """Enter a year's whole schedule from the notice (text) or its table (CSV / xlsx): one
    override row per holiday and per make-up working day, the year in draft until confirmed.
    A confirmed year is not re-imported (correct single days instead); nothing is half-saved."""
    _require_calendar_role(actor)
    if len(content) > 2_000_000:
        raise InvalidInput("文件过大（不超过 2 MB）", code="file_too_large")
    try:
        schedule = holidays.parse_file(name, content, year=year)
    except holidays.ScheduleError as exc:
        raise InvalidInput(f"无法导入节假日安排：{exc}", code="schedule_invalid") from exc
    y = schedule.year
    if not 2000 <= y <= 2100:
        raise InvalidInput("年度超出范围（2000–2100 年）", code="date_out_of_range")
    if PACKAGE_FIRST_YEAR <= y <= PACKAGE_LAST_YEAR:
        raise InvalidInput(
            f"{y}年的放假安排已内置（chinese_calendar），无需导入；个别日期可逐日调整",
            code="schedule_builtin",
        )
    record = CalendarYear.objects.select_for_update().filter(year=y).first()
    if record is not None and record.status == CalendarYear.Status.CONFIRMED:
        raise Conflict(
            f"{y}年节假日安排已确认，不能整体重新导入；如需更正请逐日修改",
            code="schedule_confirmed",
        )
    previous = list(
        CalendarOverride.objects.filter(date__year=y).values_list("date", "is_workday", "name")
    )
    CalendarOverride.objects.filter(date__year=y).delete()
    note = (notice_no or schedule.notice_no)[:200]
    CalendarOverride.objects.bulk_create(
        CalendarOverride(date=d.date, is_workday=d.is_workday, name=d.name[:60], note=note)
        for d in schedule.days
    )
    digest = hashlib.sha256(content).hexdigest()
    values = {
        "notice_no": (notice_no or schedule.notice_no)[:80],
        "notice_title": schedule.title[:200],
        "source_name": name[:200],
        "source_digest": digest,
        "imported_at": clock.now(),
        "imported_by": actor,
    }
    if record is None:
        record = CalendarYear.objects.create(year=y, **values)
    else:
        for k, v in values.items():
            setattr(record, k, v)
        record.version += 1
        record.save()
    audit_record(
        actor=actor,
        action="calendar_year.imported",
        obj=record,
        before={"days": [[str(d), w, n] for d, w, n in previous]} if previous else None,
        after={
            "year": y,
            "notice_no": record.notice_no,
            "file": name,
            "sha256": digest,
            "holidays": [str(d.date) for d in schedule.holidays],
            "workdays": [str(d.date) for d in schedule.workdays],
        },
    )
    return record


def calendar_year_confirm(
    *, actor: User, year: int, expected_version: int | None = None
) -> tuple[CalendarYear, list[deadlines.Moved]]:
    """Confirm a year's imported schedule (four eyes: not by the person who imported it).
    The year becomes official, and every provisional deadline is computed again."""
    _require_calendar_role(actor)
    with transaction.atomic():
        record = CalendarYear.objects.select_for_update().filter(year=year).first()
        if record is None:
            raise NotFound(f"{year}年尚未导入节假日安排", code="schedule_missing")
        CALENDAR_YEAR.check(record, CalendarYear.Status.CONFIRMED)
        if record.imported_by_id == actor.pk:
            raise PermissionDenied(
                "导入人不能确认自己导入的节假日安排，请由另一位管理员或财政部门人员核对确认",
                code="four_eyes",
            )
        if not CalendarOverride.objects.filter(date__year=year, is_workday=False).exists():
            raise InvalidInput(f"{year}年没有任何放假日，不能确认", code="schedule_empty")
        CALENDAR_YEAR.move(
            record,
            to=CalendarYear.Status.CONFIRMED,
            actor=actor,
            expected_version=expected_version,
            confirmed_by=actor,
            confirmed_at=clock.now(),
        )
    moved = deadlines.recompute(actor=actor)
    return record, moved


# --- inbox -------------------------------------------------------------------------------------


def message_send(
    *, organization_id: int, kind: str, subject: str, body: str = "", link: str = ""
) -> Message:
    """Put a message in an organization's inbox (inside the caller's transaction)."""
    return Message.objects.create(
        organization_id=organization_id,
        kind=kind[:40],
        subject=subject[:200],
        body=body,
        link=link[:300],
        created_at=clock.now(),
    )


@transaction.atomic
def messages_mark_read(*, actor: User, ids: list[int] | None = None) -> int:
    """Mark the actor's organization's messages read (all, or those `ids`)."""
    org_id = getattr(actor, "organization_id", None)
    if org_id is None:
        raise PermissionDenied("个人账号没有单位消息")
    qs = Message.objects.filter(organization_id=org_id, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=clock.now())
