"""Model rows to output schemas."""

from __future__ import annotations

from zhengcai.plans import constants as c
from zhengcai.plans.api.schemas import (
    ApprovalOut,
    AttachmentOut,
    BudgetLineOut,
    CommissionOut,
    IntentionOut,
    ObjectionOut,
    PlanOut,
    SplitCaseOut,
)
from zhengcai.plans.models import (
    ApprovalAttachment,
    ApprovalRequest,
    BudgetLine,
    Commission,
    ProcurementIntention,
    ProcurementPlan,
    SplitCase,
)


def line_out(b: BudgetLine) -> BudgetLineOut:
    return BudgetLineOut(
        id=b.pk,
        organization_id=b.organization_id,
        organization_name=b.organization.name,
        fiscal_year=b.fiscal_year,
        project_code=b.project_code,
        project_name=b.project_name,
        item_code=b.item_code,
        item_name=b.item_name,
        description=b.description,
        quantity=b.quantity,
        unit=b.unit,
        amount=b.amount,
        funding_source=b.funding_source,
        org_form=b.org_form,
        is_import=b.is_import,
        status=b.status,
        status_label=str(c.BudgetStatus(b.status).label),
        decision_note=b.decision_note,
        version=b.version,
    )


def plan_out(p: ProcurementPlan) -> PlanOut:
    return PlanOut(
        id=p.pk,
        plan_no=p.plan_no,
        budget_line_id=p.budget_line_id,
        organization_id=p.organization_id,
        organization_name=p.organization.name,
        fiscal_year=p.fiscal_year,
        name=p.name,
        item_code=p.item_code,
        quantity=p.quantity,
        amount=p.amount,
        expected_month=p.expected_month,
        requirements=p.requirements,
        org_form=p.org_form,
        default_method=p.default_method,
        method=p.method,
        single_source_ground=p.single_source_ground,
        is_import=p.is_import,
        is_urgent=p.is_urgent,
        urgent_reason=p.urgent_reason,
        works_related=p.works_related,
        original_contract_no=p.original_contract_no,
        original_supplier=p.original_supplier,
        original_contract_amount=p.original_contract_amount,
        original_contract_signed_on=p.original_contract_signed_on,
        bidding_law_required=bool(p.determination.get("bidding_law_required")),
        open_tender_threshold=p.open_tender_threshold,
        reasons=list(p.determination.get("reasons", [])),
        status=p.status,
        status_label=str(c.PlanStatus(p.status).label),
        decision_note=p.decision_note,
        contracted_amount=p.contracted_amount,
        paid_amount=p.paid_amount,
        version=p.version,
    )


def intention_out(i: ProcurementIntention) -> IntentionOut:
    return IntentionOut(
        id=i.pk,
        plan_id=i.plan_id,
        organization_name=i.organization.name,
        region_name=i.organization.region.full_name(),
        project_name=i.project_name,
        requirements=i.requirements,
        budget_amount=i.budget_amount,
        expected_month=i.expected_month,
        notes=i.notes,
        status=i.status,
        published_at=i.published_at,
    )


def commission_out(k: Commission) -> CommissionOut:
    return CommissionOut(
        id=k.pk,
        project_no=k.project_no,
        plan_id=k.plan_id,
        plan_name=k.plan.name,
        amount=k.plan.amount,
        purchaser_id=k.purchaser_id,
        purchaser_name=k.purchaser.name,
        agency_id=k.agency_id,
        agency_name=k.agency.name,
        status=k.status,
        status_label=str(c.CommissionStatus(k.status).label),
        handed_at=k.handed_at,
        received_at=k.received_at,
        holder_name=k.holder.name,
        holder_since=k.holder_since,
        due_step=k.due_step,
        due_at=k.due_at,
        is_overdue=k.is_overdue,
        urgent_exemption=k.urgent_exemption,
        decline_reason=k.decline_reason,
    )


def attachment_out(a: ApprovalAttachment) -> AttachmentOut:
    return AttachmentOut(
        id=a.pk, name=a.name, size=a.size, sha256=a.sha256, uploaded_at=a.uploaded_at
    )


def approval_out(r: ApprovalRequest) -> ApprovalOut:
    return ApprovalOut(
        id=r.pk,
        kind=r.kind,
        kind_label=str(c.ApprovalKind(r.kind).label),
        organization_id=r.organization_id,
        plan_id=r.plan_id,
        budget_line_id=r.budget_line_id,
        proposed_method=r.proposed_method,
        single_source_ground=r.single_source_ground,
        reasons=r.reasons,
        supplier_name=r.supplier_name,
        supplier_address=r.supplier_address,
        expert_opinion=r.expert_opinion,
        status=r.status,
        status_label=str(c.ApprovalStatus(r.status).label),
        publicity_start=r.publicity_start,
        publicity_end=r.publicity_end,
        review_conclusion=r.review_conclusion,
        review_note=r.review_note,
        decision_note=r.decision_note,
        decided_at=r.decided_at,
        attachments=[attachment_out(a) for a in r.attachments.all()],
        objections=[
            ObjectionOut(
                id=o.pk, objector_name=o.objector_name, content=o.content, created_at=o.created_at
            )
            for o in r.objections.all()
        ],
        version=r.version,
    )


def split_out(s: SplitCase) -> SplitCaseOut:
    return SplitCaseOut(
        id=s.pk,
        organization_id=s.organization_id,
        organization_name=s.organization.name,
        fiscal_year=s.fiscal_year,
        budget_project_code=s.budget_project_code,
        category_prefix=s.category_prefix,
        plan_id=s.plan_id,
        source=s.source,
        amount=s.amount,
        total=s.total,
        threshold=s.threshold,
        parts=list(s.parts),
        message=s.message,
        status=s.status,
        created_at=s.created_at,
    )
