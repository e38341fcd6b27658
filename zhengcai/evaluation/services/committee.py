"""Forming the committee: opening, declarations (条例 9), the chair (87号令 45), the start."""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.db import transaction

from zhengcai.accounts.models import User
from zhengcai.bidding import constants as bc
from zhengcai.bidding.models import Opening
from zhengcai.core import clock
from zhengcai.core.audit import audit_record
from zhengcai.core.errors import Conflict, InvalidInput, PermissionDenied, RuleViolation
from zhengcai.evaluation import constants as c
from zhengcai.evaluation import rules
from zhengcai.evaluation.machines import EVALUATION, MEMBER
from zhengcai.evaluation.models import (
    Evaluation,
    Member,
    ReviewedBid,
)
from zhengcai.evaluation.services.common import (
    ZERO,
    S,
    _active,
    _committee_check,
    _latest_window,
    _lock,
    _lottery_terms,
    _policy,
    _procedure,
    _require_agency,
    _require_status,
    _seed_hash,
    _text,
    is_agency,
    is_purchaser,
)
from zhengcai.experts import services as expert_services
from zhengcai.experts.constants import DrawStatus
from zhengcai.experts.models import DrawRequest
from zhengcai.tenders import services as tender_services
from zhengcai.tenders.constants import (
    EvaluationMethod,
    LotStatus,
    ProjectStatus,
)
from zhengcai.tenders.models import Lot, Project

# --- forming -------------------------------------------------------------------------------------


@transaction.atomic
def evaluation_open(
    *,
    actor: User,
    lot: Lot,
    draw: DrawRequest,
    purchaser_reps: tuple[User, ...] | list[User] = (),
    lottery_discount: Decimal | str | None = None,
    reviewed_budget: Decimal | str | None = None,
) -> Evaluation:
    """Form the committee for one lot: the opening record signed, the draw COMPLETE, the
    composition lawful (87号令 47; 74号令 7). A tie-break seed is committed now (87号令 68).

    合理定价评审抽签法 (seed 001, 敖政办发78号): `lottery_discount` is the discount published in
    the documents and `reviewed_budget` the reviewed (审定) budget, the lot budget by default;
    both are snapshotted and the reasonable price fixed now, before any bid is reviewed."""
    project = Project.objects.select_for_update().get(pk=lot.project_id)
    lot = Lot.objects.get(pk=lot.pk)
    if not is_agency(actor, project):
        raise PermissionDenied("只有本项目的代理机构可以组织评审")
    if project.status not in (ProjectStatus.OPENED, ProjectStatus.EVALUATING):
        raise Conflict("项目尚未开标，不能组织评审", code=c.ERR_NOT_READY)
    if lot.status != LotStatus.ACTIVE:
        raise Conflict("该采购包已结束", code=c.ERR_NOT_READY)
    if Evaluation.objects.filter(lot=lot).exclude(status__in=c.CLOSED_STATUSES).exists():
        raise Conflict("该采购包已组织评审", code=c.ERR_EXISTS)
    window = _latest_window(project, lot)
    opening = Opening.objects.filter(window=window).first() if window else None
    if window is None or opening is None or opening.status != bc.OpeningStatus.SIGNED:
        raise Conflict("开标记录尚未签署，不能组织评审", code=c.ERR_NOT_READY)
    if draw.agency_id != project.agency_id or draw.purchaser_id != project.purchaser_id:
        raise InvalidInput("专家抽取申请不属于本项目", code=c.ERR_DRAW)
    if draw.status != DrawStatus.COMPLETE:
        raise Conflict("专家抽取尚未完成", code=c.ERR_DRAW)
    reps = list(purchaser_reps)
    for u in reps:
        if not is_purchaser(u, project):
            raise InvalidInput("采购人代表须为本项目采购人的人员", code=c.ERR_COMMITTEE)
    if len({u.pk for u in reps}) != len(reps):
        raise InvalidInput("采购人代表重复", code=c.ERR_COMMITTEE)
    from zhengcai.experts.selectors import confirmed_experts

    experts = confirmed_experts(draw)
    doc = project.document
    policy = _policy(project, lot)
    if doc.evaluation_method == EvaluationMethod.REASONABLE_PRICE_LOTTERY:
        policy.update(_lottery_terms(lot, lottery_discount, reviewed_budget))
    seed = secrets.token_hex(32)
    ev = Evaluation(
        project=project,
        lot=lot,
        draw=draw,
        window=window,
        method=doc.evaluation_method,
        procedure=_procedure(project),
        factors=list(doc.factors or []),
        policy=policy,
        seed=seed,
        seed_hash=_seed_hash(seed),
        created_by=actor,
        opened_at=clock.now(),
    )
    members = [
        Member(user=p.user, kind=c.MemberKind.EXPERT, expert=p, position=i)
        for i, p in enumerate(experts, start=1)
    ] + [
        Member(user=u, kind=c.MemberKind.PURCHASER_REP, position=len(experts) + i)
        for i, u in enumerate(reps, start=1)
    ]
    _committee_check(ev, members)
    ev.save()
    for m in members:
        m.evaluation = ev
    Member.objects.bulk_create(members)
    bids = (
        window.bids.filter(
            participation__lot=lot, status__in=[bc.BidStatus.OPENED, bc.BidStatus.FLAGGED]
        )
        .exclude(participation__status=bc.ParticipationStatus.ELIMINATED)
        .select_related("participation__supplier")
        .order_by("pk")  # the reviewed bids keep the order the bids came in, on every database
    )
    rows = []
    for bid in bids:
        ok = bid.total_price is not None and bid.status == bc.BidStatus.OPENED
        rows.append(
            ReviewedBid(
                evaluation=ev,
                bid=bid,
                supplier=bid.participation.supplier,
                opening_price=bid.total_price or ZERO,
                accepts_reasonable_price=bool(
                    (bid.schedule or {}).get("accept_reasonable_price") is True
                ),
                valid=ok,
                reason_invalid="" if ok else "开标时校验异常：" + "；".join(bid.problems or []),
            )
        )
    ReviewedBid.objects.bulk_create(rows)
    audit_record(
        actor=actor,
        action="evaluation.open",
        obj=ev,
        after={
            "lot": lot.pk,
            "draw": draw.pk,
            "window": window.uid,
            "method": ev.method,
            "members": len(members),
            "bids": len(rows),
            "seed_hash": ev.seed_hash,
        },
    )
    return ev


