"""Through the real API: public comment on the documents (采购文件征求意见): the agency opens the
period, suppliers comment until the last day (server clock), the agency answers; the public
sees answered comments without the commenter, the agency sees who made each. Refusals answer
their stable code and leave the data unchanged."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client

from zhengcai.accounts import services as account_services
from zhengcai.accounts.constants import OrgKind
from zhengcai.accounts.tests.factories import organization, user
from zhengcai.core import clock
from zhengcai.core.models import AuditEntry
from zhengcai.plans.tests.factories import PlansWorld
from zhengcai.tenders import constants as c
from zhengcai.tenders import services
from zhengcai.tenders.models import DocumentComment, Project
from zhengcai.tenders.tests.factories import project, ready_project

pytestmark = pytest.mark.django_db
API = "/api/v1/tenders"
UNTIL = dt.date(2026, 11, 30)


def call(w: PlansWorld, who: str | None, method: str, path: str, body: Any = None) -> Any:
    cl = Client()
    headers = {"Authorization": f"Bearer {w.tokens[who]}"} if who else {}
    if method == "get":
        return cl.get(API + path, headers=headers)
    return cl.post(
        API + path,
        data=json.dumps(body or {}, default=str),
        content_type="application/json",
        headers=headers,
    )


def err(r: Any, status: int, code: str) -> None:
    assert r.status_code == status, r.content
    data = r.json()
    assert set(data) == {"code", "message", "detail"} and data["code"] == code, data


@pytest.fixture
def w2(w: PlansWorld) -> PlansWorld:
    """The tenders world plus a second supplier (`spl_2`) with an API token."""
    if "spl_2" not in w.tokens:
        org = organization(OrgKind.SUPPLIER, w.regions["hz"], "杭州第二意见供应商有限公司")
        w.orgs["spl_2"] = org
        w.users["spl_2"] = user(org, username="api_cm_spl2")
        w.tokens["spl_2"] = account_services.api_token_create(
            actor=w.users["spl_2"], name="t", expires_days=None
        )[1]
    return w


def _opened(w: PlansWorld) -> Project:
    p = ready_project(w)
    r = call(w, "agc_hz", "post", f"/projects/{p.pk}/public-comment", {"until": UNTIL})
    assert r.status_code == 200, r.content
    return p


def test_open_the_comment_period(w: PlansWorld) -> None:
    draft = project(w)
    r = call(w, "agc_hz", "post", f"/projects/{draft.pk}/public-comment", {"until": UNTIL})
    err(r, 409, c.ERR_BAD_TRANSITION)
    p = ready_project(w)
    path = f"/projects/{p.pk}/public-comment"
    err(call(w, "agc_hz", "post", path, {"until": "2026-11-23"}), 422, "date_invalid")
    err(call(w, "agc_hz", "post", path, {"until": "月底"}), 422, "validation_error")
    err(call(w, "agc_hz", "post", path, {"until": UNTIL, "x": 1}), 422, "unknown_field")
    err(call(w, "pur_hz", "post", path, {"until": UNTIL}), 403, "permission_denied")
    err(call(w, "agc_prov", "post", path, {"until": UNTIL}), 404, "not_found")
    err(call(w, "spl_hz", "post", path, {"until": UNTIL}), 404, "not_found")
    p.refresh_from_db()
    draft.refresh_from_db()
    assert p.public_comment_until is None and draft.public_comment_until is None
    assert not AuditEntry.objects.filter(action="project.comment_opened").exists()

    r = call(w, "agc_hz", "post", path, {"until": UNTIL})
    assert r.status_code == 200, r.content
    out = r.json()
    assert out["until"] == "2026-11-30" and out["open"] is True and out["project_id"] == p.pk
    p.refresh_from_db()
    assert p.public_comment_until == UNTIL
    assert AuditEntry.objects.filter(action="project.comment_opened", object_id=str(p.pk)).exists()
    # listed publicly, without login
    listed = call(w, None, "get", "/public/comments").json()
    assert [x["project_id"] for x in listed if x["project_id"] == p.pk] == [p.pk]


def test_comment_answer_and_the_views(w2: PlansWorld) -> None:
    w = w2
    p = _opened(w)
    path = f"/projects/{p.pk}/comments"
    # refusals: not a supplier, empty text, unknown field, unknown project
    err(call(w, "agc_hz", "post", path, {"text": "代理机构不能提意见"}), 403, "permission_denied")
    err(call(w, "spl_hz", "post", path, {"text": "   "}), 422, "comment_required")
    err(call(w, "spl_hz", "post", path, {"text": "x", "name": "y"}), 422, "unknown_field")
    err(call(w, "spl_hz", "post", "/projects/999999/comments", {"text": "x"}), 404, "not_found")
    draft = ready_project(w)  # finalized but not under comment: suppliers cannot reach it
    r = call(w, "spl_hz", "post", f"/projects/{draft.pk}/comments", {"text": "x"})
    err(r, 404, "not_found")
    assert not DocumentComment.objects.filter(project__in=[p, draft]).exists()

    r = call(w, "spl_hz", "post", path, {"text": "交货期30日过短，建议45日"})
    assert r.status_code == 201, r.content
    first = r.json()
    assert first["status"] == "submitted" and first["organization_id"] == w.orgs["spl_hz"].pk
    assert AuditEntry.objects.filter(
        action="comment.submitted", object_id=str(first["id"])
    ).exists()
    r = call(w, "spl_2", "post", path, {"text": "建议删除品牌倾向性表述"})
    assert r.status_code == 201, r.content
    second = r.json()

    # the agency (and the purchaser): every comment with its author
    for who in ("agc_hz", "pur_hz"):
        items = call(w, who, "get", path).json()
        assert {x["organization_name"] for x in items} == {
            w.orgs["spl_hz"].name,
            w.orgs["spl_2"].name,
        }
    # a supplier: its own only (nothing answered yet); the public: nothing yet
    mine = call(w, "spl_2", "get", path).json()
    assert [x["id"] for x in mine] == [second["id"]]
    assert call(w, None, "get", f"/public/comments/{p.pk}").json() == []

    # answering: only the project's agency, once, not empty
    answer = f"/comments/{first['id']}/answer"
    err(call(w, "spl_hz", "post", answer, {"answer": "x"}), 404, "not_found")
    err(call(w, "agc_prov", "post", answer, {"answer": "x"}), 404, "not_found")
    err(call(w, "pur_hz", "post", answer, {"answer": "x"}), 403, "permission_denied")
    err(call(w, "agc_hz", "post", answer, {"answer": " "}), 422, "answer_required")
    err(call(w, "agc_hz", "post", "/comments/999999/answer", {"answer": "x"}), 404, "not_found")
    item = DocumentComment.objects.get(pk=first["id"])
    assert item.status == c.CommentStatus.SUBMITTED and item.answer == ""
    r = call(w, "agc_hz", "post", answer, {"answer": "采纳，改为45日"})
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "answered" and r.json()["answer"] == "采纳，改为45日"
    assert AuditEntry.objects.filter(action="comment.answered", object_id=str(first["id"])).exists()
    err(call(w, "agc_hz", "post", answer, {"answer": "再答"}), 409, c.ERR_BAD_TRANSITION)
    item.refresh_from_db()
    assert item.answer == "采纳，改为45日"

    # the public: the answered comment, without who made it
    r = call(w, None, "get", f"/public/comments/{p.pk}")
    assert r.status_code == 200
    assert r.json() == [
        {
            "id": first["id"],
            "text": "交货期30日过短，建议45日",
            "submitted_at": r.json()[0]["submitted_at"],
            "answer": "采纳，改为45日",
            "answered_at": r.json()[0]["answered_at"],
        }
    ]
    assert w.orgs["spl_hz"].name not in r.content.decode()
    # the other supplier: the answered one unnamed, and its own named
    seen = {x["id"]: x for x in call(w, "spl_2", "get", path).json()}
    assert seen[first["id"]]["organization_name"] is None
    assert seen[second["id"]]["organization_name"] == w.orgs["spl_2"].name
    # another agency reaches the project only as the public does: no names
    other = call(w, "agc_prov", "get", path).json()
    assert [x["id"] for x in other] == [first["id"]] and other[0]["organization_id"] is None


def test_the_period_ends_on_its_last_day(w2: PlansWorld) -> None:
    w = w2
    p = _opened(w)
    path = f"/projects/{p.pk}/comments"
    clock.freeze(dt.datetime(2026, 11, 30, 23, 59, tzinfo=clock.SHANGHAI))  # the last day counts
    r = call(w, "spl_hz", "post", path, {"text": "最后一天的意见"})
    assert r.status_code == 201, r.content
    clock.freeze(dt.datetime(2026, 12, 1, 0, 0, tzinfo=clock.SHANGHAI))
    err(call(w, "spl_hz", "post", path, {"text": "过期意见"}), 409, c.ERR_COMMENT_CLOSED)
    assert DocumentComment.objects.filter(project=p).count() == 1
    assert p.pk not in [x["project_id"] for x in call(w, None, "get", "/public/comments").json()]
    assert call(w, None, "get", f"/public/comments/{p.pk}").status_code == 200
    # the agency still answers after the period
    item = DocumentComment.objects.get(project=p)
    r = call(w, "agc_hz", "post", f"/comments/{item.pk}/answer", {"answer": "不予采纳"})
    assert r.status_code == 200, r.content
    # once published, the project is no longer under comment
    services.project_publish(
        actor=w.users["agc_hz"],
        project=p,
        bid_deadline=dt.datetime(2026, 12, 31, 9, 30, tzinfo=clock.SHANGHAI),
        opening_place="开标室",
    )
    err(call(w, "spl_hz", "post", path, {"text": "发布后"}), 409, c.ERR_COMMENT_NOT_OPEN)
    err(call(w, None, "get", f"/public/comments/{p.pk}"), 404, "not_found")
    assert DocumentComment.objects.filter(project=p).count() == 1
