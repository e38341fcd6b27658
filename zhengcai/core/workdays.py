"""Chinese working-day calendar (工作日) for statutory periods.

Rules (rules.md §0 "Day counting"):
- 工作日 follow the State Council holiday schedule including make-up working weekends (调休).
- The start day is not counted.
- If a period counted in calendar days (日) ends on a non-working day, it runs to the next
  working day (87号令 附则 ⚠; 94号令 附则).

Sources, in order: the per-day override table (`CalendarOverride`), then the
`chinese_calendar` package for the years it covers (2004–2026), then plain Monday–Friday,
reported as `source="weekday-fallback"`.

A year is *official* when the package covers it or when an administrator has confirmed the
whole State Council schedule of that year (`CalendarYear`, status confirmed). Entering single
days never makes a year official. A period that reaches into a year that is not official is
not certain: `core.deadlines` refuses to publish it or marks it 暂定 and recomputes it when the
year is confirmed (docs/calendar.md).

`WorkCalendar` is pure once loaded: `WorkCalendar.load()` reads overrides and confirmed years
in two queries.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import chinese_calendar
from chinese_calendar import constants as cc_constants

PACKAGE_FIRST_YEAR = min(cc_constants.holidays).year
PACKAGE_LAST_YEAR = max(cc_constants.holidays).year

HOLIDAY_NAMES_ZH = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}

# Guard against unbounded loops on absurd inputs (a statutory period is never this long).
MAX_SPAN_DAYS = 3660


@dataclass(frozen=True)
class DayInfo:
    date: dt.date
    is_workday: bool
    name: str  # 节日名 or 调休 or ""
    source: str  # "override" | "package" | "weekday-fallback"


@dataclass
class WorkCalendar:
    """A loaded calendar: overrides map a date to (is_workday, name)."""

    overrides: dict[dt.date, tuple[bool, str]] = field(default_factory=dict)
    confirmed_years: frozenset[int] = frozenset()

    @classmethod
    def load(cls) -> WorkCalendar:
        from zhengcai.core.models import CalendarOverride, CalendarYear

        rows = CalendarOverride.objects.values_list("date", "is_workday", "name")
        years = CalendarYear.objects.filter(status=CalendarYear.Status.CONFIRMED).values_list(
            "year", flat=True
        )
        return cls({d: (w, n) for d, w, n in rows}, frozenset(years))

    # --- one day -------------------------------------------------------------------
    def info(self, day: dt.date) -> DayInfo:
        if day in self.overrides:
            workday, name = self.overrides[day]
            return DayInfo(day, workday, name, "override")
        if PACKAGE_FIRST_YEAR <= day.year <= PACKAGE_LAST_YEAR:
            on_holiday, holiday_name = chinese_calendar.get_holiday_detail(day)
            name = HOLIDAY_NAMES_ZH.get(holiday_name or "", holiday_name or "")
            if not on_holiday and day.weekday() >= 5:
                name = f"{name}调休上班" if name else "调休上班"
            elif on_holiday and not name and day.weekday() >= 5:
                name = "周末"
            return DayInfo(day, not on_holiday, name, "package")
        weekend = day.weekday() >= 5
        return DayInfo(day, not weekend, "周末" if weekend else "", "weekday-fallback")

    def is_workday(self, day: dt.date) -> bool:
        return self.info(day).is_workday

    def year_is_official(self, year: int) -> bool:
        """True if the year's whole schedule is known: from the package, or confirmed by an
        administrator (`CalendarYear`). One entered day does not make a year official."""
        if PACKAGE_FIRST_YEAR <= year <= PACKAGE_LAST_YEAR:
            return True
        return year in self.confirmed_years

    def unconfirmed_years(self, start: dt.date, end: dt.date) -> tuple[int, ...]:
        """The years between `start` and `end` (either order) whose schedule is not official."""
        lo, hi = sorted((start.year, end.year))
        return tuple(y for y in range(lo, hi + 1) if not self.year_is_official(y))

    def year_source(self, year: int) -> str:
        """ "package" | "confirmed" | "unconfirmed" — for the pages that show the calendar."""
        if PACKAGE_FIRST_YEAR <= year <= PACKAGE_LAST_YEAR:
            return "package"
        return "confirmed" if year in self.confirmed_years else "unconfirmed"

    # --- periods ---------------------------------------------------------------------
    def add_working_days(self, start: dt.date, days: int) -> dt.date:
        """The `days`-th working day after `start` (start not counted); negative counts back.

        add_working_days(d, 0) is d itself.
        """
        if abs(days) > MAX_SPAN_DAYS:
            raise ValueError("工作日数超出允许范围")
        step = 1 if days >= 0 else -1
        remaining = abs(days)
        current = start
        while remaining:
            current += dt.timedelta(days=step)
            if self.is_workday(current):
                remaining -= 1
        return current

    def add_calendar_days(self, start: dt.date, days: int, *, roll_forward: bool = True) -> dt.date:
        """`start` + `days` calendar days (日); an end on a non-working day rolls to the next
        working day when `roll_forward` (rules.md §0)."""
        if abs(days) > MAX_SPAN_DAYS:
            raise ValueError("日历日数超出允许范围")
        end = start + dt.timedelta(days=days)
        if roll_forward:
            end = self.next_workday(end, include_self=True)
        return end

    def next_workday(self, day: dt.date, *, include_self: bool = False) -> dt.date:
        current = day if include_self else day + dt.timedelta(days=1)
        for _ in range(MAX_SPAN_DAYS):
            if self.is_workday(current):
                return current
            current += dt.timedelta(days=1)
        raise ValueError("找不到工作日")

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days in (start, end]: how many working days have run from start to end."""
        if end < start:
            return -self.working_days_between(end, start)
        if (end - start).days > MAX_SPAN_DAYS:
            raise ValueError("日期跨度超出允许范围")
        count = 0
        current = start
        while current < end:
            current += dt.timedelta(days=1)
            if self.is_workday(current):
                count += 1
        return count

    def month(self, year: int, month: int) -> list[DayInfo]:
        first = dt.date(year, month, 1)
        days = []
        current = first
        while current.month == month:
            days.append(self.info(current))
            current += dt.timedelta(days=1)
        return days
