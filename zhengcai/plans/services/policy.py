"""The configurable periods of a region (PlanPolicy), entered from the admin."""

from __future__ import annotations

from django.db import transaction

from zhengcai.accounts.models import User
from zhengcai.core.audit import audit_record
from zhengcai.core.errors import InvalidInput
from zhengcai.plans import constants as c
from zhengcai.plans.models import PlanPolicy


@transaction.atomic
def plan_policy_save(*, actor: User | None, policy: PlanPolicy) -> PlanPolicy:
    """Enter or change a region's configurable periods (from the admin), audited."""
    if policy.intention_lead_days < c.MIN_INTENTION_LEAD_DAYS:
        # 财库〔2020〕10号: 原则上不得晚于采购活动开始前30日公开采购意向 — a region may ask for
        # a longer period, never a shorter one.
        raise InvalidInput(
            f"采购意向须在采购活动开始前不少于 {c.MIN_INTENTION_LEAD_DAYS} 日公开"
            f"（财库〔2020〕10号），不能设为 {policy.intention_lead_days} 日",
            code=c.ERR_INTENTION_LEAD,
            detail={"minimum": c.MIN_INTENTION_LEAD_DAYS},
        )
    if policy.split_prefix_len not in (1, 3, 5, 7, 9):
        raise InvalidInput("汇总品目位数须为 1、3、5、7 或 9", code="policy_invalid")
    before = None
    if policy.pk:
        old = PlanPolicy.objects.select_for_update().get(pk=policy.pk)
        before = {
            "intention_lead_days": old.intention_lead_days,
            "commission_accept_workdays": old.commission_accept_workdays,
            "commission_start_workdays": old.commission_start_workdays,
            "split_prefix_len": old.split_prefix_len,
        }
    policy.save()
    audit_record(
        actor=actor,
        action="plan_policy.saved",
        obj=policy,
        before=before,
        after={
            "region": policy.region_id,
            "effective_from": policy.effective_from,
            "intention_lead_days": policy.intention_lead_days,
            "commission_accept_workdays": policy.commission_accept_workdays,
            "commission_start_workdays": policy.commission_start_workdays,
            "split_prefix_len": policy.split_prefix_len,
            "basis": policy.basis,
        },
    )
    return policy
