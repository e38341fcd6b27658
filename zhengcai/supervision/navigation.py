"""Workbench tiles of supervision (core.navigation)."""

from django.utils.translation import gettext_noop as _

from zhengcai.core.navigation import Tile

TILES = [
    Tile(
        roles={"purchaser", "supplier"},
        label=_("满意度评价"),
        url_name="supervision:surveys",
        description=_("对已结束的采购项目及代理机构的服务进行评价"),
    ),
    Tile(
        roles={"regulator", "supervisor", "admin", "agency"},
        label=_("代理机构考核"),
        url_name="supervision:agencies",
        description=_("采购单位满意率、供应商满意率、采购成功率"),
    ),
]
