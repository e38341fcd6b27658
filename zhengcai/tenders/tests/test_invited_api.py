"""The 邀请招标 API end to end (法 34; 87号令 14; 条例 21): publish the call, apply, review,
close, draw, verify, invite; a non-invited supplier's registration is refused with its code."""

from __future__ import annotations

import datetime as dt

from django.test import Client

from zhengcai.accounts.constants import OrgKind
from zhengcai.accounts.tests.factories import PASSWORD, organization, user
from zhengcai.bidding import constants as bc
from zhengcai.core import clock
from zhengcai.plans.tests.factories import PlansWorld
from zhengcai.tenders import constants as c
from zhengcai.tenders.models import Prequalification
from zhengcai.tenders.tests.factories import ready_project

SH = clock.SHANGHAI


def login(u: object) -> Client:
    cl = Client()
    assert cl.login(username=u.username, password=PASSWORD)  # type: ignore[attr-defined]
    return cl


def test_invited_tender_through_the_api(w: PlansWorld) -> None:
    p = ready_project(w, method="invited_tender")
    agency = login(w.users["agc_hz"])
    base = "/api/v1/bidding"
    r = agency.post(
        f"{base}/projects/{p.pk}/prequalification",
        {
            "applications_until": dt.datetime(2026, 11, 27, 17, tzinfo=SH).isoformat(),
            "requirements": "具有ISO9001证书",
        },
        content_type="application/json",
    )
    assert r.status_code == 422 and r.json()["code"] == c.ERR_PREQUAL_WINDOW  # 4 WD only
    r = agency.post(
        f"{base}/projects/{p.pk}/prequalification",
        {
            "applications_until": dt.datetime(2026, 11, 30, 17, tzinfo=SH).isoformat(),
            "requirements": "具有ISO9001证书",
        },
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    pq = r.json()["id"]
    sups = []
    for i in range(4):
        org = organization(OrgKind.SUPPLIER, w.regions["hz"], f"接口预审供应商{i}有限公司")
        sups.append(user(org, username=f"api_pq_{i}"))
    for u in sups:
        r = login(u).post(
            f"{base}/prequalifications/{pq}/applications",
            {"materials": "营业执照"},
            content_type="application/json",
        )
        assert r.status_code == 201, r.content
    clock.freeze(dt.datetime(2026, 11, 30, 17, 5, tzinfo=SH))
    apps = agency.get(f"{base}/prequalifications/{pq}/applications").json()
    for a in apps:
        r = agency.post(
            f"{base}/prequal-applications/{a['id']}/review",
            {"qualified": True},
            content_type="application/json",
        )
        assert r.status_code == 200 and r.json()["status"] == "qualified"
    assert agency.post(f"{base}/prequalifications/{pq}/close").json()["status"] == "reviewed"
    r = agency.post(
        f"{base}/prequalifications/{pq}/draw",
        {"witnesses": ["监督员甲", "监督员乙"]},
        content_type="application/json",
    )
    assert r.status_code == 201 and len(r.json()["picked_ids"]) == 3
    picked = set(r.json()["picked_ids"])
    assert agency.get(f"{base}/prequalifications/{pq}/draw/verify").json()["ok"] is True
    r = agency.post(
        f"{base}/prequalifications/{pq}/invitations",
        {
            "bid_deadline": dt.datetime(2026, 12, 21, 9, 30, tzinfo=SH).isoformat(),
            "opening_place": "开标室",
        },
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["status"] == "published", r.content
    outsider = next(u for u in sups if u.organization_id not in picked)
    lot = p.lots.get(number=1)
    r = login(outsider).post(f"{base}/lots/{lot.pk}/participations")
    assert r.status_code == 403 and r.json()["code"] == bc.ERR_NOT_INVITED_TO_TENDER


def test_invited_tender_pages(w: PlansWorld) -> None:
    p = ready_project(w, method="invited_tender")
    agency = login(w.users["agc_hz"])
    detail = agency.get(f"/tenders/projects/{p.pk}/").content.decode()
    assert "进入资格预审" in detail and 'data-testid="publish"' not in detail
    r = agency.get(f"/bidding/projects/{p.pk}/prequal/")
    assert r.status_code == 200 and "发布资格预审公告" in r.content.decode()
    r = agency.post(
        f"/bidding/projects/{p.pk}/prequal/publish/",
        {
            "applications_until": "2026-11-30T17:00",
            "requirements": "具有ISO9001证书",
            "invite_count": "3",
        },
    )
    assert r.status_code == 302
    pq = Prequalification.objects.get(project=p)
    org = organization(OrgKind.SUPPLIER, w.regions["hz"], "页面预审供应商有限公司")
    sup = login(user(org, username="page_pq_1"))
    assert "接受申请的资格预审" in sup.get("/bidding/prequal/").content.decode()
    r = sup.post(f"/bidding/prequal/{pq.pk}/apply/", {"materials": "营业执照"})
    assert r.status_code == 302
    page = sup.get(f"/bidding/prequal/{pq.pk}/").content.decode()
    assert "已提交（待审查）" in page
    desk = agency.get(f"/bidding/projects/{p.pk}/prequal/").content.decode()
    assert "页面预审供应商有限公司" in desk and "接受资格预审申请" in desk
