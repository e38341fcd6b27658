"""Through the real API: 谈判/磋商 rounds (create, list as each party sees them, eliminate),
sealed final quotations, and bid bonds (list, refund, contract signing). Every refusal answers
its stable code and leaves the data unchanged."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client

from zhengcai.bidding import client, services
from zhengcai.bidding import constants as c
from zhengcai.bidding.models import Bid, NegotiationRound, Participation
from zhengcai.bidding.tests.factories import DEADLINE, World, project, register, schedule, submit
from zhengcai.bidding.tests.test_rounds_bonds import _award, _bonds
from zhengcai.core import clock
from zhengcai.core.models import AuditEntry
from zhengcai.tenders.models import Project

API = "/api/v1/bidding"


def call(w: World, who: str, method: str, path: str, body: Any = None, idem: str = "") -> Any:
    cl = Client()
    headers = {"Authorization": f"Bearer {w.tokens[who]}"}
    if idem:
        headers["Idempotency-Key"] = idem
    if method == "get":
        return cl.get(API + path, body or {}, headers=headers)
    return cl.post(API + path, body or {}, content_type="application/json", headers=headers)


def err(r: Any, status: int, code: str) -> None:
    assert r.status_code == status, r.content
    data = r.json()
    assert set(data) == {"code", "message", "detail"} and data["code"] == code, data


def _talks(
    w: World, method: str = "negotiation", who: tuple[str, ...] = ("s1", "s2", "s3", "s4")
) -> tuple[Project, dict[str, Participation]]:
    """A 谈判/磋商 project whose responses have been opened."""
    p = project(w, method=method)
    parts = {s: register(w, p, s) for s in who}
    for s, part in parts.items():
        submit(w, part, s, "900.00")
    clock.freeze(DEADLINE + dt.timedelta(seconds=1))
    services.opening_start(actor=w.users["agc_hz"], window=services.bid_window(p))
    return p, parts


def _round_body(p: Project, **kw: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "lot_id": p.lots.get().pk,
        "changes": "交货期由30日缩短为20日",
        "purchaser_rep": "王采购",
    }
    body.update(kw)
    return body


def _final_payload(w: World, who: str, window_uid: str, price: str) -> dict[str, Any]:
    return client.bid_payload(
        window_uid=window_uid,
        signer=w.signers[who],
        key_id=w.keys[who].key_id,
        schedule=schedule(price),
        files={},
    )


# --- rounds ---------------------------------------------------------------------------------


def test_round_create_rules_and_refusals(w: World) -> None:
    fresh = project(w, method="negotiation")
    register(w, fresh, "s1")
    r = call(w, "agc_hz", "post", f"/projects/{fresh.pk}/rounds", _round_body(fresh))
    err(r, 409, c.ERR_RESPONSES_NOT_OPENED)
    p, parts = _talks(w)
    path = f"/projects/{p.pk}/rounds"
    err(call(w, "agc_hz", "post", path, _round_body(p, purchaser_rep=" ")), 422, c.ERR_REP_REQUIRED)
    err(call(w, "agc_hz", "post", path, _round_body(p, bogus=1)), 422, "unknown_field")
    err(call(w, "agc_hz", "post", path, _round_body(p, changes="")), 422, "validation_error")
    err(call(w, "agc_hz", "post", path, _round_body(p, lot_id=0)), 404, "not_found")
    err(call(w, "s1", "post", path, _round_body(p)), 403, "permission_denied")
    err(call(w, "pur_hz", "post", path, _round_body(p)), 403, "permission_denied")
    err(call(w, "agc_social", "post", path, _round_body(p)), 404, "not_found")
    past = (clock.now() - dt.timedelta(hours=1)).isoformat()
    err(call(w, "agc_hz", "post", path, _round_body(p, final_deadline=past)), 422, "bad_deadline")
    open_tender = project(w)
    r = call(w, "agc_hz", "post", f"/projects/{open_tender.pk}/rounds", _round_body(open_tender))
    err(r, 404, "not_found")
    assert not NegotiationRound.objects.filter(project__in=[p, fresh, open_tender]).exists()
    assert not AuditEntry.objects.filter(action="bidding.round_confirm").exists()

    r = call(w, "agc_hz", "post", path, _round_body(p), idem="round-1")
    assert r.status_code == 201, r.content
    out = r.json()
    assert out["number"] == 1 and out["purchaser_rep"] == "王采购"
    assert out["changes"] == "交货期由30日缩短为20日" and out["final_window_id"] is None
    assert sorted(out["recipients"]) == sorted(pt.supplier_id for pt in parts.values())
    # a retry with the same key replays the answer instead of sending a second round
    again = call(w, "agc_hz", "post", path, _round_body(p), idem="round-1")
    assert again.status_code == 201 and again.json()["id"] == out["id"]
    assert NegotiationRound.objects.filter(project=p).count() == 1
    entry = AuditEntry.objects.get(action="bidding.round_confirm", object_id=str(out["id"]))
    assert entry.after is not None and entry.after["purchaser_rep"] == "王采购"

    deadline = clock.now() + dt.timedelta(hours=2)
    r = call(w, "agc_hz", "post", path, _round_body(p, final_deadline=deadline.isoformat()))
    assert r.status_code == 201, r.content
    final = r.json()
    assert final["number"] == 2 and final["final_window_uid"]
    assert dt.datetime.fromisoformat(final["final_deadline"]) == deadline
    # no second final round while this one is still receiving
    r = call(w, "agc_hz", "post", path, _round_body(p, final_deadline=deadline.isoformat()))
    err(r, 409, c.ERR_FINAL_PENDING)
    assert NegotiationRound.objects.filter(project=p).count() == 2


def test_eliminate_needs_reason(w: World) -> None:
    foreign = register(w, project(w, method="negotiation"), "s1")
    p, parts = _talks(w)
    path = f"/projects/{p.pk}/participations/{parts['s4'].pk}/eliminate"
    err(call(w, "agc_hz", "post", path, {"reason": "  "}), 422, c.ERR_REASON_REQUIRED)
    err(call(w, "agc_hz", "post", path, {}), 422, "validation_error")
    err(call(w, "s1", "post", path, {"reason": "x"}), 403, "permission_denied")
    err(call(w, "agc_social", "post", path, {"reason": "x"}), 404, "not_found")
    r = call(
        w,
        "agc_hz",
        "post",
        f"/projects/{p.pk}/participations/{foreign.pk}/eliminate",
        {"reason": "不属于本项目"},
    )
    err(r, 404, "not_found")
    foreign.refresh_from_db()
    parts["s4"].refresh_from_db()
    assert foreign.status == parts["s4"].status == c.ParticipationStatus.REGISTERED
    assert parts["s4"].eliminated_reason == "" and parts["s4"].eliminated_at is None

    r = call(w, "agc_hz", "post", path, {"reason": "技术参数不满足实质性要求"})
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "eliminated"
    assert r.json()["eliminated_reason"] == "技术参数不满足实质性要求"
    parts["s4"].refresh_from_db()
    assert parts["s4"].eliminated_at == clock.now()
    assert AuditEntry.objects.filter(
        action="bidding.participation_eliminate", object_id=str(parts["s4"].pk)
    ).exists()
    err(call(w, "agc_hz", "post", path, {"reason": "再次"}), 409, c.ERR_BAD_TRANSITION)
    parts["s4"].refresh_from_db()
    assert parts["s4"].eliminated_reason == "技术参数不满足实质性要求"


def test_round_list_as_each_party_sees_it(w: World) -> None:
    p3, _ = _talks(w, who=("s1", "s2", "s3"))
    clock.freeze(clock.now() - dt.timedelta(days=30))
    p, parts = _talks(w)
    call(
        w,
        "agc_hz",
        "post",
        f"/projects/{p.pk}/participations/{parts['s4'].pk}/eliminate",
        {"reason": "资格证明文件缺失"},
    )
    deadline = clock.now() + dt.timedelta(hours=2)
    r = call(
        w,
        "agc_hz",
        "post",
        f"/projects/{p.pk}/rounds",
        _round_body(p, changes="质保期延长为5年", final_deadline=deadline.isoformat()),
    )
    rnd = r.json()
    path = f"/projects/{p.pk}/rounds"

    # the agency (and the purchaser, the supervisors): everyone, with the recipients
    for who in ("agc_hz", "pur_hz", "supv_hz"):
        r = call(w, who, "get", path)
        assert r.status_code == 200, r.content
        [lot] = r.json()
        assert len(lot["participations"]) == 4
        [view] = lot["rounds"]
        assert view["changes"] == "质保期延长为5年" and view["recipient_count"] == 3
        assert {x["state"] for x in view["recipients"]} == {"pending"}
        assert view["final_window"]["accepting"] is True
        assert view["final_window"]["uid"] == rnd["final_window_uid"]
    reasons = {x["supplier_id"]: x["eliminated_reason"] for x in lot["participations"]}
    assert reasons[parts["s4"].supplier_id] == "资格证明文件缺失"

    # a remaining supplier: only itself, no count of the others
    [lot] = call(w, "s1", "get", path).json()
    assert [x["supplier_id"] for x in lot["participations"]] == [parts["s1"].supplier_id]
    [view] = lot["rounds"]
    assert view["recipient_count"] is None
    assert [x["supplier_id"] for x in view["recipients"]] == [parts["s1"].supplier_id]

    # the eliminated supplier: its reason, and no round at all
    [lot] = call(w, "s4", "get", path).json()
    assert lot["participations"][0]["status"] == "eliminated"
    assert lot["participations"][0]["eliminated_reason"] == "资格证明文件缺失"
    assert lot["rounds"] == []
    assert "质保期延长为5年" not in call(w, "s4", "get", path).content.decode()

    # outsiders
    err(call(w, "s4", "get", f"/projects/{p3.pk}/rounds"), 404, "not_found")
    err(call(w, "agc_social", "get", path), 404, "not_found")
    err(call(w, "supv_nb", "get", path), 404, "not_found")
    err(call(w, "agc_hz", "get", f"/projects/{project(w).pk}/rounds"), 404, "not_found")


def test_final_quotations_through_the_api(w: World) -> None:
    p, parts = _talks(w)
    call(
        w,
        "agc_hz",
        "post",
        f"/projects/{p.pk}/participations/{parts['s4'].pk}/eliminate",
        {"reason": "不满足"},
    )
    talk = call(w, "agc_hz", "post", f"/projects/{p.pk}/rounds", _round_body(p)).json()
    deadline = clock.now() + dt.timedelta(hours=2)
    rnd = call(
        w,
        "agc_hz",
        "post",
        f"/projects/{p.pk}/rounds",
        _round_body(p, final_deadline=deadline.isoformat()),
    ).json()
    uid, window_id = rnd["final_window_uid"], rnd["final_window_id"]

    def path(who: str, round_id: int = rnd["id"]) -> str:
        return f"/participations/{parts[who].pk}/rounds/{round_id}/final-quotes"

    body = _final_payload(w, "s1", uid, "811.00")
    # refusals: a round without final quotations, the eliminated supplier, a bad signature,
    # another supplier's participation, an unknown field
    err(call(w, "s1", "post", path("s1", talk["id"]), body), 409, c.ERR_NO_FINAL_WINDOW)
    r = call(w, "s4", "post", path("s4"), _final_payload(w, "s4", uid, "700.00"))
    err(r, 403, c.ERR_NOT_INVITED)
    r = call(w, "s2", "post", path("s2"), dict(body, key_id=w.keys["s2"].key_id))
    err(r, 422, c.ERR_BAD_SIGNATURE)
    err(call(w, "s2", "post", path("s1"), body), 404, "not_found")
    err(call(w, "s1", "post", path("s1"), dict(body, price=1)), 422, "unknown_field")
    err(call(w, "s1", "post", path("s1", 0), body), 404, "not_found")
    assert not Bid.objects.filter(window_id=window_id).exists()

    r1 = call(w, "s1", "post", path("s1"), body, idem="fq-1")
    assert r1.status_code == 201, r1.content
    r2 = call(w, "s1", "post", path("s1"), body, idem="fq-1")
    assert r2.status_code == 201 and r2.headers.get("Idempotent-Replayed") == "true"
    receipt = r1.json()
    assert r2.json()["bid_id"] == receipt["bid_id"] and receipt["status"] == "submitted"
    pem = call(w, "s1", "get", "/platform-key").json()["public_key_pem"]
    assert client.verify_receipt(receipt["receipt"], receipt["signature"], pem)
    assert "811.00" not in r1.content.decode()
    assert Bid.objects.filter(window_id=window_id).count() == 1
    r = call(w, "s2", "post", path("s2"), _final_payload(w, "s2", uid, "822.00"))
    assert r.status_code == 201, r.content

    # the list shows who has submitted, never the price before the opening
    [lot] = call(w, "agc_hz", "get", f"/projects/{p.pk}/rounds").json()
    states = {x["supplier_id"]: x["state"] for x in lot["rounds"][1]["recipients"]}
    assert states[parts["s1"].supplier_id] == "submitted"
    assert states[parts["s3"].supplier_id] == "pending"

    # at the deadline: refused; s3 is missing and does not count
    clock.freeze(deadline)
    r = call(w, "s3", "post", path("s3"), _final_payload(w, "s3", uid, "833.00"))
    err(r, 409, c.ERR_DEADLINE_PASSED)
    assert Bid.objects.filter(window_id=window_id).count() == 2
    [lot] = call(w, "agc_hz", "get", f"/projects/{p.pk}/rounds").json()
    states = {x["supplier_id"]: x["state"] for x in lot["rounds"][1]["recipients"]}
    assert states[parts["s3"].supplier_id] == "missing"
    assert lot["rounds"][1]["final_window"]["accepting"] is False
    # the existing opening endpoint opens the window: 2 < 3 → not opened (74号令 33)
    r = call(w, "agc_hz", "post", f"/windows/{window_id}/opening")
    assert r.status_code == 201 and r.json()["outcome"] == "terminate"
    assert "811.00" not in r.content.decode()


# --- bonds (the same two paid bonds as the service tests) -------------------------------------


def test_bond_list_scopes_and_overdue(w: World) -> None:
    p, bonds = _bonds(w)
    services.bond_refund_schedule(bond=bonds["s1"], event_day=dt.date(2026, 11, 13))  # → 11-20
    services.bond_refund_schedule(bond=bonds["s2"], event_day=dt.date(2026, 11, 16))  # → 11-23
    q = f"/bonds?project_id={p.pk}"
    for who in ("agc_hz", "pur_hz", "supv_hz"):
        r = call(w, who, "get", q)
        assert r.status_code == 200, r.content
        data = r.json()
        assert data["count"] == 2
        rows = {x["supplier_id"]: x for x in data["items"]}
        s1 = rows[w.orgs["s1"].pk]
        assert s1["overdue"] is True and s1["refund_due"] == "2026-11-20"
        assert s1["basis"] == "中标（成交）通知书发出之日起5个工作日内退还（条例 33；87号令 38）"
        assert s1["refund_reason"] == "award" and s1["refund_event_on"] == "2026-11-13"
        assert rows[w.orgs["s2"].pk]["overdue"] is False  # the due day itself is in time
    r = call(w, "agc_hz", "get", q + "&overdue=true").json()
    assert [x["id"] for x in r["items"]] == [bonds["s1"].pk] and r["count"] == 1
    r = call(w, "agc_hz", "get", q + "&limit=1&offset=1").json()
    assert r["count"] == 2 and len(r["items"]) == 1
    # a supplier sees only its own; another agency nothing of this project
    items = call(w, "s2", "get", "/bonds").json()["items"]
    assert {x["supplier_id"] for x in items} == {w.orgs["s2"].pk}
    assert call(w, "agc_social", "get", q).json() == {"count": 0, "items": []}
    assert call(w, "supv_nb", "get", q).json()["count"] == 0
    err(call(w, "agc_hz", "get", "/bonds?limit=0"), 422, "validation_error")


def test_bond_refund(w: World) -> None:
    _p, bonds = _bonds(w)
    services.bond_refund_schedule(bond=bonds["s1"], event_day=dt.date(2026, 11, 13))  # → 11-20
    path = f"/bonds/{bonds['s1'].pk}/refund"
    err(call(w, "s1", "post", path), 403, c.ERR_BOND_OFFICER)  # its own bond, not its to refund
    err(call(w, "s2", "post", path), 404, "not_found")
    err(call(w, "agc_social", "post", path), 404, "not_found")
    err(call(w, "supv_hz", "post", path), 403, c.ERR_BOND_OFFICER)
    bonds["s1"].refresh_from_db()
    assert bonds["s1"].status == c.BondStatus.PAID and bonds["s1"].refunded_at is None
    r = call(w, "agc_hz", "post", path)
    assert r.status_code == 200, r.content
    out = r.json()
    assert out["status"] == "refunded" and out["late"] is True and out["overdue"] is False
    # refunded 3 days late: 10,000 × 4.35% × 1.2 ÷ 360 × 3 = 4.35 (87号令 38)
    assert (out["days_late"], out["late_interest"], out["interest_rate"]) == (3, "4.35", "5.2200")
    assert AuditEntry.objects.filter(
        action="bidding.bond_refund", object_id=str(bonds["s1"].pk)
    ).exists()
    err(call(w, "pur_hz", "post", path), 409, c.ERR_BAD_TRANSITION)
    bonds["s1"].refresh_from_db()
    assert bonds["s1"].refunded_at == clock.now()


def test_contract_signed_schedules_the_winners_refund(w: World) -> None:
    p, bonds = _bonds(w)
    lot = p.lots.get()
    path = f"/lots/{lot.pk}/contract-signed"
    body = {"supplier_id": w.orgs["s1"].pk, "signed_on": "2026-11-20"}
    err(call(w, "agc_hz", "post", path, body), 409, c.ERR_NOT_AWARDED)
    _award(p)
    err(call(w, "s1", "post", path, body), 403, c.ERR_BOND_OFFICER)
    err(call(w, "agc_social", "post", path, body), 404, "not_found")
    err(call(w, "agc_hz", "post", path, dict(body, signed_on="2026-11-24")), 422, "date_invalid")
    err(call(w, "agc_hz", "post", path, dict(body, signed_on="20号")), 422, "validation_error")
    r = call(w, "agc_hz", "post", path, dict(body, supplier_id=w.orgs["s3"].pk))
    err(r, 404, "not_found")
    bonds["s1"].refresh_from_db()
    assert bonds["s1"].contract_signed_on is None and bonds["s1"].refund_due is None
    # signed Friday 2026-11-20 → 5 working days → Friday 2026-11-27 (条例 33; 87号令 38)
    r = call(w, "pur_hz", "post", path, body)
    assert r.status_code == 200, r.content
    out = r.json()
    assert out["contract_signed_on"] == "2026-11-20" and out["refund_due"] == "2026-11-27"
    assert out["basis"] == "采购合同签订之日起5个工作日内退还（条例 33；87号令 38）"
    assert out["refund_reason"] == "contract" and out["days_late"] == 0
    assert AuditEntry.objects.filter(
        action="bidding.bond_contract_signed", object_id=str(bonds["s1"].pk)
    ).exists()
    err(
        call(w, "agc_hz", "post", path, dict(body, signed_on="2026-11-23")),
        409,
        "contract_already_recorded",
    )
    bonds["s1"].refresh_from_db()
    assert bonds["s1"].contract_signed_on == dt.date(2026, 11, 20)
