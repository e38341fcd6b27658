"""Writes of the core app: calendar overrides."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction

from zhengcai.core.audit import audit_record
from zhengcai.core.errors import InvalidInput, NotFound
from zhengcai.core.models import CalendarOverride

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
