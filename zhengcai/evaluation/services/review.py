"""资格审查 and 符合性审查 (87号令 44, 50), the failure of a lot (法 36)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction

from zhengcai.accounts.models import User
from zhengcai.bidding import constants as bc
from zhengcai.bidding.services import bonds_schedule_for_lot_end
from zhengcai.core import clock
from zhengcai.core.audit import audit_record
from zhengcai.core.errors import Conflict, InvalidInput, PermissionDenied
from zhengcai.evaluation import constants as c
from zhengcai.evaluation import pricing, rules
from zhengcai.evaluation.machines import EVALUATION
from zhengcai.evaluation.models import (
    Check,
    Evaluation,
    Member,
    ReviewedBid,
)
from zhengcai.evaluation.services.common import (
    SCORED_METHODS,
    S,
    _active,
    _lock,
    _project_after_lots,
    _require_chair,
    _require_status,
    _text,
    _working_member,
    is_agency,
)
from zhengcai.tenders import rules as tender_rules
from zhengcai.tenders import services as tender_services
from zhengcai.tenders.constants import (
    EvaluationMethod,
    LotStatus,
)

# --- review --------------------------------------------------------------------------------------


@transaction.atomic
def check_record(
    *, actor: User, reviewed_bid: ReviewedBid, stage: str, passed: bool, reason: str = ""
) -> Check:
    """资格审查 (by the agency under 招标, 87号令 44; by the panel otherwise) and 符合性审查 (by
    every member, 87号令 50). A reason is required for 不通过. Resubmission replaces the
    actor's own verdict until review_close."""
    rb = ReviewedBid.objects.select_related("evaluation").get(pk=reviewed_bid.pk)
    ev = _lock(rb.evaluation)
    _require_status(ev, S.REVIEWING)
    if stage not in c.Stage.values:
        raise InvalidInput("审查阶段无效", code="stage_invalid")
    member: Member | None = None
    if stage == c.Stage.QUALIFICATION and ev.qualification_by_agency:
        if not is_agency(actor, ev.project):
            raise PermissionDenied("招标项目的资格审查由代理机构（采购人）进行（87号令 44）")
    else:
        member = _working_member(actor, ev)
    reason = _text(reason, 1000)
    if not passed and not reason:
        raise InvalidInput("审查不通过须写明理由（87号令 50）", code=c.ERR_REASON_REQUIRED)
    check, created = Check.objects.update_or_create(
        reviewed_bid=rb,
        stage=stage,
        by=actor,
        defaults={"member": member, "passed": passed, "reason": reason, "at": clock.now()},
    )
    audit_record(
        actor=actor,
        action="evaluation.check_record",
        obj=check,
        organization=ev.project.agency,
        after={
            "evaluation": ev.pk,
            "bid": rb.pk,
            "stage": stage,
            "passed": passed,
            "reason": reason,
            "replaced": not created,
        },
    )
    return check


def _verdict(checks: list[Check], voters: int) -> tuple[bool, str]:
    """Majority of the voters (87号令 57 ⚠ practice: the committee decides by majority)."""
    passed = sum(1 for ch in checks if ch.passed)
    ok = passed * 2 > voters
    reasons = "；".join(ch.reason for ch in checks if not ch.passed and ch.reason)
    return ok, reasons


def _fail(
    actor: User | None, ev: Evaluation, outcome: str, *, action: str, audit: dict[str, Any]
) -> None:
    ev.outcome = outcome[:300]
    ev.next_check = None
    EVALUATION.move(ev, to=S.FAILED, actor=actor, action=action, audit=audit)
    tender_services.lot_transition(
        actor=actor, lot=ev.lot, to_status=LotStatus.FAILED, reason=outcome
    )
    _project_after_lots(actor, ev.project, outcome)
    # 87号令 38 / 条例 33 ⚠: a failed lot's bonds are due back within 5 working days
    bonds_schedule_for_lot_end(lot=ev.lot, reason=bc.RefundReason.FAILED, day=clock.today())


def _minimum(ev: Evaluation) -> int:
    """Valid bids needed to go on: the method's minimum, 2 for a 竞争性磋商 on a recorded
    two-supplier basis (214号 21 ¶3; 财库〔2015〕124号) — tenders.rules decides."""
    project = ev.project
    return int(
        tender_rules.min_suppliers_to_continue(project.method_config, project.two_supplier_basis)
    )


