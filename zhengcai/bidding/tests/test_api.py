"""Through the real API: submission with receipt and idempotent retry, bad signature 422,
deadline 409, and every role refused a bid's content or opening before the deadline."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client

from zhengcai.bidding import client
from zhengcai.bidding.tests.factories import DEADLINE, World, project, schedule
from zhengcai.core import clock

API = "/api/v1/bidding"


def call(w: World, who: str, method: str, path: str, body: Any = None, **extra: str) -> Any:
    c = Client()
    headers = {"HTTP_AUTHORIZATION": f"Bearer {w.tokens[who]}", **extra}
    if method == "get":
        return c.get(API + path, **headers)
    return c.post(API + path, body or {}, content_type="application/json", **headers)


def _register(w: World, who: str, lot_id: int) -> dict[str, Any]:
    r = call(w, who, "post", f"/lots/{lot_id}/participations")
    assert r.status_code == 201, r.content
    return dict(r.json())


def test_submit_retry_and_refusals(w: World) -> None:
    p = project(w)
    lot = p.lots.get()
    part = _register(w, "s1", lot.pk)
    body = client.bid_payload(
        window_uid=part["window_uid"],
        signer=w.signers["s1"],
        key_id=w.keys["s1"].key_id,
        schedule=schedule("123456.78"),
        files={"a.pdf": b"%PDF-1.4 api"},
    )
    path = f"/participations/{part['id']}/windows/{part['window_id']}/bids"
    r1 = call(w, "s1", "post", path, body, HTTP_IDEMPOTENCY_KEY="k-1")
    assert r1.status_code == 201, r1.content
    r2 = call(w, "s1", "post", path, body, HTTP_IDEMPOTENCY_KEY="k-1")
    assert r2.status_code == 201 and r2.headers.get("Idempotent-Replayed") == "true"
    assert r2.json()["bid_id"] == r1.json()["bid_id"]
    receipt = r1.json()
    pem = call(w, "s1", "get", "/platform-key").json()["public_key_pem"]
    assert client.verify_receipt(receipt["receipt"], receipt["signature"], pem)
    # a second live envelope without withdrawing → 409
    assert call(w, "s1", "post", path, body).status_code == 409
    # bad signature → 422 bad_signature
    part2 = _register(w, "s2", lot.pk)
    bad = dict(body, key_id=w.keys["s2"].key_id)
    path2 = f"/participations/{part2['id']}/windows/{part2['window_id']}/bids"
    r = call(w, "s2", "post", path2, bad)
    assert r.status_code == 422 and r.json()["code"] == "bad_signature"
    # another supplier cannot see s1's bid
    assert call(w, "s2", "get", f"/bids/{receipt['bid_id']}").status_code == 404
    # before the deadline nobody opens or reads: every role
    window = part["window_id"]
    for who in ("agc_hz", "pur_hz", "supv_hz", "reg_hz", "admin", "s1", "s2", "agc_prov"):
        assert call(w, who, "post", f"/windows/{window}/opening").status_code in {403, 404, 409}
        assert call(w, who, "get", f"/windows/{window}/opening").status_code in {403, 404}
        assert call(w, who, "get", f"/projects/{p.pk}/evidence").status_code in {403, 404}
    r = call(w, "agc_hz", "post", f"/windows/{window}/opening")
    assert r.json()["code"] == "deadline_not_reached"
    # at the deadline: submission refused with deadline_passed
    clock.freeze(DEADLINE)
    r = call(w, "s2", "post", path2, dict(body, key_id=w.keys["s2"].key_id))
    assert r.status_code == 409 and r.json()["code"] == "deadline_passed"
    assert call(w, "s1", "post", f"/bids/{receipt['bid_id']}/withdraw").status_code == 409
    # after: only one bid → fewer than 3: not opened, statutory outcome returned
    clock.freeze(DEADLINE + dt.timedelta(minutes=1))
    r = call(w, "pur_hz", "post", f"/windows/{window}/opening")
    assert r.status_code == 403
    r = call(w, "agc_hz", "post", f"/windows/{window}/opening")
    assert r.status_code == 201 and r.json()["outcome"] == "terminate"
    assert "123456.78" not in r.content.decode()
