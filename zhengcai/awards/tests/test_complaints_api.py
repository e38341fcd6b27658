"""The complaints API: filing on one's challenge, parties-only visibility, If-Match, the
regulator's review and decision, stable 4xx codes."""

from __future__ import annotations

import pytest

from zhengcai.accounts.tests.factories import user
from zhengcai.awards import constants as c
from zhengcai.awards.tests.test_complaints import CLETTER, _answered, _regulator
from zhengcai.awards.tests.test_edges import call, err, ok

pytestmark = pytest.mark.django_db


def test_api_file_visibility_review_and_decide() -> None:
    a, sup, ch = _answered()
    reg = _regulator(a)
    x = ok(call(sup, "post", f"/challenges/{ch.pk}/complaint", CLETTER), 201)
    assert x["status"] == c.ComplaintStatus.SUBMITTED
    other_org = next(o for o in a.r.supplier_orgs if o.pk != sup.organization_id)
    other = user(other_org, role="supplier")
    err(call(other, "get", f"/complaints/{x['id']}"), 404, "not_found")
    assert ok(call(other, "get", "/complaints")) == []
    err(call(sup, "post", f"/complaints/{x['id']}/review", {"action": "accept"},
             etag=f'"complaint-{x["id"]}-v1"'), 403, "permission_denied")  # fmt: skip
    err(call(reg, "post", f"/complaints/{x['id']}/review", {"action": "accept"}), 428,
        "precondition_required")  # fmt: skip
    got = ok(call(reg, "post", f"/complaints/{x['id']}/review", {"action": "accept"},
                  etag=f'"complaint-{x["id"]}-v1"'))  # fmt: skip
    assert got["status"] == c.ComplaintStatus.ACCEPTED and got["decision_due"]
    body = {"finding": "upheld", "remedy": "amend_continue", "facts": "f", "legal_basis": "l"}
    err(call(reg, "post", f"/complaints/{x['id']}/decide", body,
             etag=f'"complaint-{x["id"]}-v{got["version"]}"'), 422,
        c.ERR_COMPLAINT_REMEDY_INVALID)  # fmt: skip
    body["remedy"] = "result_void_other"
    done = ok(call(reg, "post", f"/complaints/{x['id']}/decide", body,
                   etag=f'"complaint-{x["id"]}-v{got["version"]}"'))  # fmt: skip
    assert done["status"] == c.ComplaintStatus.DECIDED and done["decision"]["applied"]


def test_public_decision_notice_anonymous() -> None:
    from django.test import Client

    from zhengcai.awards import services

    a, sup, ch = _answered()
    reg = _regulator(a)
    x = services.complaint_file(actor=sup, challenge=ch, letter=CLETTER)
    assert Client().get("/api/v1/awards/public/complaint-decisions").json() == []
    x = services.complaint_accept(actor=reg, complaint=x)
    services.complaint_decide(actor=reg, complaint=x, finding="unfounded", remedy="continue",
                              facts="查无实据", legal_basis="94号令 29")  # fmt: skip
    got = Client().get("/api/v1/awards/public/complaint-decisions").json()
    assert len(got) == 1 and got[0]["facts"] == "查无实据" and "投诉处理结果公告" in got[0]["title"]
