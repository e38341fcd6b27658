"""The supplier's 中小企业声明函 as the evaluation reads it (46号 4), from the opened bid."""

from __future__ import annotations

from zhengcai.bidding import constants as c
from zhengcai.bidding import rules
from zhengcai.bidding.models import Bid

SEALED = rules.SmeDeclaration(
    complete=False, size="", reasons=("开标前声明函随投标文件密封，不可读取",), sealed=True
)


def sme_declaration(bid: Bid) -> rules.SmeDeclaration:
    """What the bid's declaration gives its supplier (46号 4; `rules.sme_declaration_check`):
    read from the schedule opened at the opening. Before the opening the declaration is
    sealed with the bid: `sealed=True`, never complete. A flagged bid whose schedule did not
    verify has no declaration to read either."""
    if bid.status not in (c.BidStatus.OPENED, c.BidStatus.FLAGGED):
        return SEALED
    schedule = bid.schedule or {}
    parsed, errors = rules.sme_declaration_parse(schedule.get("declarations"))
    result = rules.sme_declaration_check(parsed, object_kind=bid.participation.project.object_kind)
    if errors:  # refused at submission; kept here for schedules made before the check
        return rules.SmeDeclaration(complete=False, size="", reasons=tuple(errors) + result.reasons)
    return result
