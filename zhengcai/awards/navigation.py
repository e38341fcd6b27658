"""Workbench tiles of the awards app (core.navigation)."""

from django.utils.translation import gettext_noop as _

from zhengcai.core.navigation import Tile

TILES = [
    Tile(
        roles={"agency", "purchaser"},
        label=_("定标与质疑"),
        url_name="awards:desk",
        description=_("结果公告、中标（成交）通知书、质疑答复"),
    ),
    Tile(
        roles={"supplier"},
        label=_("质疑"),
        url_name="awards:desk",
        description=_("提出质疑、查看答复"),
    ),
    Tile(
        roles={"regulator"},
        label=_("投诉处理"),
        url_name="awards:complaints",
        description=_("审查、受理投诉，作出处理决定（94号令）"),
    ),
    Tile(
        roles={"agency", "purchaser", "supplier"},
        label=_("投诉"),
        url_name="awards:complaints",
        description=_("本单位作为当事人的投诉"),
    ),
]
