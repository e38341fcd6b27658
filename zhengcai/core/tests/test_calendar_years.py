"""A year's holiday schedule: read from the State Council notice or its table, imported one
row per day, confirmed by a second person; deadlines into a year nobody has confirmed are
refused or provisional (暂定), and provisional ones are recomputed on confirmation."""

from __future__ import annotations

import base64
import datetime as dt
from pathlib import Path

import pytest
from chinese_calendar import constants as cc
from django.test import Client

from zhengcai.accounts.constants import OrgKind, Role
from zhengcai.accounts.models import User
from zhengcai.accounts.tests import factories
from zhengcai.core import deadlines, holidays, services
from zhengcai.core.errors import Conflict, InvalidInput, PermissionDenied
from zhengcai.core.models import (
    AuditEntry,
    CalendarOverride,
    CalendarYear,
    Message,
    ProvisionalDeadline,
)
from zhengcai.core.workdays import WorkCalendar

DATA = Path(__file__).parent / "data"
NOTICE_2026 = (DATA / "notice-2026.txt").read_bytes()
# A made-up 2027 schedule used only by these tests (the official one is not known here).
NOTICE_2027 = (DATA / "notice-2027-test.txt").read_bytes()


# --- reading the notice -------------------------------------------------------------------------


def test_the_2026_notice_reads_exactly_as_the_official_calendar() -> None:
    s = holidays.parse_notice(NOTICE_2026.decode())
    assert s.year == 2026 and s.notice_no == "国办发明电〔2025〕7号"
    official_holidays = sorted(d for d in cc.holidays if d.year == 2026)
    official_workdays = sorted(d for d in cc.workdays if d.year == 2026)
    assert [d.date for d in s.holidays] == official_holidays
    assert [d.date for d in s.workdays] == official_workdays
    names = {d.date: d.name for d in s.days}
    assert names[dt.date(2026, 2, 15)] == "春节"
    assert names[dt.date(2026, 2, 28)] == "春节调休上班"


def test_a_notice_item_across_months_and_combined_festivals() -> None:
    text = (
        "国务院办公厅关于2030年部分节假日安排的通知\n"
        "一、国庆节、中秋节：9月30日（周一）至10月7日（周一）放假调休，共8天。"
        "9月28日（周六）、10月12日（周六）上班。\n"
    )
    s = holidays.parse_notice(text)
    assert s.holidays[0].date == dt.date(2030, 9, 30)
    assert len(s.holidays) == 8
    assert [d.date for d in s.workdays] == [dt.date(2030, 9, 28), dt.date(2030, 10, 12)]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("关于2027年部分节假日安排的通知\n没有条目", "没有读到任何放假安排条目"),
        ("关于2027年部分节假日安排的通知\n一、春节：2月30日至31日放假。", "不存在"),
        ("关于2027年部分节假日安排的通知\n一、春节：5日至8日放假。", "缺少月份"),
        ("一、春节：2月5日至8日放假。", "未能从通知标题中识别年度"),
        (
            "关于2027年部分节假日安排的通知\n一、春节：2月5日至8日放假。2月6日上班。",
            "既是放假日又是上班日",
        ),
    ],
)
def test_a_notice_that_cannot_be_read_says_why(text: str, message: str) -> None:
    with pytest.raises(holidays.ScheduleError, match=message):
        holidays.parse_notice(text)


def test_the_table_form() -> None:
    csv = "日期,类型,名称\n2027-01-01,放假,元旦\n2027-01-02,放假,元旦\n2027-01-09,上班,元旦调休\n"
    s = holidays.parse_file("2027.csv", csv.encode(), year=2027)
    assert [(str(d.date), d.is_workday) for d in s.days] == [
        ("2027-01-01", False),
        ("2027-01-02", False),
        ("2027-01-09", True),
    ]
    with pytest.raises(holidays.ScheduleError, match="第 2 行"):
        holidays.parse_file("x.csv", "日期,类型\n2028-01-01,放假\n".encode(), year=2027)
    with pytest.raises(holidays.ScheduleError, match="应为 放假 或 上班"):
        holidays.parse_file("x.csv", "2027-01-01,休假\n".encode(), year=2027)


# --- import and confirmation --------------------------------------------------------------------


@pytest.fixture
def admins(db: None) -> tuple[User, User]:
    regions = factories.region_tree()
    reg = factories.user(
        factories.organization(OrgKind.FINANCE, regions["province"]), role=Role.REGULATOR
    )
    return factories.user(None, username="sysadmin", role=Role.ADMIN), reg


