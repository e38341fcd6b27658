"""采购意向 (财库〔2020〕10号): publication on the portal and withdrawal."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from zhengcai.accounts.models import User
from zhengcai.core import clock
from zhengcai.core.audit import audit_record
from zhengcai.core.errors import Conflict, InvalidInput
from zhengcai.plans import constants as c
from zhengcai.plans import selectors
from zhengcai.plans.models import ProcurementIntention, ProcurementPlan
from zhengcai.plans.services.base import require_editor
from zhengcai.plans.services.machines import INTENTION
from zhengcai.plans.services.plans import lock_plan


@transaction.atomic
def intention_publish(
    *, actor: User, plan: ProcurementPlan, values: dict[str, Any] | None = None
) -> ProcurementIntention:
    """Publish the 采购意向 of a plan on the public portal (财库〔2020〕10号 ⚠; rules.md §7)."""
    values = values or {}
    locked = lock_plan(plan)
    require_editor(actor, locked.organization_id)
    if locked.status not in (c.PlanStatus.SUBMITTED, c.PlanStatus.APPROVED):
        raise Conflict("计划报送或备案后才能公开采购意向", code=c.ERR_BAD_TRANSITION)
    if selectors.current_intention(locked) is not None:
        raise Conflict("该计划已公开采购意向", code="intention_exists")
    requirements = str(values.get("requirements") or locked.requirements).strip()
    if not requirements:
        raise InvalidInput("请填写采购需求概况", code="requirements_required")
    name = str(values.get("project_name") or locked.name).strip()[:200]
    expected = values.get("expected_month") or locked.expected_month
    if isinstance(expected, str):
        try:
            expected = dt.date.fromisoformat(expected if len(expected) > 7 else expected + "-01")
        except ValueError as exc:
            raise InvalidInput("预计采购时间格式应为 YYYY-MM", code="month_invalid") from exc
    intention = ProcurementIntention.objects.create(
        plan=locked,
        organization=locked.organization,
        project_name=name,
        requirements=requirements,
        budget_amount=locked.amount,
        expected_month=expected.replace(day=1),
        notes=str(values.get("notes") or "").strip()[:500],
        status=c.IntentionStatus.PUBLISHED,
        published_at=clock.now(),
    )
    audit_record(
        actor=actor,
        action="intention.published",
        obj=intention,
        organization=locked.organization,
        after={
            "plan": locked.pk,
            "project_name": name,
            "budget_amount": locked.amount,
            "expected_month": intention.expected_month,
        },
    )
    return intention


@transaction.atomic
def intention_withdraw(
    *, actor: User, intention: ProcurementIntention, reason: str
) -> ProcurementIntention:
    locked = ProcurementIntention.objects.select_for_update().get(pk=intention.pk)
    require_editor(actor, locked.organization_id)
    INTENTION.check(locked, c.IntentionStatus.WITHDRAWN)
    if not reason.strip():
        raise InvalidInput("请填写撤回原因", code="reason_required")
    if ProcurementPlan.objects.filter(pk=locked.plan_id, status=c.PlanStatus.COMMISSIONED).exists():
        raise Conflict("计划已委托，不能撤回采购意向", code=c.ERR_BAD_TRANSITION)
    return INTENTION.move(
        locked,
        to=c.IntentionStatus.WITHDRAWN,
        actor=actor,
        reason=reason.strip(),
        withdrawn_at=clock.now(),
    )
