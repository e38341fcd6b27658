"""The working-day calendar (工作日) with the real State Council schedule from chinese_calendar.

2026 National Day (国务院办公厅 2026 年放假安排): 10月1日至7日放假调休，共7天；
10月10日（星期六）上班. Mid-Autumn Festival falls on 9月26–27日 (a weekend) that year.
"""

from __future__ import annotations

import datetime as dt

import chinese_calendar
import pytest
from django.test import Client
from hypothesis import given, settings
from hypothesis import strategies as st

from zhengcai.core import services
from zhengcai.core.errors import InvalidInput, NotFound
from zhengcai.core.models import AuditEntry, CalendarOverride
from zhengcai.core.workdays import (
    MAX_SPAN_DAYS,
    PACKAGE_FIRST_YEAR,
    PACKAGE_LAST_YEAR,
    WorkCalendar,
)

D = dt.date
NATIONAL_DAY_2026 = [D(2026, 10, d) for d in range(1, 8)]
MAKEUP_2026_10_10 = D(2026, 10, 10)

CAL = WorkCalendar()  # no overrides: package data and the weekday fallback only


def test_package_agrees_with_the_published_schedule() -> None:
    for day in NATIONAL_DAY_2026:
        assert chinese_calendar.get_holiday_detail(day) == (True, "National Day")
    assert chinese_calendar.is_workday(MAKEUP_2026_10_10)
    assert MAKEUP_2026_10_10.weekday() == 5  # a Saturday
    assert chinese_calendar.is_workday(D(2026, 10, 8))
    assert PACKAGE_FIRST_YEAR <= 2005 and PACKAGE_LAST_YEAR == 2026


def test_national_day_holidays() -> None:
    for day in NATIONAL_DAY_2026:
        info = CAL.info(day)
        assert not info.is_workday, day
        assert info.name == "国庆节"
        assert info.source == "package"
    assert CAL.is_workday(D(2026, 9, 30))
    assert CAL.is_workday(D(2026, 10, 8))


def test_makeup_saturday_is_a_workday() -> None:
    info = CAL.info(MAKEUP_2026_10_10)
    assert info.is_workday
    assert info.name == "国庆节调休上班"
    assert info.source == "package"
    assert not CAL.is_workday(D(2026, 10, 11))  # the Sunday after is an ordinary rest day


def test_ordinary_days_and_weekend_holiday() -> None:
    monday = CAL.info(D(2026, 11, 23))
    assert (monday.is_workday, monday.name, monday.source) == (True, "", "package")
    saturday = CAL.info(D(2026, 11, 21))
    assert (saturday.is_workday, saturday.name) == (False, "周末")
    mid_autumn = CAL.info(D(2026, 9, 26))  # Mid-Autumn on a Saturday keeps its name
    assert (mid_autumn.is_workday, mid_autumn.name) == (False, "中秋节")


def test_add_working_days_across_national_day() -> None:
    start = D(2026, 9, 30)  # Wednesday, last working day before the holiday
    assert CAL.add_working_days(start, 1) == D(2026, 10, 8)
    assert CAL.add_working_days(start, 2) == D(2026, 10, 9)
    assert CAL.add_working_days(start, 3) == MAKEUP_2026_10_10  # the make-up Saturday counts
    assert CAL.add_working_days(start, 4) == D(2026, 10, 12)  # Sunday 10-11 does not
    # Starting on a holiday: the start day is not counted either way.
    assert CAL.add_working_days(D(2026, 10, 3), 1) == D(2026, 10, 8)
    # 5 working days from Friday 9-25 (Mid-Autumn weekend, then National Day): 28,29,30,8,9
    assert CAL.add_working_days(D(2026, 9, 25), 5) == D(2026, 10, 9)


def test_add_zero_working_days_is_the_start() -> None:
    for day in (D(2026, 9, 30), D(2026, 10, 3), MAKEUP_2026_10_10, D(2027, 1, 2)):
        assert CAL.add_working_days(day, 0) == day


def test_add_negative_working_days() -> None:
    assert CAL.add_working_days(D(2026, 10, 8), -1) == D(2026, 9, 30)
    assert CAL.add_working_days(D(2026, 10, 12), -1) == MAKEUP_2026_10_10
    assert CAL.add_working_days(D(2026, 10, 12), -4) == D(2026, 9, 30)
    assert CAL.add_working_days(D(2026, 10, 5), -1) == D(2026, 9, 30)


def test_span_limits() -> None:
    with pytest.raises(ValueError, match="工作日数超出"):
        CAL.add_working_days(D(2026, 1, 1), MAX_SPAN_DAYS + 1)
    with pytest.raises(ValueError, match="日历日数超出"):
        CAL.add_calendar_days(D(2026, 1, 1), -(MAX_SPAN_DAYS + 1))
    with pytest.raises(ValueError, match="跨度超出"):
        CAL.working_days_between(D(2000, 1, 1), D(2026, 1, 1))


