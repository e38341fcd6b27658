"""The tenders API and pages: the flow through HTTP, error shapes, ETag / If-Match, and the
access matrix (agency own projects, purchaser own, regulator region, supplier public only)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from zhengcai.plans.tests.factories import PlansWorld
from zhengcai.tenders import services
from zhengcai.tenders.models import DocumentDownload
from zhengcai.tenders.tests.factories import CLEAN_FACTORS, accepted_commission, ready_project

pytestmark = pytest.mark.django_db
API = "/api/v1/tenders"


def call(w: PlansWorld, who: str | None, method: str, path: str, body: Any = None, **headers: str):
    c = Client()
    extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()}
    if who:
        extra["HTTP_AUTHORIZATION"] = f"Bearer {w.tokens[who]}"
    fn = getattr(c, method.lower())
    if body is not None:
        return fn(
            API + path, data=json.dumps(body, default=str), content_type="application/json", **extra
        )
    return fn(API + path, **extra)


def error_shape(r: Any) -> dict[str, Any]:
    data = r.json()
    assert set(data) == {"code", "message", "detail"}
    return dict(data)


def test_api_flow(w: PlansWorld) -> None:
    com = accepted_commission(w)
    com.plan.method = "open_tender"
    com.plan.save(update_fields=["method"])
    r = call(w, "agc_hz", "POST", "/projects", {"commission_id": com.pk})
    assert r.status_code == 201, r.content
    pid, etag = r.json()["id"], r["ETag"]
    # If-Match is required on edits; a stale one is refused
    r = call(w, "agc_hz", "PATCH", f"/projects/{pid}", {"sme_reservation": "whole"})
    assert r.status_code == 428 and error_shape(r)["code"] == "precondition_required"
    r = call(w, "agc_hz", "PATCH", f"/projects/{pid}", {"sme_reservation": "whole"}, if_match=etag)
    assert r.status_code == 200
    r = call(w, "agc_hz", "PATCH", f"/projects/{pid}", {"name": "x"}, if_match=etag)
    assert r.status_code == 412 and error_shape(r)["code"] == "precondition_failed"
    r = call(w, "agc_hz", "PATCH", f"/projects/{pid}", {"bogus": 1}, if_match=etag)
    assert r.status_code == 422
    tpl = {
        "name": "范本",
        "requirements": "笔记本电脑品牌为联想",
        "qualifications": "具有ISO9001质量管理体系认证证书",
        "factors": CLEAN_FACTORS,
        "bid_bond_percent": "1",
    }
    r = call(w, "agc_hz", "POST", "/templates", tpl)
    assert r.status_code == 201, r.content
    r = call(w, "agc_hz", "POST", f"/projects/{pid}/document", {"template_id": r.json()["id"]})
    assert r.status_code == 201
    r = call(w, "agc_hz", "POST", f"/projects/{pid}/compliance-check")
    assert [f["rule"] for f in r.json()] == ["brand"] and r.json()[0]["article"] == "条例 20(6)"
    r = call(w, "agc_hz", "POST", f"/projects/{pid}/finalize")
    assert r.status_code == 422 and error_shape(r)["code"] == "compliance_findings_open"
    doc_etag = call(w, "agc_hz", "GET", f"/projects/{pid}/document")["ETag"]
    r = call(
        w,
        "agc_hz",
        "PATCH",
        f"/projects/{pid}/document",
        {"requirements": "笔记本电脑100台"},
        if_match=doc_etag,
    )
    assert r.status_code == 200
    assert call(w, "agc_hz", "POST", f"/projects/{pid}/compliance-check").json() == []
    r = call(w, "agc_hz", "POST", f"/projects/{pid}/finalize")
    assert r.status_code == 200 and r.json()["pdf_sha256"]
    r = call(
        w,
        "agc_hz",
        "POST",
        f"/projects/{pid}/publish",
        {"bid_deadline": "2026-12-01T09:30:00+08:00"},
    )
    assert r.status_code == 422 and error_shape(r)["code"] == "period_too_short"
    r = call(
        w,
        "agc_hz",
        "POST",
        f"/projects/{pid}/publish",
        {"bid_deadline": "2026-12-14T09:30:00+08:00", "opening_place": "开标室"},
    )
    assert r.status_code == 200 and r.json()["status"] == "published"
    # public, no login
    r = call(w, None, "GET", "/public/notices")
    assert r.status_code == 200 and r.json()["count"] >= 1
    nid = r.json()["items"][0]["id"]
    assert call(w, None, "GET", f"/public/notices/{nid}").json()["kind"] == "tender"
    assert call(w, None, "GET", "/public/feed").status_code == 200
    # supplier: download (logged) and ask
    r = call(w, "spl_hz", "GET", f"/projects/{pid}/document.pdf")
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    assert DocumentDownload.objects.filter(project_id=pid).count() == 1
    r = call(w, "spl_hz", "POST", f"/projects/{pid}/clarifications", {"question": "可否分批交货？"})
    assert r.status_code == 201
    cid = r.json()["id"]
    r = call(w, "spl_hz", "POST", f"/clarifications/{cid}/answer", {"answer": "否"})
    assert r.status_code == 403
    r = call(w, "agc_hz", "POST", f"/clarifications/{cid}/answer", {"answer": "不可以"})
    assert r.status_code == 200 and r.json()["notice_id"]
    # the download log is not for suppliers (87号令 28 ⚠)
    assert call(w, "spl_hz", "GET", f"/projects/{pid}/downloads").status_code == 404
    assert len(call(w, "reg_hz", "GET", f"/projects/{pid}/downloads").json()) == 1
    r = call(w, "agc_hz", "POST", f"/projects/{pid}/corrections", {"changes": "更正联系人"})
    assert r.status_code == 201 and r.json()["kind"] == "correction"
    r = call(w, "agc_hz", "POST", f"/projects/{pid}/terminate", {"reason": ""})
    assert r.status_code == 422


def test_access_matrix(w: PlansWorld) -> None:
    draft = ready_project(w)
    published = ready_project(w)
    services.project_publish(
        actor=w.users["agc_hz"],
        project=published,
        bid_deadline=published.created_at.replace(year=2026, month=12, day=14, hour=9, minute=30),
    )
    expect = {
        # who: (sees draft, sees published, may manage)
        "agc_hz": (True, True, True),
        "agc_prov": (False, False, False),
        "pur_hz": (True, True, False),
        "pur_nb": (False, False, False),
        "reg_hz": (True, True, False),
        "reg_nb": (False, False, False),
        "supv_hz": (True, True, False),
        "spl_hz": (False, True, False),
        "expert": (False, False, False),
    }
    for who, (see_draft, see_pub, manage) in expect.items():
        assert (call(w, who, "GET", f"/projects/{draft.pk}").status_code == 200) == see_draft, who
        assert (call(w, who, "GET", f"/projects/{published.pk}").status_code == 200) == see_pub, who
        r = call(w, who, "POST", f"/projects/{published.pk}/corrections", {"changes": "更正"})
        assert (r.status_code == 201) == manage, (who, r.status_code)
        if not manage:
            assert r.status_code in (403, 404)
            error_shape(r)
    assert call(w, None, "GET", f"/projects/{draft.pk}").status_code == 401
    # findings (with justifications) are for supervision, not suppliers
    assert call(w, "supv_hz", "GET", f"/projects/{published.pk}/findings").status_code == 200
    assert call(w, "spl_hz", "GET", f"/projects/{published.pk}/findings").status_code == 404


def test_pages(w: PlansWorld) -> None:
    p = ready_project(w)
    services.project_publish(
        actor=w.users["agc_hz"],
        project=p,
        bid_deadline=p.created_at.replace(month=12, day=14, hour=9, minute=30),
    )
    anon = Client()
    r = anon.get("/tenders/public/notices/")
    assert r.status_code == 200 and p.name in r.content.decode()
    notice = p.notices.get()
    r = anon.get(f"/tenders/public/notices/{notice.pk}/")
    assert r.status_code == 200 and p.project_no in r.content.decode()
    assert anon.get("/tenders/projects/").status_code == 302
    for who in ("agc_hz", "pur_hz", "reg_hz", "spl_hz"):
        c = Client()
        c.force_login(w.users[who])
        assert c.get("/tenders/projects/").status_code == 200, who
        r = c.get(f"/tenders/projects/{p.pk}/")
        assert r.status_code == 200, who
    c = Client()
    c.force_login(w.users["spl_hz"])
    r = c.get(f"/tenders/projects/{p.pk}/document.pdf")
    assert r.status_code == 200 and DocumentDownload.objects.filter(project=p).count() == 1
    c.force_login(w.users["agc_hz"])
    assert c.get("/tenders/templates/").status_code == 200
    assert c.get(f"/tenders/projects/{p.pk}/document/").status_code == 200
