"""The holiday schedule is admin-editable, and each edit in the admin is audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from zhengcai.accounts.constants import Role
from zhengcai.accounts.tests import factories
from zhengcai.core.models import AuditEntry, CalendarOverride
from zhengcai.core.workdays import WorkCalendar

pytestmark = pytest.mark.django_db


def test_admin_enters_one_2027_day_it_is_audited_and_the_year_stays_unofficial(
    client: Client,
) -> None:
    """One day entered is that day only: a year becomes official when its whole schedule is
    imported and confirmed (core.services.calendar_year_confirm), never by a single row."""
    admin = factories.user(None, username="sysadmin", role=Role.ADMIN)
    client.force_login(admin)
    before = AuditEntry.objects.count()
    r = client.post(
        "/admin/core/calendaroverride/add/",
        {"date": "2027-01-01", "is_workday": "", "name": "元旦", "note": "国办发明电〔2026〕"},
    )
    assert r.status_code == 302, r.content[:500]
    assert CalendarOverride.objects.get(date="2027-01-01").is_workday is False
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry is not None and entry.action == "calendar.override_set"
    assert entry.actor_id == admin.pk and AuditEntry.objects.count() == before + 1
    cal = WorkCalendar.load()
    assert not cal.is_workday(dt.date(2027, 1, 1))
    assert not cal.year_is_official(2027)


def test_audit_log_is_read_only_in_admin(client: Client) -> None:
    client.force_login(factories.user(None, username="sysadmin2", role=Role.ADMIN))
    assert client.get("/admin/core/auditentry/add/").status_code == 403
    assert client.get("/admin/core/auditentry/").status_code == 200


def test_non_admin_cannot_enter_admin(client: Client) -> None:
    regions = factories.region_tree()
    org = factories.organization("finance", regions["province"])
    client.force_login(factories.user(org, username="reg1"))
    r = client.get("/admin/core/calendaroverride/")
    assert r.status_code == 302 and "/admin/login/" in r["Location"]
