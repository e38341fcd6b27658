"""The state machines of the evaluation app (core.transitions): the evaluation, its members
and its deviation flags. Every status change of the app goes through one of them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from zhengcai.core import transitions
from zhengcai.evaluation import constants as c
from zhengcai.evaluation.models import Evaluation, Flag, Member

if TYPE_CHECKING:
    from zhengcai.accounts.models import Organization

S = c.EvaluationStatus


def _evaluation_organization(ev: Evaluation) -> Organization | None:
    """Whose audit trail a move lands in: the signed report is the agency's (it is delivered
    by the platform, no actor), the award the purchaser's; otherwise the actor's."""
    if ev.status == S.SIGNED:
        return ev.project.agency
    if ev.status == S.AWARDED:
        return ev.project.purchaser
    return None


EVALUATION = transitions.register(
    transitions.Machine(
        Evaluation,
        c.TRANSITIONS,
        what="评审",
        action="evaluation",
        labels=S,
        organization=_evaluation_organization,
        error_code=c.ERR_BAD_TRANSITION,
    )
)
MEMBER = transitions.register(
    transitions.Machine(
        Member,
        c.MEMBER_TRANSITIONS,
        what="评审委员会成员",
        action="evaluation.member",
        labels=c.MemberStatus,
        organization=lambda m: m.evaluation.project.agency,
        error_code=c.ERR_MEMBER_STATE,
    )
)
FLAG = transitions.register(
    transitions.Machine(
        Flag,
        c.FLAG_TRANSITIONS,
        what="评分异常标记",
        action="evaluation.flag",
        labels=c.FlagStatus,
        organization=lambda f: f.evaluation.project.agency,
        error_code=c.ERR_FLAG_SETTLED,
    )
)
