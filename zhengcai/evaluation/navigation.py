"""Workbench tiles of the evaluation app (core.navigation)."""

from django.utils.translation import gettext_noop

from zhengcai.core.navigation import Tile

TILES = [
    Tile(
        roles={"agency"},
        label=gettext_noop("电子评审"),
        url_name="evaluation:home",
        description=gettext_noop("组建评审委员会、资格审查、评审进度与评审报告"),
        in_navbar=True,
    ),
    Tile(
        roles={"expert"},
        label=gettext_noop("我的评审"),
        url_name="evaluation:home",
        description=gettext_noop("回避声明、符合性审查、评分表、签署评审报告"),
        in_navbar=True,
    ),
    Tile(
        roles={"purchaser"},
        label=gettext_noop("评审与定标"),
        url_name="evaluation:home",
        description=gettext_noop("作为采购人代表参加评审；按评审报告确定中标（成交）供应商"),
    ),
    Tile(
        roles={"supplier"},
        label=gettext_noop("报价说明"),
        url_name="evaluation:home",
        description=gettext_noop("评审委员会要求对异常低价作出书面说明（87号令 60）"),
    ),
    Tile(
        roles={"supervisor", "regulator", "admin"},
        label=gettext_noop("评审监督"),
        url_name="evaluation:home",
        description=gettext_noop("查看评审进度、评分汇总与评审报告"),
    ),
]
