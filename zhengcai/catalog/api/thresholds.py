"""Threshold endpoints (with the lookup other apps and integrators use)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest, HttpResponse
from ninja import Query, Schema, Status
from pydantic import Field

from zhengcai.accounts import access as accounts_access
from zhengcai.catalog import access, selectors, services
from zhengcai.catalog.api.router import MAX_PAGE, no_nulls, region_from_code, router
from zhengcai.catalog.constants import Category, ThresholdKind
from zhengcai.catalog.models import Threshold
from zhengcai.core import clock
from zhengcai.core.errors import InvalidInput
from zhengcai.core.http import if_match_version, request_user
from zhengcai.core.schemas import API_ERRORS, ErrorOut, StrictIn

# --- thresholds ------------------------------------------------------------------------------


class ThresholdOut(Schema):
    id: int
    region_code: str
    region_name: str
    unit_level: int
    category: str
    kind: str
    kind_label: str
    amount: Decimal
    effective_from: dt.date
    effective_to: dt.date | None
    basis: str
    version: int


class ThresholdPage(Schema):
    count: int
    items: list[ThresholdOut]


class ThresholdIn(StrictIn):
    region_code: str = Field(max_length=12)
    unit_level: int = Field(ge=1, le=3)
    category: Category
    kind: ThresholdKind
    amount: Decimal = Field(max_digits=16, decimal_places=2)
    effective_from: dt.date
    effective_to: dt.date | None = None
    basis: str = Field(default="", max_length=200)


class ThresholdPatch(StrictIn):
    amount: Decimal | None = Field(default=None, max_digits=16, decimal_places=2)
    basis: str | None = Field(default=None, max_length=200)
    effective_to: dt.date | None = None


def _threshold_out(t: Threshold) -> ThresholdOut:
    return ThresholdOut(
        id=t.pk,
        region_code=t.region.code,
        region_name=t.region.name,
        unit_level=t.unit_level,
        category=t.category,
        kind=t.kind,
        kind_label=str(ThresholdKind(t.kind).label),
        amount=t.amount,
        effective_from=t.effective_from,
        effective_to=t.effective_to,
        basis=t.basis,
        version=t.version,
    )


def _threshold_etag(t: Threshold) -> str:
    return f'"thr-{t.pk}-v{t.version}"'


class ThresholdFilter(Schema):
    region: str | None = Field(default=None, max_length=12)
    kind: ThresholdKind | None = None
    category: Category | None = None
    unit_level: int | None = Field(default=None, ge=1, le=3)
    on: dt.date | None = Field(default=None, description="只列该日有效的版本")
    limit: int = Field(default=100, ge=1, le=MAX_PAGE)
    offset: int = Field(default=0, ge=0)


@router.get(
    "/thresholds",
    auth=None,
    response={200: ThresholdPage, API_ERRORS: ErrorOut},
    summary="采购限额标准与公开招标数额标准（含历史版本，公开）",
    operation_id="zhengcai_catalog_api_threshold_list",
)
def threshold_list(request: HttpRequest, filters: Query[ThresholdFilter]) -> ThresholdPage:
    qs = selectors.threshold_list(
        region=region_from_code(filters.region) if filters.region else None,
        kind=filters.kind,
        category=filters.category,
        unit_level=filters.unit_level,
        on=filters.on,
    )
    page = qs[filters.offset : filters.offset + filters.limit]
    return ThresholdPage(count=qs.count(), items=[_threshold_out(t) for t in page])


class LookupFilter(Schema):
    organization: int | None = Field(default=None, description="采购单位 ID（需登录）")
    region: str | None = Field(default=None, max_length=12)
    unit_level: int | None = Field(default=None, ge=1, le=3)
    category: Category
    kind: ThresholdKind
    on: dt.date | None = None


class LookupOut(Schema):
    region_code: str
    unit_level: int
    on: dt.date
    threshold: ThresholdOut | None


@router.get(
    "/thresholds/lookup",
    response={200: LookupOut, API_ERRORS: ErrorOut},
    summary="某采购单位在某日适用的标准（最近的上级区划优先，取当日有效版本）",
    operation_id="zhengcai_catalog_api_threshold_lookup",
)
def threshold_lookup(request: HttpRequest, filters: Query[LookupFilter]) -> LookupOut:
    if filters.organization is not None:
        org = accounts_access.access_organization(
            user=request_user(request), pk=filters.organization
        )
        region, level = org.region, org.region.level
    elif filters.region:
        region = region_from_code(filters.region)
        level = filters.unit_level or region.level
    else:
        raise InvalidInput("请指定 organization 或 region", code="lookup_target_required")
    on = filters.on or clock.today()
    row = selectors.threshold_for(
        region=region, unit_level=level, category=filters.category, kind=filters.kind, on=on
    )
    return LookupOut(
        region_code=region.code,
        unit_level=level,
        on=on,
        threshold=_threshold_out(row) if row else None,
    )


@router.get(
    "/thresholds/{threshold_id}",
    auth=None,
    response={200: ThresholdOut, API_ERRORS: ErrorOut},
    summary="标准详情（响应带 ETag）",
    operation_id="zhengcai_catalog_api_threshold_get",
)
def threshold_get(request: HttpRequest, response: HttpResponse, threshold_id: int) -> ThresholdOut:
    row = access.access_threshold(user=None, pk=threshold_id)
    response["ETag"] = _threshold_etag(row)
    return _threshold_out(row)


@router.post(
    "/thresholds",
    response={201: ThresholdOut, API_ERRORS: ErrorOut},
    summary="发布新版本（自生效日起，上一版本于前一日失效；本区划监管人员、平台管理员）",
    operation_id="zhengcai_catalog_api_threshold_create",
)
def threshold_create(
    request: HttpRequest, response: HttpResponse, payload: ThresholdIn
) -> Status[ThresholdOut]:
    user = request_user(request)
    row = services.threshold_set(
        actor=user,
        region=region_from_code(payload.region_code),
        unit_level=payload.unit_level,
        category=payload.category,
        kind=payload.kind,
        amount=payload.amount,
        effective_from=payload.effective_from,
        effective_to=payload.effective_to,
        basis=payload.basis,
    )
    response["ETag"] = _threshold_etag(row)
    return Status(201, _threshold_out(row))


@router.patch(
    "/thresholds/{threshold_id}",
    response={200: ThresholdOut, API_ERRORS: ErrorOut},
    summary="更正某一版本（金额、依据、失效日期；须带 If-Match）",
    operation_id="zhengcai_catalog_api_threshold_update",
)
def threshold_update(
    request: HttpRequest, response: HttpResponse, threshold_id: int, payload: ThresholdPatch
) -> ThresholdOut:
    user = request_user(request)
    row = access.access_threshold(user=user, pk=threshold_id, action="manage")
    version = if_match_version(request, "thr", row.pk)
    changes = payload.dict(exclude_unset=True)
    no_nulls(changes, nullable=("effective_to",))
    row = services.threshold_update(
        actor=user, threshold=row, expected_version=version, changes=changes
    )
    response["ETag"] = _threshold_etag(row)
    return _threshold_out(row)
