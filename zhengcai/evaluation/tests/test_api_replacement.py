"""The replacement endpoints (87号令 49; 198号 17) through HTTP: absent, replace (a spare-less
replacement round, then seating the confirmed expert), stop — and their 4xx answers, which
leave the data unchanged."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from zhengcai.core import clock
from zhengcai.core.models import AuditEntry
from zhengcai.evaluation import services as s
from zhengcai.evaluation.models import Check, Evaluation, Member
from zhengcai.evaluation.tests.builders import declared, evaluation_ready
from zhengcai.evaluation.tests.test_api import _tokens, call, err, ok
from zhengcai.experts import services as experts
from zhengcai.experts.models import DrawInvitation

pytestmark = pytest.mark.django_db


def unchanged(resp: Any, status: int, code: str, audits: int) -> None:
    err(resp, status, code)
    assert AuditEntry.objects.count() == audits


def test_absent_replace_and_stop_endpoints() -> None:
    _tokens.clear()
    r = evaluation_ready(project_method="consultation", method="comprehensive")
    ev = declared(r)
    clock.freeze(r.evaluation_at + dt.timedelta(minutes=15))
    s.evaluation_start(actor=r.agency, evaluation=ev)
    members = list(ev.members.order_by("position"))
    rb = ev.bids.order_by("pk").first()
    assert rb is not None
    s.check_record(actor=members[2].user, reviewed_bid=rb, stage="compliance", passed=True)
    m = members[2]
    for u in [r.agency, r.purchaser, r.suppliers[0], *(x.user for x in members)]:
        call(u, "get", "/evaluations")  # the API tokens (their creation is audited)
    a = AuditEntry.objects.count()
    # absent: only the agency, with a reason; unknown / invisible members are 404
    unchanged(call(r.purchaser, "post", f"/members/{m.pk}/absent", {"reason": "x"}), 403,
              "permission_denied", a)  # fmt: skip
    unchanged(call(members[0].user, "post", f"/members/{m.pk}/absent", {"reason": "x"}), 403,
              "permission_denied", a)  # fmt: skip
    unchanged(call(r.suppliers[0], "post", f"/members/{m.pk}/absent", {"reason": "x"}), 404,
              "not_found", a)  # fmt: skip
    unchanged(call(r.agency, "post", "/members/999999/absent", {"reason": "x"}), 404,
              "not_found", a)  # fmt: skip
    unchanged(call(r.agency, "post", f"/members/{m.pk}/absent", {"reason": " "}), 422,
              "reason_required", a)  # fmt: skip
    assert call(r.agency, "post", f"/members/{m.pk}/absent", {"why": "x"}).status_code == 422
    assert AuditEntry.objects.count() == a
    got = ok(call(r.agency, "post", f"/members/{m.pk}/absent", {"reason": "午休后未返回"}))
    assert got["status"] == "absent" and got["reason"] == "午休后未返回"
    assert Check.objects.get(member=m).void
    a = AuditEntry.objects.count()
    unchanged(call(r.agency, "post", f"/members/{m.pk}/absent", {"reason": "x"}), 409,
              "member_state", a)  # fmt: skip
    # replace: no spare, so a replacement round is drawn; the seat stays vacant
    unchanged(call(r.purchaser, "post", f"/members/{m.pk}/replace", {}), 403,
              "permission_denied", a)  # fmt: skip
    unchanged(call(r.agency, "post", f"/members/{m.pk}/replace", {"invitation_id": 999999}),
              404, "not_found", a)  # fmt: skip
    first = ok(call(r.agency, "post", f"/members/{m.pk}/replace", {}))
    assert not first["seated"] and first["member"]["id"] == m.pk
    [pending] = first["pending"]
    inv = DrawInvitation.objects.get(pk=pending["invitation_id"])
    a = AuditEntry.objects.count()
    unchanged(call(r.agency, "post", f"/members/{m.pk}/replace", {}), 409,
              "replacement_pending", a)  # fmt: skip
    experts.invitation_respond(actor=inv.expert.user, invitation=inv, accept=True)
    call(inv.expert.user, "get", "/evaluations")
    seated = ok(call(r.agency, "post", f"/members/{m.pk}/replace", {}))
    assert seated["seated"] and seated["member"]["replaces_id"] == m.pk and not seated["pending"]
    new = Member.objects.get(pk=seated["member"]["id"])
    assert new.user_id == inv.expert.user_id and new.declared_at is None
    view = ok(call(r.agency, "get", f"/evaluations/{ev.pk}"))
    old = next(x for x in view["members"] if x["id"] == m.pk)
    assert old["status"] == "replaced" and old["reason"] == "午休后未返回"
    # the newcomer declares through the API after the start
    ok(call(new.user, "post", f"/members/{new.pk}/declare", {"conflict": False}))
    # stop: refused while the committee is complete, then with a vacant seat
    a = AuditEntry.objects.count()
    unchanged(call(r.agency, "post", f"/evaluations/{ev.pk}/stop", {"reason": "x"}), 409,
              "committee_complete", a)  # fmt: skip
    ok(call(r.agency, "post", f"/members/{members[1].pk}/absent", {"reason": "离场"}))
    a = AuditEntry.objects.count()
    unchanged(call(r.agency, "post", f"/evaluations/{ev.pk}/stop", {"reason": ""}), 422,
              "reason_required", a)  # fmt: skip
    unchanged(call(r.purchaser, "post", f"/evaluations/{ev.pk}/stop", {"reason": "x"}), 403,
              "permission_denied", a)  # fmt: skip
    unchanged(call(r.suppliers[0], "post", f"/evaluations/{ev.pk}/stop", {"reason": "x"}), 404,
              "not_found", a)  # fmt: skip
    done = ok(call(r.agency, "post", f"/evaluations/{ev.pk}/stop", {"reason": "无法补足"}))
    assert done["status"] == "stopped"
    assert Evaluation.objects.get(pk=ev.pk).status == "stopped"
    a = AuditEntry.objects.count()
    unchanged(call(r.agency, "post", f"/evaluations/{ev.pk}/stop", {"reason": "x"}), 409,
              "bad_transition", a)  # fmt: skip
    unchanged(call(r.agency, "post", f"/members/{members[0].pk}/replace", {}), 409,
              "bad_transition", a)  # fmt: skip
