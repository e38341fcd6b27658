"""The awards API (bearer tokens, If-Match, stable 4xx codes) and the pages: the agency desk,
the supplier's challenge page, the answer page and the public result notice."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from zhengcai.accounts.models import User
from zhengcai.accounts.services import api_token_create
from zhengcai.accounts.tests.factories import PASSWORD
from zhengcai.awards import constants as c
from zhengcai.awards import selectors
from zhengcai.awards.tests.builders import awarded

pytestmark = pytest.mark.django_db
BASE = "/api/v1/awards"
FEE = "按标准八折，计 8,500.00 元"
LETTER = {
    "address": "杭州市文三路 1 号",
    "postcode": "310012",
    "contact": "张三",
    "phone": "0571-88888888",
    "items": [{"item": "评审打分错误", "request": "重新评审"}],
    "facts": "技术分计算有误。",
    "legal_basis": "条例 53",
    "signatory": "张三",
}


def call(u: User, method: str, path: str, body: Any = None, etag: str | None = None) -> Any:
    token = api_token_create(actor=u, name="t", expires_days=None)[1]
    headers: dict[str, str] = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    if etag:
        headers["HTTP_IF_MATCH"] = etag
    if method == "get":
        return Client().get(BASE + path, **headers)
    fn = getattr(Client(), method)
    return fn(BASE + path, data=json.dumps(body or {}), content_type="application/json", **headers)


def ok(resp: Any, status: int = 200) -> Any:
    assert resp.status_code == status, resp.content.decode()
    return resp.json()


def err(resp: Any, status: int, code: str) -> None:
    assert resp.status_code == status, resp.content.decode()
    assert resp.json()["code"] == code, resp.json()


def test_api_publish_challenge_answer_and_signing() -> None:
    a = awarded()
    r, award = a.r, a.award
    got = call(r.agency, "get", f"/results/{award.pk}")
    assert ok(got)["status"] == "chosen"
    etag = got["ETag"]
    lot_signing = ok(call(r.purchaser, "get", f"/lots/{r.lot.pk}/signing"))
    assert lot_signing["award_id"] == award.pk and "尚未发出" in lot_signing["blocked"]
    err(call(r.agency, "post", f"/results/{award.pk}/notice", {"agency_fee": FEE}), 428,
        "precondition_required")  # fmt: skip
    err(call(r.purchaser, "post", f"/results/{award.pk}/notice", {"agency_fee": FEE}, etag),
        403, "permission_denied")  # fmt: skip
    notice = ok(call(r.agency, "post", f"/results/{award.pk}/notice", {"agency_fee": FEE}, etag),
                201)  # fmt: skip
    assert notice["fields"]["agency_fee"] == FEE
    public = Client().get(f"{BASE}/public/notices/{notice['id']}")
    assert public.status_code == 200 and public.json()["fields"]["winner"]["name"]
    loser = next(u for u in r.suppliers if u.organization_id != award.supplier_id)
    body = {"lot_id": r.lot.pk, "subject": "result", "name": loser.organization.name, **LETTER}  # type: ignore[union-attr]
    err(call(loser, "post", "/challenges", {**body, "facts": ""}), 422, c.ERR_LETTER_INCOMPLETE)
    ch = ok(call(loser, "post", "/challenges", body), 201)
    assert ch["status"] == "filed" and ch["knowledge_day"] == notice["display_until"]
    blocked = ok(call(r.purchaser, "get", f"/lots/{r.lot.pk}/signing"))["blocked"]
    assert "条例 54" in blocked
    got = call(r.agency, "get", f"/challenges/{ch['id']}")
    answer = {"outcome": "not_upheld", "items_answer": "不成立", "facts": "复核无误",
              "legal_basis": "94号令 16"}  # fmt: skip
    err(call(loser, "post", f"/challenges/{ch['id']}/answer", answer, got["ETag"]), 403,
        "permission_denied")  # fmt: skip
    done = ok(call(r.agency, "post", f"/challenges/{ch['id']}/answer", answer, got["ETag"]))
    assert done["status"] == "answered" and done["answer"]["right_to_complain"]
    assert ok(call(r.purchaser, "get", f"/lots/{r.lot.pk}/signing"))["blocked"] is None
    err(call(loser, "post", f"/challenges/{ch['id']}/withdraw"), 409, "bad_transition")
    mine = ok(call(loser, "get", "/challenges"))
    assert [x["id"] for x in mine] == [ch["id"]]
    q = ok(call(loser, "post", "/inquiries", {"lot_id": r.lot.pk, "subject": "result",
                                              "question": "评分依据？"}), 201)  # fmt: skip
    err(call(r.agency, "post", f"/inquiries/{q['id']}/answer", {"answer": "x"}), 428,
        "precondition_required")  # fmt: skip
    done = ok(call(r.agency, "post", f"/inquiries/{q['id']}/answer", {"answer": "见报告"},
                   f'"inquiry-{q["id"]}-v1"'))  # fmt: skip
    assert done["status"] == "answered"
    assert [x["id"] for x in ok(call(loser, "get", "/inquiries"))] == [q["id"]]
    assert ok(call(r.agency, "put", f"/projects/{r.project.pk}/challenge-policy",
                   {"one_at_once": True}))["one_at_once"]  # fmt: skip


def test_pages_desk_challenge_answer_and_public_notice() -> None:
    a = awarded()
    r = a.r
    agency = Client()
    assert agency.login(username=r.agency.username, password=PASSWORD)
    page = agency.get("/awards/")
    assert page.status_code == 200 and a.award.supplier.name in page.content.decode()
    assert agency.get(f"/awards/{a.award.pk}/").status_code == 200
    resp = agency.post(f"/awards/{a.award.pk}/notice/", {"agency_fee": FEE, "version": "1"})
    assert resp.status_code == 302
    a.award.refresh_from_db()
    assert a.award.status == c.AwardStatus.ANNOUNCED
    notice = a.award.notice
    public = Client().get(f"/awards/public/{notice.pk}/")
    html = public.content.decode()
    assert public.status_code == 200 and a.award.supplier.name in html and FEE in html
    assert notice.title in Client().get("/awards/public/").content.decode()
    assert f"/awards/public/{notice.pk}/" in Client().get("/").content.decode()  # the portal
    loser = next(u for u in r.suppliers if u.organization_id != a.award.supplier_id)
    sup = Client()
    assert sup.login(username=loser.username, password=PASSWORD)
    assert sup.get("/awards/").status_code == 200
    plain = {k: v for k, v in LETTER.items() if k != "items"}
    form = {"lot_id": str(r.lot.pk), "subject": "result", "name": "质疑人", **plain,
            "items": "评审打分错误"}  # fmt: skip
    resp = sup.post("/awards/inquiries/new/", {"lot_id": str(r.lot.pk), "subject": "documents",
                                               "question": "条款含义？"})  # fmt: skip
    assert resp.status_code == 302 and "条款含义" in agency.get("/awards/").content.decode()
    resp = sup.post("/awards/challenges/new/", form)
    assert resp.status_code == 302
    ch = selectors.challenges_of_supplier(loser.organization_id).get()
    assert sup.get(f"/awards/challenges/{ch.pk}/").status_code == 200
    page = agency.get(f"/awards/challenges/{ch.pk}/")
    assert 'data-testid="answer-form"' in page.content.decode()
    resp = agency.post(f"/awards/challenges/{ch.pk}/answer/", {"outcome": "not_upheld",
                       "items_answer": "不成立", "facts": "复核", "legal_basis": "94号令 16",
                       "version": str(ch.version)})  # fmt: skip
    assert resp.status_code == 302
    ch.refresh_from_db()
    assert ch.status == c.ChallengeStatus.ANSWERED
    assert "94号令 15" in sup.get(f"/awards/challenges/{ch.pk}/").content.decode()