def test_import_is_one_row_per_day_and_the_year_is_official_only_once_confirmed(
    admins: tuple[User, User],
) -> None:
    admin, regulator = admins
    rec = services.calendar_year_import(actor=admin, name="notice.txt", content=NOTICE_2027)
    assert rec.year == 2027 and rec.status == "draft" and len(rec.source_digest) == 64
    assert CalendarOverride.objects.filter(date__year=2027).count() == 3 + 7 + 2
    cal = WorkCalendar.load()
    assert not cal.is_workday(dt.date(2027, 2, 8)) and cal.is_workday(dt.date(2027, 1, 31))
    assert not cal.year_is_official(2027)  # entered, not confirmed
    with pytest.raises(PermissionDenied) as e:  # four eyes
        services.calendar_year_confirm(actor=admin, year=2027)
    assert e.value.code == "four_eyes"
    services.calendar_year_confirm(actor=regulator, year=2027)
    assert WorkCalendar.load().year_is_official(2027)
    rec.refresh_from_db()
    assert rec.status == "confirmed" and rec.confirmed_by == regulator
    actions = list(
        AuditEntry.objects.filter(object_type="core.calendaryear").values_list("action", flat=True)
    )
    assert actions == ["calendar_year.imported", "calendar_year.confirmed"]
    with pytest.raises(Conflict) as e2:
        services.calendar_year_import(actor=admin, name="notice.txt", content=NOTICE_2027)
    assert e2.value.code == "schedule_confirmed"


def test_a_bad_file_is_refused_and_nothing_is_saved(admins: tuple[User, User]) -> None:
    admin, _ = admins
    before = (CalendarOverride.objects.count(), AuditEntry.objects.count())
    with pytest.raises(InvalidInput) as e:
        services.calendar_year_import(
            actor=admin,
            name="x.csv",
            content="2027-01-01,放假\n2027-13-01,放假\n".encode(),
            year=2027,
        )
    assert e.value.code == "schedule_invalid" and "第 2 行" in e.value.message
    with pytest.raises(InvalidInput) as e3:
        services.calendar_year_import(actor=admin, name="n.txt", content=NOTICE_2026)
    assert e3.value.code == "schedule_builtin"
    assert (CalendarOverride.objects.count(), AuditEntry.objects.count()) == before
    assert not CalendarYear.objects.exists()


def test_only_admins_and_regulators_enter_schedules(admins: tuple[User, User]) -> None:
    org = factories.organization(OrgKind.PURCHASER, factories.region_tree()["hz"])
    with pytest.raises(PermissionDenied):
        services.calendar_year_import(
            actor=factories.user(org, role=Role.PURCHASER), name="n.txt", content=NOTICE_2027
        )


# --- deadlines into an unconfirmed year --------------------------------------------------------


def test_a_published_deadline_into_an_unconfirmed_year_is_refused_with_the_way_out(
    db: None,
) -> None:
    cal = WorkCalendar.load()
    inside = deadlines.due(cal, dt.date(2026, 11, 23), 20, "d")
    assert not inside.provisional and deadlines.certain(inside, what="投标截止时间")
    across = deadlines.due(cal, dt.date(2026, 12, 20), 20, "d")
    assert across.provisional and across.unconfirmed_years == (2027,)
    with pytest.raises(deadlines.CalendarUnconfirmed) as e:
        deadlines.certain(across, what="投标截止时间")
    assert e.value.code == "calendar_unconfirmed" and e.value.status == 422
    assert "2027年" in e.value.message and "节假日安排" in e.value.message


def test_a_provisional_deadline_is_recomputed_audited_and_told_when_the_year_is_confirmed(
    admins: tuple[User, User],
) -> None:
    """5 working days from Monday 2026-12-28: Mon–Fri gives 2027-01-04; the (test) schedule
    makes 1 January a holiday, so it becomes 2027-01-05 — written, audited, told, settled."""
    admin, regulator = admins
    org = factories.organization(OrgKind.SUPPLIER, factories.region_tree()["hz"])
    holder = factories.user(org, role=Role.SUPPLIER)
    cal = WorkCalendar.load()
    start = dt.date(2026, 12, 28)
    result = deadlines.due(cal, start, 5, "WD")
    assert result.date == dt.date(2027, 1, 4) and result.provisional
    at = dt.time(17, 0)
    from django.db import transaction

    from zhengcai.core import clock

    seen: list[tuple[object, object]] = []
    deadlines.on_recompute(User, lambda obj, field, old, new: seen.append((old, new)))
    with transaction.atomic():
        holder.locked_until = dt.datetime.combine(result.date, at, tzinfo=clock.SHANGHAI)
        holder.save(update_fields=["locked_until"])
        pd = deadlines.track(
            obj=holder,
            field="locked_until",
            start=start,
            days=5,
            unit="WD",
            result=result,
            label="测试期限",
            citation="测试",
            parties=[org],
            at_time=at,
        )
    assert pd is not None and deadlines.provisional_fields(holder) == {"locked_until"}
    services.calendar_year_import(actor=admin, name="notice.txt", content=NOTICE_2027)
    _, moved = services.calendar_year_confirm(actor=regulator, year=2027)
    assert [(m.old, m.new) for m in moved] == [(dt.date(2027, 1, 4), dt.date(2027, 1, 5))]
    holder.refresh_from_db()
    assert holder.locked_until == dt.datetime(2027, 1, 5, 17, 0, tzinfo=clock.SHANGHAI)
    assert len(seen) == 1
    pd.refresh_from_db()
    assert pd.status == ProvisionalDeadline.Status.SETTLED and pd.value == dt.date(2027, 1, 5)
    entry = AuditEntry.objects.filter(action="deadline.recomputed").get()
    assert entry.object_id == str(holder.pk) and entry.after["certain"] is True
    msg = Message.objects.get(organization=org)
    assert "2027-01-05" in msg.subject and "2027-01-04" in msg.body
    assert deadlines.provisional_fields(holder) == set()


