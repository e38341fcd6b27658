"""The router of the catalogue API and what its endpoints share."""

from __future__ import annotations

from typing import Literal

from ninja import Router

from zhengcai.accounts.auth import api_auth
from zhengcai.accounts.models import Region
from zhengcai.catalog import selectors
from zhengcai.catalog.models import CatalogItem
from zhengcai.core.errors import InvalidInput

router = Router(auth=api_auth(), tags=["catalog"])

MAX_PAGE = 500
MAX_UPLOAD = 5 * 1024 * 1024
Kind = Literal["items", "thresholds", "centralized", "standards"]


def region_from_code(code: str) -> Region:
    region = selectors.region_get(code)
    if region is None:
        raise InvalidInput("区划代码不存在", code="region_unknown", detail={"field": "region"})
    return region


def item_from_code(code: str) -> CatalogItem:
    item = selectors.item_get(code)
    if item is None:
        raise InvalidInput("品目编码不存在", code="item_unknown", detail={"field": "item"})
    return item


def no_nulls(changes: dict[str, object], nullable: tuple[str, ...] = ()) -> None:
    if any(v is None for k, v in changes.items() if k not in nullable):
        raise InvalidInput("字段值不能为 null", code="null_not_allowed")
