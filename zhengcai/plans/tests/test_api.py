"""The plans API: the whole flow through HTTP, error shapes, ETag / If-Match, scoping."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import pytest
from django.test import Client

from zhengcai.core import clock
from zhengcai.plans import excel
from zhengcai.plans.models import BudgetLine
from zhengcai.plans.tests.factories import PlansWorld, approved_line, line_data

API = "/api/v1/plans"


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


def error_shape(r) -> dict[str, Any]:
    data = r.json()
    assert set(data) == {"code", "message", "detail"}
    return data


def new_line(**kw: Any) -> dict[str, Any]:
    data = line_data(**kw)
    data["amount"] = str(data["amount"])
    data["quantity"] = str(data["quantity"])
    data.pop("org_form")
    return data


def test_full_flow_over_api(w: PlansWorld) -> None:
    r = call(w, "pur_hz", "POST", "/budget-lines", new_line(amount="900000.00"))
    assert r.status_code == 201, r.content
    line = r.json()
    assert r["ETag"] == f'"bl-{line["id"]}-v1"'
    assert (
        call(
            w, "pur_hz", "POST", f"/budget-lines/{line['id']}/transition", {"status": "submitted"}
        ).status_code
        == 200
    )
    r = call(
        w,
        "reg_hz",
        "POST",
        f"/budget-lines/{line['id']}/transition",
        {"status": "approved", "note": "同意"},
    )
    assert r.json()["status"] == "approved"
    r = call(
        w,
        "pur_hz",
        "POST",
        "/plans",
        {
            "budget_line_id": line["id"],
            "name": "物业服务采购",
            "amount": "900000.00",
            "expected_month": "2026-12",
            "requirements": "保洁、安保",
        },
    )
    assert r.status_code == 201, r.content
    plan = r.json()
    assert plan["method"] == "consultation" and plan["reasons"]
    assert call(w, "pur_hz", "POST", f"/plans/{plan['id']}/submit").status_code == 200
    assert (
        call(w, "reg_hz", "POST", f"/plans/{plan['id']}/approve", {"note": ""}).json()["status"]
        == "approved"
    )
    r = call(w, "pur_hz", "POST", f"/plans/{plan['id']}/intention", {})
    assert r.status_code == 201
    public = Client().get(API + "/intentions").json()
    assert any(i["plan_id"] == plan["id"] for i in public["items"])
    r = call(
        w, "pur_hz", "POST", f"/plans/{plan['id']}/commission", {"agency_id": w.orgs["agc_hz"].pk}
    )
    assert r.status_code == 422 and error_shape(r)["code"] == "intention_too_recent"
    clock.freeze(dt.datetime(2026, 12, 24, 9, 0, tzinfo=clock.SHANGHAI))
    r = call(
        w, "pur_hz", "POST", f"/plans/{plan['id']}/commission", {"agency_id": w.orgs["agc_hz"].pk}
    )
    assert r.status_code == 201, r.content
    com = r.json()
    assert com["holder_name"] == w.orgs["agc_hz"].name and com["status"] == "sent"
    listed = call(w, "agc_hz", "GET", "/commissions").json()
    assert [k["id"] for k in listed["items"]] == [com["id"]]
    assert call(w, "agc_social", "GET", "/commissions").json()["count"] == 0
    r = call(w, "agc_hz", "POST", f"/commissions/{com['id']}/accept")
    assert r.json()["status"] == "accepted"
    r = call(w, "pur_hz", "GET", f"/budget-lines/{line['id']}/execution")
    assert r.json()["committed"] == "900000.00"


def test_etag_if_match(w: PlansWorld) -> None:
    line = call(w, "pur_hz", "POST", "/budget-lines", new_line()).json()
    path = f"/budget-lines/{line['id']}"
    r = call(w, "pur_hz", "PATCH", path, {"unit": "批"})
    assert r.status_code == 428 and error_shape(r)["code"] == "precondition_required"
    r = call(w, "pur_hz", "PATCH", path, {"unit": "批"}, if_match="garbage")
    assert r.status_code == 422
    etag = call(w, "pur_hz", "GET", path)["ETag"]
    r = call(w, "pur_hz", "PATCH", path, {"unit": "批"}, if_match=etag)
    assert r.status_code == 200 and r["ETag"] != etag
    r = call(w, "pur_hz", "PATCH", path, {"unit": "套"}, if_match=etag)  # stale
    assert r.status_code == 412 and error_shape(r)["detail"]["current_version"] == 2
    assert BudgetLine.objects.get(pk=line["id"]).unit == "批"


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("pur_hz", 200),
        ("pur_hz2", 200),
        ("reg_hz", 200),
        ("reg_prov", 200),
        ("supv_hz", 200),
        ("admin", 200),
        ("pur_nb", 404),
        ("reg_nb", 404),
        ("reg_xh", 404),
        ("agc_hz", 404),
        ("spl_hz", 404),
        ("expert", 404),
        (None, 401),
    ],
)
def test_budget_line_visibility(w: PlansWorld, who, status) -> None:
    line = approved_line(w)
    r = call(w, who, "GET", f"/budget-lines/{line.pk}")
    assert r.status_code == status
    if status != 200:
        error_shape(r)


@pytest.mark.parametrize(
    ("who", "status"),
    [("pur_hz", 403), ("reg_nb", 404), ("reg_xh", 404), ("supv_hz", 403), ("reg_hz", 200)],
)
def test_budget_decision_matrix(w: PlansWorld, who, status) -> None:
    line = call(w, "pur_hz", "POST", "/budget-lines", new_line()).json()
    call(w, "pur_hz", "POST", f"/budget-lines/{line['id']}/transition", {"status": "submitted"})
    r = call(w, who, "POST", f"/budget-lines/{line['id']}/transition", {"status": "approved"})
    assert r.status_code == status


def test_error_shapes(w: PlansWorld) -> None:
    r = call(w, "pur_hz", "POST", "/budget-lines", {**new_line(), "bogus": 1})
    assert r.status_code == 422 and error_shape(r)["code"] == "unknown_field"
    r = call(w, "pur_hz", "POST", "/budget-lines", new_line(amount="-5.00"))
    body = error_shape(r)
    assert r.status_code == 422 and body["code"] == "amount_invalid"
    assert body["detail"][0]["field"] == "amount"
    r = call(
        w,
        "pur_hz",
        "POST",
        "/budget-lines",
        new_line(item_code="A02010104", amount="70000", quantity="10"),
    )
    assert r.status_code == 422 and error_shape(r)["code"] == "config_standard_exceeded"
    r = call(w, "reg_hz", "POST", "/budget-lines", new_line())
    assert r.status_code == 403 and error_shape(r)["code"] == "permission_denied"
    line = approved_line(w)
    r = call(w, "pur_hz", "POST", f"/budget-lines/{line.pk}/transition", {"status": "draft"})
    assert r.status_code == 409 and error_shape(r)["code"] == "bad_transition"


def test_import_over_api(w: PlansWorld) -> None:
    c = Client()
    headers = {"HTTP_AUTHORIZATION": f"Bearer {w.tokens['pur_hz']}"}
    good = io.BytesIO(excel.template_bytes(fiscal_year=2026))
    good.name = "budget.xlsx"
    r = c.post(API + "/budget-lines/import", {"file": good}, **headers)
    assert r.status_code == 201 and len(r.json()["created"]) == 1
    bad = io.BytesIO(b"not excel")
    bad.name = "budget.xlsx"
    r = c.post(API + "/budget-lines/import", {"file": bad}, **headers)
    assert r.status_code == 422
    body = error_shape(r)
    assert body["code"] == "import_invalid" and body["detail"][0]["row"] == 0


def test_determination_endpoint(w: PlansWorld) -> None:
    r = call(
        w, "pur_hz", "GET", "/determination?item_code=A02010104&amount=3000000&fiscal_year=2026"
    )
    data = r.json()
    assert data["org_form"] == "central" and data["default_method"] == "open_tender"
    assert (
        call(
            w, "reg_hz", "GET", "/determination?item_code=A02010104&amount=1&fiscal_year=2026"
        ).status_code
        == 403
    )


def test_approval_over_api_with_attachment(w: PlansWorld) -> None:
    line = approved_line(w, amount="3500000.00")
    plan = call(
        w,
        "pur_hz",
        "POST",
        "/plans",
        {
            "budget_line_id": line.pk,
            "name": "设备",
            "amount": "3500000.00",
            "expected_month": "2026-12",
            "method": "negotiation",
        },
    ).json()
    needs = call(w, "pur_hz", "GET", f"/plans/{plan['id']}/needs").json()
    assert [n["kind"] for n in needs] == ["method_change"]
    req = call(
        w,
        "pur_hz",
        "POST",
        "/approvals",
        {"kind": "method_change", "plan_id": plan["id"], "reasons": "技术复杂"},
    ).json()
    c = Client()
    f = io.BytesIO(b"%PDF-1.4 reasons")
    f.name = "论证.pdf"
    r = c.post(
        f"{API}/approvals/{req['id']}/attachments",
        {"file": f},
        HTTP_AUTHORIZATION=f"Bearer {w.tokens['pur_hz']}",
    )
    assert r.status_code == 201 and len(r.json()["sha256"]) == 64
    assert (
        call(w, "pur_hz", "POST", f"/approvals/{req['id']}/submit", {}).json()["status"]
        == "submitted"
    )
    r = call(w, "reg_xh", "POST", f"/approvals/{req['id']}/decide", {"approve": True})
    assert r.status_code == 404  # a county regulator does not even see a city unit's request
    r = call(w, "reg_hz", "POST", f"/approvals/{req['id']}/decide", {"approve": False})
    assert r.status_code == 422  # refusal needs reasons
    r = call(
        w, "reg_hz", "POST", f"/approvals/{req['id']}/decide", {"approve": True, "note": "同意"}
    )
    assert r.json()["status"] == "approved" and r.json()["attachments"][0]["name"] == "论证.pdf"


def test_county_regulator_cannot_decide_method_change(w: PlansWorld) -> None:
    line = approved_line(w, org="pur_xh", amount="5000000.00")
    # pur_xh's budget is approved by reg_hz in the factory (the city above the county).
    plan = call(
        w,
        "pur_xh",
        "POST",
        "/plans",
        {
            "budget_line_id": line.pk,
            "name": "x",
            "amount": "5000000.00",
            "expected_month": "2026-12",
            "method": "negotiation",
        },
    ).json()
    req = call(
        w,
        "pur_xh",
        "POST",
        "/approvals",
        {"kind": "method_change", "plan_id": plan["id"], "reasons": "r"},
    ).json()
    call(w, "pur_xh", "POST", f"/approvals/{req['id']}/submit", {})
    r = call(w, "reg_xh", "POST", f"/approvals/{req['id']}/decide", {"approve": True})
    assert r.status_code == 403 and error_shape(r)["code"] == "decider_level"
    assert (
        call(w, "reg_hz", "POST", f"/approvals/{req['id']}/decide", {"approve": True}).status_code
        == 200
    )


def test_public_endpoints_need_no_login(w: PlansWorld) -> None:
    assert Client().get(API + "/intentions").status_code == 200
    assert Client().get(API + "/single-source-notices").status_code == 200
    assert Client().get(API + "/plans").status_code == 401
