"""Reads of the core app: calendar years, provisional deadlines, inbox messages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from zhengcai.core.models import CalendarOverride, CalendarYear, Message, ProvisionalDeadline
from zhengcai.core.workdays import PACKAGE_FIRST_YEAR, PACKAGE_LAST_YEAR, WorkCalendar


@dataclass(frozen=True)
class YearRow:
    year: int
    source: str  # package | confirmed | draft | missing
    record: CalendarYear | None
    holidays: int
    workdays: int
    open_deadlines: int


def calendar_years(*, around: int) -> list[YearRow]:
    """The years the pages show: the package's last year, `around` and the two after it,
    plus every year with an entered schedule."""
    records = {
        r.year: r for r in CalendarYear.objects.select_related("imported_by", "confirmed_by")
    }
    counts: dict[int, dict[str, int]] = {}
    for row in (
        CalendarOverride.objects.values("date__year")
        .annotate(
            h=Count("pk", filter=Q(is_workday=False)), w=Count("pk", filter=Q(is_workday=True))
        )
        .order_by("date__year")
    ):
        counts[row["date__year"]] = {"h": row["h"], "w": row["w"]}
    open_by_year: dict[int, int] = {}
    for years in ProvisionalDeadline.objects.filter(
        status=ProvisionalDeadline.Status.OPEN
    ).values_list("years", flat=True):
        for y in years or []:
            open_by_year[y] = open_by_year.get(y, 0) + 1
    wanted = sorted({PACKAGE_LAST_YEAR, around, around + 1, around + 2, *records})
    out = []
    for y in wanted:
        rec = records.get(y)
        if PACKAGE_FIRST_YEAR <= y <= PACKAGE_LAST_YEAR:
            source = "package"
        elif rec is None:
            source = "missing"
        else:
            source = rec.status
        c = counts.get(y, {"h": 0, "w": 0})
        out.append(YearRow(y, source, rec, c["h"], c["w"], open_by_year.get(y, 0)))
    return out


def calendar_year_get(year: int) -> CalendarYear | None:
    return (
        CalendarYear.objects.select_related("imported_by", "confirmed_by").filter(year=year).first()
    )


def year_days(year: int) -> QuerySet[CalendarOverride]:
    return CalendarOverride.objects.filter(date__year=year).order_by("date")


def provisional_open(limit: int = 200) -> QuerySet[ProvisionalDeadline]:
    return ProvisionalDeadline.objects.filter(status=ProvisionalDeadline.Status.OPEN).order_by(
        "value", "pk"
    )[:limit]


def inbox(organization_id: int | None, *, limit: int = 100) -> QuerySet[Message]:
    if organization_id is None:
        return Message.objects.none()
    return Message.objects.filter(organization_id=organization_id).order_by("-created_at", "-pk")[
        :limit
    ]


def unread_count(organization_id: int | None) -> int:
    if organization_id is None:
        return 0
    return Message.objects.filter(organization_id=organization_id, read_at__isnull=True).count()


def calendar_status(cal: WorkCalendar, years: list[int]) -> dict[int, Any]:
    return {y: cal.year_source(y) for y in years}
