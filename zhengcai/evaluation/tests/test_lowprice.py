"""Abnormally low prices raised by the committee by hand (87号令 60), besides the dated automatic
triggers (财库〔2026〕2号, from 2026-02-01 ⚠; rules.abnormal_policy_on)."""

from __future__ import annotations

import datetime as dt

import pytest

from zhengcai.core.errors import DomainError
from zhengcai.core.models import AuditEntry
from zhengcai.evaluation import constants as c
from zhengcai.evaluation import lowprice
from zhengcai.evaluation import rules as r
from zhengcai.evaluation import services as s
from zhengcai.evaluation.models import ReviewedBid
from zhengcai.evaluation.tests.builders import evaluation_ready
from zhengcai.evaluation.tests.test_services import chair_of, reviewed


def test_the_automatic_triggers_are_dated_configuration() -> None:
    assert r.abnormal_policy_on(dt.date(2026, 1, 31)) is None
    assert r.abnormal_snapshot(dt.date(2026, 1, 31)) == {}
    found = r.abnormal_policy_on(dt.date(2026, 2, 1))
    assert found is not None and found.average_ratio == r.DEFAULT_ABNORMAL.average_ratio
    assert r.abnormal_snapshot(dt.date(2026, 2, 1))["effective_from"] == "2026-02-01"


@pytest.mark.django_db
def test_a_member_raises_a_low_price_the_bidder_explains_the_committee_decides() -> None:
    ready = evaluation_ready(method="lowest_price", bidders=3)
    ev = reviewed(ready)
    assert ev.status == c.EvaluationStatus.CONCLUDING
    bids = list(ev.bids.order_by("pk"))
    assert not any(b.abnormal_low for b in bids)  # no automatic trigger fires on these prices
    low = bids[2]
    member = ev.members.filter(status="active").order_by("position").last().user
    with pytest.raises(DomainError) as exc:  # a reason is required
        lowprice.abnormal_raise(actor=member, reviewed_bid=low, reason=" ")
    assert exc.value.code == c.ERR_REASON_REQUIRED
    with pytest.raises(DomainError):  # only a seated member raises it
        lowprice.abnormal_raise(actor=ready.agency, reviewed_bid=low, reason="明显偏低")
    low = lowprice.abnormal_raise(
        actor=member, reviewed_bid=low, reason="报价明显低于其他供应商，可能影响履约"
    )
    assert low.abnormal_low and low.abnormal_state == c.AbnormalDecision.PENDING
    assert c.ABNORMAL_BY_COMMITTEE in low.abnormal_reasons
    assert AuditEntry.objects.filter(action="evaluation.abnormal_raise").count() == 1
    with pytest.raises(DomainError) as exc:  # once
        lowprice.abnormal_raise(actor=member, reviewed_bid=low, reason="再次")
    assert exc.value.code == c.ERR_ABNORMAL_STATE
    # the conclusion waits for the committee's decision
    with pytest.raises(DomainError) as exc:
        s.evaluation_conclude(actor=chair_of(ev), evaluation=ev)
    assert exc.value.code == c.ERR_OPEN_ITEMS
    s.abnormal_justify(actor=ready.suppliers[2], reviewed_bid=low, text="批量采购成本，见附件")
    s.abnormal_decide(actor=chair_of(ev), reviewed_bid=low, accepted=True, reason="说明合理")
    low = ReviewedBid.objects.get(pk=low.pk)
    assert low.valid and low.abnormal_state == c.AbnormalDecision.ACCEPTED
    ev = s.evaluation_conclude(actor=chair_of(ev), evaluation=ev)
    assert ev.status == c.EvaluationStatus.SIGNING


@pytest.mark.django_db
def test_a_member_raises_a_low_price_through_the_api() -> None:
    from zhengcai.evaluation.tests import test_api as http

    http._tokens.clear()
    ready = evaluation_ready(method="lowest_price", bidders=3)
    ev = reviewed(ready)
    low = ev.bids.order_by("pk").last()
    member = ev.members.filter(status="active").order_by("position").first().user
    path = f"/bids/{low.pk}/abnormal-raise"
    refused = http.call(ready.suppliers[0], "post", path, {"text": "明显偏低"})
    assert refused.status_code in (403, 404)
    out = http.ok(http.call(member, "post", path, {"text": "报价明显低于其他供应商"}))
    assert out["abnormal_state"] == c.AbnormalDecision.PENDING
    http.err(http.call(member, "post", path, {"text": "再次"}), 409, c.ERR_ABNORMAL_STATE)
