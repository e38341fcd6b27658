"""Writes of the plans app, by aggregate: the only place a budget line, plan, intention, approval
request, commission or split case changes status — through its machine in `machines`, which
checks the TRANSITIONS table of constants.py, saves and writes the audit entry in one
transaction (design §4 rule 2). Callers import from this package; the topic modules are:

- `budgets`     budget lines: validation, entry, correction, status;
- `imports`     Excel import of budget lines;
- `plans`       procurement plans: drawing up, filing (with the split check), approval;
- `splits`      化整为零 cases (条例 28);
- `execution`   contracted and paid amounts recorded against a plan;
- `intentions`  采购意向;
- `approvals`   approval requests, single-source notices, consent, decisions;
- `commissions` 网上委托 and business tracking;
- `policy`      the regional PlanPolicy.
"""

from zhengcai.plans.services.approvals import (
    approval_attach,
    approval_consent,
    approval_create,
    approval_decide,
    approval_object,
    approval_publicity_tick,
    approval_submit,
    approval_withdraw,
)
from zhengcai.plans.services.base import MAX_ATTACHMENT_BYTES, ZERO
from zhengcai.plans.services.budgets import (
    BUDGET_FIELDS,
    FIELD_LABELS,
    FieldProblem,
    budget_line_create,
    budget_line_transition,
    budget_line_update,
    validate_budget_line,
)
from zhengcai.plans.services.commissions import (
    commission_accept,
    commission_create,
    commission_decline,
    commission_overdue_check,
)
from zhengcai.plans.services.execution import (
    plan_record_contracted,
    plan_record_paid,
    plan_release_contracted,
)
from zhengcai.plans.services.imports import ImportResult, budget_lines_import
from zhengcai.plans.services.intentions import intention_publish, intention_withdraw
from zhengcai.plans.services.machines import (
    APPROVAL,
    BUDGET,
    COMMISSION,
    INTENTION,
    PLAN,
    SPLIT_CASE,
)
from zhengcai.plans.services.plans import (
    PLAN_EDITABLE,
    plan_approve,
    plan_cancel,
    plan_create,
    plan_return,
    plan_submit,
    plan_update,
)
from zhengcai.plans.services.policy import plan_policy_save
from zhengcai.plans.services.splits import split_check

__all__ = [
    "APPROVAL",
    "BUDGET",
    "BUDGET_FIELDS",
    "COMMISSION",
    "FIELD_LABELS",
    "INTENTION",
    "MAX_ATTACHMENT_BYTES",
    "PLAN",
    "PLAN_EDITABLE",
    "SPLIT_CASE",
    "ZERO",
    "FieldProblem",
    "ImportResult",
    "approval_attach",
    "approval_consent",
    "approval_create",
    "approval_decide",
    "approval_object",
    "approval_publicity_tick",
    "approval_submit",
    "approval_withdraw",
    "budget_line_create",
    "budget_line_transition",
    "budget_line_update",
    "budget_lines_import",
    "commission_accept",
    "commission_create",
    "commission_decline",
    "commission_overdue_check",
    "intention_publish",
    "intention_withdraw",
    "plan_approve",
    "plan_cancel",
    "plan_create",
    "plan_policy_save",
    "plan_record_contracted",
    "plan_record_paid",
    "plan_release_contracted",
    "plan_return",
    "plan_submit",
    "plan_update",
    "split_check",
    "validate_budget_line",
]
