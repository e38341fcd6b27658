"""The evaluation API through HTTP with bearer tokens: the main path and the 4xx answers
(stable codes, Chinese messages), including access by role."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from zhengcai.accounts.models import User
from zhengcai.accounts.services import api_token_create
from zhengcai.core import clock
from zhengcai.evaluation.models import Evaluation
from zhengcai.evaluation.tests.builders import PASSWORD, Ready, evaluation_ready

BASE = "/api/v1/evaluation"


_tokens: dict[int, str] = {}


def call(u: User, method: str, path: str, body: Any = None) -> Any:
    if u.pk not in _tokens:
        _tokens[u.pk] = api_token_create(actor=u, name="t", expires_days=None)[1]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {_tokens[u.pk]}"}
    c = Client()
    if method == "get":
        return c.get(BASE + path, **headers)
    return c.post(
        BASE + path,
        data=json.dumps(body or {}),
        content_type="application/json",
        **headers,
    )


def ok(resp: Any, status: int = 200) -> Any:
    assert resp.status_code == status, resp.content.decode()
    return resp.json() if resp.get("Content-Type", "").startswith("application/json") else resp


def err(resp: Any, status: int, code: str) -> dict[str, Any]:
    assert resp.status_code == status, resp.content.decode()
    data: dict[str, Any] = resp.json()
    assert data["code"] == code and data["message"], data
    return data


@pytest.mark.django_db
def test_api_path_lowest_price() -> None:
    _tokens.clear()
    r: Ready = evaluation_ready(method="lowest_price", bidders=3)
    body = {"lot_id": r.lot.pk, "draw_id": r.draw.pk}
    err(call(r.purchaser, "post", "/evaluations", body), 404, "not_found")
    ev = ok(call(r.agency, "post", "/evaluations", body), 201)
    pk = ev["id"]
    assert len(ev["members"]) == 5 and ev["seed"] is None and len(ev["seed_hash"]) == 64
    err(call(r.agency, "post", "/evaluations", body), 409, "evaluation_exists")
    # the purchaser sees the evaluation but not the experts' names before the start
    seen = ok(call(r.purchaser, "get", f"/evaluations/{pk}"))
    names = {m["name"] for m in seen["members"]}
    assert all(n.startswith("专家 ") for n in names)
    # the expert cannot see it before the start; suppliers never
    err(call(r.experts[0], "get", f"/evaluations/{pk}"), 404, "not_found")
    err(call(r.suppliers[0], "get", f"/evaluations/{pk}"), 404, "not_found")
    ev_obj = Evaluation.objects.get(pk=pk)
    for m in ev_obj.members.all():
        ok(call(m.user, "post", f"/members/{m.pk}/declare", {"conflict": False}))
    first = ev_obj.members.get(position=1)
    err(
        call(r.agency, "post", f"/members/{first.pk}/declare", {"conflict": False}),
        404,
        "not_found",
    )
    ok(call(r.agency, "post", f"/evaluations/{pk}/chair", {"member_id": first.pk}))
    err(call(r.agency, "post", f"/evaluations/{pk}/start"), 409, "before_evaluation_time")
    clock.freeze(r.evaluation_at)
    ok(call(r.agency, "post", f"/evaluations/{pk}/start"))
    assert ok(call(r.experts[0], "get", f"/evaluations/{pk}"))["status"] == "reviewing"
    bids = [b["id"] for b in ev["bids"]]
    err(
        call(
            first.user, "post", f"/bids/{bids[0]}/checks", {"stage": "compliance", "passed": False}
        ),
        422,
        "reason_required",
    )
    for b in bids:
        ok(
            call(r.agency, "post", f"/bids/{b}/checks", {"stage": "qualification", "passed": True}),
            201,
        )
        for m in ev_obj.members.all():
            ok(
                call(m.user, "post", f"/bids/{b}/checks", {"stage": "compliance", "passed": True}),
                201,
            )
    err(call(r.agency, "post", f"/evaluations/{pk}/review-close"), 403, "not_member")
    assert ok(call(first.user, "post", f"/evaluations/{pk}/review-close"))["status"] == "concluding"
    done = ok(call(first.user, "post", f"/evaluations/{pk}/conclude"))
    assert done["status"] == "signing" and done["seed"]
    err(
        call(first.user, "post", f"/evaluations/{pk}/sign", {"agrees": True, "password": "x"}),
        403,
        "reauth_failed",
    )
    err(
        call(
            first.user, "post", f"/evaluations/{pk}/sign", {"agrees": False, "password": PASSWORD}
        ),
        422,
        "dissent_required",
    )
    for i, m in enumerate(ev_obj.members.all()):
        sig = ok(
            call(
                m.user,
                "post",
                f"/evaluations/{pk}/sign",
                {
                    "agrees": i != 2,
                    "dissent": "价格扣除有误" if i == 2 else "",
                    "password": PASSWORD,
                },
            ),
            201,
        )
        assert sig["platform_signature"]
    pdf = call(r.purchaser, "get", f"/evaluations/{pk}/report.pdf")
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")
    order = sorted(done["bids"], key=lambda b: b["order"])
    second = Evaluation.objects.get(pk=pk).bids.get(pk=order[1]["id"]).supplier_id
    err(
        call(r.purchaser, "post", f"/evaluations/{pk}/award", {"supplier_id": second}),
        422,
        "reason_required",
    )
    err(
        call(r.agency, "post", f"/evaluations/{pk}/award", {"supplier_id": second}),
        403,
        "permission_denied",
    )
    winner = Evaluation.objects.get(pk=pk).bids.get(pk=order[0]["id"]).supplier_id
    got = ok(call(r.purchaser, "post", f"/evaluations/{pk}/award", {"supplier_id": winner}))
    assert got["status"] == "awarded" and got["awarded_supplier_id"] == winner
    assert [e["id"] for e in ok(call(r.supervisor, "get", "/evaluations"))] == [pk]
    err(call(r.supervisor, "post", f"/evaluations/{pk}/conclude"), 403, "not_member")
