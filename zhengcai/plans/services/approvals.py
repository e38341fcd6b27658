"""Approval requests: 变更采购方式, 单一来源 with its public notice (条例 38; 74号令 38–40),
进口产品, split and configuration exceptions; the 主管预算单位's consent (74号令 4)."""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from zhengcai.accounts.models import User
from zhengcai.core import clock
from zhengcai.core.audit import audit_record
from zhengcai.core.errors import Conflict, InvalidInput, PermissionDenied
from zhengcai.core.workdays import WorkCalendar
from zhengcai.plans import access, rules, selectors
from zhengcai.plans import constants as c
from zhengcai.plans.models import (
    ApprovalAttachment,
    ApprovalRequest,
    BudgetLine,
    ProcurementPlan,
    PublicityObjection,
)
from zhengcai.plans.services.base import (
    MAX_ATTACHMENT_BYTES,
    end_of_day,
    require_decider,
    require_editor,
)
from zhengcai.plans.services.machines import APPROVAL
from zhengcai.plans.services.plans import lock_plan
from zhengcai.plans.services.requests import approval_new


@transaction.atomic
def approval_create(
    *,
    actor: User,
    kind: str,
    reasons: str,
    plan: ProcurementPlan | None = None,
    budget_line: BudgetLine | None = None,
    values: dict[str, Any] | None = None,
) -> ApprovalRequest:
    """Open an application (draft) for a plan (method change, single source, import, split
    exception) or a budget line (configuration-standard exception)."""
    if kind not in c.ApprovalKind.values:
        raise InvalidInput(f"未知的申请类型：{kind}", code="kind_invalid")
    if not reasons.strip():
        raise InvalidInput("请填写申请理由", code="reasons_required")
    if kind in c.PLAN_KINDS:
        if plan is None:
            raise InvalidInput("该申请须关联采购计划", code="plan_required")
        target = lock_plan(plan)
        org = target.organization
        if target.status not in (
            c.PlanStatus.DRAFT,
            c.PlanStatus.SUBMITTED,
            c.PlanStatus.RETURNED,
        ):
            raise Conflict("计划备案后不能再提出此类申请", code=c.ERR_BAD_TRANSITION)
        needs = {
            n.kind
            for n in rules.approvals_needed(
                method=target.method,
                ground=target.single_source_ground,
                amount=target.amount,
                threshold=target.open_tender_threshold,
                is_import=target.is_import,
            )
        }
        if kind != c.ApprovalKind.SPLIT_EXCEPTION and kind not in needs:
            raise Conflict(
                f"该计划无需「{c.ApprovalKind(kind).label}」审批", code="approval_not_needed"
            )
        line = None
    else:
        if budget_line is None:
            raise InvalidInput("该申请须关联采购预算", code="budget_line_required")
        line = (
            BudgetLine.objects.select_for_update(of=("self",))
            .select_related("organization__region")
            .get(pk=budget_line.pk)
        )
        org = line.organization
        target = None
        if not selectors.line_config_problems(line):
            raise Conflict("该预算未超出资产配置标准，无需申请例外", code="approval_not_needed")
    require_editor(actor, org.pk)
    open_same = ApprovalRequest.objects.filter(
        kind=kind,
        status__in=(
            c.APPROVAL_PENDING_STATUSES | {c.ApprovalStatus.DRAFT, c.ApprovalStatus.APPROVED}
        ),
    )
    open_same = (
        open_same.filter(plan=target) if target is not None else open_same.filter(budget_line=line)
    )
    if open_same.exists():
        raise Conflict("已有同类申请在办或已批准", code="approval_exists")
    return approval_new(
        actor=actor,
        kind=kind,
        organization=org,
        reasons=reasons.strip(),
        plan=target,
        budget_line=line,
        values=values,
        status=c.ApprovalStatus.DRAFT,
    )


def lock_approval(req: ApprovalRequest) -> ApprovalRequest:
    return (
        ApprovalRequest.objects.select_for_update(of=("self",))
        .select_related("organization__region", "plan")
        .get(pk=req.pk)
    )


def _needs_publicity(req: ApprovalRequest) -> bool:
    plan = req.plan
    return (
        req.kind == c.ApprovalKind.SINGLE_SOURCE
        and plan is not None
        and rules.single_source_publicity_needed(
            method=plan.method,
            ground=plan.single_source_ground,
            amount=plan.amount,
            threshold=plan.open_tender_threshold,
        )
    )