def test_add_calendar_days_rolls_forward() -> None:
    # 9-25 + 7 日 = 10-02, a holiday: the period runs to the next working day.
    assert CAL.add_calendar_days(D(2026, 9, 25), 7) == D(2026, 10, 8)
    assert CAL.add_calendar_days(D(2026, 9, 25), 7, roll_forward=False) == D(2026, 10, 2)
    # Ends on an ordinary Sunday → Monday.
    assert CAL.add_calendar_days(D(2026, 10, 9), 2) == D(2026, 10, 12)
    # Ends on the make-up Saturday: a working day, no roll.
    assert CAL.add_calendar_days(D(2026, 10, 5), 5) == MAKEUP_2026_10_10
    # Ends on a working day.
    assert CAL.add_calendar_days(D(2026, 11, 23), 3) == D(2026, 11, 26)
    assert CAL.add_calendar_days(D(2026, 11, 23), 0) == D(2026, 11, 23)


def test_next_workday() -> None:
    assert CAL.next_workday(D(2026, 9, 30)) == D(2026, 10, 8)
    assert CAL.next_workday(D(2026, 9, 30), include_self=True) == D(2026, 9, 30)
    assert CAL.next_workday(D(2026, 10, 9)) == MAKEUP_2026_10_10


def test_working_days_between() -> None:
    assert CAL.working_days_between(D(2026, 9, 30), D(2026, 10, 8)) == 1
    assert CAL.working_days_between(D(2026, 9, 30), D(2026, 10, 12)) == 4
    assert CAL.working_days_between(D(2026, 10, 12), D(2026, 9, 30)) == -4
    assert CAL.working_days_between(D(2026, 10, 1), D(2026, 10, 7)) == 0
    assert CAL.working_days_between(D(2026, 10, 8), D(2026, 10, 8)) == 0
    # October 2026: 22 weekdays − 5 holiday weekdays (1,2,5,6,7) + Saturday 10-10 = 18.
    assert CAL.working_days_between(D(2026, 9, 30), D(2026, 10, 31)) == 18
    assert sum(d.is_workday for d in CAL.month(2026, 10)) == 18


def test_month() -> None:
    days = CAL.month(2026, 10)
    assert len(days) == 31
    assert [d.date.day for d in days] == list(range(1, 32))
    assert days[9].name == "国庆节调休上班"


# --- overrides -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_override_takes_precedence_and_is_audited() -> None:
    obj = services.calendar_override_set(
        actor=None, date=D(2026, 10, 8), is_workday=False, name=" 临时调整 ", note="测试"
    )
    assert obj.name == "临时调整"
    cal = WorkCalendar.load()
    info = cal.info(D(2026, 10, 8))
    assert (info.is_workday, info.name, info.source) == (False, "临时调整", "override")
    assert cal.add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 9)
    assert cal.working_days_between(D(2026, 9, 30), D(2026, 10, 12)) == 3

    entry = AuditEntry.objects.get(action="calendar.override_set")
    assert entry.before is None
    assert entry.after == {"date": "2026-10-08", "is_workday": False, "name": "临时调整"}
    assert entry.object_type == "core.calendaroverride"

    # Changing it records the previous value; one row per date.
    services.calendar_override_set(actor=None, date=D(2026, 10, 8), is_workday=True, name="改回")
    assert CalendarOverride.objects.count() == 1
    latest = AuditEntry.objects.filter(action="calendar.override_set").order_by("-seq").first()
    assert latest is not None
    assert latest.before == {"is_workday": False, "name": "临时调整"}
    assert WorkCalendar.load().add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 8)

    # An override can also turn a package holiday into a workday.
    services.calendar_override_set(actor=None, date=D(2026, 10, 7), is_workday=True)
    assert WorkCalendar.load().add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 7)


@pytest.mark.django_db
def test_override_delete_and_validation() -> None:
    services.calendar_override_set(actor=None, date=D(2026, 10, 8), is_workday=False)
    services.calendar_override_delete(actor=None, date=D(2026, 10, 8))
    assert WorkCalendar.load().info(D(2026, 10, 8)).source == "package"
    assert AuditEntry.objects.filter(action="calendar.override_deleted").count() == 1
    with pytest.raises(NotFound):
        services.calendar_override_delete(actor=None, date=D(2026, 10, 8))
    with pytest.raises(InvalidInput) as exc_info:
        services.calendar_override_set(actor=None, date=D(1999, 1, 1), is_workday=True)
    assert exc_info.value.code == "date_out_of_range"
    with pytest.raises(InvalidInput) as exc_info:
        services.calendar_override_set(
            actor=None, date=D(2027, 1, 1), is_workday=False, name="长" * 61
        )
    assert exc_info.value.code == "text_too_long"
    assert CalendarOverride.objects.count() == 0


