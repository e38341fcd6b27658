"""Workbench tiles of the credit app (core.navigation)."""

from django.utils.translation import gettext_noop as _

from zhengcai.core.navigation import Tile

TILES = [
    Tile(
        roles={"regulator", "supervisor", "admin"},
        label=_("处罚与信用"),
        url_name="credit:penalties",
        description=_("行政处罚、不良行为记录、禁止参加政府采购活动"),
    ),
    Tile(
        roles={"supplier", "agency", "expert"},
        label=_("信用记录"),
        url_name="credit:penalties",
        description=_("本单位（本人）的处罚与不良行为记录"),
    ),
]
