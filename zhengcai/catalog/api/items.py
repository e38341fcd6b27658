"""品目 endpoints."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Query, Schema, Status
from pydantic import Field

from zhengcai.catalog import access, selectors, services
from zhengcai.catalog.api.router import MAX_PAGE, no_nulls, router
from zhengcai.catalog.constants import Category
from zhengcai.catalog.models import CatalogItem
from zhengcai.core.http import if_match_version, request_user
from zhengcai.core.schemas import API_ERRORS, ErrorOut, StrictIn

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
    operation_id="zhengcai_catalog_api_item_list",
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
    operation_id="zhengcai_catalog_api_item_get",
)
def item_get(request: HttpRequest, response: HttpResponse, code: str) -> ItemOut:
    item = access.access_item(user=None, code=code)
    response["ETag"] = _item_etag(item)
    return _item_out(item)


@router.post(
    "/items",
    response={201: ItemOut, API_ERRORS: ErrorOut},
    summary="新增品目（平台管理员）",
    operation_id="zhengcai_catalog_api_item_create",
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
    operation_id="zhengcai_catalog_api_item_update",
)
def item_update(
    request: HttpRequest, response: HttpResponse, code: str, payload: ItemPatch
) -> ItemOut:
    user = request_user(request)
    item = access.access_item(user=user, code=code, action="manage")
    version = if_match_version(request, "item", item.code)
    changes = payload.dict(exclude_unset=True)
    no_nulls(changes)
    item = services.item_update(actor=user, item=item, expected_version=version, changes=changes)
    response["ETag"] = _item_etag(item)
    return _item_out(item)


@router.post(
    "/items/{code}/active",
    response={200: ItemPage, API_ERRORS: ErrorOut},
    summary="停用（连同下级）/ 启用品目（平台管理员，须带 If-Match）",
    operation_id="zhengcai_catalog_api_item_set_active",
)
def item_set_active(request: HttpRequest, code: str, payload: ItemActiveIn) -> ItemPage:
    user = request_user(request)
    item = access.access_item(user=user, code=code, action="manage")
    version = if_match_version(request, "item", item.code)
    changed = services.item_set_active(
        actor=user, item=item, active=payload.active, expected_version=version
    )
    return ItemPage(count=len(changed), items=[_item_out(i) for i in changed])