@transaction.atomic
def member_declare(*, actor: User, member: Member, conflict: bool, note: str = "") -> Member:
    """回避声明 and 承诺书 (条例 9; 87号令 62): a declared conflict recuses the member."""
    member = Member.objects.select_for_update().get(pk=member.pk)
    ev = _lock(member.evaluation)
    if member.user_id != actor.pk:
        raise PermissionDenied("只能由成员本人声明")
    # A replacement member seated after the start declares before taking part (87号令 49).
    if ev.status != S.FORMING:
        _require_status(ev, *c.REPLACEABLE_STATUSES)
        if member.declared_at is not None:
            raise Conflict("已作回避声明", code=c.ERR_MEMBER_STATE)
    if member.status != c.MemberStatus.ACTIVE:
        raise Conflict("该成员已回避", code=c.ERR_BAD_TRANSITION)
    note = _text(note, 500)
    if conflict and not note:
        raise InvalidInput("请说明利害关系", code=c.ERR_REASON_REQUIRED)
    member.declared_at = clock.now()
    member.conflict = conflict
    member.declaration_note = note
    after = {"evaluation": ev.pk, "conflict": conflict, "note": note}
    if conflict:
        member.is_chair = False
        return MEMBER.move(
            member,
            to=c.MemberStatus.RECUSED,
            actor=actor,
            action="evaluation.member_declare",
            audit=after,
        )
    member.save()
    audit_record(
        actor=actor,
        action="evaluation.member_declare",
        obj=member,
        organization=ev.project.agency,
        after=after,
    )
    return member


@transaction.atomic
def chair_elect(*, actor: User, evaluation: Evaluation, member: Member) -> Member:
    """The committee's chair; a purchaser representative may not chair (87号令 45)."""
    ev = _lock(evaluation)
    _require_agency(actor, ev)
    # After the start only to replace a chair who was replaced (87号令 49).
    _require_status(ev, *c.REPLACEABLE_STATUSES)
    member = Member.objects.select_for_update().get(pk=member.pk)
    if ev.status != S.FORMING and any(m.is_chair for m in _active(ev)):
        raise Conflict("评审开始后只能在组长被更换时重新推选", code=c.ERR_CHAIR)
    if member.evaluation_id != ev.pk or member.status != c.MemberStatus.ACTIVE:
        raise InvalidInput("组长须为本次评审的在任成员", code=c.ERR_CHAIR)
    problem = rules.chair_problem(chair_is_purchaser_rep=member.kind == c.MemberKind.PURCHASER_REP)
    if problem is not None:
        raise RuleViolation(
            f"{problem.message}（{problem.citation}）", code=c.ERR_CHAIR, detail=problem.__dict__
        )
    ev.members.exclude(pk=member.pk).update(is_chair=False)
    member.is_chair = True
    member.save(update_fields=["is_chair"])
    audit_record(actor=actor, action="evaluation.chair_elect", obj=ev, after={"member": member.pk})
    return member


@transaction.atomic
def evaluation_start(*, actor: User, evaluation: Evaluation) -> Evaluation:
    """From the draw's evaluation time: every member declared, a chair, a lawful committee.
    The experts' names become visible (the draw's seed is revealed, 87号令 47; 198号 20) and
    the project moves to EVALUATING."""

    ev = _lock(evaluation)
    _require_agency(actor, ev)
    _require_status(ev, S.FORMING)
    if clock.now() < ev.draw.evaluation_at:
        raise RuleViolation(
            "未到评审开始时间",
            code=c.ERR_TOO_EARLY,
            detail={"evaluation_at": ev.draw.evaluation_at.isoformat()},
            status=409,
        )
    active = _active(ev)
    undeclared = [m.pk for m in active if m.declared_at is None]
    if undeclared:
        raise Conflict(
            "尚有成员未作回避声明", code=c.ERR_NOT_DECLARED, detail={"members": undeclared}
        )
    if not any(m.is_chair for m in active):
        raise Conflict("尚未推选评审委员会组长", code=c.ERR_CHAIR)
    _committee_check(ev, active)
    draw = DrawRequest.objects.select_for_update().get(pk=ev.draw_id)
    if draw.revealed_at is None:
        expert_services.reveal_seed(draw, by="evaluation_start")
    project = Project.objects.select_for_update().get(pk=ev.project_id)
    if project.status == ProjectStatus.OPENED:
        tender_services.project_transition(
            actor=actor, project=project, to_status=ProjectStatus.EVALUATING
        )
    ev.started_at = clock.now()
    return EVALUATION.move(
        ev,
        to=S.REVIEWING,
        actor=actor,
        action="evaluation.start",
        audit={"members": [m.user.get_full_name() for m in active]},
    )