@transaction.atomic
def approval_attach(
    *, actor: User, request: ApprovalRequest, upload: UploadedFile
) -> ApprovalAttachment:
    req = lock_approval(request)
    require_editor(actor, req.organization_id)
    if req.status not in (c.ApprovalStatus.DRAFT, c.ApprovalStatus.PUBLICITY):
        raise Conflict("申请报送后不能再添加附件", code=c.ERR_NOT_EDITABLE)
    size = upload.size or 0
    if size <= 0 or size > MAX_ATTACHMENT_BYTES:
        raise InvalidInput("附件须为 1 字节至 10 MB 的文件", code="attachment_size")
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    name = (upload.name or "附件")[-200:]
    att = ApprovalAttachment(
        request=req,
        name=name,
        size=size,
        sha256=digest.hexdigest(),
        uploaded_by=actor,
        uploaded_at=clock.now(),
    )
    att.file.save(name, upload, save=False)
    att.save()
    audit_record(
        actor=actor,
        action="approval.attachment_added",
        obj=req,
        organization=req.organization,
        after={"name": name, "size": size, "sha256": att.sha256},
    )
    return att


@transaction.atomic
def approval_submit(
    *,
    actor: User,
    request: ApprovalRequest,
    review_conclusion: str = "",
    review_note: str = "",
) -> ApprovalRequest:
    """Send to the regulator. A single-source request above the threshold on ground ① first
    goes into a public notice of 5 working days (条例 38; 74号令 38); after it ends, the request
    goes on (by the timer if nobody objected; otherwise here, with the 补充论证 conclusion,
    74号令 40)."""
    req = lock_approval(request)
    require_editor(actor, req.organization_id)
    if req.kind == c.ApprovalKind.IMPORT_PRODUCT and not req.expert_opinion.strip():
        raise InvalidInput(
            "采购进口产品须附专家论证意见（财库〔2007〕119号）", code="expert_opinion_required"
        )
    if req.status == c.ApprovalStatus.DRAFT and _needs_publicity(req):
        if not req.supplier_name or not req.expert_opinion.strip():
            raise InvalidInput(
                "单一来源公示须填写拟定供应商名称、地址和专家论证意见（74号令38）",
                code="publicity_fields_required",
            )
        cal = WorkCalendar.load()
        now = clock.now()
        end = rules.publicity_end(cal, now.date())
        req.publicity_start, req.publicity_end = now, end
        req.next_check = end_of_day(end)
        return APPROVAL.move(
            req,
            to=c.ApprovalStatus.PUBLICITY,
            actor=actor,
            audit={"kind": req.kind, "publicity_end": end},
        )
    if req.status == c.ApprovalStatus.PUBLICITY:
        assert req.publicity_end is not None
        if clock.today() <= req.publicity_end:
            raise Conflict(
                f"单一来源公示期至 {req.publicity_end:%Y年%m月%d日}，公示期满后方可报批（条例38）",
                code=c.ERR_PUBLICITY_RUNNING,
                detail={"publicity_end": req.publicity_end.isoformat()},
            )
        if req.objections.exists():
            if review_conclusion not in (c.ReviewConclusion.REJECTED, c.ReviewConclusion.UPHELD):
                raise InvalidInput(
                    "公示期内有异议，须填写补充论证结论（74号令40）", code="review_required"
                )
            if not review_note.strip():
                raise InvalidInput("请填写补充论证意见", code="review_required")
            if review_conclusion == c.ReviewConclusion.UPHELD:
                raise Conflict(
                    "补充论证认为异议成立，应撤回本申请并改用其他采购方式（74号令40）",
                    code="objection_upheld",
                )
            req.review_conclusion, req.review_note = review_conclusion, review_note.strip()
        req.next_check = None
    req.submitted_at = clock.now()
    return _approval_forward(actor=actor, req=req, review_conclusion=req.review_conclusion)


def _needs_consent(req: ApprovalRequest) -> bool:
    """A unit under a 主管预算单位 needs its consent first for a change of method (74号令 4)."""
    return (
        req.kind in c.CONSENT_KINDS
        and req.organization.parent_id is not None
        and req.consented_at is None
    )


def _approval_forward(*, actor: User | None, req: ApprovalRequest, **after: Any) -> ApprovalRequest:
    """Forward a request: to the 主管预算单位 for consent when it needs one, else to the
    finance department."""
    if _needs_consent(req):
        return APPROVAL.move(
            req,
            to=c.ApprovalStatus.CONSENT,
            actor=actor,
            audit={"kind": req.kind, "consenting_org": req.organization.parent_id, **after},
        )
    return APPROVAL.move(
        req, to=c.ApprovalStatus.SUBMITTED, actor=actor, audit={"kind": req.kind, **after}
    )


