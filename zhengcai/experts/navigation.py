"""Workbench tiles of the experts app (core.navigation)."""

from django.utils.translation import gettext_noop

from zhengcai.core.navigation import Tile

TILES = [
    Tile(
        roles={"expert"},
        label=gettext_noop("我的专家档案"),
        url_name="experts:me",
        description=gettext_noop("评审邀请确认、不可评审日期、回避申报"),
        in_navbar=True,
    ),
    Tile(
        roles={"regulator", "supervisor", "admin"},
        label=gettext_noop("评审专家库"),
        url_name="experts:list",
        description=gettext_noop("专家登记审核、状态管理、批量导入"),
    ),
    Tile(
        roles={"regulator", "supervisor", "admin"},
        label=gettext_noop("建议处理的专家"),
        url_name="experts:suggestions",
        description=gettext_noop("缺席、迟到、评审质量低或投诉成立的专家（条例 62；198号 29）"),
    ),
    Tile(
        roles={"agency"},
        label=gettext_noop("专家抽取"),
        url_name="experts:draws",
        description=gettext_noop("随机抽取评审专家，种子先承诺后公开"),
        in_navbar=True,
    ),
    Tile(
        roles={"regulator", "supervisor", "purchaser", "admin"},
        label=gettext_noop("专家抽取记录"),
        url_name="experts:draws",
        description=gettext_noop("查看与复核专家抽取"),
    ),
]
