"""The contracts API: draft, If-Match edits (the security cap refused with its code), issue,
both signatures, announce, file, a supplement beyond 10 % refused (422 with the stable code),
milestone → acceptance → payment → treasury export and import, the public notice."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from zhengcai.accounts.models import User
from zhengcai.accounts.services import api_token_create
from zhengcai.contracts import constants as c
from zhengcai.contracts import services as s
from zhengcai.contracts.models import Contract
from zhengcai.contracts.tests.builders import PASSWORD, awarded, signature
from zhengcai.core import clock

BASE = "/api/v1/contracts"
pytestmark = pytest.mark.django_db
_tokens: dict[int, str] = {}


def call(u: User | None, method: str, path: str, body: Any = None, **headers: str) -> Any:
    if u is not None:
        if u.pk not in _tokens:
            _tokens[u.pk] = api_token_create(actor=u, name="t", expires_days=None)[1]
        headers["HTTP_AUTHORIZATION"] = f"Bearer {_tokens[u.pk]}"
    client = Client()
    if method == "get":
        return client.get(BASE + path, **headers)
    return client.post(BASE + path, data=json.dumps(body or {}),
                       content_type="application/json", **headers)  # fmt: skip


def ok(resp: Any, status: int = 200) -> Any:
    assert resp.status_code == status, resp.content.decode()
    return resp.json()


def err(resp: Any, status: int, code: str) -> None:
    assert resp.status_code == status, resp.content.decode()
    assert resp.json()["code"] == code


def test_contract_api_path() -> None:
    _tokens.clear()
    a = awarded()
    pur, sup = a.purchaser, a.winner
    lot = a.ready.lot.pk
    err(call(sup, "post", f"/lots/{lot}/contract"), 403, c.ERR_NOT_PARTY)
    err(call(pur, "post", "/templates", {"kind": "goods", "name": "x", "body": "{bogus}"}), 422,
        c.ERR_TEMPLATE)  # fmt: skip
    err(call(sup, "post", "/templates", {"kind": "goods", "name": "x", "body": "{title}"}), 403,
        "permission_denied")  # fmt: skip
    body = "本单位合同 {contract_no}\n{title}\n金额 {amount} 元\n{items}"
    tpl = ok(call(pur, "post", "/templates", {"kind": "goods", "name": "本单位货物合同",
                                              "body": body}), 201)  # fmt: skip
    assert not tpl["is_default"]
    k = ok(call(pur, "post", f"/lots/{lot}/contract", {"place": "杭州", "template_id": tpl["id"]}),
           201)  # fmt: skip
    pk = k["id"]
    assert k["amount"] == "690000.00" and k["status"] == "draft"
    err(call(pur, "post", f"/contracts/{pk}/update", {"security_amount": "1"}), 428,
        "precondition_required")  # fmt: skip
    tag = f'"contract-{pk}-v{k["version"]}"'
    err(call(pur, "post", f"/contracts/{pk}/update",
             {"security_amount": "69000.01", "security_form": "guarantee"}, HTTP_IF_MATCH=tag),
        422, c.ERR_SECURITY_CAP)  # fmt: skip
    k = ok(call(pur, "post", f"/contracts/{pk}/update",
                {"security_amount": "69000.00", "security_form": "guarantee"},
                HTTP_IF_MATCH=tag))  # fmt: skip
    tag = f'"contract-{pk}-v{k["version"]}"'
    k = ok(call(pur, "post", f"/contracts/{pk}/issue", HTTP_IF_MATCH=tag))
    k = ok(call(pur, "post", f"/contracts/{pk}/withdraw", {"reason": "更正履约地点"}))
    assert k["status"] == "draft" and k["digest"] == ""
    tag = f'"contract-{pk}-v{k["version"]}"'
    k = ok(call(pur, "post", f"/contracts/{pk}/issue", HTTP_IF_MATCH=tag))
    obj = Contract.objects.get(pk=pk)
    assert obj.body.startswith(f"本单位合同 {obj.contract_no}") and "690000.00" in obj.body
    bad = {"key_id": a.supplier_key_id, "signature": "ab" * 32}
    err(call(sup, "post", f"/contracts/{pk}/sign", bad), 422, c.ERR_BAD_SIGNATURE)
    ok(call(sup, "post", f"/contracts/{pk}/sign",
            {"key_id": a.supplier_key_id,
             "signature": signature(a.supplier_signer, obj, "supplier")}))  # fmt: skip
    k = ok(call(pur, "post", f"/contracts/{pk}/sign",
                {"key_id": a.purchaser_key_id,
                 "signature": signature(a.purchaser_signer, obj, "purchaser")}))  # fmt: skip
    assert k["status"] == "signed" and all(x["valid"] for x in k["signatures"])
    ok(call(pur, "post", f"/contracts/{pk}/announce"))
    k = ok(call(pur, "post", f"/contracts/{pk}/file", {"filing_no": "BA-1"}))
    assert k["filing_no"] == "BA-1" and k["announced_at"]
    ok(call(pur, "post", f"/contracts/{pk}/supplements",
            {"amount": "69000.00", "basis": "追加同类货物"}), 201)  # fmt: skip
    err(call(pur, "post", f"/contracts/{pk}/supplements",
             {"amount": "0.01", "basis": "再追加"}), 422, c.ERR_SUPPLEMENT_OVER)  # fmt: skip
    m = ok(call(pur, "post", f"/contracts/{pk}/milestones",
                {"name": "到货", "kind": "delivery", "due_on": str(clock.today()),
                 "amount": "690000.00"}), 201)  # fmt: skip
    ok(call(sup, "post", f"/milestones/{m['id']}/deliver"))
    acc = ok(call(pur, "post", f"/milestones/{m['id']}/acceptance",
                  {"members": [a.ready.agency.username]}), 201)  # fmt: skip
    ok(call(pur, "post", f"/acceptances/{acc['id']}/report", {"passed": True, "findings": "合格"}))
    for u in (pur, a.ready.agency):
        acc = ok(call(u, "post", f"/acceptances/{acc['id']}/sign", {"password": PASSWORD}))
    assert acc["status"] == "passed"
    p = ok(call(sup, "post", f"/milestones/{m['id']}/payments", {}), 201)
    err(call(pur, "post", f"/payments/{p['id']}/approve"), 428, "precondition_required")
    p = ok(call(pur, "post", f"/payments/{p['id']}/approve",
                HTTP_IF_MATCH=f'"payment-{p["id"]}-v{p["version"]}"'))  # fmt: skip
    assert p["status"] == "approved"
    path = s.treasury_export()
    assert path is not None
    public = ok(call(None, "get", f"/public/contracts/{pk}"))
    assert public["notice"]["contract_no"] == k["contract_no"]
    assert ok(call(None, "get", "/public/contracts"))[0]["id"] == pk
