"""Registration for a lot (报名) and the panel's exclusion of a supplier from the talks."""

from __future__ import annotations

from django.db import transaction

from zhengcai.accounts.constants import Role
from zhengcai.accounts.models import User
from zhengcai.bidding import constants as c
from zhengcai.bidding import rules
from zhengcai.bidding.models import Participation
from zhengcai.bidding.services.common import deadline_passed, require_agency
from zhengcai.bidding.services.machines import PARTICIPATION
from zhengcai.bidding.services.prequal import invitation_problem
from zhengcai.core import clock
from zhengcai.core.audit import audit_record
from zhengcai.core.errors import InvalidInput, PermissionDenied
from zhengcai.credit import doors as credit_doors
from zhengcai.tenders.models import Lot


@transaction.atomic
def participation_register(*, actor: User, lot: Lot) -> Participation:
    if actor.role != Role.SUPPLIER or actor.organization is None:
        raise PermissionDenied("只有供应商可以报名")
    credit_doors.require_clear(credit_doors.Activity.REGISTER, organization=actor.organization)
    project = lot.project
    if project.bid_deadline is None or not rules.accepting(project.bid_deadline, clock.now()):
        raise deadline_passed(project.bid_deadline or clock.now())
    refusal = invitation_problem(project, actor.organization)  # 邀请招标: 法 34
    if refusal is not None:
        raise refusal
    existing = Participation.objects.filter(lot=lot, supplier=actor.organization).first()
    if existing is not None:
        return existing
    part = Participation.objects.create(
        project=project,
        lot=lot,
        supplier=actor.organization,
        registered_by=actor,
        registered_at=clock.now(),
    )
    audit_record(actor=actor, action="bidding.participation_register", obj=part)
    return part


@transaction.atomic
def participation_eliminate(
    *, actor: User, participation: Participation, reason: str
) -> Participation:
    """The panel excludes a supplier from the talks; it is told why (74号令 32 ⚠: 书面通知)."""
    require_agency(actor, participation.project)
    current = PARTICIPATION.lock(participation)
    PARTICIPATION.check(current, c.ParticipationStatus.ELIMINATED)
    reason = reason.strip()
    if not reason:
        raise InvalidInput("请填写淘汰理由（将告知该供应商）", code=c.ERR_REASON_REQUIRED)
    return PARTICIPATION.move(
        current,
        to=c.ParticipationStatus.ELIMINATED,
        actor=actor,
        reason=reason,
        action="bidding.participation_eliminate",
        eliminated_reason=reason[:2000],
        eliminated_at=clock.now(),
    )
