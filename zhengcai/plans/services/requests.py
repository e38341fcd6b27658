"""The birth of an approval request (shared by budget lines and approvals)."""

from __future__ import annotations

from typing import Any

from zhengcai.accounts.models import Organization, User
from zhengcai.core import clock
from zhengcai.core.audit import audit_record
from zhengcai.plans import constants as c
from zhengcai.plans.models import ApprovalRequest, BudgetLine, ProcurementPlan


def approval_summary(req: ApprovalRequest) -> dict[str, Any]:
    return {
        "kind": req.kind,
        "status": req.status,
        "plan": req.plan_id,
        "budget_line": req.budget_line_id,
        "proposed_method": req.proposed_method,
        "single_source_ground": req.single_source_ground,
        "supplier_name": req.supplier_name,
    }


def approval_new(
    *,
    actor: User,
    kind: str,
    organization: Organization,
    reasons: str,
    plan: ProcurementPlan | None = None,
    budget_line: BudgetLine | None = None,
    values: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
    status: str = c.ApprovalStatus.SUBMITTED,
) -> ApprovalRequest:
    values = values or {}
    now = clock.now()
    req = ApprovalRequest.objects.create(
        kind=kind,
        organization=organization,
        plan=plan,
        budget_line=budget_line,
        proposed_method=plan.method if plan is not None else "",
        single_source_ground=plan.single_source_ground if plan is not None else "",
        reasons=reasons,
        supplier_name=str(values.get("supplier_name") or "").strip()[:200],
        supplier_address=str(values.get("supplier_address") or "").strip()[:200],
        expert_opinion=str(values.get("expert_opinion") or "").strip(),
        status=status,
        submitted_at=now if status == c.ApprovalStatus.SUBMITTED else None,
        created_by=actor,
        created_at=now,
    )
    audit_record(
        actor=actor,
        action="approval.created",
        obj=req,
        organization=organization,
        after={**approval_summary(req), **(extra or {})},
    )
    return req
