"""The expert database: profiles, statuses, unavailability, conflicts, pool sharing."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Schema, Status
from pydantic import Field

from zhengcai.accounts.access import require_role
from zhengcai.accounts.constants import Role
from zhengcai.core.errors import InvalidInput, NotFound
from zhengcai.core.http import request_user
from zhengcai.core.schemas import API_ERRORS, ErrorOut
from zhengcai.experts import access, selectors, services
from zhengcai.experts import constants as c
from zhengcai.experts.api.router import MAX_PAGE, region_from_code, router
from zhengcai.experts.api.schemas import (
    ConflictIn,
    ProfileIn,
    ProfileOut,
    ProfilePage,
    ShareIn,
    ShareOut,
    StatusIn,
    UnavailabilityIn,
    profile_out,
)
from zhengcai.experts.models import ExpertProfile

# --- the expert database -------------------------------------------------------------------------


class ProfileFilter(Schema):
    status: c.ExpertStatus | None = None
    region: str | None = Field(default=None, max_length=12)
    specialty: str | None = Field(default=None, max_length=9)
    q: str | None = Field(default=None, max_length=60)
    limit: int = Field(default=50, ge=1, le=MAX_PAGE)
    offset: int = Field(default=0, ge=0)


@router.get(
    "/profiles", response={200: ProfilePage, API_ERRORS: ErrorOut}, summary="专家库（监管范围）"
)
def profile_list(request: HttpRequest, filters: Query[ProfileFilter]) -> ProfilePage:
    user = require_role(request_user(request), Role.ADMIN, Role.REGULATOR, Role.SUPERVISOR)
    qs = access.profiles_visible(user).prefetch_related("specialties")
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.region:
        qs = qs.filter(region__code=filters.region)
    if filters.specialty:
        qs = qs.filter(specialties__code__startswith=filters.specialty.upper()).distinct()
    if filters.q:
        qs = qs.filter(user__display_name__contains=filters.q)
    items = qs.order_by("pk")[filters.offset : filters.offset + filters.limit]
    return ProfilePage(count=qs.count(), items=[profile_out(p) for p in items])


@router.post(
    "/profiles", response={201: ProfileOut, API_ERRORS: ErrorOut}, summary="登记专家（待审核）"
)
def profile_create(request: HttpRequest, payload: ProfileIn) -> Status[ProfileOut]:
    user = require_role(request_user(request), Role.ADMIN, Role.REGULATOR)
    region = region_from_code(payload.region_code)
    if user.role != Role.ADMIN and (user.region is None or not user.region.contains(region)):
        raise NotFound("区划不在您的管理范围内", code="outside_region")
    target = selectors.expert_user(payload.user_id)
    if target is None:
        raise InvalidInput("用户不存在或不是评审专家", code="user_invalid")
    profile = services.expert_register(
        actor=user,
        user=target,
        id_number=payload.id_number,
        region=region,
        certificate_no=payload.certificate_no,
        certificate_expires=payload.certificate_expires,
        specialties=payload.specialties,
        employer_name=payload.employer_name,
        title=payload.title,
        title_level=payload.title_level,
        years_in_field=payload.years_in_field,
        training_status=payload.training_status,
    )
    return Status(201, profile_out(profile))


@router.get(
    "/profiles/me", response={200: ProfileOut, API_ERRORS: ErrorOut}, summary="我的专家档案"
)
def profile_me(request: HttpRequest) -> ProfileOut:
    return profile_out(access.own_profile(request_user(request)))


@router.post(
    "/profiles/me/unavailability",
    response={201: ProfileOut, API_ERRORS: ErrorOut},
    summary="登记不可参加评审的日期",
)
def profile_me_unavailable(request: HttpRequest, payload: UnavailabilityIn) -> Status[ProfileOut]:
    user = request_user(request)
    profile = access.own_profile(user)
    services.unavailability_add(
        actor=user, profile=profile, start=payload.start, end=payload.end, reason=payload.reason
    )
    return Status(201, profile_out(profile))


def _conflict(request: HttpRequest, profile: ExpertProfile, payload: ConflictIn) -> ProfileOut:
    org = selectors.organization(payload.organization_id)
    if org is None:
        raise InvalidInput("单位不存在", code="organization_invalid")
    services.conflict_add(
        actor=request_user(request),
        profile=profile,
        organization=org,
        kind=payload.kind,
        until=payload.until,
        note=payload.note,
    )
    return profile_out(profile)


@router.post(
    "/profiles/me/conflicts",
    response={201: ProfileOut, API_ERRORS: ErrorOut},
    summary="申报回避关系（条例 9；198号 16）",
)
def profile_me_conflict(request: HttpRequest, payload: ConflictIn) -> Status[ProfileOut]:
    return Status(201, _conflict(request, access.own_profile(request_user(request)), payload))


@router.get(
    "/profiles/{int:profile_id}", response={200: ProfileOut, API_ERRORS: ErrorOut}, summary="专家"
)
def profile_get(request: HttpRequest, profile_id: int) -> ProfileOut:
    return profile_out(access.access_profile(user=request_user(request), pk=profile_id))


@router.post(
    "/profiles/{int:profile_id}/status",
    response={200: ProfileOut, API_ERRORS: ErrorOut},
    summary="变更专家状态（审核、暂停、禁止、解聘）",
)
def profile_status(request: HttpRequest, profile_id: int, payload: StatusIn) -> ProfileOut:
    user = request_user(request)
    profile = access.access_profile(user=user, pk=profile_id, action="manage")
    return profile_out(
        services.expert_set_status(
            actor=user, profile=profile, status=payload.status, reason=payload.reason
        )
    )


@router.post(
    "/profiles/{int:profile_id}/conflicts",
    response={201: ProfileOut, API_ERRORS: ErrorOut},
    summary="记录回避关系",
)
def profile_conflict(
    request: HttpRequest, profile_id: int, payload: ConflictIn
) -> Status[ProfileOut]:
    profile = access.access_profile(user=request_user(request), pk=profile_id, action="manage")
    return Status(201, _conflict(request, profile, payload))


@router.post(
    "/pool-shares",
    response={200: ShareOut, API_ERRORS: ErrorOut},
    summary="同意（或撤回）其他地区使用本地专家库",
)
def pool_share(request: HttpRequest, payload: ShareIn) -> ShareOut:
    share = services.pool_share_set(
        actor=require_role(request_user(request), Role.ADMIN, Role.REGULATOR),
        owner_region=region_from_code(payload.owner_region_code, "owner_region_code"),
        grantee_region=region_from_code(payload.grantee_region_code, "grantee_region_code"),
        active=payload.active,
    )
    return ShareOut(
        owner_region_code=payload.owner_region_code,
        grantee_region_code=payload.grantee_region_code,
        status=share.status,
    )
