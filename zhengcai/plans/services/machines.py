"""The one door per aggregate of the plans app (design §4 rule 2; `core.transitions`): every
status change of a budget line, plan, intention, approval request, commission or split case
goes through its machine's `move` — it checks the TRANSITIONS table of constants.py and the
version, saves and writes the audit entry in the caller's transaction."""

from __future__ import annotations

from zhengcai.core import transitions
from zhengcai.plans import constants as c
from zhengcai.plans.models import (
    ApprovalRequest,
    BudgetLine,
    Commission,
    ProcurementIntention,
    ProcurementPlan,
    SplitCase,
)

BUDGET = transitions.register(
    transitions.Machine(
        BudgetLine,
        c.BUDGET_TRANSITIONS,
        what="预算",
        action="budget_line",
        labels=c.BudgetStatus,
        organization=lambda b: b.organization,
    )
)
PLAN = transitions.register(
    transitions.Machine(
        ProcurementPlan,
        c.PLAN_TRANSITIONS,
        what="计划",
        action="plan",
        labels=c.PlanStatus,
        organization=lambda p: p.organization,
    )
)
INTENTION = transitions.register(
    transitions.Machine(
        ProcurementIntention,
        c.INTENTION_TRANSITIONS,
        what="采购意向",
        action="intention",
        labels=c.IntentionStatus,
        organization=lambda i: i.organization,
    )
)
APPROVAL = transitions.register(
    transitions.Machine(
        ApprovalRequest,
        c.APPROVAL_TRANSITIONS,
        what="申请",
        action="approval",
        labels=c.ApprovalStatus,
        organization=lambda r: r.organization,
    )
)
COMMISSION = transitions.register(
    transitions.Machine(
        Commission,
        c.COMMISSION_TRANSITIONS,
        what="委托",
        action="commission",
        labels=c.CommissionStatus,
        organization=lambda k: k.purchaser,
    )
)
SPLIT_CASE = transitions.register(
    transitions.Machine(
        SplitCase,
        c.SPLIT_CASE_TRANSITIONS,
        what="化整为零线索",
        action="split_case",
        labels=c.SplitCaseStatus,
        organization=lambda s: s.organization,
    )
)
