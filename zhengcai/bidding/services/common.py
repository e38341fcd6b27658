"""Refusals and role checks the topic modules of the bidding services share."""

from __future__ import annotations

import datetime as dt

from zhengcai.accounts.constants import Role
from zhengcai.accounts.models import Organization, User
from zhengcai.bidding import constants as c
from zhengcai.core import clock
from zhengcai.core.errors import PermissionDenied, RuleViolation
from zhengcai.tenders.models import Project


def deadline_passed(deadline: dt.datetime) -> RuleViolation:
    return RuleViolation(
        "已过递交截止时间，平台拒收（87号令 33）",
        code=c.ERR_DEADLINE_PASSED,
        detail={"deadline": deadline.isoformat(), "server_time": clock.now().isoformat()},
        status=409,
    )


def require_agency(actor: User, project: Project) -> None:
    if actor.role != Role.AGENCY or actor.organization_id != project.agency_id:
        raise PermissionDenied("只有本项目的代理机构可以主持开标")


def require_bond_officer(actor: User, project: Project) -> None:
    """Bid security is refunded by the purchaser or its agency (条例 33; 87号令 38)."""
    if actor.role == Role.AGENCY and actor.organization_id == project.agency_id:
        return
    if actor.role == Role.PURCHASER and actor.organization_id == project.purchaser_id:
        return
    raise PermissionDenied("只有本项目的采购人或代理机构可以办理保证金", code=c.ERR_BOND_OFFICER)


def supplier_org(user: User) -> Organization | None:
    return user.organization if user.role == Role.SUPPLIER else None
