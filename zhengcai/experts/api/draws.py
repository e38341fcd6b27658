"""Draw requests: create, bidders, execute, cancel, verify (the agency's side)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Status

from zhengcai.accounts.access import require_role
from zhengcai.accounts.constants import Role
from zhengcai.core.errors import InvalidInput
from zhengcai.core.http import request_user
from zhengcai.core.schemas import API_ERRORS, ErrorOut
from zhengcai.experts import access, selectors, services
from zhengcai.experts.api.router import MAX_PAGE, router
from zhengcai.experts.api.schemas import (
    BiddersIn,
    DrawIn,
    DrawOut,
    ReasonIn,
    VerifyOut,
    draw_out,
)

# --- draws ---------------------------------------------------------------------------------------


@router.post(
    "/draws",
    response={201: DrawOut, API_ERRORS: ErrorOut},
    summary="申请抽取专家（先公布随机种子的 SHA-256）",
)
def draw_create(request: HttpRequest, payload: DrawIn) -> Status[DrawOut]:
    user = require_role(request_user(request), Role.AGENCY)
    purchaser = selectors.organization(payload.purchaser_id)
    if purchaser is None:
        raise InvalidInput("采购人不存在", code="purchaser_invalid")
    data = payload.model_dump(exclude={"purchaser_id"})
    draw = services.draw_request_create(actor=user, purchaser=purchaser, **data)
    return Status(201, draw_out(user, draw))


@router.get("/draws", response={200: list[DrawOut], API_ERRORS: ErrorOut}, summary="抽取申请")
def draw_list(request: HttpRequest) -> list[DrawOut]:
    user = request_user(request)
    return [draw_out(user, d) for d in access.draws_visible(user)[:MAX_PAGE]]


@router.get(
    "/draws/{int:draw_id}", response={200: DrawOut, API_ERRORS: ErrorOut}, summary="抽取申请详情"
)
def draw_get(request: HttpRequest, draw_id: int) -> DrawOut:
    user = request_user(request)
    return draw_out(user, access.access_draw(user=user, pk=draw_id))


@router.post(
    "/draws/{int:draw_id}/bidders",
    response={200: DrawOut, API_ERRORS: ErrorOut},
    summary="设置投标供应商（用于回避）",
)
def draw_bidders(request: HttpRequest, draw_id: int, payload: BiddersIn) -> DrawOut:
    user = request_user(request)
    draw = access.access_draw(user=user, pk=draw_id, action="manage")
    return draw_out(
        user, services.draw_set_bidders(actor=user, draw=draw, bidder_ids=payload.bidder_ids)
    )


@router.post(
    "/draws/{int:draw_id}/execute",
    response={200: DrawOut, API_ERRORS: ErrorOut},
    summary="执行抽取并通知专家",
)
def draw_execute(request: HttpRequest, draw_id: int) -> DrawOut:
    user = request_user(request)
    draw = access.access_draw(user=user, pk=draw_id, action="manage")
    return draw_out(user, services.draw_execute(actor=user, draw=draw))


@router.post(
    "/draws/{int:draw_id}/cancel",
    response={200: DrawOut, API_ERRORS: ErrorOut},
    summary="取消抽取（公开种子）",
)
def draw_cancel(request: HttpRequest, draw_id: int, payload: ReasonIn) -> DrawOut:
    user = request_user(request)
    draw = access.access_draw(user=user, pk=draw_id, action="manage")
    return draw_out(user, services.draw_cancel(actor=user, draw=draw, reason=payload.reason))


@router.get(
    "/draws/{int:draw_id}/verify",
    response={200: VerifyOut, API_ERRORS: ErrorOut},
    summary="用公开的种子复核抽取结果",
)
def draw_verify(request: HttpRequest, draw_id: int) -> VerifyOut:
    draw = access.access_draw(user=request_user(request), pk=draw_id)
    r = services.draw_verify(draw)
    return VerifyOut(
        ok=r.ok,
        revealed=r.revealed,
        hash_ok=r.hash_ok,
        rounds_checked=r.rounds_checked,
        problems=r.problems,
    )
