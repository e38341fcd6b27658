"""Payment requests against accepted milestones, approved by the purchaser, paid through the
国库集中支付 exchange (services.treasury); late payments flagged by the timed check."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction

from zhengcai.accounts.models import User
from zhengcai.contracts import constants as c
from zhengcai.contracts import rules
from zhengcai.contracts.models import Milestone, PaymentRequest
from zhengcai.contracts.services.common import require_purchaser, require_supplier
from zhengcai.contracts.services.machines import PAYMENT
from zhengcai.core import clock, deadlines
from zhengcai.core.audit import audit_record
from zhengcai.core.errors import Conflict, InvalidInput, RuleViolation
from zhengcai.core.workdays import WorkCalendar

P = c.PaymentStatus
LIVE = [P.REQUESTED, P.APPROVED, P.SENT, P.PAID, P.RETURNED]


def _end_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=clock.SHANGHAI)


@transaction.atomic
def payment_request(*, actor: User, milestone: Milestone, amount: Any = None) -> PaymentRequest:
    """The supplier asks to be paid for an accepted milestone; the payment term starts
    (rules.payment_due)."""
    k = milestone.contract
    require_supplier(actor, k)
    if milestone.status != c.MilestoneStatus.ACCEPTED:
        raise Conflict("节点验收合格后方可申请支付", code=c.ERR_PAYMENT)
    asked = sum(
        milestone.payments.filter(status__in=LIVE).values_list("amount", flat=True), Decimal("0")
    )
    value = Decimal(str(amount)) if amount not in (None, "") else milestone.amount - asked
    value = value.quantize(rules.CENT)
    if value <= 0 or asked + value > milestone.amount:
        raise RuleViolation(
            f"申请金额应大于 0 且不超过该节点未申请金额 {milestone.amount - asked} 元",
            code=c.ERR_PAYMENT,
        )
    today = clock.today()
    result = rules.payment_due(WorkCalendar.load(), today, k.payment_days)
    p = PaymentRequest.objects.create(
        contract=k, milestone=milestone, amount=value, requested_by=actor, requested_on=today,
        due_on=result.date, next_check=_end_of(result.date) + dt.timedelta(seconds=1),
    )  # fmt: skip
    deadlines.track(
        obj=p, field="due_on", start=today, days=k.payment_days, unit="d", result=result,
        label="付款期限", citation="合同约定（保障中小企业款项支付条例 ⚠）",
        parties=[k.purchaser, k.supplier],
    )  # fmt: skip
    audit_record(
        actor=actor, action="payment.requested", obj=p, organization=k.purchaser,
        after={"amount": str(value), "due_on": str(result.date)},
    )  # fmt: skip
    return p


@transaction.atomic
def payment_approve(
    *, actor: User, payment: PaymentRequest, expected_version: int | None = None
) -> PaymentRequest:
    require_purchaser(actor, payment.contract)
    return PAYMENT.move(
        payment, to=P.APPROVED, actor=actor, expected_version=expected_version,
        approved_at=clock.now(),
    )  # fmt: skip


@transaction.atomic
def payment_refuse(*, actor: User, payment: PaymentRequest, reason: str) -> PaymentRequest:
    require_purchaser(actor, payment.contract)
    if not reason.strip():
        raise InvalidInput("请写明退回理由", code=c.ERR_PAYMENT)
    return PAYMENT.move(payment, to=P.REFUSED, actor=actor, reason=reason.strip(),
                        note=reason.strip()[:500], next_check=None)  # fmt: skip


def payment_timed(obj: Any) -> None:
    """Past the payment term and not paid: flagged late (shown on the pages, audited)."""
    p: PaymentRequest = obj
    p.next_check = None
    if p.status not in (P.PAID, P.REFUSED) and rules.overdue(p.due_on, clock.today()):
        p.late = True
        audit_record(
            actor=None, action="payment.late", obj=p, organization=p.contract.purchaser,
            after={"due_on": str(p.due_on), "amount": str(p.amount)},
        )  # fmt: skip
    p.save(update_fields=["late", "next_check"])
