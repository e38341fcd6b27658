"""资产配置标准 endpoints."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest, HttpResponse
from ninja import Query, Schema, Status
from pydantic import Field

from zhengcai.catalog import access, selectors, services
from zhengcai.catalog.api.router import MAX_PAGE, item_from_code, region_from_code, router
from zhengcai.catalog.constants import QuantityBasis
from zhengcai.catalog.models import ConfigurationStandard
from zhengcai.core.http import if_match_version, request_user
from zhengcai.core.schemas import API_ERRORS, ErrorOut, StrictIn

# --- 资产配置标准 --------------------------------------------------------------------------


class StandardOut(Schema):
    id: int
    region_code: str
    region_name: str
    item_code: str
    item_name: str
    max_unit_price: Decimal | None
    max_quantity: Decimal | None
    quantity_basis: str
    min_service_years: int | None
    effective_from: dt.date
    effective_to: dt.date | None
    basis: str
    version: int


class StandardPage(Schema):
    count: int
    items: list[StandardOut]


class StandardIn(StrictIn):
    region_code: str = Field(max_length=12)
    item_code: str = Field(max_length=9)
    max_unit_price: Decimal | None = Field(default=None, max_digits=14, decimal_places=2)
    max_quantity: Decimal | None = Field(default=None, max_digits=10, decimal_places=2)
    quantity_basis: QuantityBasis = QuantityBasis.PER_STAFF
    min_service_years: int | None = Field(default=None, ge=1, le=50)
    effective_from: dt.date
    effective_to: dt.date | None = None
    basis: str = Field(default="", max_length=200)


class StandardPatch(StrictIn):
    max_unit_price: Decimal | None = Field(default=None, max_digits=14, decimal_places=2)
    max_quantity: Decimal | None = Field(default=None, max_digits=10, decimal_places=2)
    quantity_basis: QuantityBasis | None = None
    min_service_years: int | None = Field(default=None, ge=1, le=50)
    effective_to: dt.date | None = None
    basis: str | None = Field(default=None, max_length=200)


def _standard_out(s: ConfigurationStandard) -> StandardOut:
    return StandardOut(
        id=s.pk,
        region_code=s.region.code,
        region_name=s.region.name,
        item_code=s.item.code,
        item_name=s.item.name,
        max_unit_price=s.max_unit_price,
        max_quantity=s.max_quantity,
        quantity_basis=s.quantity_basis,
        min_service_years=s.min_service_years,
        effective_from=s.effective_from,
        effective_to=s.effective_to,
        basis=s.basis,
        version=s.version,
    )


def _standard_etag(s: ConfigurationStandard) -> str:
    return f'"cfg-{s.pk}-v{s.version}"'


class StandardFilter(Schema):
    region: str | None = Field(default=None, max_length=12)
    on: dt.date | None = None
    limit: int = Field(default=200, ge=1, le=MAX_PAGE)
    offset: int = Field(default=0, ge=0)


@router.get(
    "/standards",
    auth=None,
    response={200: StandardPage, API_ERRORS: ErrorOut},
    summary="资产配置标准（公开）",
    operation_id="zhengcai_catalog_api_standard_list",
)
def standard_list(request: HttpRequest, filters: Query[StandardFilter]) -> StandardPage:
    qs = selectors.config_standard_list(
        region=region_from_code(filters.region) if filters.region else None, on=filters.on
    )
    page = qs[filters.offset : filters.offset + filters.limit]
    return StandardPage(count=qs.count(), items=[_standard_out(s) for s in page])


@router.get(
    "/standards/{standard_id}",
    auth=None,
    response={200: StandardOut, API_ERRORS: ErrorOut},
    summary="资产配置标准详情（响应带 ETag）",
    operation_id="zhengcai_catalog_api_standard_get",
)
def standard_get(request: HttpRequest, response: HttpResponse, standard_id: int) -> StandardOut:
    row = access.access_config_standard(user=None, pk=standard_id)
    response["ETag"] = _standard_etag(row)
    return _standard_out(row)


@router.post(
    "/standards",
    response={201: StandardOut, API_ERRORS: ErrorOut},
    summary="发布资产配置标准新版本（本区划监管人员、平台管理员）",
    operation_id="zhengcai_catalog_api_standard_create",
)
def standard_create(
    request: HttpRequest, response: HttpResponse, payload: StandardIn
) -> Status[StandardOut]:
    row = services.config_standard_set(
        actor=request_user(request),
        region=region_from_code(payload.region_code),
        item=item_from_code(payload.item_code),
        max_unit_price=payload.max_unit_price,
        max_quantity=payload.max_quantity,
        quantity_basis=payload.quantity_basis,
        min_service_years=payload.min_service_years,
        effective_from=payload.effective_from,
        effective_to=payload.effective_to,
        basis=payload.basis,
    )
    response["ETag"] = _standard_etag(row)
    return Status(201, _standard_out(row))


@router.patch(
    "/standards/{standard_id}",
    response={200: StandardOut, API_ERRORS: ErrorOut},
    summary="更正资产配置标准（须带 If-Match）",
    operation_id="zhengcai_catalog_api_standard_update",
)
def standard_update(
    request: HttpRequest, response: HttpResponse, standard_id: int, payload: StandardPatch
) -> StandardOut:
    user = request_user(request)
    row = access.access_config_standard(user=user, pk=standard_id, action="manage")
    version = if_match_version(request, "cfg", row.pk)
    changes = payload.dict(exclude_unset=True)
    row = services.config_standard_update(
        actor=user, standard=row, expected_version=version, changes=changes
    )
    response["ETag"] = _standard_etag(row)
    return _standard_out(row)


@router.delete(
    "/standards/{standard_id}",
    response={204: None, API_ERRORS: ErrorOut},
    summary="删除资产配置标准（须带 If-Match）",
    operation_id="zhengcai_catalog_api_standard_delete",
)
def standard_delete(request: HttpRequest, standard_id: int) -> Status[None]:
    user = request_user(request)
    row = access.access_config_standard(user=user, pk=standard_id, action="manage")
    version = if_match_version(request, "cfg", row.pk)
    services.config_standard_delete(actor=user, standard=row, expected_version=version)
    return Status(204, None)
