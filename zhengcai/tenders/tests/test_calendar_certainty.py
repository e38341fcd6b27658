"""Issue 10 item 2 — a notice whose statutory dates run into a year whose holiday schedule is
not confirmed is not published; the message tells the administrator to enter that year's
schedule. Once 2027 is imported and confirmed, the same notice is published."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client

from zhengcai.core import clock
from zhengcai.core.deadlines import CalendarUnconfirmed
from zhengcai.core.tests.years import confirm_2027
from zhengcai.plans.tests.factories import PlansWorld
from zhengcai.tenders import services
from zhengcai.tenders.models import Notice, Project
from zhengcai.tenders.tests.factories import ready_project

pytestmark = pytest.mark.django_db
SH = clock.SHANGHAI


def test_publication_into_an_unconfirmed_year_is_refused_until_the_year_is_entered(
    w: PlansWorld,
) -> None:
    p = ready_project(w)
    clock.freeze(dt.datetime(2026, 12, 21, 9, 0, tzinfo=SH))  # Monday; 20 d → 2027-01-10
    deadline = dt.datetime(2027, 1, 12, 9, 30, tzinfo=SH)
    with pytest.raises(CalendarUnconfirmed) as e:
        services.project_publish(actor=w.users["agc_hz"], project=p, bid_deadline=deadline)
    assert e.value.code == "calendar_unconfirmed" and e.value.status == 422
    assert "2027年" in e.value.message and "系统管理员" in e.value.message
    assert "节假日安排" in e.value.message and e.value.detail["years"] == [2027]
    assert Project.objects.get(pk=p.pk).status == "documents_ready"
    assert not Notice.objects.filter(project=p).exists()
    confirm_2027(importer=w.users["admin"], confirmer=w.users["reg_hz"])
    p = services.project_publish(actor=w.users["agc_hz"], project=p, bid_deadline=deadline)
    assert p.status == "published" and p.notices.count() == 1


def test_publication_inside_a_known_year_is_not_affected(w: PlansWorld) -> None:
    p = ready_project(w)
    deadline = dt.datetime(2026, 12, 14, 9, 30, tzinfo=SH)
    p = services.project_publish(actor=w.users["agc_hz"], project=p, bid_deadline=deadline)
    assert p.status == "published"


# --- a correction that moves the deadline (87号令 27; docs/calendar.md) -------------------------


def _published(w: PlansWorld, deadline: dt.datetime) -> Project:
    p = ready_project(w)
    return services.project_publish(actor=w.users["agc_hz"], project=p, bid_deadline=deadline)


def test_correction_moving_the_deadline_into_an_unconfirmed_year_is_refused(
    w: PlansWorld,
) -> None:
    old = dt.datetime(2026, 12, 14, 9, 30, tzinfo=SH)
    p = _published(w, old)
    later = dt.datetime(2027, 1, 12, 9, 30, tzinfo=SH)
    with pytest.raises(CalendarUnconfirmed) as e:
        services.project_correct(
            actor=w.users["agc_hz"], project=p, changes="延长截止时间", new_deadline=later
        )
    assert e.value.code == "calendar_unconfirmed" and e.value.detail["years"] == [2027]
    assert "更正后的投标（响应）截止时间" in e.value.message and "系统管理员" in e.value.message
    p.refresh_from_db()
    assert p.bid_deadline == old
    assert not Notice.objects.filter(project=p, kind="correction").exists()
    # the same through the API: 422 with the code, nothing written
    r = Client().post(
        f"/api/v1/tenders/projects/{p.pk}/corrections",
        data=json.dumps({"changes": "延长截止时间", "new_deadline": later.isoformat()}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {w.tokens['agc_hz']}",
    )
    assert r.status_code == 422 and r.json()["code"] == "calendar_unconfirmed"
    assert not Notice.objects.filter(project=p, kind="correction").exists()
    # a date inside the known year is still corrected, and after 2027 is confirmed so is 2027
    inside = dt.datetime(2026, 12, 18, 9, 30, tzinfo=SH)
    agency = w.users["agc_hz"]
    services.project_correct(actor=agency, project=p, changes="顺延", new_deadline=inside)
    confirm_2027(importer=w.users["admin"], confirmer=w.users["reg_hz"])
    p.refresh_from_db()
    services.project_correct(actor=agency, project=p, changes="再顺延", new_deadline=later)
    p.refresh_from_db()
    assert p.bid_deadline == later


def test_extension_by_law_into_an_unconfirmed_year_is_refused(w: PlansWorld) -> None:
    deadline = dt.datetime(2026, 12, 31, 9, 30, tzinfo=SH)
    p = _published(w, deadline)
    clock.freeze(dt.datetime(2026, 12, 21, 9, 0, tzinfo=SH))  # after the cut-off: + 15 d → 2027
    q = services.clarification_ask(actor=w.users["spl_hz"], project=p, question="交货期？")
    with pytest.raises(CalendarUnconfirmed):
        services.clarification_answer(
            actor=w.users["agc_hz"], clarification=q, answer="改为45日", changes_documents=True
        )
    p.refresh_from_db()
    assert p.bid_deadline == deadline
    q.refresh_from_db()
    assert q.answered_at is None and q.notice_id is None
