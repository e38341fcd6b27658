"""Performance records (198号 21; 条例 62): ratings, replies, incidents, records, suggestions."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Status

from zhengcai.accounts.access import require_role
from zhengcai.accounts.constants import Role
from zhengcai.core.errors import InvalidInput
from zhengcai.core.http import request_user
from zhengcai.core.schemas import API_ERRORS, ErrorOut
from zhengcai.experts import access, selectors, services
from zhengcai.experts import constants as c
from zhengcai.experts.api.router import MAX_PAGE, router
from zhengcai.experts.api.schemas import (
    IncidentIn,
    IncidentOut,
    RatingIn,
    RatingOut,
    RecordOut,
    ReplyIn,
    SuggestionOut,
    incident_out,
    rating_out,
    summary_out,
)


@router.post(
    "/draws/{int:draw_id}/ratings",
    response={201: RatingOut, API_ERRORS: ErrorOut},
    summary="记录专家履职情况（评审后 5 个工作日内，198号 21）",
)
def rating_create(request: HttpRequest, draw_id: int, payload: RatingIn) -> Status[RatingOut]:
    user = request_user(request)
    draw = access.access_draw(user=user, pk=draw_id)
    expert = selectors.profile_by_pk(payload.expert_id)
    if expert is None:
        raise InvalidInput("专家不存在", code=c.ERR_NOT_RATEABLE)
    rating = services.rating_create(
        actor=user,
        draw=draw,
        expert=expert,
        attendance=payload.attendance,
        quality=payload.quality,
        flags=[str(f) for f in payload.flags],
        note=payload.note,
    )
    return Status(201, rating_out(rating))


@router.get(
    "/draws/{int:draw_id}/ratings",
    response={200: list[RatingOut], API_ERRORS: ErrorOut},
    summary="本次评审的专家履职评价",
)
def rating_list(request: HttpRequest, draw_id: int) -> list[RatingOut]:
    user = request_user(request)
    draw = access.access_draw(user=user, pk=draw_id)
    if not access.draw_names_visible(user, draw):
        return []
    return [rating_out(r) for r in selectors.ratings_for_draw(draw)]


@router.get(
    "/ratings/mine", response={200: list[RatingOut], API_ERRORS: ErrorOut}, summary="我的履职评价"
)
def rating_mine(request: HttpRequest) -> list[RatingOut]:
    qs = access.own_ratings(request_user(request)).order_by("-created_at", "-pk")
    return [rating_out(r) for r in qs[:MAX_PAGE]]


@router.post(
    "/ratings/{int:rating_id}/reply",
    response={200: RatingOut, API_ERRORS: ErrorOut},
    summary="专家对履职评价作出说明",
)
def rating_reply(request: HttpRequest, rating_id: int, payload: ReplyIn) -> RatingOut:
    user = request_user(request)
    rating = access.access_own_rating(user=user, pk=rating_id)
    return rating_out(services.rating_reply(actor=user, rating=rating, text=payload.text))


@router.get(
    "/profiles/{int:profile_id}/record",
    response={200: RecordOut, API_ERRORS: ErrorOut},
    summary="专家履职记录与处理建议",
)
def profile_record(request: HttpRequest, profile_id: int) -> RecordOut:
    profile = access.access_profile(user=request_user(request), pk=profile_id)
    rec = selectors.expert_record(profile)
    return RecordOut(
        expert_id=profile.pk,
        since=rec.since,
        summary=summary_out(rec.summary),
        suggestion=rec.suggestion,
        suggestion_reason=rec.suggestion_text,
        ratings=[rating_out(r) for r in rec.ratings],
        incidents=[incident_out(i) for i in rec.incidents],
    )


@router.post(
    "/profiles/{int:profile_id}/incidents",
    response={201: IncidentOut, API_ERRORS: ErrorOut},
    summary="记录专家不良行为（如投诉成立）",
)
def profile_incident(
    request: HttpRequest, profile_id: int, payload: IncidentIn
) -> Status[IncidentOut]:
    user = request_user(request)
    profile = access.access_profile(user=user, pk=profile_id, action="manage")
    row = services.incident_record(
        actor=user,
        profile=profile,
        kind=payload.kind,
        reference=payload.reference,
        occurred_on=payload.occurred_on,
        note=payload.note,
    )
    return Status(201, incident_out(row))


@router.get(
    "/suggestions",
    response={200: list[SuggestionOut], API_ERRORS: ErrorOut},
    summary="建议处理的专家（按监管范围）",
)
def suggestion_list(request: HttpRequest) -> list[SuggestionOut]:
    user = require_role(request_user(request), Role.ADMIN, Role.REGULATOR, Role.SUPERVISOR)
    return [
        SuggestionOut(
            expert_id=s.profile.pk,
            name=s.profile.user.get_full_name(),
            region_code=s.profile.region.code,
            summary=summary_out(s.summary),
            reasons=s.reasons,
            suggestion_reason=s.reason_text,
        )
        for s in selectors.suggested_experts(access.profiles_visible(user))
    ]
