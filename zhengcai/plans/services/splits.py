"""化整为零 (法 28; 条例 28): the check a filing runs, recorded for supervision."""

from __future__ import annotations

from decimal import Decimal

from zhengcai.accounts.models import Organization, User
from zhengcai.core import clock
from zhengcai.core.audit import audit_record
from zhengcai.plans import constants as c
from zhengcai.plans import rules, selectors
from zhengcai.plans.models import ProcurementPlan, SplitCase


def split_check(
    *,
    actor: User | None,
    organization: Organization,
    fiscal_year: int,
    project_code: str,
    item_code: str,
    amount: Decimal,
    plan: ProcurementPlan | None = None,
    source: str = "plan",
    excused: bool = False,
) -> SplitCase | None:
    """条例 28 check for a filing (a plan here; e-mall orders later call it with their own
    `source`). Records a SplitCase when the parts together reach the threshold; the caller
    refuses the filing unless `excused`. Must run inside the caller's transaction."""
    on = rules.rule_date(fiscal_year=fiscal_year, today=clock.today())
    policy = selectors.policy_for(region=organization.region, on=on)
    prefix = item_code[: policy.split_prefix_len]
    threshold = selectors.open_tender_threshold(
        organization=organization, item_code=item_code, on=on
    )
    others = selectors.split_group_amounts(
        organization=organization,
        fiscal_year=fiscal_year,
        project_code=project_code,
        prefix=prefix,
        exclude_plan=plan.pk if plan is not None else None,
    )
    finding = rules.split_finding(
        earlier=[a for _, a in others], amount=amount, threshold=threshold
    )
    if finding is None:
        return None
    case = SplitCase.objects.create(
        organization=organization,
        fiscal_year=fiscal_year,
        budget_project_code=project_code,
        category_prefix=prefix,
        plan=plan,
        source=source,
        amount=amount,
        total=finding.total,
        threshold=finding.threshold,
        parts=[{"plan": pk, "amount": str(a)} for pk, a in others],
        message=finding.message,
        status=c.SplitCaseStatus.EXCUSED if excused else c.SplitCaseStatus.BLOCKED,
        created_by=actor,
        created_at=clock.now(),
    )
    audit_record(
        actor=actor,
        action="split_case.recorded",
        obj=case,
        organization=organization,
        after={
            "status": case.status,
            "total": finding.total,
            "threshold": finding.threshold,
            "plan": plan.pk if plan else None,
            "source": source,
        },
    )
    return case
