"""The state machines of the draw (`DRAW`) and its invitations (`INVITATION`), declared from
the TRANSITIONS tables of `constants` (core.transitions: row locked, table checked, audit in the
same transaction). The expert's own machine is `profiles.EXPERT`, the pool share's
`profiles.SHARE`."""

from __future__ import annotations

import dataclasses
from typing import Any

from zhengcai.accounts.models import Organization
from zhengcai.core import transitions
from zhengcai.core.errors import Conflict
from zhengcai.experts import constants as c
from zhengcai.experts.models import DrawInvitation, DrawRequest

DRAW = transitions.register(
    transitions.Machine(
        DrawRequest,
        c.DRAW_TRANSITIONS,
        what="抽取申请",
        action="expert_draw",
        labels=c.DrawStatus,
        error_code=c.ERR_DRAW_STATE,
    )
)
INVITATION = transitions.register(
    transitions.Machine(
        DrawInvitation,
        c.INVITATION_TRANSITIONS,
        what="邀请",
        action="expert_invitation",
        labels=c.InvitationStatus,
        error_code=c.ERR_BAD_TRANSITION,
    )
)


def move(
    machine: transitions.Machine[Any], obj: Any, *, organization: Organization | None, **kw: Any
) -> Any:
    """`machine.move`, the audit entry filed under `organization` (None: the actor's own, as
    `audit_record` does): a draw's entries belong to its agency also when no one acted."""
    return dataclasses.replace(machine, organization=lambda _obj: organization).move(obj, **kw)


def check_draw(draw: DrawRequest, status: str) -> None:
    """The draw's refusal in its own words, before the machine moves it."""
    if not DRAW.can(draw, status):
        raise Conflict(
            f"抽取申请当前状态为「{c.DrawStatus(draw.status).label}」，不能进行此操作",
            code=c.ERR_DRAW_STATE,
            detail={"from": draw.status, "to": status},
        )


def check_invitation(inv: DrawInvitation, status: str) -> None:
    if not INVITATION.can(inv, status):
        raise Conflict(
            f"邀请当前状态为「{c.InvitationStatus(inv.status).label}」，不能进行此操作",
            code=c.ERR_BAD_TRANSITION,
            detail={"from": inv.status, "to": status},
        )
