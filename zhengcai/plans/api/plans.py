"""Procurement plans: list, create, edit, needs, filing steps, intention, commission,
budget execution."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Query, Status

from zhengcai.core.errors import NotFound
from zhengcai.core.http import etag, if_match_version, request_user
from zhengcai.core.schemas import API_ERRORS, ErrorOut
from zhengcai.plans import access, selectors, services
from zhengcai.plans.api.converters import commission_out, intention_out, plan_out
from zhengcai.plans.api.router import router
from zhengcai.plans.api.schemas import (
    AmountIn,
    CommissionIn,
    CommissionOut,
    IntentionIn,
    IntentionOut,
    NeedOut,
    NoteIn,
    PlanFilter,
    PlanIn,
    PlanOut,
    PlanPage,
    PlanPatch,
)


@router.get(
    "/plans",
    response={200: PlanPage, API_ERRORS: ErrorOut},
    summary="采购实施计划列表",
    operation_id="zhengcai_plans_api_plan_list",
)
def plan_list(request: HttpRequest, filters: Query[PlanFilter]) -> PlanPage:
    qs = selectors.plan_list(
        user=request_user(request), status=filters.status, year=filters.year, q=filters.q
    )
    page = qs[filters.offset : filters.offset + filters.limit]
    return PlanPage(count=qs.count(), items=[plan_out(p) for p in page])


@router.post(
    "/plans",
    response={201: PlanOut, API_ERRORS: ErrorOut},
    summary="依据已批复预算编制采购实施计划（方式按规则确定，可另选并申请审批）",
    operation_id="zhengcai_plans_api_plan_create",
)
def plan_create(request: HttpRequest, response: HttpResponse, payload: PlanIn) -> Status[PlanOut]:
    user = request_user(request)
    line = access.access_budget_line(user=user, pk=payload.budget_line_id, action="edit")
    values = payload.dict(exclude={"budget_line_id"})
    plan = services.plan_create(actor=user, budget_line=line, values=values)
    response["ETag"] = etag("plan", plan)
    return Status(201, plan_out(plan))


@router.get(
    "/plans/{plan_id}",
    response={200: PlanOut, API_ERRORS: ErrorOut},
    summary="计划详情（带 ETag）",
    operation_id="zhengcai_plans_api_plan_get",
)
def plan_get(request: HttpRequest, response: HttpResponse, plan_id: int) -> PlanOut:
    plan = access.access_plan(user=request_user(request), pk=plan_id)
    response["ETag"] = etag("plan", plan)
    return plan_out(plan)


@router.patch(
    "/plans/{plan_id}",
    response={200: PlanOut, API_ERRORS: ErrorOut},
    summary="修改草稿或退回的计划（须带 If-Match）",
    operation_id="zhengcai_plans_api_plan_update",
)
def plan_update(
    request: HttpRequest, response: HttpResponse, plan_id: int, payload: PlanPatch
) -> PlanOut:
    user = request_user(request)
    plan = access.access_plan(user=user, pk=plan_id, action="edit")
    version = if_match_version(request, "plan", plan.pk, required=True)
    changes = payload.dict(exclude_unset=True)
    plan = services.plan_update(actor=user, plan=plan, expected_version=version, changes=changes)
    response["ETag"] = etag("plan", plan)
    return plan_out(plan)


@router.get(
    "/plans/{plan_id}/needs",
    response={200: list[NeedOut], API_ERRORS: ErrorOut},
    summary="计划须经审批的事项及申请状态",
    operation_id="zhengcai_plans_api_plan_needs",
)
def plan_needs(request: HttpRequest, plan_id: int) -> list[NeedOut]:
    plan = access.access_plan(user=request_user(request), pk=plan_id)
    return [
        NeedOut(
            kind=n.kind,
            reason=n.reason,
            request_id=n.request.pk if n.request else None,
            request_status=n.request.status if n.request else None,
            approved=n.approved,
        )
        for n in selectors.plan_needs(plan)
    ]


@router.post(
    "/plans/{plan_id}/submit",
    response={200: PlanOut, API_ERRORS: ErrorOut},
    summary="报送备案（含化整为零检查：疑似拆分则拒绝并记录线索）",
    operation_id="zhengcai_plans_api_plan_submit",
)
def plan_submit(request: HttpRequest, response: HttpResponse, plan_id: int) -> PlanOut:
    user = request_user(request)
    plan = access.access_plan(user=user, pk=plan_id, action="edit")
    version = if_match_version(request, "plan", plan.pk, required=False)
    plan = services.plan_submit(actor=user, plan=plan, expected_version=version)
    response["ETag"] = etag("plan", plan)
    return plan_out(plan)


@router.post(
    "/plans/{plan_id}/approve",
    response={200: PlanOut, API_ERRORS: ErrorOut},
    summary="同意备案（财政部门；须先批准所需审批事项）",
    operation_id="zhengcai_plans_api_plan_approve",
)
def plan_approve(
    request: HttpRequest, response: HttpResponse, plan_id: int, payload: NoteIn
) -> PlanOut:
    user = request_user(request)
    plan = access.access_plan(user=user, pk=plan_id, action="decide")
    version = if_match_version(request, "plan", plan.pk, required=False)
    plan = services.plan_approve(actor=user, plan=plan, note=payload.note, expected_version=version)
    response["ETag"] = etag("plan", plan)
    return plan_out(plan)


@router.post(
    "/plans/{plan_id}/return",
    response={200: PlanOut, API_ERRORS: ErrorOut},
    summary="退回计划（财政部门，须填意见）",
    operation_id="zhengcai_plans_api_plan_return",
)
def plan_return(
    request: HttpRequest, response: HttpResponse, plan_id: int, payload: NoteIn
) -> PlanOut:
    user = request_user(request)
    plan = access.access_plan(user=user, pk=plan_id, action="decide")
    version = if_match_version(request, "plan", plan.pk, required=False)
    plan = services.plan_return(actor=user, plan=plan, note=payload.note, expected_version=version)
    response["ETag"] = etag("plan", plan)
    return plan_out(plan)


@router.post(
    "/plans/{plan_id}/cancel",
    response={200: PlanOut, API_ERRORS: ErrorOut},
    summary="撤销计划",
    operation_id="zhengcai_plans_api_plan_cancel",
)
def plan_cancel(
    request: HttpRequest, response: HttpResponse, plan_id: int, payload: NoteIn
) -> PlanOut:
    user = request_user(request)
    plan = access.access_plan(user=user, pk=plan_id, action="edit")
    version = if_match_version(request, "plan", plan.pk, required=False)
    plan = services.plan_cancel(actor=user, plan=plan, note=payload.note, expected_version=version)
    response["ETag"] = etag("plan", plan)
    return plan_out(plan)


@router.post(
    "/plans/{plan_id}/intention",
    response={201: IntentionOut, API_ERRORS: ErrorOut},
    summary="公开采购意向（门户公开）",
    operation_id="zhengcai_plans_api_intention_publish",
)
def intention_publish(
    request: HttpRequest, plan_id: int, payload: IntentionIn
) -> Status[IntentionOut]:
    user = request_user(request)
    plan = access.access_plan(user=user, pk=plan_id, action="edit")
    intention = services.intention_publish(
        actor=user, plan=plan, values=payload.dict(exclude_none=True)
    )
    return Status(201, intention_out(intention))


@router.post(
    "/plans/{plan_id}/commission",
    response={201: CommissionOut, API_ERRORS: ErrorOut},
    summary="网上委托代理机构（意向公开满期或登记紧急事由后）",
    operation_id="zhengcai_plans_api_commission_create",
)
def commission_create(
    request: HttpRequest, plan_id: int, payload: CommissionIn
) -> Status[CommissionOut]:
    user = request_user(request)
    plan = access.access_plan(user=user, pk=plan_id, action="edit")
    agency = selectors.agency_get(payload.agency_id)
    if agency is None:
        raise NotFound("代理机构不存在")
    com = services.commission_create(actor=user, plan=plan, agency=agency, note=payload.note)
    return Status(201, commission_out(com))


@router.post(
    "/plans/{plan_id}/contracted",
    response={200: PlanOut, API_ERRORS: ErrorOut},
    summary="登记合同金额（预算执行；合同模块上线后由其调用）",
    operation_id="zhengcai_plans_api_plan_contracted",
)
def plan_contracted(request: HttpRequest, plan_id: int, payload: AmountIn) -> PlanOut:
    user = request_user(request)
    plan = access.access_plan(user=user, pk=plan_id, action="edit")
    return plan_out(services.plan_record_contracted(actor=user, plan=plan, amount=payload.amount))


@router.post(
    "/plans/{plan_id}/paid",
    response={200: PlanOut, API_ERRORS: ErrorOut},
    summary="登记支付金额（预算执行；支付模块上线后由其调用）",
    operation_id="zhengcai_plans_api_plan_paid",
)
def plan_paid(request: HttpRequest, plan_id: int, payload: AmountIn) -> PlanOut:
    user = request_user(request)
    plan = access.access_plan(user=user, pk=plan_id, action="edit")
    return plan_out(services.plan_record_paid(actor=user, plan=plan, amount=payload.amount))
