"""Pages and API of the experts app through django.test.Client."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client

from zhengcai.core import clock as core_clock
from zhengcai.experts import services
from zhengcai.experts.models import DrawInvitation, DrawRequest
from zhengcai.experts.tests.factories import EVAL_AT, ExpertWorld, draw_request


def client(u: Any) -> Client:
    c = Client()
    c.force_login(u)
    return c


def api(w: ExpertWorld, key: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {w.tokens[key]}")


@pytest.mark.parametrize(
    ("key", "status"),
    [("reg_hz", 200), ("supv_hz", 200), ("admin", 200), ("agc", 403), ("pur", 403), ("spl", 403)],
)
def test_expert_list_page_by_role(w: ExpertWorld, key: str, status: int) -> None:
    r = client(w.users[key]).get("/experts/")
    assert r.status_code == status
    if status == 200:
        assert "评审专家库" in r.content.decode()


def test_list_filters_with_htmx_and_masks_id(w: ExpertWorld) -> None:
    r = client(w.users["reg_hz"]).get("/experts/?status=suspended", HTTP_HX_REQUEST="true")
    html = r.content.decode()
    assert "共 1 名专家" in html
    assert w.tainted["suspended"].id_number not in html
    assert w.tainted["suspended"].id_number_masked in html


def test_regulator_changes_status_on_the_page(w: ExpertWorld, clock: Any) -> None:
    p = w.clean[3]
    c = client(w.users["reg_hz"])
    r = c.post(f"/experts/{p.pk}/", {"status": "suspended", "reason": "无故缺席评审"})
    assert r.status_code == 302
    p.refresh_from_db()
    assert p.status == "suspended"
    page = c.get(f"/experts/{p.pk}/").content.decode()
    assert "无故缺席评审" in page
    r = c.post(f"/experts/{p.pk}/", {"status": "pending", "reason": "x"})
    assert r.status_code == 409
    assert client(w.users["supv_hz"]).post(f"/experts/{p.pk}/", {}).status_code == 403
    assert client(w.users["reg_nb"]).get(f"/experts/{p.pk}/").status_code == 404


def test_expert_own_page_and_answer(
    w: ExpertWorld, clock: Any, django_capture_on_commit_callbacks: Any
) -> None:
    draw = draw_request(w)
    with django_capture_on_commit_callbacks(execute=True):
        services.draw_execute(actor=w.users["agc"], draw=draw)
    inv = DrawInvitation.objects.filter(draw=draw).select_related("expert__user").first()
    c = client(inv.expert.user)
    page = c.get("/experts/me/").content.decode()
    assert draw.project_name in page and "确认参加" in page
    assert inv.expert.id_number not in page
    with django_capture_on_commit_callbacks(execute=True):
        r = c.post(f"/experts/invitations/{inv.pk}/respond/", {"accept": "1"})
    assert r.status_code == 302
    inv.refresh_from_db()
    assert inv.status == "confirmed"
    # someone else's invitation is not found
    other = DrawInvitation.objects.filter(draw=draw).exclude(pk=inv.pk).first()
    c.post(f"/experts/invitations/{other.pk}/respond/", {"accept": "1"})
    other.refresh_from_db()
    assert other.status == "pending"
    r = c.post(
        "/experts/me/",
        {"op": "unavailable", "u-start": "2026-12-01", "u-end": "2026-12-03", "u-reason": "出差"},
    )
    assert r.status_code == 302
    assert inv.expert.unavailable.filter(reason="出差").exists()
    r = c.post(
        "/experts/me/",
        {"op": "conflict", "c-organization": w.orgs["spl_c"].credit_code, "c-kind": "relative"},
    )
    assert r.status_code == 302
    assert inv.expert.conflicts.filter(organization=w.orgs["spl_c"]).exists()
    assert client(w.users["agc"]).get("/experts/me/").status_code == 403


def test_agency_draw_pages_hide_names_until_evaluation(
    w: ExpertWorld, clock: Any, django_capture_on_commit_callbacks: Any
) -> None:
    c = client(w.users["agc"])
    r = c.post(
        "/experts/draws/",
        {
            "purchaser": w.orgs["pur_hz"].pk,
            "project_name": "网页抽取测试",
            "specialty_codes": "A0201",
            "evaluation_at": "2026-11-24T09:00",
            "count": 5,
            "purchaser_reps": 0,
            "procedure": "tender",
            "budget": "3000000",
        },
    )
    assert r.status_code == 302, r.content.decode()
    draw = DrawRequest.objects.get(project_name="网页抽取测试")
    page = c.get(f"/experts/draws/{draw.pk}/").content.decode()
    assert draw.seed_hash in page and draw.seed not in page
    with django_capture_on_commit_callbacks(execute=True):
        c.post(f"/experts/draws/{draw.pk}/", {"op": "execute"})
    invs = list(DrawInvitation.objects.filter(draw=draw).select_related("expert__user"))
    assert len(invs) == 5
    page = c.get(f"/experts/draws/{draw.pk}/").content.decode()
    assert "保密" in page
    assert not any(
        i.expert.user.get_full_name() in page
        for i in invs
        if i.expert.user.display_name != "测试用户"
    )
    assert all(i.expert.user.username not in page for i in invs)
    # the purchaser may look but not act; another agency cannot even see it
    assert client(w.users["pur"]).get(f"/experts/draws/{draw.pk}/").status_code == 200
    assert (
        client(w.users["pur"]).post(f"/experts/draws/{draw.pk}/", {"op": "cancel"}).status_code
        == 403
    )
    assert client(w.users["agc_nb"]).get(f"/experts/draws/{draw.pk}/").status_code == 404
    core_clock.freeze(EVAL_AT + dt.timedelta(minutes=1))
    from zhengcai.core import timed

    timed.process_due()
    page = c.get(f"/experts/draws/{draw.pk}/").content.decode()
    assert draw.seed in page and "复核一致" in page


def test_draw_api_flow(w: ExpertWorld, clock: Any, django_capture_on_commit_callbacks: Any) -> None:
    body = {
        "purchaser_id": w.orgs["pur_hz"].pk,
        "project_name": "API 抽取",
        "specialty_codes": ["A0201"],
        "evaluation_at": EVAL_AT.isoformat(),
        "count": 5,
        "budget": "3000000.00",
        "bidder_ids": [w.orgs["spl_a"].pk],
    }
    agc = api(w, "agc")
    r = agc.post("/api/v1/experts/draws", json.dumps(body), content_type="application/json")
    assert r.status_code == 201, r.content
    out = r.json()
    assert out["seed"] is None and len(out["seed_hash"]) == 64
    bad = agc.post(
        "/api/v1/experts/draws", json.dumps({**body, "count": 4}), content_type="application/json"
    )
    assert bad.status_code == 422 and bad.json()["code"] == "committee_invalid"
    # 74号令 7: a 谈判小组 of 3 at 500万 (≥ the 公开招标数额标准) is refused, 5 are accepted
    talks = {**body, "method": "negotiation", "count": 3, "budget": "5000000.00"}
    bad = agc.post("/api/v1/experts/draws", json.dumps(talks), content_type="application/json")
    assert bad.status_code == 422 and "74号令 7" in bad.json()["message"], bad.content
    five = json.dumps({**talks, "count": 5})
    assert (
        agc.post("/api/v1/experts/draws", five, content_type="application/json").status_code == 201
    )
    assert (
        api(w, "pur")
        .post("/api/v1/experts/draws", json.dumps(body), content_type="application/json")
        .status_code
        == 403
    )
    with django_capture_on_commit_callbacks(execute=True):
        r = agc.post(f"/api/v1/experts/draws/{out['id']}/execute")
    assert r.status_code == 200
    data = r.json()
    assert data["status"] == "drawing" and len(data["invitations"]) == 5
    assert all(i["expert_name"] is None for i in data["invitations"])
    assert agc.get(f"/api/v1/experts/draws/{out['id']}/verify").json()["revealed"] is False
    assert api(w, "agc_nb").get(f"/api/v1/experts/draws/{out['id']}").status_code == 404
    # the expert answers through the API
    drawn = DrawInvitation.objects.filter(draw_id=out["id"]).values_list("expert_id", flat=True)
    if w.clean[0].pk in drawn:
        mine = api(w, "expert0").get("/api/v1/experts/invitations").json()
        r = api(w, "expert0").post(
            f"/api/v1/experts/invitations/{mine[0]['id']}/respond",
            json.dumps({"accept": True}),
            content_type="application/json",
        )
        assert r.status_code == 200 and r.json()["status"] == "confirmed"


def test_profile_api(w: ExpertWorld, clock: Any) -> None:
    r = api(w, "reg_hz").get("/api/v1/experts/profiles?status=active&specialty=A02")
    assert r.status_code == 200
    ids = {p["id"] for p in r.json()["items"]}
    assert {p.pk for p in w.clean} <= ids
    assert all("*" in p["id_number_masked"] for p in r.json()["items"])
    assert api(w, "agc").get("/api/v1/experts/profiles").status_code == 403
    p = w.clean[5]
    r = api(w, "reg_hz").post(
        f"/api/v1/experts/profiles/{p.pk}/status",
        json.dumps({"status": "suspended", "reason": "API 测试"}),
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["status"] == "suspended"
    me = api(w, "expert0").get("/api/v1/experts/profiles/me")
    assert me.status_code == 200 and me.json()["id"] == w.clean[0].pk
    r = api(w, "expert0").post(
        "/api/v1/experts/profiles/me/unavailability",
        json.dumps({"start": "2026-12-01", "end": "2026-12-02"}),
        content_type="application/json",
    )
    assert r.status_code == 201
    r = api(w, "reg_prov").post(
        "/api/v1/experts/pool-shares",
        json.dumps({"owner_region_code": "330000", "grantee_region_code": "330100"}),
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["status"] == "active"
    assert (
        api(w, "reg_hz")
        .post(
            "/api/v1/experts/pool-shares",
            json.dumps({"owner_region_code": "330000", "grantee_region_code": "330100"}),
            content_type="application/json",
        )
        .status_code
        == 403
    )


def test_import_page(w: ExpertWorld, clock: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from zhengcai.experts.tests.test_profiles import row, workbook

    c = client(w.users["reg_hz"])
    assert c.get("/experts/import/template.xlsx").status_code == 200
    bad = SimpleUploadedFile("e.xlsx", workbook([row("w1"), row("w2", specialties="bad")]))
    r = c.post("/experts/import/", {"file": bad})
    assert r.status_code == 422 and "未导入任何数据" in r.content.decode()
    good = SimpleUploadedFile("e.xlsx", workbook([row("w3")]))
    assert c.post("/experts/import/", {"file": good}).status_code == 302
    assert client(w.users["agc"]).get("/experts/import/").status_code == 403


def test_workbench_tiles(w: ExpertWorld) -> None:
    assert "专家抽取" in client(w.users["agc"]).get("/accounts/workbench/").content.decode()
    assert "我的专家档案" in client(w.clean[0].user).get("/accounts/workbench/").content.decode()
    assert "评审专家库" in client(w.users["reg_hz"]).get("/accounts/workbench/").content.decode()
