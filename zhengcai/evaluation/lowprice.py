"""Abnormally low prices raised by the committee by hand (87号令 60).

Besides any automatic trigger in force on the documents' date (`rules.abnormal_policy_on`:
财库〔2026〕2号 from 2026-02-01 ⚠), a member who judges a price clearly lower than the other
conforming bids and likely to affect quality or performance raises it here; the bidder then
explains in writing (`services.abnormal_justify`) and the committee decides
(`services.abnormal_decide`): a price not proven reasonable makes the bid invalid."""

from __future__ import annotations

from django.db import transaction

from zhengcai.accounts.models import User
from zhengcai.core.audit import audit_record
from zhengcai.core.errors import Conflict, InvalidInput
from zhengcai.evaluation import constants as c
from zhengcai.evaluation import services
from zhengcai.evaluation.models import ReviewedBid

S = c.EvaluationStatus


@transaction.atomic
def abnormal_raise(*, actor: User, reviewed_bid: ReviewedBid, reason: str) -> ReviewedBid:
    """A seated, declared member flags a valid bid's price as abnormally low (87号令 60)."""
    rb = ReviewedBid.objects.select_for_update().get(pk=reviewed_bid.pk)
    ev = services._lock(rb.evaluation)
    services._working_member(actor, ev)
    services._require_status(ev, S.REVIEWING, S.SCORING, S.CONCLUDING)
    if not rb.valid:
        raise Conflict("无效投标无需认定异常低价", code=c.ERR_ABNORMAL_STATE)
    if rb.abnormal_state != c.AbnormalDecision.NONE:
        raise Conflict("该投标已在异常低价认定程序中", code=c.ERR_ABNORMAL_STATE)
    reason = (reason or "").strip()[:500]
    if not reason:
        raise InvalidInput("请写明认为报价明显偏低的理由", code=c.ERR_REASON_REQUIRED)
    rb.abnormal_low = True
    rb.abnormal_reasons = [*rb.abnormal_reasons, c.ABNORMAL_BY_COMMITTEE]
    rb.abnormal_reason = reason
    rb.abnormal_state = c.AbnormalDecision.PENDING
    rb.save(update_fields=["abnormal_low", "abnormal_reasons", "abnormal_reason", "abnormal_state"])
    audit_record(
        actor=actor,
        action="evaluation.abnormal_raise",
        obj=rb,
        organization=ev.project.agency,
        after={"evaluation": ev.pk, "reason": reason, "price": str(rb.opening_price)},
    )
    return rb
