"""87号令 27 for the 资格预审: a correction (澄清或者修改) of the 资格预审公告 that may affect the
applications must come at least 3 days before their deadline, else the deadline moves to 3 days
after it. Through the service and the API, at the boundary; the new deadline is published, so
it may not fall in a year whose holiday schedule is not confirmed (rules.md §0)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from zhengcai.accounts.tests.factories import PASSWORD
from zhengcai.core import clock
from zhengcai.core.deadlines import CalendarUnconfirmed
from zhengcai.core.errors import DomainError
from zhengcai.core.models import AuditEntry
from zhengcai.plans.tests.factories import PlansWorld
from zhengcai.tenders import constants as c
from zhengcai.tenders import prequal_services
from zhengcai.tenders.models import Notice, Prequalification
from zhengcai.tenders.tests.factories import ready_project

pytestmark = pytest.mark.django_db
SH = clock.SHANGHAI
DUE = dt.datetime(2026, 11, 30, 17, 0, tzinfo=SH)  # 5 WD after Monday 11-23 (条例 21)


def _call(w: PlansWorld, due: dt.datetime = DUE) -> Prequalification:
    p = ready_project(w, method="invited_tender")
    return prequal_services.prequal_publish(
        actor=w.users["agc_hz"], project=p, applications_until=due, requirements="具有ISO9001证书"
    )


def test_exactly_three_days_before_keeps_the_deadline_one_day_short_moves_it(
    w: PlansWorld,
) -> None:
    pq = _call(w)
    agency = w.users["agc_hz"]
    clock.freeze(dt.datetime(2026, 11, 27, 18, 0, tzinfo=SH))  # 3 days before 11-30
    n1 = prequal_services.prequal_correct(actor=agency, prequal=pq, changes="补充证明材料格式")
    pq.refresh_from_db()
    assert pq.applications_until == DUE and n1.fields["extended_by_law"] is False
    assert n1.kind == c.NoticeKind.CORRECTION and n1.corrects_id == pq.notice_id
    clock.freeze(dt.datetime(2026, 11, 28, 9, 0, tzinfo=SH))  # 2 days: one day short
    n2 = prequal_services.prequal_correct(actor=agency, prequal=pq, changes="修改申请文件格式")
    pq.refresh_from_db()
    moved = dt.datetime(2026, 12, 1, 17, 0, tzinfo=SH)  # 11-28 + 3 days, same time of day
    assert pq.applications_until == moved and n2.fields["extended_by_law"] is True
    assert "87号令 27" in n2.body and "2026年12月01日 17:00" in n2.body
    entry = AuditEntry.objects.filter(action="prequal.corrected").order_by("-id").first()
    assert entry is not None and entry.after["extended_by_law"] is True
    assert str(entry.before["applications_until"]).startswith("2026-11-30")
    assert str(entry.after["applications_until"]).startswith("2026-12-01")
    # a change that does not affect the applications leaves the deadline (87号令 27)
    clock.freeze(dt.datetime(2026, 11, 30, 9, 0, tzinfo=SH))
    prequal_services.prequal_correct(
        actor=agency, prequal=pq, changes="更正联系电话", affects_applications=False
    )
    pq.refresh_from_db()
    assert pq.applications_until == moved


def test_correction_through_the_api_at_the_boundary(w: PlansWorld) -> None:
    pq = _call(w)
    cl = Client()
    assert cl.login(username=w.users["agc_hz"].username, password=PASSWORD)
    url = f"/api/v1/bidding/prequalifications/{pq.pk}/corrections"
    clock.freeze(dt.datetime(2026, 11, 27, 9, 0, tzinfo=SH))
    r = cl.post(url, {"changes": "补充"}, content_type="application/json")
    assert r.status_code == 201, r.content
    pq.refresh_from_db()
    assert pq.applications_until == DUE
    clock.freeze(dt.datetime(2026, 11, 28, 9, 0, tzinfo=SH))
    r = cl.post(url, {"changes": "修改"}, content_type="application/json")
    assert r.status_code == 201 and r.json()["corrects_id"] is not None
    pq.refresh_from_db()
    assert pq.applications_until == dt.datetime(2026, 12, 1, 17, 0, tzinfo=SH)
    # a supplier cannot correct the call
    sup = Client()
    assert sup.login(username=w.users["spl_hz"].username, password=PASSWORD)
    r = sup.post(url, {"changes": "x"}, content_type="application/json")
    assert r.status_code in (403, 404)


def test_correction_refused_after_the_deadline_and_into_an_unconfirmed_year(
    w: PlansWorld,
) -> None:
    pq = _call(w)
    agency = w.users["agc_hz"]
    with pytest.raises(CalendarUnconfirmed) as e:
        prequal_services.prequal_correct(
            actor=agency,
            prequal=pq,
            changes="延长申请期限",
            applications_until=dt.datetime(2027, 1, 12, 17, 0, tzinfo=SH),
        )
    assert e.value.code == "calendar_unconfirmed" and e.value.detail["years"] == [2027]
    pq.refresh_from_db()
    assert pq.applications_until == DUE
    assert not Notice.objects.filter(project=pq.project, kind=c.NoticeKind.CORRECTION).exists()
    clock.freeze(dt.datetime(2026, 11, 30, 17, 0, tzinfo=SH))
    with pytest.raises(DomainError) as e2:
        prequal_services.prequal_correct(actor=agency, prequal=pq, changes="晚了")
    assert e2.value.code == c.ERR_NOT_OPEN
