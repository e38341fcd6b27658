"""Accounts API: tokens, me, regions, organizations, users, the audit trail."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema, Status
from pydantic import Field

from zhengcai.accounts import access, selectors, services
from zhengcai.accounts.auth import api_auth
from zhengcai.accounts.constants import OrgKind, OrgStatus, Role
from zhengcai.accounts.models import Organization, User
from zhengcai.core.errors import InvalidInput, PermissionDenied
from zhengcai.core.http import etag, if_match_version, request_user
from zhengcai.core.schemas import API_ERRORS, ErrorOut, StrictIn

router = Router(auth=api_auth(), tags=["accounts"])

MAX_PAGE = 200


def _ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR")


# --- schemas ------------------------------------------------------------------------------


class TokenIn(StrictIn):
    username: str = Field(max_length=150)
    password: str = Field(max_length=256)
    otp: str | None = Field(default=None, max_length=10)
    name: str = Field(default="API", max_length=80)
    expires_days: int | None = Field(default=90, ge=1, le=366)


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: dt.datetime
    expires_at: dt.datetime | None
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None


class TokenCreatedOut(TokenOut):
    token: str


class RegionOut(Schema):
    code: str
    name: str
    level: int
    parent_code: str | None


class OrgOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    credit_code: str
    region_code: str
    region_name: str
    status: str
    contact_name: str
    contact_phone: str
    address: str
    is_sme: bool
    staff_count: int | None
    version: int


class OrgPage(Schema):
    count: int
    items: list[OrgOut]


class OrgIn(StrictIn):
    name: str = Field(min_length=1, max_length=200)
    kind: OrgKind
    credit_code: str = Field(min_length=18, max_length=18)
    region_code: str = Field(max_length=12)
    contact_name: str = Field(default="", max_length=60)
    contact_phone: str = Field(default="", max_length=30)
    address: str = Field(default="", max_length=200)
    is_sme: bool = False


class OrgPatch(StrictIn):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    contact_name: str | None = Field(default=None, max_length=60)
    contact_phone: str | None = Field(default=None, max_length=30)
    address: str | None = Field(default=None, max_length=200)
    is_sme: bool | None = None
    staff_count: int | None = Field(default=None, ge=0, le=1_000_000)


class OrgStatusIn(StrictIn):
    status: OrgStatus
    reason: str = Field(min_length=1, max_length=500)


class UserOut(Schema):
    id: int
    username: str
    display_name: str
    role: str
    role_label: str
    organization_id: int | None
    is_org_admin: bool
    is_active: bool
    totp_enabled: bool


class UserIn(StrictIn):
    username: str = Field(min_length=1, max_length=150)
    password: str = Field(min_length=1, max_length=256)
    display_name: str = Field(min_length=1, max_length=60)
    phone: str = Field(default="", max_length=20)
    is_org_admin: bool = False


class AuditOut(Schema):
    seq: int
    created_at: dt.datetime
    actor_label: str
    organization_id: int | None
    action: str
    object_type: str
    object_id: str
    object_label: str
    before: dict | None
    after: dict | None
    hash: str


class AuditPage(Schema):
    count: int
    items: list[AuditOut]


def _org_out(o: Organization) -> OrgOut:
    return OrgOut(
        id=o.pk,
        name=o.name,
        kind=o.kind,
        kind_label=str(OrgKind(o.kind).label),
        credit_code=o.credit_code,
        region_code=o.region.code,
        region_name=o.region.name,
        status=o.status,
        contact_name=o.contact_name,
        contact_phone=o.contact_phone,
        address=o.address,
        is_sme=o.is_sme,
        staff_count=o.staff_count,
        version=o.version,
    )


def _user_out(u: User) -> UserOut:
    return UserOut(
        id=u.pk,
        username=u.username,
        display_name=u.get_full_name(),
        role=u.role,
        role_label=str(Role(u.role).label),
        organization_id=u.organization_id,
        is_org_admin=u.is_org_admin,
        is_active=u.is_active,
        totp_enabled=u.totp_enabled,
    )


# --- auth ---------------------------------------------------------------------------------


@router.post(
    "/auth/tokens",
    auth=None,
    response={201: TokenCreatedOut, API_ERRORS: ErrorOut},
    summary="用户名+密码（+动态口令）换取 API 令牌",
)
def token_create(request: HttpRequest, payload: TokenIn) -> Status[TokenCreatedOut]:
    user = services.login_full(
        username=payload.username, password=payload.password, otp=payload.otp, ip=_ip(request)
    )
    token, raw = services.api_token_create(
        actor=user, name=payload.name, expires_days=payload.expires_days
    )
    return Status(201, TokenCreatedOut(token=raw, **TokenOut.from_orm(token).dict()))


@router.get(
    "/auth/tokens", response={200: list[TokenOut], API_ERRORS: ErrorOut}, summary="我的 API 令牌"
)
def token_list(request: HttpRequest) -> list[TokenOut]:
    return [TokenOut.from_orm(t) for t in request_user(request).api_tokens.all()]


@router.delete(
    "/auth/tokens/{token_id}", response={200: TokenOut, API_ERRORS: ErrorOut}, summary="吊销令牌"
)
def token_revoke(request: HttpRequest, token_id: int) -> TokenOut:
    token = access.access_api_token(user=request_user(request), pk=token_id)
    return TokenOut.from_orm(services.api_token_revoke(actor=request_user(request), token=token))


@router.get("/me", response={200: UserOut, API_ERRORS: ErrorOut}, summary="当前用户")
def me(request: HttpRequest) -> UserOut:
    return _user_out(request_user(request))


# --- regions & organizations -------------------------------------------------------------


@router.get(
    "/regions",
    auth=None,
    response={200: list[RegionOut], API_ERRORS: ErrorOut},
    summary="行政区划（公开）",
)
def region_list(request: HttpRequest, parent: str | None = None) -> list[RegionOut]:
    return [
        RegionOut(
            code=r.code, name=r.name, level=r.level, parent_code=r.parent.code if r.parent else None
        )
        for r in selectors.region_list(parent_code=parent).select_related("parent")
    ]


class OrgFilter(Schema):
    kind: OrgKind | None = None
    region: str | None = None
    q: str | None = Field(default=None, max_length=100)
    limit: int = Field(default=50, ge=1, le=MAX_PAGE)
    offset: int = Field(default=0, ge=0)


@router.get(
    "/organizations",
    response={200: OrgPage, API_ERRORS: ErrorOut},
    summary="单位列表（按角色范围）",
)
def organization_list(request: HttpRequest, filters: Query[OrgFilter]) -> OrgPage:
    qs = selectors.organization_list(
        user=request_user(request), kind=filters.kind, region_code=filters.region, q=filters.q
    )
    items = qs[filters.offset : filters.offset + filters.limit]
    return OrgPage(count=qs.count(), items=[_org_out(o) for o in items])


@router.get(
    "/organizations/{org_id}",
    response={200: OrgOut, API_ERRORS: ErrorOut},
    summary="单位详情（响应带 ETag）",
)
def organization_get(request: HttpRequest, response: HttpResponse, org_id: int) -> OrgOut:
    org = access.access_organization(user=request_user(request), pk=org_id)
    response["ETag"] = etag("org", org)
    return _org_out(org)


@router.post(
    "/organizations",
    response={201: OrgOut, API_ERRORS: ErrorOut},
    summary="登记单位（监管人员在本级及下级区划；平台管理员）",
)
def organization_create(
    request: HttpRequest, response: HttpResponse, payload: OrgIn
) -> Status[OrgOut]:
    user = access.require_role(request_user(request), Role.REGULATOR, Role.ADMIN)
    region = selectors.region_get(payload.region_code)
    if region is None:
        raise InvalidInput("区划代码不存在", code="region_unknown", detail={"field": "region_code"})
    org = services.organization_create(
        actor=user,
        name=payload.name,
        kind=payload.kind,
        credit_code=payload.credit_code,
        region=region,
        contact_name=payload.contact_name,
        contact_phone=payload.contact_phone,
        address=payload.address,
        is_sme=payload.is_sme,
    )
    response["ETag"] = etag("org", org)
    return Status(201, _org_out(org))


@router.patch(
    "/organizations/{org_id}",
    response={200: OrgOut, API_ERRORS: ErrorOut},
    summary="修改单位信息（须带 If-Match）",
)
def organization_update(
    request: HttpRequest, response: HttpResponse, org_id: int, payload: OrgPatch
) -> OrgOut:
    user = request_user(request)
    org = access.access_organization(user=user, pk=org_id, action="manage")
    version = if_match_version(request, "org", org.pk)
    changes = payload.dict(exclude_unset=True)
    if any(v is None for v in changes.values()):
        raise InvalidInput("字段值不能为 null", code="null_not_allowed")
    org = services.organization_update(
        actor=user, org=org, expected_version=version, changes=changes
    )
    response["ETag"] = etag("org", org)
    return _org_out(org)


@router.post(
    "/organizations/{org_id}/status",
    response={200: OrgOut, API_ERRORS: ErrorOut},
    summary="暂停 / 恢复 / 注销单位（监管人员、平台管理员）",
)
def organization_status(request: HttpRequest, org_id: int, payload: OrgStatusIn) -> OrgOut:
    user = access.require_role(request_user(request), Role.REGULATOR, Role.ADMIN)
    org = access.access_organization(user=user, pk=org_id, action="manage")
    return _org_out(
        services.organization_transition(
            actor=user, org=org, to_status=payload.status, reason=payload.reason
        )
    )


@router.get(
    "/organizations/{org_id}/users",
    response={200: list[UserOut], API_ERRORS: ErrorOut},
    summary="单位用户",
)
def organization_users(request: HttpRequest, org_id: int) -> list[UserOut]:
    org = access.access_organization(user=request_user(request), pk=org_id)
    visible = (
        access.users_visible(request_user(request)).filter(organization=org).order_by("username")
    )
    return [_user_out(u) for u in visible]


@router.post(
    "/organizations/{org_id}/users",
    response={201: UserOut, API_ERRORS: ErrorOut},
    summary="新增本单位用户（单位管理员）",
)
def organization_user_create(request: HttpRequest, org_id: int, payload: UserIn) -> Status[UserOut]:
    user = request_user(request)
    org = access.access_organization(user=user, pk=org_id)
    if not (user.role == Role.ADMIN or (user.is_org_admin and user.organization_id == org.pk)):
        raise PermissionDenied("只有单位管理员可以新增本单位用户")
    created = services.user_create(
        actor=user,
        username=payload.username,
        password=payload.password,
        display_name=payload.display_name,
        organization=org,
        phone=payload.phone,
        is_org_admin=payload.is_org_admin,
    )
    return Status(201, _user_out(created))


@router.post(
    "/users/{user_id}/unlock",
    response={200: UserOut, API_ERRORS: ErrorOut},
    summary="解除登录锁定（单位管理员、平台管理员）",
)
def user_unlock(request: HttpRequest, user_id: int) -> UserOut:
    target = access.access_user(user=request_user(request), pk=user_id, action="manage")
    return _user_out(services.account_unlock(actor=request_user(request), user=target))


# --- audit trail --------------------------------------------------------------------------


class AuditFilter(Schema):
    action: str | None = Field(default=None, max_length=80)
    object_type: str | None = Field(default=None, max_length=80)
    object_id: str | None = Field(default=None, max_length=64)
    limit: int = Field(default=50, ge=1, le=MAX_PAGE)
    offset: int = Field(default=0, ge=0)


@router.get(
    "/audit/entries",
    response={200: AuditPage, API_ERRORS: ErrorOut},
    summary="审计记录（按角色范围，新到旧）",
)
def audit_entries(request: HttpRequest, filters: Query[AuditFilter]) -> AuditPage:
    qs = access.audit_entries_visible(request_user(request)).order_by("-seq")
    if filters.action:
        qs = qs.filter(action=filters.action)
    if filters.object_type:
        qs = qs.filter(object_type=filters.object_type)
    if filters.object_id:
        qs = qs.filter(object_id=filters.object_id)
    page = qs[filters.offset : filters.offset + filters.limit]
    return AuditPage(count=qs.count(), items=[AuditOut.from_orm(e) for e in page])
