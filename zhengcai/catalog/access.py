"""Who may read and edit the catalogue (design §4 rule 6), in the style of accounts.access.

The catalogue is public policy: anyone (even without logging in) may read items, thresholds,
the 集中采购目录 and configuration standards. Editing:

- a region's thresholds, 集中采购目录 and configuration standards: the regulators of that
  region (their organization's region, exactly: a city bureau does not edit the province's
  rules, nor the province a city's — 法 7–8, 条例 5: each government sets its own), and
  platform administrators anywhere;
- the 品目分类目录 itself is national (set by the Ministry of Finance): platform
  administrators only.

The management pages are for regulators, supervisors (read) and administrators.
"""

from __future__ import annotations

from typing import Literal

from django.db.models import QuerySet

from zhengcai.accounts.access import require_login
from zhengcai.accounts.constants import Role
from zhengcai.accounts.models import Region, User
from zhengcai.catalog.models import (
    CatalogItem,
    CentralizedCatalogEntry,
    ConfigurationStandard,
    Threshold,
)
from zhengcai.core.errors import NotFound, PermissionDenied

Action = Literal["view", "manage"]

MANAGE_PAGE_ROLES = (Role.REGULATOR, Role.SUPERVISOR, Role.ADMIN)


def can_edit_region(user: User | None, region: Region) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.role == Role.ADMIN:
        return True
    return user.role == Role.REGULATOR and user.region is not None and user.region.pk == region.pk


def can_edit_items(user: User | None) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.role == Role.ADMIN)


def require_region_editor(user: User, region: Region) -> User:
    require_login(user)
    if not can_edit_region(user, region):
        raise PermissionDenied(
            f"只有{region.name}的财政部门（监管人员）或平台管理员可以修改该区划的标准",
            code="outside_region",
            detail={"region": region.code},
        )
    return user


def require_item_editor(user: User) -> User:
    require_login(user)
    if not can_edit_items(user):
        raise PermissionDenied(
            "品目分类目录由财政部统一制定，只有平台管理员可以维护", code="items_admin_only"
        )
    return user


def require_manage_pages(user: User) -> User:
    """The catalogue management pages: regulators, supervisors and administrators."""
    require_login(user)
    if user.role not in MANAGE_PAGE_ROLES:
        raise PermissionDenied("只有监管人员、监督人员和平台管理员可以进入目录与标准管理")
    return user


def editable_regions(user: User | None) -> QuerySet[Region]:
    if user is None or not user.is_authenticated:
        return Region.objects.none()
    if user.role == Role.ADMIN:
        return Region.objects.all()
    if user.role == Role.REGULATOR and user.region is not None:
        return Region.objects.filter(pk=user.region.pk)
    return Region.objects.none()


def _check(user: User | None, region: Region, action: Action) -> None:
    if action == "manage":
        if user is None:
            raise PermissionDenied()
        require_region_editor(user, region)


def access_item(*, user: User | None, code: str, action: Action = "view") -> CatalogItem:
    item = CatalogItem.objects.select_related("parent").filter(code=code.strip().upper()).first()
    if item is None:
        raise NotFound("品目不存在", code="item_unknown")
    if action == "manage":
        if user is None:
            raise PermissionDenied()
        require_item_editor(user)
    return item


def access_threshold(*, user: User | None, pk: int, action: Action = "view") -> Threshold:
    row = Threshold.objects.select_related("region").filter(pk=pk).first()
    if row is None:
        raise NotFound("限额标准不存在")
    _check(user, row.region, action)
    return row


def access_centralized_entry(
    *, user: User | None, pk: int, action: Action = "view"
) -> CentralizedCatalogEntry:
    row = CentralizedCatalogEntry.objects.select_related("region", "item").filter(pk=pk).first()
    if row is None:
        raise NotFound("集中采购目录条目不存在")
    _check(user, row.region, action)
    return row


def access_config_standard(
    *, user: User | None, pk: int, action: Action = "view"
) -> ConfigurationStandard:
    row = ConfigurationStandard.objects.select_related("region", "item").filter(pk=pk).first()
    if row is None:
        raise NotFound("资产配置标准不存在")
    _check(user, row.region, action)
    return row
