"""Workbench tiles and navigation links of the tenders app (core.navigation)."""

from django.utils.translation import gettext_noop as _

from zhengcai.core.navigation import Tile

TILES = [
    Tile(
        roles={"agency", "purchaser", "regulator", "supervisor", "admin", "supplier"},
        label=_("采购项目"),
        url_name="tenders:projects",
        description=_("项目立项、采购文件、合规审查、公告与答疑"),
        in_navbar=True,
    ),
    Tile(
        roles={"agency"},
        label=_("采购文件范本"),
        url_name="tenders:templates",
        description=_("维护本机构的采购文件范本与评分办法"),
    ),
    Tile(
        roles={"agency", "purchaser", "regulator", "supervisor", "admin", "supplier", "expert"},
        label=_("采购公告"),
        url_name="tenders:public_notices",
        description=_("招标、谈判、磋商、询价、更正与终止公告"),
    ),
]
