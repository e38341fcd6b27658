"""The purchaser's award and the deemed one (条例 43)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from zhengcai.accounts.models import Organization, User
from zhengcai.bidding import constants as bc
from zhengcai.bidding.models import BidBond
from zhengcai.bidding.services import bond_refund_schedule
from zhengcai.core import clock
from zhengcai.core.errors import InvalidInput, PermissionDenied, RuleViolation
from zhengcai.credit import doors as credit_doors
from zhengcai.evaluation import constants as c
from zhengcai.evaluation import hooks
from zhengcai.evaluation.machines import EVALUATION
from zhengcai.evaluation.models import (
    Evaluation,
    ReviewedBid,
)
from zhengcai.evaluation.services.common import (
    S,
    _lock,
    _project_after_lots,
    _require_status,
    _text,
    is_purchaser,
)
from zhengcai.tenders import services as tender_services
from zhengcai.tenders.constants import (
    LotStatus,
)


def candidates(ev: Evaluation) -> list[ReviewedBid]:
    """The ranked candidates of the report (87号令 68: up to 3, in order)."""
    n = int(ev.policy.get("candidates", c.CANDIDATES))
    return list(
        ev.bids.filter(valid=True, order__isnull=False)
        .select_related("supplier")
        .order_by("order")[:n]
    )


def _award(
    actor: User | None, ev: Evaluation, supplier: Organization, reason: str, deemed: bool
) -> Evaluation:
    now = clock.now()
    ev.awarded_supplier = supplier
    ev.awarded_by = actor
    ev.awarded_at = now
    ev.award_reason = reason
    ev.award_deemed = deemed
    ev.next_check = None
    tender_services.lot_transition(
        actor=actor,
        lot=ev.lot,
        to_status=LotStatus.AWARDED,
        reason=f"中标（成交）供应商：{supplier.name}",
    )
    _project_after_lots(actor, ev.project, "awarded")
    # 条例 38 ⚠ / 87号令 38: losers' bid bonds are refunded within 5 working days of the award
    # notice; the notice goes out with the award, so the day counts from today.
    refunds = []
    for bond in BidBond.objects.filter(
        participation__lot=ev.lot, status=bc.BondStatus.PAID
    ).exclude(participation__supplier=supplier):
        bond_refund_schedule(bond=bond, event_day=clock.today())
        refunds.append({"bond": bond.pk, "due": bond.refund_due})
    EVALUATION.move(
        ev,
        to=S.AWARDED,
        actor=actor,
        action="evaluation.award_confirm",
        audit={
            "supplier": supplier.name,
            "reason": reason,
            "deemed": deemed,
            "bond_refunds": refunds,
        },
    )
    return hooks.award_made(ev)  # zhengcai.evaluation.hooks.on_award (awards, in this transaction)


@transaction.atomic
def award_confirm(
    *, actor: User, evaluation: Evaluation, supplier: Organization, reason: str = ""
) -> Evaluation:
    """The purchaser confirms the result in the report's order (条例 43): the first candidate,
    or another with a lawful reason. Lot AWARDED; losers' bond refunds scheduled (条例 38)."""
    ev = _lock(evaluation)
    if not is_purchaser(actor, ev.project):
        raise PermissionDenied("只有本项目的采购人可以确定中标（成交）供应商")
    _require_status(ev, S.SIGNED)
    cands = candidates(ev)
    ids = [rb.supplier_id for rb in cands]
    if supplier.pk not in ids:
        raise RuleViolation("只能在评审报告推荐的候选人中确定（条例 43）", code=c.ERR_NOT_CANDIDATE)
    credit_doors.require_clear(credit_doors.Activity.AWARD, organization=supplier)  # 法 77
    reason = _text(reason, 500)
    if ids.index(supplier.pk) > 0 and not reason:
        raise InvalidInput(
            "未确定排名第一的候选人的，须说明法定理由（条例 43）", code=c.ERR_REASON_REQUIRED
        )
    return _award(actor, ev, supplier, reason, deemed=False)


def evaluation_timed(obj: Any) -> None:
    """Timed handler: the purchaser has not decided within 5 working days of receiving the
    report — the first candidate is deemed chosen (条例 43)."""
    assert isinstance(obj, Evaluation)
    ev = obj
    if ev.status != S.SIGNED or ev.next_check is None or clock.now() < ev.next_check:
        ev.next_check = None if ev.status != S.SIGNED else ev.next_check
        ev.save(update_fields=["next_check"])
        return
    ev = _lock(ev)
    cands = candidates(ev)
    if not cands or credit_doors.banned(credit_doors.Activity.AWARD, cands[0].supplier):
        obj.next_check = ev.next_check = None
        ev.save(update_fields=["next_check"])
        return
    _award(
        None,
        ev,
        cands[0].supplier,
        "采购人在收到评审报告后5个工作日内未确定，视为确定排名第一的候选人（条例 43）",
        deemed=True,
    )
    obj.next_check = None