@transaction.atomic
def approval_consent(
    *, actor: User, request: ApprovalRequest, agree: bool, note: str = ""
) -> ApprovalRequest:
    """The 主管预算单位 agrees (the request goes on to the finance department) or does not (the
    request ends refused, with the reason) — 74号令 4; 214号 4."""
    req = lock_approval(request)
    if not access.can_consent(actor, req.organization):
        raise PermissionDenied("只有主管预算单位的管理员可以出具同意意见")
    if req.status != c.ApprovalStatus.CONSENT:
        raise APPROVAL.refusal(
            req.status, c.ApprovalStatus.SUBMITTED if agree else c.ApprovalStatus.REFUSED
        )
    note = note.strip()
    if not agree and not note:
        raise InvalidInput("不同意须说明理由", code="note_required")
    req.consented_by, req.consented_at, req.consent_note = actor, clock.now(), note
    if agree:
        return APPROVAL.move(
            req,
            to=c.ApprovalStatus.SUBMITTED,
            actor=actor,
            audit={"kind": req.kind, "consent": "agreed", "note": note},
        )
    req.decided_by, req.decided_at, req.decision_note = (
        actor,
        clock.now(),
        f"主管预算单位不同意：{note}",
    )
    return APPROVAL.move(
        req,
        to=c.ApprovalStatus.REFUSED,
        actor=actor,
        audit={"kind": req.kind, "consent": "refused", "note": note},
    )


def approval_publicity_tick(obj: Any) -> None:
    """Timed handler (core.timed): a notice whose period ended with no objection goes to the
    regulator; with objections the purchaser must record the 补充论证 first."""
    assert isinstance(obj, ApprovalRequest)
    req = obj
    req.next_check = None
    if (
        req.status == c.ApprovalStatus.PUBLICITY
        and req.publicity_end is not None
        and clock.today() > req.publicity_end
        and not req.objections.exists()
    ):
        req.submitted_at = clock.now()
        _approval_forward(actor=None, req=req, by="publicity_end")
    else:
        req.save(update_fields=["next_check"])


@transaction.atomic
def approval_object(
    *, actor: User | None, request: ApprovalRequest, objector_name: str, content: str
) -> PublicityObjection:
    """Record an objection to a single-source notice during its period (74号令 39)."""
    req = lock_approval(request)
    if req.status != c.ApprovalStatus.PUBLICITY or (
        req.publicity_end is not None and clock.today() > req.publicity_end
    ):
        raise Conflict("只能在公示期内提出异议", code="publicity_closed")
    name = objector_name.strip()[:200] or (
        actor.organization.name if actor is not None and actor.organization else ""
    )
    if not name or not content.strip():
        raise InvalidInput("请填写异议人和异议内容", code="objection_invalid")
    obj = PublicityObjection.objects.create(
        request=req,
        objector_name=name,
        objector_org=actor.organization if actor is not None else None,
        content=content.strip()[:5000],
        created_by=actor,
        created_at=clock.now(),
    )
    audit_record(
        actor=actor,
        action="approval.objection_recorded",
        obj=req,
        organization=req.organization,
        after={"objector": name, "objection": obj.pk},
    )
    return obj


@transaction.atomic
def approval_decide(
    *, actor: User, request: ApprovalRequest, approve: bool, note: str = ""
) -> ApprovalRequest:
    req = lock_approval(request)
    require_decider(actor, req.organization, kind=req.kind)
    note = note.strip()
    if not approve and not note:
        raise InvalidInput("不予批准须说明理由", code="note_required")
    req.decided_by, req.decided_at, req.decision_note = actor, clock.now(), note
    return APPROVAL.move(
        req,
        to=c.ApprovalStatus.APPROVED if approve else c.ApprovalStatus.REFUSED,
        actor=actor,
        audit={"kind": req.kind, "note": note},
    )


@transaction.atomic
def approval_withdraw(
    *, actor: User, request: ApprovalRequest, reason: str = ""
) -> ApprovalRequest:
    req = lock_approval(request)
    require_editor(actor, req.organization_id)
    req.next_check = None
    return APPROVAL.move(
        req,
        to=c.ApprovalStatus.WITHDRAWN,
        actor=actor,
        audit={"kind": req.kind, "reason": reason.strip()},
    )
