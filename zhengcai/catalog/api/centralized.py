"""集中采购目录 endpoints."""

from __future__ import annotations

from decimal import Decimal

from django.http import HttpRequest, HttpResponse
from ninja import Query, Schema, Status
from pydantic import Field

from zhengcai.catalog import access, selectors, services
from zhengcai.catalog.api.router import MAX_PAGE, item_from_code, no_nulls, region_from_code, router
from zhengcai.catalog.constants import CentralizedScope
from zhengcai.catalog.models import CentralizedCatalogEntry
from zhengcai.core.http import if_match_version, request_user
from zhengcai.core.schemas import API_ERRORS, ErrorOut, StrictIn

# --- 集中采购目录 --------------------------------------------------------------------------


class EntryOut(Schema):
    id: int
    region_code: str
    region_name: str
    year: int
    item_code: str
    item_name: str
    scope: str
    scope_label: str
    min_amount: Decimal | None
    note: str
    version: int


class EntryPage(Schema):
    count: int
    items: list[EntryOut]


class EntryIn(StrictIn):
    region_code: str = Field(max_length=12)
    year: int = Field(ge=2000, le=2100)
    item_code: str = Field(max_length=9)
    scope: CentralizedScope
    min_amount: Decimal | None = Field(default=None, max_digits=16, decimal_places=2)
    note: str = Field(default="", max_length=300)


class EntryPatch(StrictIn):
    scope: CentralizedScope | None = None
    min_amount: Decimal | None = Field(default=None, max_digits=16, decimal_places=2)
    note: str | None = Field(default=None, max_length=300)


class CopyYearIn(StrictIn):
    region_code: str = Field(max_length=12)
    from_year: int = Field(ge=2000, le=2100)
    to_year: int = Field(ge=2000, le=2100)


def _entry_out(e: CentralizedCatalogEntry) -> EntryOut:
    return EntryOut(
        id=e.pk,
        region_code=e.region.code,
        region_name=e.region.name,
        year=e.year,
        item_code=e.item.code,
        item_name=e.item.name,
        scope=e.scope,
        scope_label=str(CentralizedScope(e.scope).label),
        min_amount=e.min_amount,
        note=e.note,
        version=e.version,
    )


def _entry_etag(e: CentralizedCatalogEntry) -> str:
    return f'"cce-{e.pk}-v{e.version}"'


class EntryFilter(Schema):
    region: str | None = Field(default=None, max_length=12)
    year: int | None = Field(default=None, ge=2000, le=2100)
    limit: int = Field(default=200, ge=1, le=MAX_PAGE)
    offset: int = Field(default=0, ge=0)


@router.get(
    "/centralized",
    auth=None,
    response={200: EntryPage, API_ERRORS: ErrorOut},
    summary="集中采购目录（按区划、年度，公开）",
    operation_id="zhengcai_catalog_api_centralized_list",
)
def centralized_list(request: HttpRequest, filters: Query[EntryFilter]) -> EntryPage:
    qs = selectors.centralized_list(
        region=region_from_code(filters.region) if filters.region else None, year=filters.year
    )
    page = qs[filters.offset : filters.offset + filters.limit]
    return EntryPage(count=qs.count(), items=[_entry_out(e) for e in page])


class EntryLookupOut(Schema):
    covered: bool
    entry: EntryOut | None


@router.get(
    "/centralized/lookup",
    auth=None,
    response={200: EntryLookupOut, API_ERRORS: ErrorOut},
    summary="某品目是否在某区划某年度的集中采购目录内（含上级品目、上级区划）",
    operation_id="zhengcai_catalog_api_centralized_lookup",
)
def centralized_lookup(request: HttpRequest, region: str, year: int, item: str) -> EntryLookupOut:
    entry = selectors.centralized_entry_for(
        region=region_from_code(region), year=year, item_code=item
    )
    return EntryLookupOut(covered=entry is not None, entry=_entry_out(entry) if entry else None)


@router.post(
    "/centralized/copy-year",
    response={201: EntryPage, API_ERRORS: ErrorOut},
    summary="以上一年度目录为基础生成新年度目录",
    operation_id="zhengcai_catalog_api_centralized_copy_year",
)
def centralized_copy_year(request: HttpRequest, payload: CopyYearIn) -> Status[EntryPage]:
    created = services.centralized_copy_year(
        actor=request_user(request),
        region=region_from_code(payload.region_code),
        from_year=payload.from_year,
        to_year=payload.to_year,
    )
    return Status(201, EntryPage(count=len(created), items=[_entry_out(e) for e in created]))


@router.get(
    "/centralized/{entry_id}",
    auth=None,
    response={200: EntryOut, API_ERRORS: ErrorOut},
    summary="目录条目详情（响应带 ETag）",
    operation_id="zhengcai_catalog_api_centralized_get",
)
def centralized_get(request: HttpRequest, response: HttpResponse, entry_id: int) -> EntryOut:
    row = access.access_centralized_entry(user=None, pk=entry_id)
    response["ETag"] = _entry_etag(row)
    return _entry_out(row)


@router.post(
    "/centralized",
    response={201: EntryOut, API_ERRORS: ErrorOut},
    summary="目录新增品目（本区划监管人员、平台管理员）",
    operation_id="zhengcai_catalog_api_centralized_create",
)
def centralized_create(
    request: HttpRequest, response: HttpResponse, payload: EntryIn
) -> Status[EntryOut]:
    row = services.centralized_entry_create(
        actor=request_user(request),
        region=region_from_code(payload.region_code),
        year=payload.year,
        item=item_from_code(payload.item_code),
        scope=payload.scope,
        min_amount=payload.min_amount,
        note=payload.note,
    )
    response["ETag"] = _entry_etag(row)
    return Status(201, _entry_out(row))


@router.patch(
    "/centralized/{entry_id}",
    response={200: EntryOut, API_ERRORS: ErrorOut},
    summary="修改目录条目（须带 If-Match）",
    operation_id="zhengcai_catalog_api_centralized_update",
)
def centralized_update(
    request: HttpRequest, response: HttpResponse, entry_id: int, payload: EntryPatch
) -> EntryOut:
    user = request_user(request)
    row = access.access_centralized_entry(user=user, pk=entry_id, action="manage")
    version = if_match_version(request, "cce", row.pk)
    changes = payload.dict(exclude_unset=True)
    no_nulls(changes, nullable=("min_amount",))
    row = services.centralized_entry_update(
        actor=user, entry=row, expected_version=version, changes=changes
    )
    response["ETag"] = _entry_etag(row)
    return _entry_out(row)


@router.delete(
    "/centralized/{entry_id}",
    response={204: None, API_ERRORS: ErrorOut},
    summary="从目录移除品目（须带 If-Match）",
    operation_id="zhengcai_catalog_api_centralized_delete",
)
def centralized_delete(request: HttpRequest, entry_id: int) -> Status[None]:
    user = request_user(request)
    row = access.access_centralized_entry(user=user, pk=entry_id, action="manage")
    version = if_match_version(request, "cce", row.pk)
    services.centralized_entry_delete(actor=user, entry=row, expected_version=version)
    return Status(204, None)
