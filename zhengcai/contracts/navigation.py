"""Workbench tiles of the contracts app (core.navigation)."""

from django.utils.translation import gettext_noop as _

from zhengcai.core.navigation import Tile

TILES = [
    Tile(
        roles={"purchaser"},
        label=_("合同、验收与支付"),
        url_name="contracts:list",
        description=_("按范本生成合同、电子签名、合同公告与备案、履约验收、支付申请"),
    ),
    Tile(
        roles={"supplier"},
        label=_("我的政府采购合同"),
        url_name="contracts:list",
        description=_("签署合同、报告交付、申请支付"),
    ),
    Tile(
        roles={"agency", "regulator", "supervisor", "admin"},
        label=_("政府采购合同"),
        url_name="contracts:list",
        description=_("合同签订、公告、备案、验收与支付情况"),
    ),
]
