"""Bid security (投标保证金): recording it (条例 33: never above 2% of the budget), scheduling
its refund and refunding it (条例 33; 87号令 38)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction

from zhengcai.accounts.models import Organization, User
from zhengcai.bidding import constants as c
from zhengcai.bidding import rules
from zhengcai.bidding.models import BidBond, Participation
from zhengcai.bidding.selectors.bonds import lending_rates
from zhengcai.bidding.services.common import require_bond_officer
from zhengcai.bidding.services.machines import BOND
from zhengcai.core import clock, deadlines
from zhengcai.core.audit import audit_record
from zhengcai.core.errors import Conflict, InvalidInput, RuleViolation
from zhengcai.core.workdays import WorkCalendar
from zhengcai.tenders import rules as tender_rules
from zhengcai.tenders.models import Lot, Project


@transaction.atomic
def bond_record(
    *,
    actor: User,
    participation: Participation,
    amount: Decimal,
    form: str = "保函",
    payer_account: str = "",
    sme_size: str = "",
    special: str = "",
) -> BidBond:
    """Record the supplier's bid security (条例 33: never above 2% of the budget). Recording
    again replaces the amounts; a change between 已缴纳 and 无需缴纳 goes through the bond's
    machine, and a refunded bond stays refunded."""
    lot = participation.lot
    cap = tender_rules.bid_bond_cap(lot.budget)
    if amount > cap:
        raise RuleViolation(
            f"投标保证金不得超过采购预算的2%（{cap} 元）",
            code=c.ERR_BOND_TOO_HIGH,
            detail={"article": "条例 33", "cap": str(cap)},
        )
    required = rules.bond_required(
        lot.bid_bond_amount, lot.budget, sme_size=sme_size, special=special
    )
    status = c.BondStatus.NOT_REQUIRED if required == 0 and amount == 0 else c.BondStatus.PAID
    fields: dict[str, Any] = {
        "required_amount": required,
        "amount": amount,
        "form": form[:20],
        "payer_account": payer_account[:60],
        "paid_at": clock.now() if status == c.BondStatus.PAID else None,
        "exemption": "" if required == lot.bid_bond_amount else f"{sme_size or special} 减免 ⚠",
    }
    summary = {"amount": amount, "required": required, "status": status}
    bond = BidBond.objects.select_for_update().filter(participation=participation).first()
    if bond is None:
        bond = BidBond.objects.create(participation=participation, status=status, **fields)
    elif bond.status != status:
        return BOND.move(
            bond, to=status, actor=actor, action="bidding.bond_record", audit=summary, **fields
        )
    else:
        for name, value in fields.items():
            setattr(bond, name, value)
        bond.save(update_fields=list(fields))
    audit_record(actor=actor, action="bidding.bond_record", obj=bond, after=summary)
    return bond


@transaction.atomic
def bond_refund_schedule(
    *,
    bond: BidBond,
    event_day: dt.date,
    reason: str = c.RefundReason.AWARD,
    actor: User | None = None,
    document_fee: Decimal = Decimal("0"),
) -> BidBond:
    """Schedule a held bond's refund: 5 working days after `event_day` (条例 33; 87号令 38,
    29), for `reason`. A refund already due earlier stays due then (a later event never
    postpones it); a bond not held (无需缴纳, 已退还) has nothing to schedule. Audited as
    `bidding.bond_refund_scheduled`. `evaluation` calls it for the losers on the award."""
    held = (
        BidBond.objects.select_for_update()
        .filter(pk=bond.pk)
        .values_list("status", "refund_due", "refund_reason")
        .first()
    )
    if held is None or held[0] != c.BondStatus.PAID:
        return bond
    # 暂定 when the 5 working days run into a year whose schedule is not confirmed (core.deadlines)
    counted = deadlines.due(WorkCalendar.load(), event_day, rules.BOND_REFUND_WORKING_DAYS, "WD")
    due = counted.date
    if held[1] is not None and held[2] and held[1] <= due:
        return bond
    bond.refund_due = due
    bond.refund_reason = reason
    bond.refund_event_on = event_day
    if document_fee:
        bond.document_fee = document_fee
    bond.save(update_fields=["refund_due", "refund_reason", "refund_event_on", "document_fee"])
    part = Participation.objects.select_related("project").get(pk=bond.participation_id)
    deadlines.track(
        obj=bond,
        field="refund_due",
        start=event_day,
        days=rules.BOND_REFUND_WORKING_DAYS,
        unit="WD",
        result=counted,
        label="投标保证金退还期限",
        citation=rules.refund_basis(reason),
        parties=[part.supplier_id, part.project.agency_id],
    )
    audit_record(
        actor=actor,
        action="bidding.bond_refund_scheduled",
        obj=bond,
        after={
            "reason": reason,
            "event_day": event_day.isoformat(),
            "refund_due": due.isoformat(),
            "document_fee": bond.document_fee,
            "basis": rules.refund_basis(reason),
        },
    )
    return bond


def _end_reason(reason: str) -> str:
    if reason not in (c.RefundReason.TERMINATED, c.RefundReason.FAILED):
        raise InvalidInput("退还事由须为采购终止或采购失败", code="bad_refund_reason")
    return reason


@transaction.atomic
def bonds_schedule_for_lot_end(
    *,
    lot: Lot,
    reason: str,
    day: dt.date,
    actor: User | None = None,
    document_fee: Decimal = Decimal("0"),
) -> list[BidBond]:
    """A lot's procurement ended without an award — terminated (87号令 29; 74号令 37) or
    failed for too few suppliers (87号令 43 ⚠): every bond still held for the lot is due back
    within 5 working days of `day`, with the documents' fee where one was charged (87号令 29).
    The bidding side calls it when its opening fails; the tenders and evaluation outcomes of a
    lot or project (termination, 废标) call it (or `bonds_schedule_for_project_end`) too."""
    _end_reason(reason)
    bonds = list(
        BidBond.objects.filter(participation__lot=lot, status=c.BondStatus.PAID).order_by("pk")
    )
    return [
        bond_refund_schedule(
            bond=b, event_day=day, reason=reason, actor=actor, document_fee=document_fee
        )
        for b in bonds
    ]


@transaction.atomic
def bonds_schedule_for_project_end(
    *,
    project: Project,
    reason: str,
    day: dt.date,
    actor: User | None = None,
    document_fee: Decimal = Decimal("0"),
) -> list[BidBond]:
    """`bonds_schedule_for_lot_end` for every lot of the project."""
    out: list[BidBond] = []
    for lot in Lot.objects.filter(project=project).order_by("number"):
        out += bonds_schedule_for_lot_end(
            lot=lot, reason=reason, day=day, actor=actor, document_fee=document_fee
        )
    return out


@transaction.atomic
def bond_withdrawal_refund(*, actor: User, participation: Participation) -> BidBond | None:
    """A bid withdrawn before the deadline: the bond is due back within 5 working days of the
    withdrawal notice (87号令 38)."""
    bond = BidBond.objects.filter(participation=participation).first()
    if bond is None:
        return None
    return bond_refund_schedule(
        bond=bond, event_day=clock.today(), reason=c.RefundReason.WITHDRAWAL, actor=actor
    )


@transaction.atomic
def bond_withdrawal_refund_cancel(*, actor: User, participation: Participation) -> None:
    """A new envelope after a withdrawal, before the refund: the bond secures the new one and
    its withdrawal refund is no longer due (⚠ platform practice; audited)."""
    bond = (
        BidBond.objects.select_for_update()
        .filter(
            participation=participation,
            status=c.BondStatus.PAID,
            refund_reason=c.RefundReason.WITHDRAWAL,
        )
        .first()
    )
    if bond is None:
        return
    before = {"refund_due": bond.refund_due, "reason": bond.refund_reason}
    bond.refund_due = None
    bond.refund_reason = ""
    bond.refund_event_on = None
    bond.save(update_fields=["refund_due", "refund_reason", "refund_event_on"])
    deadlines.untrack(obj=bond, field="refund_due")
    audit_record(
        actor=actor, action="bidding.bond_refund_cancelled", obj=bond, before=before, after={}
    )


@transaction.atomic
def bond_refund(*, actor: User, bond: BidBond) -> BidBond:
    bond = (
        BidBond.objects.select_for_update().select_related("participation__project").get(pk=bond.pk)
    )
    require_bond_officer(actor, bond.participation.project)
    late = rules.bond_late_interest(bond.amount, bond.refund_due, clock.today(), lending_rates())
    return BOND.move(
        bond,
        to=c.BondStatus.REFUNDED,
        actor=actor,
        action="bidding.bond_refund",
        audit={
            "late_days": late.days,
            "late_interest": late.interest,
            "document_fee": bond.document_fee,
        },
        refunded_at=clock.now(),
    )


@transaction.atomic
def bond_contract_signed(
    *, actor: User, lot: Lot, supplier: Organization, signed_on: dt.date
) -> BidBond:
    """Record the day the winner signed the contract and schedule its bid security refund:
    5 working days after the contract is signed (条例 33; 87号令 38). The unsuccessful
    suppliers' refunds run from the award notice (`bond_refund_schedule`, called when the
    award is confirmed)."""
    from zhengcai.tenders.constants import ProjectStatus

    project = lot.project
    require_bond_officer(actor, project)
    if project.status != ProjectStatus.AWARDED:
        raise Conflict("项目确定中标（成交）后方可登记合同签订", code=c.ERR_NOT_AWARDED)
    if signed_on > clock.today():
        raise InvalidInput("合同签订日不能晚于今天", code="date_invalid")
    bond = (
        BidBond.objects.select_for_update()
        .filter(participation__lot=lot, participation__supplier=supplier)
        .first()
    )
    if bond is None or bond.status != c.BondStatus.PAID:
        raise Conflict("该供应商没有待退还的投标保证金", code=c.ERR_NO_BOND)
    if bond.contract_signed_on is not None:
        raise Conflict("已登记合同签订日", code=c.ERR_ALREADY_SIGNED)
    bond.contract_signed_on = signed_on
    bond.save(update_fields=["contract_signed_on"])
    bond_refund_schedule(
        bond=bond, event_day=signed_on, reason=c.RefundReason.CONTRACT, actor=actor
    )
    audit_record(
        actor=actor,
        action="bidding.bond_contract_signed",
        obj=bond,
        after={
            "supplier": supplier.pk,
            "signed_on": signed_on.isoformat(),
            "refund_due": bond.refund_due.isoformat() if bond.refund_due else None,
        },
    )
    return bond
