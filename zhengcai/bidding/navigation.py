"""Workbench tiles of the bidding app (core.navigation)."""

from django.utils.translation import gettext_noop as _

from zhengcai.core.navigation import Tile

TILES = [
    Tile(
        roles={"supplier", "agency", "purchaser", "supervisor", "regulator", "admin"},
        label=_("投标与开标"),
        url_name="bidding:home",
        description=_("密封投标、不见面开标、开标记录与异议"),
        in_navbar=False,  # the agency navbar already wraps; reached from the workbench
    ),
    Tile(
        roles={"supplier"},
        label=_("签名公钥"),
        url_name="bidding:keys",
        description=_("登记 ECDSA / SM2 签名公钥，下载签名工具说明"),
    ),
    Tile(
        roles={"agency", "purchaser", "supervisor", "regulator", "admin"},
        label=_("保证金管理"),
        url_name="bidding:bonds",
        description=_("投标保证金的缴纳、退还期限与逾期未退提醒（条例 33；87号令 38）"),
    ),
    Tile(
        roles={"supplier"},
        label=_("我的保证金"),
        url_name="bidding:bonds",
        description=_("本单位投标保证金的状态与应退还日期"),
    ),
    Tile(
        roles={"supplier"},
        label=_("资格预审与投标邀请"),
        url_name="bidding:prequal_calls",
        description=_("邀请招标：提交资格预审申请文件，查看审查结论和投标邀请书（法 34）"),
    ),
]
