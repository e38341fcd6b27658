"""采购意向: the public list and the purchaser's withdrawal."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query

from zhengcai.core.http import request_user
from zhengcai.core.schemas import API_ERRORS, ErrorOut
from zhengcai.plans import access, selectors, services
from zhengcai.plans.api.converters import intention_out
from zhengcai.plans.api.router import router
from zhengcai.plans.api.schemas import IntentionFilter, IntentionOut, IntentionPage, ReasonIn


@router.get(
    "/intentions",
    auth=None,
    response={200: IntentionPage, API_ERRORS: ErrorOut},
    summary="已公开的采购意向（公开，无需登录）",
    operation_id="zhengcai_plans_api_intention_list",
)
def intention_list(request: HttpRequest, filters: Query[IntentionFilter]) -> IntentionPage:
    qs = selectors.public_intentions(q=filters.q, region_code=filters.region)
    page = qs[filters.offset : filters.offset + filters.limit]
    return IntentionPage(count=qs.count(), items=[intention_out(i) for i in page])


@router.post(
    "/intentions/{intention_id}/withdraw",
    response={200: IntentionOut, API_ERRORS: ErrorOut},
    summary="撤回采购意向（采购人）",
    operation_id="zhengcai_plans_api_intention_withdraw",
)
def intention_withdraw(request: HttpRequest, intention_id: int, payload: ReasonIn) -> IntentionOut:
    user = request_user(request)
    intention = access.access_intention(user=user, pk=intention_id, action="edit")
    return intention_out(
        services.intention_withdraw(actor=user, intention=intention, reason=payload.reason)
    )
