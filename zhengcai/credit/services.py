"""Writes of the credit app: a finance department proposes, decides and revokes penalties.

Every status change goes through the `PENALTY` machine (core.transitions); a decided ban
closes the doors listed in constants.BLOCKS until its last day (credit.selectors.refusal)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.db import transaction

from zhengcai.core import clock, transitions
from zhengcai.core.audit import audit_record
from zhengcai.core.errors import InvalidInput, PermissionDenied, RuleViolation
from zhengcai.credit import constants as c
from zhengcai.credit import rules
from zhengcai.credit.models import Penalty

if TYPE_CHECKING:
    from zhengcai.accounts.models import Organization, User

PENALTY = transitions.register(
    transitions.Machine(
        Penalty,
        c.PENALTY_TRANSITIONS,
        what="行政处罚",
        action="penalty",
        labels=c.PenaltyStatus,
        organization=lambda p: p.authority,
    )
)


def _require_regulator(actor: User, subject_org: Organization | None = None) -> Organization:
    org = actor.organization
    if actor.role != "regulator" or org is None or org.kind != "finance":
        raise PermissionDenied("只有财政部门可以作出政府采购行政处罚", code=c.ERR_NOT_REGULATOR)
    if subject_org is not None and not subject_org.region.path.startswith(org.region.path):
        raise PermissionDenied("被处罚单位不在本级财政部门的监管范围内", code=c.ERR_NOT_REGULATOR)
    return org


def _decimal(value: Any, label: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        d = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError) as exc:
        raise InvalidInput(f"{label}应为金额", code=c.ERR_PENALTY_INVALID) from exc
    return d


def _raise(problems: list[rules.Problem]) -> None:
    if problems:
        raise RuleViolation(
            "；".join(p.message for p in problems),
            code=c.ERR_PENALTY_INVALID,
            detail=[
                {"code": p.code, "message": p.message, "article": p.citation} for p in problems
            ],
        )


@transaction.atomic
def penalty_create(
    *,
    actor: User,
    subject_kind: str,
    organization: Organization | None = None,
    person: User | None = None,
    decision_no: str,
    basis: str,
    facts: str,
    warning: bool = False,
    fine: Any = None,
    procurement_amount: Any = None,
    ban_scope: str = c.BanScope.NONE,
    ban_months: int | None = None,
    adverse_record: bool = False,
    blacklist: bool = False,
    project_ref: str = "",
) -> Penalty:
    """Propose a penalty (拟处罚). Checked at once against the law; decided separately."""
    if subject_kind not in c.SubjectKind.values:
        raise InvalidInput("被处罚对象类型无效", code=c.ERR_PENALTY_INVALID)
    if subject_kind == c.SubjectKind.EXPERT:
        if person is None or person.role != "expert":
            raise InvalidInput("请选择被处罚的评审专家", code=c.ERR_PENALTY_INVALID)
        organization = None
        name = person.get_full_name() or person.get_username()
    else:
        wanted: set[str] = (
            {"supplier"}
            if subject_kind == c.SubjectKind.SUPPLIER
            else {"central_agency", "social_agency"}
        )
        if organization is None or organization.kind not in wanted:
            raise InvalidInput(
                f"请选择被处罚的{c.SubjectKind(subject_kind).label}", code=c.ERR_PENALTY_INVALID
            )
        person = None
        name = organization.name
    authority = _require_regulator(actor, organization)
    if not decision_no.strip():
        raise InvalidInput("请填写处罚决定书文号", code=c.ERR_PENALTY_INVALID)
    fine_d = _decimal(fine, "罚款")
    amount_d = _decimal(procurement_amount, "采购金额")
    _raise(
        rules.penalty_problems(
            subject_kind=subject_kind,
            warning=warning,
            fine=fine_d,
            procurement_amount=amount_d,
            ban_scope=ban_scope,
            ban_months=ban_months,
            adverse_record=adverse_record,
            basis=basis,
            facts=facts,
        )
    )
    now = clock.now()
    p = Penalty.objects.create(
        decision_no=decision_no.strip()[:80],
        subject_kind=subject_kind,
        organization=organization,
        person=person,
        subject_name=name,
        authority=authority,
        warning=warning,
        fine=fine_d,
        procurement_amount=amount_d,
        ban_scope=ban_scope,
        ban_months=ban_months,
        adverse_record=adverse_record or blacklist,
        blacklist=blacklist,
        basis=basis.strip()[:300],
        facts=facts.strip(),
        project_ref=project_ref.strip()[:120],
        created_by=actor,
        created_at=now,
        updated_at=now,
    )
    audit_record(
        actor=actor,
        action="penalty.proposed",
        obj=p,
        organization=authority,
        after={
            "subject": name,
            "decision_no": p.decision_no,
            "ban_scope": ban_scope,
            "ban_months": ban_months,
            "fine": str(fine_d) if fine_d is not None else None,
        },
    )
    return p


@transaction.atomic
def penalty_decide(
    *,
    actor: User,
    penalty: Penalty,
    effective_from: dt.date | None = None,
    expected_version: int | None = None,
) -> Penalty:
    """The decision takes effect (生效) from `effective_from` (default today) and is published;
    a ban closes its doors from that day to its last day."""
    p = PENALTY.lock(penalty)
    if p.authority_id != getattr(actor, "organization_id", None):
        raise PermissionDenied("只有作出处罚的财政部门可以决定", code=c.ERR_NOT_REGULATOR)
    _require_regulator(actor)
    start = effective_from or clock.today()
    if start < clock.today() - dt.timedelta(days=30):
        raise InvalidInput("生效日期不能早于30日前", code=c.ERR_PENALTY_INVALID)
    ban_until, record_until = rules.periods(
        effective_from=start,
        ban_scope=p.ban_scope,
        ban_months=p.ban_months,
        adverse_record=p.adverse_record,
    )
    last = max((d for d in (ban_until, record_until) if d is not None), default=None)
    return PENALTY.move(
        p,
        to=c.PenaltyStatus.IN_FORCE,
        actor=actor,
        expected_version=expected_version,
        effective_from=start,
        ban_until=ban_until,
        record_until=record_until,
        decided_at=clock.now(),
        next_check=(
            dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0, 0), tzinfo=clock.SHANGHAI)
            if last is not None
            else None
        ),
    )


@transaction.atomic
def penalty_revoke(
    *, actor: User, penalty: Penalty, reason: str, expected_version: int | None = None
) -> Penalty:
    """Revoke a decision (行政复议 or a court set it aside, or it was wrong): the doors open."""
    p = PENALTY.lock(penalty)
    if p.authority_id != getattr(actor, "organization_id", None):
        raise PermissionDenied("只有作出处罚的财政部门可以撤销", code=c.ERR_NOT_REGULATOR)
    if len(reason.strip()) < 5:
        raise InvalidInput("请写明撤销理由（不少于5字）", code=c.ERR_PENALTY_INVALID)
    return PENALTY.move(
        p,
        to=c.PenaltyStatus.REVOKED,
        actor=actor,
        expected_version=expected_version,
        reason=reason.strip(),
        revoked_reason=reason.strip()[:500],
        next_check=None,
    )


def penalty_timed(p: Any) -> None:
    """Timed check: a penalty whose ban and record have run out is expired (its doors open on
    the day after the last day whatever the status says; this keeps the lists true)."""
    today = clock.today()
    last = max((d for d in (p.ban_until, p.record_until) if d is not None), default=None)
    if p.status == c.PenaltyStatus.IN_FORCE and last is not None and last < today:
        PENALTY.move(p, to=c.PenaltyStatus.EXPIRED, actor=None, next_check=None)
    else:
        p.next_check = None
        p.save(update_fields=["next_check"])
