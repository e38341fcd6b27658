"""Budget execution recorded on a plan by later apps (contracts, payments)."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from zhengcai.accounts.models import User
from zhengcai.core.audit import audit_record
from zhengcai.core.errors import Conflict, InvalidInput, RuleViolation
from zhengcai.plans import constants as c
from zhengcai.plans.models import ProcurementPlan
from zhengcai.plans.services.plans import lock_plan


@transaction.atomic
def plan_record_contracted(
    *, actor: User | None, plan: ProcurementPlan, amount: Decimal
) -> ProcurementPlan:
    """Budget execution: a contract signed under this plan (called by the contracts app)."""
    locked = lock_plan(plan)
    if locked.status not in c.PLAN_COMMITTED_STATUSES:
        raise Conflict("只有已备案或已委托的计划可以登记合同金额", code=c.ERR_BAD_TRANSITION)
    return _add_execution(
        actor=actor,
        plan=locked,
        field="contracted_amount",
        amount=amount,
        cap=locked.amount,
        what="合同金额",
        cap_what="计划金额",
        basis="（法6）",
        action="plan.contracted_recorded",
    )


@transaction.atomic
def plan_release_contracted(
    *, actor: User | None, plan: ProcurementPlan, amount: Decimal, reason: str
) -> ProcurementPlan:
    """Budget execution: a contract under this plan was revoked (撤销, 94号令 32), so its
    amount is no longer contracted; never below what has been paid. Audited with the reason."""
    locked = lock_plan(plan)
    if amount <= 0:
        raise InvalidInput("合同金额必须大于 0", code=c.ERR_AMOUNT_INVALID)
    before = locked.contracted_amount
    after = before - amount
    if after < locked.paid_amount:
        raise RuleViolation(
            f"撤销后合同金额 {after} 元将低于已支付金额 {locked.paid_amount} 元",
            code=c.ERR_OVER_BUDGET,
        )
    locked.contracted_amount = after
    locked.version += 1
    locked.save(update_fields=["contracted_amount", "version"])
    audit_record(
        actor=actor,
        action="plan.contracted_released",
        obj=locked,
        organization=locked.organization,
        before={"contracted_amount": before},
        after={"contracted_amount": after, "released": amount, "reason": reason},
    )
    return locked


@transaction.atomic
def plan_record_paid(
    *, actor: User | None, plan: ProcurementPlan, amount: Decimal
) -> ProcurementPlan:
    """Budget execution: a payment under this plan (called by the payments app)."""
    locked = lock_plan(plan)
    return _add_execution(
        actor=actor,
        plan=locked,
        field="paid_amount",
        amount=amount,
        cap=locked.contracted_amount,
        what="支付金额",
        cap_what="合同金额",
        basis="",
        action="plan.paid_recorded",
    )


def _add_execution(
    *,
    actor: User | None,
    plan: ProcurementPlan,
    field: str,
    amount: Decimal,
    cap: Decimal,
    what: str,
    cap_what: str,
    basis: str,
    action: str,
) -> ProcurementPlan:
    """Add to one running execution total of a locked plan, never past its cap; audited."""
    if amount <= 0:
        raise InvalidInput(f"{what}必须大于 0", code=c.ERR_AMOUNT_INVALID)
    before: Decimal = getattr(plan, field)
    total = before + amount
    if total > cap:
        raise RuleViolation(
            f"{what}累计 {total} 元超过{cap_what} {cap} 元{basis}", code=c.ERR_OVER_BUDGET
        )
    setattr(plan, field, total)
    plan.version += 1
    plan.save(update_fields=[field, "version"])
    audit_record(
        actor=actor,
        action=action,
        obj=plan,
        organization=plan.organization,
        before={field: before},
        after={field: total, "added": amount},
    )
    return plan
