"""Workbench tiles and navigation links contributed by each app.

An app lists what it offers each role in `zhengcai/<app>/navigation.py`:

    TILES = [Tile(roles={"purchaser"}, label="采购预算", url_name="plans:budgets",
                  description="编制与报送政府采购预算")]

The workbench and the top navigation read every app's list in INSTALLED_APPS order, so no
app edits another's templates to add its pages.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from functools import cache

from django.conf import settings
from django.utils.translation import gettext_noop as _


@dataclass(frozen=True)
class Tile:
    roles: frozenset[str] | set[str]
    label: str
    url_name: str
    description: str = ""
    in_navbar: bool = False  # also a link in the top navigation bar
    org_admin_only: bool = False
    extra: dict[str, str] = field(default_factory=dict)


@cache
def all_tiles() -> tuple[Tile, ...]:
    tiles: list[Tile] = []
    for app in settings.INSTALLED_APPS:
        if not app.startswith("zhengcai."):
            continue
        try:
            module = importlib.import_module(f"{app}.navigation")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app}.navigation":
                raise
            continue
        tiles.extend(getattr(module, "TILES", []))
    return tuple(tiles)


def tiles_for(role: str | None, *, is_org_admin: bool = False) -> list[Tile]:
    if not role:
        return []
    return [t for t in all_tiles() if role in t.roles and (is_org_admin or not t.org_admin_only)]


# The core app's own pages (system administration and the inbox).
TILES = [
    Tile(
        roles={"admin", "regulator"},
        label=_("节假日安排"),
        url_name="core:calendar_years",
        description=_("导入并确认国务院年度放假安排（法定期限按工作日计算）"),
    ),
    Tile(
        roles={"admin"},
        label=_("沙盒时钟"),
        url_name="core:sandbox",
        description=_("演示环境：调整平台时间，依次触发到期事项"),
    ),
    Tile(
        roles={"admin", "regulator", "purchaser", "agency", "supplier", "supervisor"},
        label=_("站内消息"),
        url_name="core:inbox",
        description=_("期限调整、结果通知等消息"),
    ),
]
