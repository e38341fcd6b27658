"""Approval requests, single-source notices and objections."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import File, Query, Status
from ninja.files import UploadedFile

from zhengcai.core.errors import NotFound
from zhengcai.core.http import request_user
from zhengcai.core.schemas import API_ERRORS, ErrorOut
from zhengcai.plans import access, selectors, services
from zhengcai.plans.api.converters import approval_out, attachment_out
from zhengcai.plans.api.router import router
from zhengcai.plans.api.schemas import (
    ApprovalFilter,
    ApprovalIn,
    ApprovalOut,
    ApprovalPage,
    AttachmentOut,
    ConsentIn,
    DecideIn,
    NoteIn,
    ObjectionIn,
    ObjectionOut,
    PageIn,
    SubmitApprovalIn,
)


@router.get(
    "/approvals",
    response={200: ApprovalPage, API_ERRORS: ErrorOut},
    summary="审批申请列表",
    operation_id="zhengcai_plans_api_approval_list",
)
def approval_list(request: HttpRequest, filters: Query[ApprovalFilter]) -> ApprovalPage:
    qs = selectors.approval_list(
        user=request_user(request), status=filters.status, kind=filters.kind
    )
    page = qs[filters.offset : filters.offset + filters.limit]
    return ApprovalPage(count=qs.count(), items=[approval_out(r) for r in page])


@router.post(
    "/approvals",
    response={201: ApprovalOut, API_ERRORS: ErrorOut},
    summary="提出申请：变更采购方式、单一来源、进口产品、化整为零例外、超配置标准例外",
    operation_id="zhengcai_plans_api_approval_create",
)
def approval_create(request: HttpRequest, payload: ApprovalIn) -> Status[ApprovalOut]:
    user = request_user(request)
    plan = line = None
    if payload.plan_id is not None:
        plan = access.access_plan(user=user, pk=payload.plan_id, action="edit")
    if payload.budget_line_id is not None:
        line = access.access_budget_line(user=user, pk=payload.budget_line_id, action="edit")
    req = services.approval_create(
        actor=user,
        kind=payload.kind,
        reasons=payload.reasons,
        plan=plan,
        budget_line=line,
        values=payload.dict(include={"supplier_name", "supplier_address", "expert_opinion"}),
    )
    return Status(201, approval_out(req))


@router.get(
    "/approvals/{approval_id}",
    response={200: ApprovalOut, API_ERRORS: ErrorOut},
    summary="审批申请详情",
    operation_id="zhengcai_plans_api_approval_get",
)
def approval_get(request: HttpRequest, approval_id: int) -> ApprovalOut:
    return approval_out(access.access_approval(user=request_user(request), pk=approval_id))


@router.post(
    "/approvals/{approval_id}/attachments",
    response={201: AttachmentOut, API_ERRORS: ErrorOut},
    summary="上传申请附件（草稿或公示期内）",
    operation_id="zhengcai_plans_api_approval_attach",
)
def approval_attach(
    request: HttpRequest, approval_id: int, file: File[UploadedFile]
) -> Status[AttachmentOut]:
    user = request_user(request)
    req = access.access_approval(user=user, pk=approval_id, action="edit")
    return Status(
        201, attachment_out(services.approval_attach(actor=user, request=req, upload=file))
    )


@router.post(
    "/approvals/{approval_id}/submit",
    response={200: ApprovalOut, API_ERRORS: ErrorOut},
    summary="报送（单一来源先公示 5 个工作日；公示期满有异议须填补充论证结论）",
    operation_id="zhengcai_plans_api_approval_submit",
)
def approval_submit(
    request: HttpRequest, approval_id: int, payload: SubmitApprovalIn
) -> ApprovalOut:
    user = request_user(request)
    req = access.access_approval(user=user, pk=approval_id, action="edit")
    return approval_out(
        services.approval_submit(
            actor=user,
            request=req,
            review_conclusion=payload.review_conclusion,
            review_note=payload.review_note,
        )
    )


@router.post(
    "/approvals/{approval_id}/decide",
    response={200: ApprovalOut, API_ERRORS: ErrorOut},
    summary="批准或不予批准（财政部门；方式变更与进口须设区的市级以上）",
    operation_id="zhengcai_plans_api_approval_decide",
)
def approval_decide(request: HttpRequest, approval_id: int, payload: DecideIn) -> ApprovalOut:
    user = request_user(request)
    req = access.access_approval(user=user, pk=approval_id, action="decide")
    return approval_out(
        services.approval_decide(
            actor=user, request=req, approve=payload.approve, note=payload.note
        )
    )


@router.post(
    "/approvals/{approval_id}/consent",
    response={200: ApprovalOut, API_ERRORS: ErrorOut},
    summary="主管预算单位同意或不同意（变更采购方式，74号令4）",
    operation_id="zhengcai_plans_api_approval_consent",
)
def approval_consent(request: HttpRequest, approval_id: int, payload: ConsentIn) -> ApprovalOut:
    user = request_user(request)
    req = access.access_approval(user=user, pk=approval_id, action="consent")
    return approval_out(
        services.approval_consent(actor=user, request=req, agree=payload.agree, note=payload.note)
    )


@router.post(
    "/approvals/{approval_id}/withdraw",
    response={200: ApprovalOut, API_ERRORS: ErrorOut},
    summary="撤回申请",
    operation_id="zhengcai_plans_api_approval_withdraw",
)
def approval_withdraw(request: HttpRequest, approval_id: int, payload: NoteIn) -> ApprovalOut:
    user = request_user(request)
    req = access.access_approval(user=user, pk=approval_id, action="edit")
    return approval_out(services.approval_withdraw(actor=user, request=req, reason=payload.note))


@router.get(
    "/single-source-notices",
    auth=None,
    response={200: list[ApprovalOut], API_ERRORS: ErrorOut},
    summary="单一来源公示（公开）",
    operation_id="zhengcai_plans_api_single_source_notices",
)
def single_source_notices(request: HttpRequest, filters: Query[PageIn]) -> list[ApprovalOut]:
    qs = selectors.public_single_source_notices()
    return [approval_out(r) for r in qs[filters.offset : filters.offset + filters.limit]]


@router.post(
    "/single-source-notices/{approval_id}/objections",
    response={201: ObjectionOut, API_ERRORS: ErrorOut},
    summary="对单一来源公示提出异议（公示期内）",
    operation_id="zhengcai_plans_api_objection_create",
)
def objection_create(
    request: HttpRequest, approval_id: int, payload: ObjectionIn
) -> Status[ObjectionOut]:
    req = selectors.public_single_source_notice_get(approval_id)
    if req is None:
        raise NotFound("公示不存在")
    o = services.approval_object(
        actor=request_user(request),
        request=req,
        objector_name=payload.objector_name,
        content=payload.content,
    )
    return Status(
        201,
        ObjectionOut(
            id=o.pk, objector_name=o.objector_name, content=o.content, created_at=o.created_at
        ),
    )