def test_a_certain_deadline_is_not_tracked(db: None) -> None:
    org = factories.organization(OrgKind.SUPPLIER, factories.region_tree()["hz"])
    holder = factories.user(org, role=Role.SUPPLIER)
    from django.db import transaction

    cal = WorkCalendar.load()
    with transaction.atomic():
        pd = deadlines.track(
            obj=holder,
            field="locked_until",
            start=dt.date(2026, 11, 23),
            days=5,
            unit="WD",
            result=deadlines.due(cal, dt.date(2026, 11, 23), 5, "WD"),
            label="x",
            citation="x",
        )
    assert pd is None and not ProvisionalDeadline.objects.exists()


# --- pages and API --------------------------------------------------------------------------------


def test_pages_import_and_confirm(client: Client, admins: tuple[User, User]) -> None:
    admin, regulator = admins
    client.force_login(admin)
    page = client.get("/system/calendar/").content.decode()
    assert 'data-year="2027"' in page and "未录入" in page
    from django.core.files.uploadedfile import SimpleUploadedFile

    r = client.post(
        "/system/calendar/import/",
        {"file": SimpleUploadedFile("notice.txt", NOTICE_2027), "notice_no": ""},
    )
    assert r.status_code == 302 and r["Location"].endswith("/system/calendar/2027/")
    detail = client.get("/system/calendar/2027/").content.decode()
    assert "已导入待确认" in detail and "2027-02-05" in detail
    client.force_login(regulator)
    r = client.post("/system/calendar/2027/confirm/", {"version": "1"})
    assert r.status_code == 302
    assert "已确认" in client.get("/system/calendar/2027/").content.decode()
    org = factories.organization(OrgKind.PURCHASER, factories.region_tree()["hz"])
    client.force_login(factories.user(org, role=Role.PURCHASER))
    assert client.get("/system/calendar/").status_code == 403


def test_api_years_import_confirm_and_period(client: Client, admins: tuple[User, User]) -> None:
    admin, regulator = admins
    r = client.get("/api/v1/calendar/period?start=2026-12-28&days=5")
    assert r.json()["unconfirmed_years"] == [2027] and r.json()["official"] is False
    years = {y["year"]: y["source"] for y in client.get("/api/v1/calendar/years").json()}
    assert years[2026] == "package" and years[2027] == "missing"
    client.force_login(admin)
    body = {"name": "notice.txt", "content_b64": base64.b64encode(NOTICE_2027).decode()}
    r = client.post("/api/v1/calendar/years/import", body, content_type="application/json")
    assert r.status_code == 200 and r.json()["source"] == "draft" and r.json()["holidays"] == 10
    bad = client.post(
        "/api/v1/calendar/years/import",
        {"name": "x.txt", "content_b64": "%%%"},
        content_type="application/json",
    )
    assert bad.status_code == 422 and bad.json()["code"] == "base64_invalid"
    assert client.post("/api/v1/calendar/years/2027/confirm").json()["code"] == "four_eyes"
    client.force_login(regulator)
    r = client.post("/api/v1/calendar/years/2027/confirm")
    assert r.status_code == 200 and r.json()["status"] == "confirmed"
    r = client.get("/api/v1/calendar/period?start=2026-12-28&days=5")
    assert r.json() == {
        "start": "2026-12-28",
        "days": 5,
        "unit": "workday",
        "end": "2027-01-05",
        "official": True,
        "unconfirmed_years": [],
    }