def _abnormal(ev: Evaluation) -> list[int]:
    """The bids the committee must ask to justify their price (87号令 60; 财库〔2026〕2号 ⚠)."""
    valid, ab = list(ev.bids.filter(valid=True)), ev.policy.get("abnormal") or {}
    if not ab:  # no automatic triggers on the documents' date (the committee may still raise)
        return []
    flags = rules.abnormally_low_flags(
        {rb.pk: rb.opening_price for rb in valid},
        ceiling=ev.lot.ceiling_price,
        budget=ev.lot.budget,
        on=dt.date.fromisoformat(ab.get("effective_from", "2026-02-01")),
        policy=rules.AbnormalLowPolicy(
            average_ratio=Decimal(ab["average_ratio"]),
            second_ratio=Decimal(ab["second_ratio"]),
            ceiling_ratio=Decimal(ab["ceiling_ratio"]),
        ),
    )
    for rb in valid:
        if rb.pk in flags and rb.abnormal_state == c.AbnormalDecision.NONE:
            rb.abnormal_low = True
            rb.abnormal_reasons = flags[rb.pk]
            rb.abnormal_state = c.AbnormalDecision.PENDING
            rb.save(update_fields=["abnormal_low", "abnormal_reasons", "abnormal_state"])
    return sorted(flags)


@transaction.atomic
def review_close(*, actor: User, evaluation: Evaluation) -> Evaluation:
    """The chair closes the review when every verdict is in; the majority decides each bid.
    Fewer valid bids than the method's minimum → FAILED (法 36; 87号令 44; 74号令)."""
    ev = _lock(evaluation)
    _require_chair(actor, ev)
    _require_status(ev, S.REVIEWING)
    active = _active(ev)
    voter_ids = {m.pk for m in active}
    missing: list[dict[str, Any]] = []
    bids = list(ev.bids.all().prefetch_related("checks"))
    agency_qual = ev.qualification_by_agency
    for rb in bids:
        checks = list(rb.checks.all())
        qual = [ch for ch in checks if ch.stage == c.Stage.QUALIFICATION]
        comp = [ch for ch in checks if ch.stage == c.Stage.COMPLIANCE and ch.member_id in voter_ids]
        if agency_qual:
            if not qual:
                missing.append({"bid": rb.pk, "stage": "qualification", "by": "agency"})
        else:
            qual = [ch for ch in qual if ch.member_id in voter_ids]
            lacking = voter_ids - {ch.member_id for ch in qual}
            if lacking:
                missing.append({"bid": rb.pk, "stage": "qualification", "members": sorted(lacking)})
        lacking = voter_ids - {ch.member_id for ch in comp}
        if lacking:
            missing.append({"bid": rb.pk, "stage": "compliance", "members": sorted(lacking)})
    if missing:
        raise Conflict("尚有审查意见未提交", code=c.ERR_CHECKS_MISSING, detail=missing)
    for rb in bids:
        checks = list(rb.checks.all())
        qual = [ch for ch in checks if ch.stage == c.Stage.QUALIFICATION]
        if agency_qual:
            q_ok, q_why = _verdict(qual, len(qual))
        else:
            qual = [ch for ch in qual if ch.member_id in voter_ids]
            q_ok, q_why = _verdict(qual, len(voter_ids))
        comp = [ch for ch in checks if ch.stage == c.Stage.COMPLIANCE and ch.member_id in voter_ids]
        c_ok, c_why = _verdict(comp, len(voter_ids))
        rb.qualification = c.Verdict.PASSED if q_ok else c.Verdict.FAILED
        rb.compliance = c.Verdict.PASSED if c_ok else c.Verdict.FAILED
        reasons = [rb.reason_invalid] if rb.reason_invalid else []
        if not q_ok:
            reasons.append(f"资格审查不通过：{q_why}")
        if not c_ok:
            reasons.append(f"符合性审查不通过：{c_why}")
        lottery_out = (
            ev.method == EvaluationMethod.REASONABLE_PRICE_LOTTERY
            and not rb.accepts_reasonable_price
        )
        if lottery_out:
            reasons.append(
                "未在投标文件中承诺接受公布的合理价"
                f"（{ev.policy.get('reasonable_price', '')}元），不参加抽签（合理定价评审抽签法）"
            )
        rb.valid = rb.valid and q_ok and c_ok and not lottery_out
        rb.reason_invalid = "；".join(reasons)[:1000]
        rb.save(update_fields=["qualification", "compliance", "valid", "reason_invalid"])
    # prices before the count: a bid without a required cost schedule does not conform
    pricing.price_facts(ev, life_cycle=ev.method == EvaluationMethod.LIFE_CYCLE_COST)
    valid, ev.review_closed_at = ev.bids.filter(valid=True).count(), clock.now()
    minimum = _minimum(ev)
    after = {"valid": valid, "minimum": minimum}
    if valid < minimum:
        _fail(
            actor,
            ev,
            f"资格审查或符合性审查后有效供应商不足{minimum}家（{valid}家），依法废标（法 36）",
            action="evaluation.review_close",
            audit=after,
        )
        return ev
    if ev.method in SCORED_METHODS and ev.subjective_factors:
        to = S.SCORING
    else:
        _abnormal(ev)
        to = S.CONCLUDING
    return EVALUATION.move(ev, to=to, actor=actor, action="evaluation.review_close", audit=after)
