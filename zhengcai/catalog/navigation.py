"""Workbench tiles and navigation links of the catalogue (core.navigation)."""

from django.utils.translation import gettext_noop as _

from zhengcai.core.navigation import Tile

TILES = [
    Tile(
        roles={"regulator", "admin", "supervisor"},
        label=_("目录与标准"),
        url_name="catalog:thresholds",
        description=_("限额标准、集中采购目录、资产配置标准、品目分类"),
        in_navbar=True,
    ),
    Tile(
        roles={"purchaser", "agency", "supplier", "expert"},
        label=_("集中采购目录"),
        url_name="catalog:public",
        description=_("本年度集中采购目录及限额标准（公开）"),
    ),
]
