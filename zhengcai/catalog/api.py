"""API of the catalog app (/api/v1/catalog): 品目, thresholds, 集中采购目录, 资产配置标准,
Excel import/export. Reads are public (published policy); edits need a regulator of the
row's region or a platform administrator, and `If-Match` with the ETag last read."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal
from urllib.parse import quote

from django.http import HttpRequest, HttpResponse
from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from zhengcai.accounts import access as accounts_access
from zhengcai.accounts.auth import api_auth
from zhengcai.accounts.models import Region
from zhengcai.catalog import access, excel, selectors, services
from zhengcai.catalog.constants import Category, CentralizedScope, QuantityBasis, ThresholdKind
from zhengcai.catalog.models import (
    CatalogItem,
    CentralizedCatalogEntry,
    ConfigurationStandard,
    Threshold,
)
from zhengcai.core import clock
from zhengcai.core.errors import InvalidInput, NotFound, PermissionDenied
from zhengcai.core.http import if_match_version, request_user
from zhengcai.core.schemas import API_ERRORS, ErrorOut, StrictIn

router = Router(auth=api_auth(), tags=["catalog"])

MAX_PAGE = 500
MAX_UPLOAD = 5 * 1024 * 1024
Kind = Literal["items", "thresholds", "centralized", "standards"]


def _region(code: str) -> Region:
    region = Region.objects.filter(code=code.strip()).first()
    if region is None:
        raise InvalidInput("区划代码不存在", code="region_unknown", detail={"field": "region"})
    return region


def _item(code: str) -> CatalogItem:
    item = selectors.item_get(code)
    if item is None:
        raise InvalidInput("品目编码不存在", code="item_unknown", detail={"field": "item"})
    return item


def _no_nulls(changes: dict[str, object], nullable: tuple[str, ...] = ()) -> None:
    if any(v is None for k, v in changes.items() if k not in nullable):
        raise InvalidInput("字段值不能为 null", code="null_not_allowed")


# --- 品目 --------------------------------------------------------------------------------


class ItemOut(Schema):
    code: str
    name: str
    parent_code: str | None
    level: int
    category: str
    is_active: bool
    note: str
    version: int


class ItemPage(Schema):
    count: int
    items: list[ItemOut]


class ItemIn(StrictIn):
    code: str = Field(min_length=1, max_length=9)
    name: str = Field(min_length=1, max_length=120)
    note: str = Field(default="", max_length=300)


class ItemPatch(StrictIn):
    name: str | None = Field(default=None, min_length=1, max_length=120)
    note: str | None = Field(default=None, max_length=300)


class ItemActiveIn(StrictIn):
    active: bool


def _item_out(i: CatalogItem) -> ItemOut:
    return ItemOut(
        code=i.code,
        name=i.name,
        parent_code=i.parent.code if i.parent else None,
        level=i.level,
        category=i.category,
        is_active=i.is_active,
        note=i.note,
        version=i.version,
    )


def _item_etag(i: CatalogItem) -> str:
    return f'"item-{i.code}-v{i.version}"'


class ItemFilter(Schema):
    q: str | None = Field(default=None, max_length=60)
    parent: str | None = Field(default=None, max_length=9, description="只列该品目的下级")
    roots: bool = Field(default=False, description="只列第一级")
    category: Category | None = None
    active_only: bool = False
    limit: int = Field(default=100, ge=1, le=MAX_PAGE)
    offset: int = Field(default=0, ge=0)


@router.get(
    "/items",
    auth=None,
    response={200: ItemPage, API_ERRORS: ErrorOut},
    summary="品目分类目录：检索与逐级浏览（公开）",
)
def item_list(request: HttpRequest, filters: Query[ItemFilter]) -> ItemPage:
    qs = selectors.item_search(
        q=filters.q,
        category=filters.category,
        parent_code=filters.parent,
        roots=filters.roots,
        active_only=filters.active_only,
    )
    page = qs[filters.offset : filters.offset + filters.limit]
    return ItemPage(count=qs.count(), items=[_item_out(i) for i in page])


@router.get(
    "/items/{code}",
    auth=None,
    response={200: ItemOut, API_ERRORS: ErrorOut},
    summary="品目详情（响应带 ETag）",
)
def item_get(request: HttpRequest, response: HttpResponse, code: str) -> ItemOut:
    item = access.access_item(user=None, code=code)
    response["ETag"] = _item_etag(item)
    return _item_out(item)


@router.post(
    "/items", response={201: ItemOut, API_ERRORS: ErrorOut}, summary="新增品目（平台管理员）"
)
def item_create(request: HttpRequest, response: HttpResponse, payload: ItemIn) -> Status[ItemOut]:
    user = access.require_item_editor(request_user(request))
    item = services.item_create(actor=user, code=payload.code, name=payload.name, note=payload.note)
    response["ETag"] = _item_etag(item)
    return Status(201, _item_out(item))


@router.patch(
    "/items/{code}",
    response={200: ItemOut, API_ERRORS: ErrorOut},
    summary="修改品目名称/说明（平台管理员，须带 If-Match）",
)
def item_update(
    request: HttpRequest, response: HttpResponse, code: str, payload: ItemPatch
) -> ItemOut:
    user = request_user(request)
    item = access.access_item(user=user, code=code, action="manage")
    version = if_match_version(request, "item", item.code)
    changes = payload.dict(exclude_unset=True)
    _no_nulls(changes)
    item = services.item_update(actor=user, item=item, expected_version=version, changes=changes)
    response["ETag"] = _item_etag(item)
    return _item_out(item)


@router.post(
    "/items/{code}/active",
    response={200: ItemPage, API_ERRORS: ErrorOut},
    summary="停用（连同下级）/ 启用品目（平台管理员，须带 If-Match）",
)
def item_set_active(request: HttpRequest, code: str, payload: ItemActiveIn) -> ItemPage:
    user = request_user(request)
    item = access.access_item(user=user, code=code, action="manage")
    version = if_match_version(request, "item", item.code)
    changed = services.item_set_active(
        actor=user, item=item, active=payload.active, expected_version=version
    )
    return ItemPage(count=len(changed), items=[_item_out(i) for i in changed])


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
)
def threshold_list(request: HttpRequest, filters: Query[ThresholdFilter]) -> ThresholdPage:
    qs = selectors.threshold_list(
        region=_region(filters.region) if filters.region else None,
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
)
def threshold_lookup(request: HttpRequest, filters: Query[LookupFilter]) -> LookupOut:
    if filters.organization is not None:
        org = accounts_access.access_organization(
            user=request_user(request), pk=filters.organization
        )
        region, level = org.region, org.region.level
    elif filters.region:
        region = _region(filters.region)
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
)
def threshold_get(request: HttpRequest, response: HttpResponse, threshold_id: int) -> ThresholdOut:
    row = access.access_threshold(user=None, pk=threshold_id)
    response["ETag"] = _threshold_etag(row)
    return _threshold_out(row)


@router.post(
    "/thresholds",
    response={201: ThresholdOut, API_ERRORS: ErrorOut},
    summary="发布新版本（自生效日起，上一版本于前一日失效；本区划监管人员、平台管理员）",
)
def threshold_create(
    request: HttpRequest, response: HttpResponse, payload: ThresholdIn
) -> Status[ThresholdOut]:
    user = request_user(request)
    row = services.threshold_set(
        actor=user,
        region=_region(payload.region_code),
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
)
def threshold_update(
    request: HttpRequest, response: HttpResponse, threshold_id: int, payload: ThresholdPatch
) -> ThresholdOut:
    user = request_user(request)
    row = access.access_threshold(user=user, pk=threshold_id, action="manage")
    version = if_match_version(request, "thr", row.pk)
    changes = payload.dict(exclude_unset=True)
    _no_nulls(changes, nullable=("effective_to",))
    row = services.threshold_update(
        actor=user, threshold=row, expected_version=version, changes=changes
    )
    response["ETag"] = _threshold_etag(row)
    return _threshold_out(row)


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
)
def centralized_list(request: HttpRequest, filters: Query[EntryFilter]) -> EntryPage:
    qs = selectors.centralized_list(
        region=_region(filters.region) if filters.region else None, year=filters.year
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
)
def centralized_lookup(request: HttpRequest, region: str, year: int, item: str) -> EntryLookupOut:
    entry = selectors.centralized_entry_for(region=_region(region), year=year, item_code=item)
    return EntryLookupOut(covered=entry is not None, entry=_entry_out(entry) if entry else None)


@router.post(
    "/centralized/copy-year",
    response={201: EntryPage, API_ERRORS: ErrorOut},
    summary="以上一年度目录为基础生成新年度目录",
)
def centralized_copy_year(request: HttpRequest, payload: CopyYearIn) -> Status[EntryPage]:
    created = services.centralized_copy_year(
        actor=request_user(request),
        region=_region(payload.region_code),
        from_year=payload.from_year,
        to_year=payload.to_year,
    )
    return Status(201, EntryPage(count=len(created), items=[_entry_out(e) for e in created]))


@router.get(
    "/centralized/{entry_id}",
    auth=None,
    response={200: EntryOut, API_ERRORS: ErrorOut},
    summary="目录条目详情（响应带 ETag）",
)
def centralized_get(request: HttpRequest, response: HttpResponse, entry_id: int) -> EntryOut:
    row = access.access_centralized_entry(user=None, pk=entry_id)
    response["ETag"] = _entry_etag(row)
    return _entry_out(row)


@router.post(
    "/centralized",
    response={201: EntryOut, API_ERRORS: ErrorOut},
    summary="目录新增品目（本区划监管人员、平台管理员）",
)
def centralized_create(
    request: HttpRequest, response: HttpResponse, payload: EntryIn
) -> Status[EntryOut]:
    row = services.centralized_entry_create(
        actor=request_user(request),
        region=_region(payload.region_code),
        year=payload.year,
        item=_item(payload.item_code),
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
)
def centralized_update(
    request: HttpRequest, response: HttpResponse, entry_id: int, payload: EntryPatch
) -> EntryOut:
    user = request_user(request)
    row = access.access_centralized_entry(user=user, pk=entry_id, action="manage")
    version = if_match_version(request, "cce", row.pk)
    changes = payload.dict(exclude_unset=True)
    _no_nulls(changes, nullable=("min_amount",))
    row = services.centralized_entry_update(
        actor=user, entry=row, expected_version=version, changes=changes
    )
    response["ETag"] = _entry_etag(row)
    return _entry_out(row)


@router.delete(
    "/centralized/{entry_id}",
    response={204: None, API_ERRORS: ErrorOut},
    summary="从目录移除品目（须带 If-Match）",
)
def centralized_delete(request: HttpRequest, entry_id: int) -> Status[None]:
    user = request_user(request)
    row = access.access_centralized_entry(user=user, pk=entry_id, action="manage")
    version = if_match_version(request, "cce", row.pk)
    services.centralized_entry_delete(actor=user, entry=row, expected_version=version)
    return Status(204, None)


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
)
def standard_list(request: HttpRequest, filters: Query[StandardFilter]) -> StandardPage:
    qs = selectors.config_standard_list(
        region=_region(filters.region) if filters.region else None, on=filters.on
    )
    page = qs[filters.offset : filters.offset + filters.limit]
    return StandardPage(count=qs.count(), items=[_standard_out(s) for s in page])


@router.get(
    "/standards/{standard_id}",
    auth=None,
    response={200: StandardOut, API_ERRORS: ErrorOut},
    summary="资产配置标准详情（响应带 ETag）",
)
def standard_get(request: HttpRequest, response: HttpResponse, standard_id: int) -> StandardOut:
    row = access.access_config_standard(user=None, pk=standard_id)
    response["ETag"] = _standard_etag(row)
    return _standard_out(row)


@router.post(
    "/standards",
    response={201: StandardOut, API_ERRORS: ErrorOut},
    summary="发布资产配置标准新版本（本区划监管人员、平台管理员）",
)
def standard_create(
    request: HttpRequest, response: HttpResponse, payload: StandardIn
) -> Status[StandardOut]:
    row = services.config_standard_set(
        actor=request_user(request),
        region=_region(payload.region_code),
        item=_item(payload.item_code),
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
)
def standard_delete(request: HttpRequest, standard_id: int) -> Status[None]:
    user = request_user(request)
    row = access.access_config_standard(user=user, pk=standard_id, action="manage")
    version = if_match_version(request, "cfg", row.pk)
    services.config_standard_delete(actor=user, standard=row, expected_version=version)
    return Status(204, None)


# --- Excel ---------------------------------------------------------------------------------


class ProblemOut(Schema):
    row: int
    column: str
    message: str


class ImportOut(Schema):
    kind: str
    ok: bool
    rows: int
    created: int
    updated: int
    unchanged: int
    problems: list[ProblemOut]


@router.post(
    "/import/{kind}",
    response={200: ImportOut, API_ERRORS: ErrorOut},
    summary="Excel 导入（先逐行校验；任一行有误则全部不导入，422 的 detail 为逐行报告）",
)
def import_excel(request: HttpRequest, kind: Kind, file: File[UploadedFile]) -> ImportOut:
    user = request_user(request)
    if kind == "items":
        access.require_item_editor(user)
    elif not access.editable_regions(user).exists():
        raise PermissionDenied("只有监管人员或平台管理员可以导入标准", code="outside_region")
    if file.size is not None and file.size > MAX_UPLOAD:
        raise InvalidInput("文件超过 5 MB", code="file_too_large")
    report = excel.import_workbook(kind, file.read(), actor=user)
    if not report.ok:
        raise InvalidInput(
            f"导入文件有 {len(report.problems)} 处问题，未导入任何数据",
            code="import_invalid",
            detail=report.as_dict(),
        )
    return ImportOut(**report.as_dict())


@router.get(
    "/export/{kind}",
    auth=None,
    response={200: None, API_ERRORS: ErrorOut},
    summary="导出 Excel（与导入格式相同；公开）",
)
def export_excel(
    request: HttpRequest, kind: Kind, region: str | None = None, year: int | None = None
) -> HttpResponse:
    reg = _region(region) if region else None
    if year is not None and not 2000 <= year <= 2100:
        raise NotFound("年度无效")
    data = excel.export_workbook(kind, region=reg, year=year)
    name = excel.export_filename(kind, region=reg, year=year)
    response = HttpResponse(data, content_type=excel.XLSX_MIME)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response
