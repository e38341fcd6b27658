"""Workbench tiles and navigation links of the plans app (core.navigation)."""

from django.utils.translation import gettext_noop as _

from zhengcai.core.navigation import Tile

TILES = [
    Tile(
        roles={"purchaser", "regulator", "supervisor", "admin"},
        label=_("采购预算"),
        url_name="plans:budgets",
        description=_("政府采购预算编制、报送与批复"),
        in_navbar=True,
    ),
    Tile(
        roles={"purchaser", "regulator", "supervisor", "admin", "agency"},
        label=_("采购计划"),
        url_name="plans:plans",
        description=_("采购实施计划、采购方式与意向公开"),
        in_navbar=True,
    ),
    Tile(
        roles={"purchaser", "regulator", "supervisor", "admin"},
        label=_("审批事项"),
        url_name="plans:approvals",
        description=_("变更采购方式、单一来源、进口产品等审批"),
    ),
    Tile(
        roles={"purchaser", "regulator", "supervisor", "admin", "agency"},
        label=_("网上委托"),
        url_name="plans:commissions",
        description=_("委托代理机构与业务跟踪"),
        in_navbar=True,
    ),
    Tile(
        roles={"regulator", "supervisor", "admin"},
        label=_("化整为零线索"),
        url_name="plans:split_cases",
        description=_("拆分规避公开招标的监督线索"),
    ),
    Tile(
        roles={"purchaser", "regulator", "supervisor", "admin", "agency", "supplier", "expert"},
        label=_("采购意向公开"),
        url_name="plans:public_intentions",
        description=_("向社会公开的采购意向"),
    ),
]