@pytest.mark.django_db
def test_2027_falls_back_to_weekdays_until_entered() -> None:
    cal = WorkCalendar.load()
    new_year = cal.info(D(2027, 1, 1))  # a Friday: the fallback cannot know it is 元旦
    assert (new_year.is_workday, new_year.source) == (True, "weekday-fallback")
    saturday = cal.info(D(2027, 1, 2))
    assert (saturday.is_workday, saturday.name, saturday.source) == (
        False,
        "周末",
        "weekday-fallback",
    )
    assert not cal.year_is_official(2027)
    assert cal.year_is_official(2026)
    # 12-31 (Thursday) + 1 working day = 2027-01-01 under the fallback.
    assert cal.add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 1)

    services.calendar_override_set(
        actor=None, date=D(2027, 1, 1), is_workday=False, name="元旦", note="国办发明电〔2026〕号"
    )
    cal = WorkCalendar.load()
    assert not cal.year_is_official(2027)  # one day entered is not the year's schedule
    assert cal.unconfirmed_years(D(2026, 12, 31), D(2027, 1, 4)) == (2027,)
    assert cal.info(D(2027, 1, 1)).source == "override"
    assert cal.add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 4)


# --- properties (no database: the package calendar only) -------------------------------------

dates = st.dates(min_value=D(2005, 1, 1), max_value=D(2026, 12, 31))


@settings(max_examples=150, deadline=None)
@given(start=dates, n=st.integers(min_value=1, max_value=60))
def test_add_working_days_property(start: dt.date, n: int) -> None:
    end = CAL.add_working_days(start, n)
    assert end > start
    assert CAL.is_workday(end)
    assert CAL.working_days_between(start, end) == n
    assert CAL.working_days_between(end, start) == -n
    # One working day earlier is strictly fewer working days away.
    assert CAL.working_days_between(start, end - dt.timedelta(days=1)) == n - 1
    if CAL.is_workday(start):
        assert CAL.add_working_days(end, -n) == start


@settings(max_examples=200, deadline=None)
@given(start=dates, n=st.integers(min_value=0, max_value=60))
def test_add_calendar_days_property(start: dt.date, n: int) -> None:
    end = CAL.add_calendar_days(start, n)
    plain = start + dt.timedelta(days=n)
    assert end >= plain
    assert CAL.is_workday(end)
    assert all(not CAL.is_workday(plain + dt.timedelta(days=k)) for k in range((end - plain).days))


# --- API -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_api_period_across_national_day(client: Client) -> None:
    r = client.get("/api/v1/calendar/period", {"start": "2026-09-30", "days": 1})
    assert r.status_code == 200, r.content
    assert r.json() == {
        "start": "2026-09-30",
        "days": 1,
        "unit": "workday",
        "end": "2026-10-08",
        "official": True,
        "unconfirmed_years": [],
    }
    r = client.get(
        "/api/v1/calendar/period", {"start": "2026-09-25", "days": 7, "unit": "calendar"}
    )
    assert r.json()["end"] == "2026-10-08"
    r = client.get("/api/v1/calendar/period", {"start": "2026-12-25", "days": 10})
    assert r.json()["end"] == "2027-01-08"
    assert r.json()["official"] is False  # ends in a year nobody has entered yet
    assert r.json()["unconfirmed_years"] == [2027]


@pytest.mark.django_db
def test_api_period_errors(client: Client) -> None:
    r = client.get("/api/v1/calendar/period", {"start": "2026-09-30", "days": 100000})
    assert r.status_code == 422
    assert r.json()["code"] == "period_out_of_range"
    r = client.get("/api/v1/calendar/period", {"start": "2026-09-30", "days": 1, "unit": "月"})
    assert r.status_code == 422
    assert r.json()["code"] == "validation_error"
    r = client.get("/api/v1/calendar/period", {"start": "not-a-date", "days": 1})
    assert r.status_code == 422
    assert set(r.json()) == {"code", "message", "detail"}


@pytest.mark.django_db
def test_api_day(client: Client) -> None:
    r = client.get("/api/v1/calendar/day", {"date": "2026-10-10"})
    assert r.status_code == 200
    assert r.json() == {
        "date": "2026-10-10",
        "is_workday": True,
        "name": "国庆节调休上班",
        "source": "package",
    }
    r = client.get("/api/v1/calendar/day", {"date": "2026-10-01"})
    assert r.json()["is_workday"] is False and r.json()["name"] == "国庆节"
    r = client.get("/api/v1/calendar/day", {"date": "2027-01-01"})
    assert r.json()["source"] == "weekday-fallback"
    services.calendar_override_set(actor=None, date=D(2027, 1, 1), is_workday=False, name="元旦")
    r = client.get("/api/v1/calendar/day", {"date": "2027-01-01"})
    assert r.json() == {
        "date": "2027-01-01",
        "is_workday": False,
        "name": "元旦",
        "source": "override",
    }
    r = client.get("/api/v1/calendar/day")
    assert r.status_code == 422 and r.json()["code"] == "validation_error"
