"""Commissions (网上委托, 业务跟踪) and split cases."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query

from zhengcai.core.http import request_user
from zhengcai.core.schemas import API_ERRORS, ErrorOut
from zhengcai.plans import access, selectors, services
from zhengcai.plans.api.converters import commission_out, split_out
from zhengcai.plans.api.router import router
from zhengcai.plans.api.schemas import (
    CommissionFilter,
    CommissionOut,
    CommissionPage,
    PageIn,
    ReasonIn,
    SplitCaseOut,
)


@router.get(
    "/commissions",
    response={200: CommissionPage, API_ERRORS: ErrorOut},
    summary="网上委托与业务跟踪（代理机构看委托给本机构的项目）",
    operation_id="zhengcai_plans_api_commission_list",
)
def commission_list(request: HttpRequest, filters: Query[CommissionFilter]) -> CommissionPage:
    qs = selectors.commission_list(
        user=request_user(request), status=filters.status, overdue=filters.overdue
    )
    page = qs[filters.offset : filters.offset + filters.limit]
    return CommissionPage(count=qs.count(), items=[commission_out(k) for k in page])


@router.get(
    "/commissions/{commission_id}",
    response={200: CommissionOut, API_ERRORS: ErrorOut},
    summary="委托详情",
    operation_id="zhengcai_plans_api_commission_get",
)
def commission_get(request: HttpRequest, commission_id: int) -> CommissionOut:
    return commission_out(access.access_commission(user=request_user(request), pk=commission_id))


@router.post(
    "/commissions/{commission_id}/accept",
    response={200: CommissionOut, API_ERRORS: ErrorOut},
    summary="接收委托（受托代理机构）",
    operation_id="zhengcai_plans_api_commission_accept",
)
def commission_accept(request: HttpRequest, commission_id: int) -> CommissionOut:
    user = request_user(request)
    com = access.access_commission(user=user, pk=commission_id, action="handle")
    return commission_out(services.commission_accept(actor=user, commission=com))


@router.post(
    "/commissions/{commission_id}/decline",
    response={200: CommissionOut, API_ERRORS: ErrorOut},
    summary="退回委托（受托代理机构，须填理由；计划回到已备案）",
    operation_id="zhengcai_plans_api_commission_decline",
)
def commission_decline(
    request: HttpRequest, commission_id: int, payload: ReasonIn
) -> CommissionOut:
    user = request_user(request)
    com = access.access_commission(user=user, pk=commission_id, action="handle")
    return commission_out(
        services.commission_decline(actor=user, commission=com, reason=payload.reason)
    )


@router.get(
    "/split-cases",
    response={200: list[SplitCaseOut], API_ERRORS: ErrorOut},
    summary="化整为零线索（财政、监督人员看本辖区；采购人看本单位）",
    operation_id="zhengcai_plans_api_split_case_list",
)
def split_case_list(request: HttpRequest, filters: Query[PageIn]) -> list[SplitCaseOut]:
    qs = selectors.split_case_list(user=request_user(request))
    return [split_out(s) for s in qs[filters.offset : filters.offset + filters.limit]]
