"""Writes of the evaluation app: one door per state change (design §4 rule 2). Every service
validates, raises a `DomainError` with a Chinese message and a stable code, and writes the
change with its audit entry in one transaction. The formulas are `evaluation.rules`."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.db import transaction

from zhengcai.accounts.constants import Role
from zhengcai.accounts.models import Organization, User
from zhengcai.bidding import constants as bc
from zhengcai.bidding import crypto
from zhengcai.bidding.models import BidBond, Opening, SubmissionWindow
from zhengcai.core import clock
from zhengcai.core.audit import audit_record
from zhengcai.core.errors import Conflict, InvalidInput, PermissionDenied, RuleViolation
from zhengcai.core.workdays import WorkCalendar
from zhengcai.evaluation import constants as c
from zhengcai.evaluation import rules
from zhengcai.evaluation.models import (
    Check,
    Evaluation,
    Flag,
    Member,
    Report,
    ReviewedBid,
    Score,
    Signature,
)
from zhengcai.experts.constants import DrawStatus, InvitationStatus
from zhengcai.experts.models import DrawInvitation, DrawRequest
from zhengcai.tenders import rules as tender_rules
from zhengcai.tenders import services as tender_services
from zhengcai.tenders.constants import (
    EvaluationMethod,
    LotStatus,
    ObjectKind,
    ProjectStatus,
    SmeReservation,
)
from zhengcai.tenders.models import Lot, Project

S = c.EvaluationStatus
ZERO = Decimal(0)
CENT = Decimal("0.01")
TENDER_METHODS = {"open_tender", "invited_tender"}
# Methods whose ranking needs no member scores: review_close goes straight to CONCLUDING.
SCORED_METHODS = {EvaluationMethod.COMPREHENSIVE}


# --- helpers -------------------------------------------------------------------------------------


def _move(ev: Evaluation, to: str) -> None:
    if to not in c.TRANSITIONS.get(ev.status, set()):
        raise Conflict(
            f"评审当前为「{S(ev.status).label}」，不能变更为「{S(to).label}」",
            code=c.ERR_BAD_TRANSITION,
            detail={"from": ev.status, "to": to},
        )
    ev.status = to
    ev.version += 1


def _require_status(ev: Evaluation, *allowed: str) -> None:
    if ev.status not in allowed:
        raise Conflict(
            f"评审当前为「{S(ev.status).label}」，不能进行此操作",
            code=c.ERR_BAD_TRANSITION,
            detail={"status": ev.status, "allowed": list(allowed)},
        )


def _lock(ev: Evaluation) -> Evaluation:
    return (
        Evaluation.objects.select_for_update()
        .select_related("project", "lot", "draw")
        .get(pk=ev.pk)
    )


def is_agency(user: User, project: Project) -> bool:
    return user.role == Role.AGENCY and user.organization_id == project.agency_id


def is_purchaser(user: User, project: Project) -> bool:
    return user.role == Role.PURCHASER and user.organization_id == project.purchaser_id


def _require_agency(actor: User, ev: Evaluation) -> None:
    if not is_agency(actor, ev.project):
        raise PermissionDenied("只有本项目的代理机构可以进行此操作")


def _member(actor: User, ev: Evaluation) -> Member:
    m = ev.members.filter(user=actor, status=c.MemberStatus.ACTIVE).first()
    if m is None:
        raise PermissionDenied("您不是本次评审委员会的在任成员", code=c.ERR_NOT_MEMBER)
    return m


def _working_member(actor: User, ev: Evaluation) -> Member:
    """A seated member who has declared (a replacement declares before taking part)."""
    m = _member(actor, ev)
    if m.declared_at is None:
        raise Conflict("请先作回避声明（条例 9）", code=c.ERR_NOT_DECLARED)
    return m


def _require_chair(actor: User, ev: Evaluation) -> Member:
    m = _member(actor, ev)
    if not m.is_chair:
        raise PermissionDenied("只有评审委员会组长可以进行此操作", code=c.ERR_CHAIR)
    return m


def _active(ev: Evaluation) -> list[Member]:
    return list(ev.members.filter(status=c.MemberStatus.ACTIVE).select_related("user"))


def _procedure(project: Project) -> str:
    return "tender" if project.method in TENDER_METHODS else "non_tender"


def _committee_check(ev: Evaluation, members: list[Member]) -> None:
    experts = sum(1 for m in members if m.kind == c.MemberKind.EXPERT)
    problems = rules.committee_problems(
        members=len(members),
        experts=experts,
        procedure=ev.procedure,
        budget=ev.project.budget,
        technically_complex=ev.draw.technically_complex,
        above_threshold=ev.procedure != "tender" and ev.draw.technically_complex,
    )
    if problems:
        raise RuleViolation(
            "；".join(f"{p.message}（{p.citation}）" for p in problems),
            code=c.ERR_COMMITTEE,
            detail=[p.__dict__ for p in problems],
        )


def _text(value: str, limit: int) -> str:
    return (value or "").strip()[:limit]


def _project_after_lots(actor: User | None, project: Project, outcome: str) -> None:
    """When every lot is decided: AWARDED if any lot was awarded, else FAILED (法 36)."""
    project.refresh_from_db()
    statuses = set(project.lots.values_list("status", flat=True))
    if LotStatus.ACTIVE in statuses:
        return
    to = ProjectStatus.AWARDED if LotStatus.AWARDED in statuses else ProjectStatus.FAILED
    if project.status == ProjectStatus.OPENED and to == ProjectStatus.FAILED:
        pass
    elif project.status != ProjectStatus.EVALUATING:
        return
    tender_services.project_transition(
        actor=actor, project=project, to_status=to, evaluation_outcome=outcome
    )


def _policy(project: Project, lot: Lot) -> dict[str, Any]:
    on = project.created_at.astimezone(clock.SHANGHAI).date()
    works = project.object_kind == ObjectKind.WORKS
    full = rules.sme_rate_band(on, works=works, partial=False)
    part = rules.sme_rate_band(on, works=works, partial=True)
    ab = rules.DEFAULT_ABNORMAL
    return {
        "on": on.isoformat(),
        "works": works,
        "reserved_for_sme": project.sme_reservation == SmeReservation.WHOLE or lot.sme_reserved,
        # The documents fix one rate within the band (46号 9; 19号); the lower bound ⚠.
        "small_micro_rate": str(full.lo if full else ZERO),
        "partial_rate": str(part.lo if part else ZERO),
        "spread_ratio": str(c.DEFAULT_SPREAD_RATIO),
        "abnormal": {
            "average_ratio": str(ab.average_ratio),
            "second_ratio": str(ab.second_ratio),
            "ceiling_ratio": str(ab.ceiling_ratio),
        },
        "candidates": c.CANDIDATES,
    }


def _latest_window(project: Project, lot: Lot) -> SubmissionWindow | None:
    """The latest opened window of the project holding bids for the lot (final quotations
    under 谈判/磋商 replace the first bids)."""
    windows = SubmissionWindow.objects.filter(
        project=project, status=bc.WindowStatus.OPENED
    ).order_by("-round_no", "-pk")
    for w in windows:
        if w.bids.filter(participation__lot=lot).exists() or w.kind == bc.WindowKind.BID:
            return w
    return None


def _lottery_terms(
    lot: Lot, discount: Decimal | str | None, reviewed_budget: Decimal | str | None
) -> dict[str, str]:
    """The published terms of 合理定价评审抽签法: 合理价 = 审定预算 × (1 − 下浮率)."""
    try:
        d = Decimal(str(discount)) if discount not in (None, "") else None
        budget = Decimal(str(reviewed_budget)) if reviewed_budget not in (None, "") else lot.budget
    except (InvalidOperation, ValueError) as e:
        raise InvalidInput("下浮率或审定预算不是有效数字", code=c.ERR_LOTTERY_TERMS) from e
    if d is None:
        raise InvalidInput("合理定价评审抽签法须填写采购文件公布的下浮率", code=c.ERR_LOTTERY_TERMS)
    if budget > lot.budget:
        raise InvalidInput("审定预算不能超过采购包预算", code=c.ERR_LOTTERY_TERMS)
    try:
        price = rules.reasonable_price(budget, d)
    except ValueError as e:
        raise InvalidInput(f"合理价参数无效：{e}", code=c.ERR_LOTTERY_TERMS) from e
    return {"discount": str(d), "reviewed_budget": str(budget), "reasonable_price": str(price)}


def _seed_hash(seed: str) -> str:
    return hashlib.sha256(seed.encode()).hexdigest()


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
    if conflict:
        member.status = c.MemberStatus.RECUSED
        member.is_chair = False
    member.save()
    audit_record(
        actor=actor,
        action="evaluation.member_declare",
        obj=member,
        organization=ev.project.agency,
        after={"evaluation": ev.pk, "conflict": conflict, "note": note},
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
    from zhengcai.experts import services as expert_services

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
        expert_services._reveal(draw, by="evaluation_start")
        draw.save(update_fields=["revealed_at"])
    project = Project.objects.select_for_update().get(pk=ev.project_id)
    if project.status == ProjectStatus.OPENED:
        tender_services.project_transition(
            actor=actor, project=project, to_status=ProjectStatus.EVALUATING
        )
    _move(ev, S.REVIEWING)
    ev.started_at = clock.now()
    ev.save()
    audit_record(
        actor=actor,
        action="evaluation.start",
        obj=ev,
        after={"members": [m.user.get_full_name() for m in active]},
    )
    return ev


# --- replacement (87号令 49; 198号 17) ------------------------------------------------------------


def replacement_invitations(ev: Evaluation) -> list[DrawInvitation]:
    """Confirmed invitations of the evaluation's draw whose expert has no seat yet: the
    experts drawn in a replacement round (experts `_run_round(reason="replacement")`)."""
    seated = set(ev.members.exclude(expert=None).values_list("expert_id", flat=True))
    return list(
        DrawInvitation.objects.filter(draw=ev.draw, status=InvitationStatus.CONFIRMED)
        .exclude(expert_id__in=seated)
        .select_related("expert__user")
        .order_by("position", "pk")
    )


def _void_opinions(members: list[Member]) -> tuple[int, int]:
    checks = Check.objects.filter(member__in=members, void=False).update(void=True)
    scores = Score.objects.filter(member__in=members, void=False).update(void=True)
    return checks, scores


@transaction.atomic
def member_absent(*, actor: User, member: Member, reason: str) -> Member:
    """The agency records that a member is absent or left before the end of scoring: the
    seat is vacant, the member's checks and scores are void (87号令 49; 198号 17)."""
    m = Member.objects.select_for_update().get(pk=member.pk)
    ev = _lock(m.evaluation)
    _require_agency(actor, ev)
    _require_status(ev, *c.REPLACEABLE_STATUSES)
    if m.status != c.MemberStatus.ACTIVE:
        raise Conflict("该成员不在任", code=c.ERR_MEMBER_STATE)
    reason = _text(reason, 500)
    if not reason:
        raise InvalidInput("请写明缺席情况", code=c.ERR_REASON_REQUIRED)
    m.status = c.MemberStatus.ABSENT
    m.is_chair = False
    m.replaced_reason = reason
    m.save(update_fields=["status", "is_chair", "replaced_reason"])
    voided = _void_opinions([m])
    audit_record(
        actor=actor,
        action="evaluation.member_absent",
        obj=m,
        organization=ev.project.agency,
        after={"evaluation": ev.pk, "reason": reason, "void": voided},
    )
    return m


@transaction.atomic
def member_replace(
    *,
    actor: User,
    member: Member,
    reason: str,
    invitation: DrawInvitation | None = None,
) -> Member:
    """The agency replaces a member who declared a conflict (recused) or is absent, before the
    end of scoring, with an expert newly confirmed from the same draw (87号令 49; 198号 17).
    The replaced member's checks and scores are void and no longer count; the newcomer
    declares (条例 9) and does the whole review and scoring of that seat. Returns the new
    member.

    Without a spare confirmed expert (and no `invitation` named) the member's own invitation
    is released and a replacement round runs on the draw (`experts.invitation_release`, also
    after the evaluation time): an active member's seat becomes vacant (`absent`, opinions
    void) and the old member is returned, still holding the vacant seat. Once the newly drawn
    expert has confirmed, the agency calls this again and the newcomer is seated.
    `replacement_pending` while the drawn expert has not answered; `no_replacement` when the
    member's invitation was already released and nobody is pending (e.g. the drawn expert
    declined or let the deadline pass); `pool_exhausted` when the pool has nobody left —
    the agency then stops the evaluation (`evaluation_stop`)."""
    old = Member.objects.select_for_update().get(pk=member.pk)
    ev = _lock(old.evaluation)
    _require_agency(actor, ev)
    _require_status(ev, *c.REPLACEABLE_STATUSES)
    if old.status == c.MemberStatus.REPLACED:
        raise Conflict("该成员已被更换", code=c.ERR_MEMBER_STATE)
    if old.kind != c.MemberKind.EXPERT:
        raise InvalidInput(
            "采购人代表由采购人另行委派，不从专家抽取中更换", code=c.ERR_MEMBER_STATE
        )
    reason = _text(reason, 500)
    if old.status == c.MemberStatus.RECUSED and not reason:
        reason = f"申报利害关系回避：{old.declaration_note}"[:500]
    if old.status == c.MemberStatus.ABSENT and not reason:
        reason = old.replaced_reason
    if not reason:
        raise InvalidInput("请写明更换原因（回避或缺席）", code=c.ERR_REASON_REQUIRED)
    spare = replacement_invitations(ev)
    if invitation is not None:
        spare = [i for i in spare if i.pk == invitation.pk]
    if not spare and invitation is None:
        return _replacement_round(actor, ev, old, reason)
    if not spare:
        raise Conflict(
            "该专家抽取没有新确认的替补专家；请发起补抽，无法及时补足的应终止评审（87号令 49）",
            code=c.ERR_NO_REPLACEMENT,
        )
    inv = spare[0]
    now = clock.now()
    was_chair = old.is_chair
    old.status = c.MemberStatus.REPLACED
    old.is_chair = False
    old.replaced_at = now
    old.replaced_reason = reason
    old.save(update_fields=["status", "is_chair", "replaced_at", "replaced_reason"])
    voided = _void_opinions([old])
    position = max(ev.members.values_list("position", flat=True), default=0) + 1
    new = Member.objects.create(
        evaluation=ev,
        user=inv.expert.user,
        kind=c.MemberKind.EXPERT,
        expert=inv.expert,
        position=position,
        replaces=old,
        invitation=inv,
    )
    ev.version += 1
    ev.save(update_fields=["version"])
    audit_record(
        actor=actor,
        action="evaluation.member_replace",
        obj=ev,
        after={
            "replaced": old.pk,
            "reason": reason,
            "new_member": new.pk,
            "invitation": inv.pk,
            "was_chair": was_chair,
            "void_checks": voided[0],
            "void_scores": voided[1],
        },
    )
    return new


def pending_replacements(ev: Evaluation) -> list[DrawInvitation]:
    """Invitations of a replacement round on the evaluation's draw still awaiting an answer."""
    return list(
        DrawInvitation.objects.filter(
            draw=ev.draw, status=InvitationStatus.PENDING, round__reason="replacement"
        )
        .select_related("expert__user")
        .order_by("position", "pk")
    )


def _replacement_round(actor: User, ev: Evaluation, old: Member, reason: str) -> Member:
    """member_replace without a spare: release the member's confirmed invitation and draw a
    replacement on the same request (87号令 49; 198号 17). The seat stays vacant until the
    drawn expert confirms and the agency seats the newcomer."""
    from zhengcai.experts import services as expert_services

    own = old.invitation or (
        DrawInvitation.objects.filter(draw=ev.draw, expert_id=old.expert_id).order_by("-pk").first()
    )
    if own is None or own.status != InvitationStatus.CONFIRMED:
        pending = pending_replacements(ev)
        if pending:
            deadline = pending[0].deadline.astimezone(clock.SHANGHAI)
            raise Conflict(
                f"补抽的专家尚未确认参加（答复时限 {deadline:%H:%M}），确认后即可入席",
                code=c.ERR_REPLACEMENT_PENDING,
                detail={"invitations": [i.pk for i in pending]},
            )
        raise Conflict(
            "该专家抽取没有新确认的替补专家；补抽的专家未确认参加，"
            "无法及时补足的应终止评审（87号令 49）",
            code=c.ERR_NO_REPLACEMENT,
        )
    voided = (0, 0)
    if old.status == c.MemberStatus.ACTIVE:
        old.status = c.MemberStatus.ABSENT
        old.is_chair = False
        old.replaced_reason = reason
        old.save(update_fields=["status", "is_chair", "replaced_reason"])
        voided = _void_opinions([old])
    rnd = expert_services.invitation_release(actor=actor, invitation=own, reason=reason)
    new_inv = rnd.invitations.get()
    ev.version += 1
    ev.save(update_fields=["version"])
    audit_record(
        actor=actor,
        action="evaluation.replacement_round",
        obj=ev,
        after={
            "member": old.pk,
            "reason": reason,
            "released": own.pk,
            "round": rnd.number,
            "invitation": new_inv.pk,
            "deadline": new_inv.deadline,
            "void_checks": voided[0],
            "void_scores": voided[1],
        },
    )
    return old


@transaction.atomic
def evaluation_stop(*, actor: User, evaluation: Evaluation, reason: str) -> Evaluation:
    """The committee cannot be completed in time: the evaluation stops, every opinion given so
    far is void, and the lot waits for a newly formed committee (87号令 49). Refused while
    the committee is complete."""
    ev = _lock(evaluation)
    _require_agency(actor, ev)
    _require_status(ev, *c.REPLACEABLE_STATUSES)
    reason = _text(reason, 300)
    if not reason:
        raise InvalidInput("请写明终止原因", code=c.ERR_REASON_REQUIRED)
    vacant = ev.members.filter(status__in=[c.MemberStatus.RECUSED, c.MemberStatus.ABSENT]).exists()
    if not vacant:
        raise Conflict("评审委员会成员完整，不能以无法补足为由终止", code=c.ERR_COMMITTEE_COMPLETE)
    voided = _void_opinions(list(ev.members.all()))
    _move(ev, S.STOPPED)
    ev.outcome = (
        f"评审委员会成员无法及时补足，停止评审，已作出的评审意见无效（87号令 49）：{reason}"[:300]
    )
    ev.next_check = None
    ev.save()
    audit_record(
        actor=actor,
        action="evaluation.stop",
        obj=ev,
        after={"reason": reason, "void_checks": voided[0], "void_scores": voided[1]},
    )
    return ev


# --- review --------------------------------------------------------------------------------------


@transaction.atomic
def check_record(
    *, actor: User, reviewed_bid: ReviewedBid, stage: str, passed: bool, reason: str = ""
) -> Check:
    """资格审查 (by the agency under 招标, 87号令 44; by the panel otherwise) and 符合性审查 (by
    every member, 87号令 50). A reason is required for 不通过. Resubmission replaces the
    actor's own verdict until review_close."""
    rb = ReviewedBid.objects.select_related("evaluation").get(pk=reviewed_bid.pk)
    ev = _lock(rb.evaluation)
    _require_status(ev, S.REVIEWING)
    if stage not in c.Stage.values:
        raise InvalidInput("审查阶段无效", code="stage_invalid")
    member: Member | None = None
    if stage == c.Stage.QUALIFICATION and ev.procedure == "tender":
        if not is_agency(actor, ev.project):
            raise PermissionDenied("招标项目的资格审查由代理机构（采购人）进行（87号令 44）")
    else:
        member = _working_member(actor, ev)
    reason = _text(reason, 1000)
    if not passed and not reason:
        raise InvalidInput("审查不通过须写明理由（87号令 50）", code=c.ERR_REASON_REQUIRED)
    check, created = Check.objects.update_or_create(
        reviewed_bid=rb,
        stage=stage,
        by=actor,
        defaults={"member": member, "passed": passed, "reason": reason, "at": clock.now()},
    )
    audit_record(
        actor=actor,
        action="evaluation.check_record",
        obj=check,
        organization=ev.project.agency,
        after={
            "evaluation": ev.pk,
            "bid": rb.pk,
            "stage": stage,
            "passed": passed,
            "reason": reason,
            "replaced": not created,
        },
    )
    return check


def _verdict(checks: list[Check], voters: int) -> tuple[bool, str]:
    """Majority of the voters (87号令 57 ⚠ practice: the committee decides by majority)."""
    passed = sum(1 for ch in checks if ch.passed)
    ok = passed * 2 > voters
    reasons = "；".join(ch.reason for ch in checks if not ch.passed and ch.reason)
    return ok, reasons


def _fail(actor: User | None, ev: Evaluation, outcome: str) -> None:
    _move(ev, S.FAILED)
    ev.outcome = outcome[:300]
    ev.next_check = None
    ev.save()
    tender_services.lot_transition(
        actor=actor, lot=ev.lot, to_status=LotStatus.FAILED, reason=outcome
    )
    _project_after_lots(actor, ev.project, outcome)


def _minimum(ev: Evaluation) -> int:
    """Valid bids needed to go on: the method's minimum, 2 for a 竞争性磋商 on a recorded
    two-supplier basis (214号 21 ¶3; 财库〔2015〕124号) — tenders.rules decides."""
    project = ev.project
    return int(
        tender_rules.min_suppliers_to_continue(project.method_config, project.two_supplier_basis)
    )


def _price_facts(ev: Evaluation) -> None:
    """Evaluated prices with the policy deductions (46号 9; 19号; 87号令 54–55) of every valid
    bid; the bid price itself never changes."""
    pol = ev.policy
    project_policy = rules.ProjectPolicy(
        on=dt.date.fromisoformat(pol["on"]),
        works=bool(pol["works"]),
        reserved_for_sme=bool(pol["reserved_for_sme"]),
        small_micro_rate=Decimal(pol["small_micro_rate"]),
        partial_rate=Decimal(pol["partial_rate"]),
    )
    for rb in ev.bids.filter(valid=True).select_related("bid"):
        decl = (rb.bid.schedule or {}).get("declarations") or {}
        size = str(decl.get("sme_size") or "large")
        firm = rules.Firm(
            size=size if size in ("medium", "small", "micro") else "large",
            prison_enterprise=bool(decl.get("prison_enterprise")),
            welfare_unit=bool(decl.get("disabled_welfare")),
        )
        evaluated = rules.evaluate_bid(
            rb.pk, rb.opening_price, rules.BidPolicyFacts(bidder=firm), project_policy
        )
        rb.evaluated_price = evaluated.evaluated_price
        rb.extra_points = evaluated.extra_points
        rb.deductions = [
            {"code": d.code, "rate": str(d.rate), "amount": str(d.amount), "citation": d.citation}
            for d in evaluated.deductions
        ]
        lc = (rb.bid.schedule or {}).get("life_cycle")
        if ev.method == EvaluationMethod.LIFE_CYCLE_COST and isinstance(lc, dict):
            try:
                rb.life_cycle_cost = rules.life_cycle_cost(
                    rules.LifeCycle(
                        purchase=evaluated.evaluated_price,
                        annual_running=[Decimal(str(x)) for x in lc.get("annual_running", [])],
                        disposal=Decimal(str(lc.get("disposal", "0"))),
                        discount_rate=Decimal(str(lc.get("discount_rate", "0"))),
                    )
                )
            except (ValueError, InvalidOperation):
                rb.life_cycle_cost = evaluated.evaluated_price
        elif ev.method == EvaluationMethod.LIFE_CYCLE_COST:
            rb.life_cycle_cost = evaluated.evaluated_price
        rb.save(update_fields=["evaluated_price", "extra_points", "deductions", "life_cycle_cost"])


def _abnormal(ev: Evaluation) -> list[int]:
    """The bids the committee must ask to justify their price (87号令 60; 财库〔2026〕2号 ⚠)."""
    valid = list(ev.bids.filter(valid=True))
    ab = ev.policy.get("abnormal", {})
    policy = rules.AbnormalLowPolicy(
        average_ratio=Decimal(ab.get("average_ratio", "0.50")),
        second_ratio=Decimal(ab.get("second_ratio", "0.50")),
        ceiling_ratio=Decimal(ab.get("ceiling_ratio", "0.45")),
    )
    flags = rules.abnormally_low_flags(
        {rb.pk: rb.opening_price for rb in valid},
        ceiling=ev.lot.ceiling_price,
        budget=ev.lot.budget,
        on=clock.today(),
        policy=policy,
    )
    for rb in valid:
        if rb.pk in flags:
            rb.abnormal_low = True
            rb.abnormal_reasons = flags[rb.pk]
            rb.abnormal_state = c.AbnormalDecision.PENDING
            rb.save(update_fields=["abnormal_low", "abnormal_reasons", "abnormal_state"])
    return sorted(flags)


@transaction.atomic
def review_close(*, actor: User, evaluation: Evaluation) -> Evaluation:
    """The chair closes the review when every verdict is in; the majority decides each bid.
    Fewer valid bids than the method's minimum → FAILED (法 36; 87号令 44; 74号令)."""
    ev = _lock(evaluation)
    _require_chair(actor, ev)
    _require_status(ev, S.REVIEWING)
    active = _active(ev)
    voter_ids = {m.pk for m in active}
    missing: list[dict[str, Any]] = []
    bids = list(ev.bids.all().prefetch_related("checks"))
    agency_qual = ev.procedure == "tender"
    for rb in bids:
        checks = list(rb.checks.all())
        qual = [ch for ch in checks if ch.stage == c.Stage.QUALIFICATION]
        comp = [ch for ch in checks if ch.stage == c.Stage.COMPLIANCE and ch.member_id in voter_ids]
        if agency_qual:
            if not qual:
                missing.append({"bid": rb.pk, "stage": "qualification", "by": "agency"})
        else:
            qual = [ch for ch in qual if ch.member_id in voter_ids]
            lacking = voter_ids - {ch.member_id for ch in qual}
            if lacking:
                missing.append({"bid": rb.pk, "stage": "qualification", "members": sorted(lacking)})
        lacking = voter_ids - {ch.member_id for ch in comp}
        if lacking:
            missing.append({"bid": rb.pk, "stage": "compliance", "members": sorted(lacking)})
    if missing:
        raise Conflict("尚有审查意见未提交", code=c.ERR_CHECKS_MISSING, detail=missing)
    for rb in bids:
        checks = list(rb.checks.all())
        qual = [ch for ch in checks if ch.stage == c.Stage.QUALIFICATION]
        if agency_qual:
            q_ok, q_why = _verdict(qual, len(qual))
        else:
            qual = [ch for ch in qual if ch.member_id in voter_ids]
            q_ok, q_why = _verdict(qual, len(voter_ids))
        comp = [ch for ch in checks if ch.stage == c.Stage.COMPLIANCE and ch.member_id in voter_ids]
        c_ok, c_why = _verdict(comp, len(voter_ids))
        rb.qualification = c.Verdict.PASSED if q_ok else c.Verdict.FAILED
        rb.compliance = c.Verdict.PASSED if c_ok else c.Verdict.FAILED
        reasons = [rb.reason_invalid] if rb.reason_invalid else []
        if not q_ok:
            reasons.append(f"资格审查不通过：{q_why}")
        if not c_ok:
            reasons.append(f"符合性审查不通过：{c_why}")
        lottery_out = (
            ev.method == EvaluationMethod.REASONABLE_PRICE_LOTTERY
            and not rb.accepts_reasonable_price
        )
        if lottery_out:
            reasons.append(
                "未在投标文件中承诺接受公布的合理价"
                f"（{ev.policy.get('reasonable_price', '')}元），不参加抽签（合理定价评审抽签法）"
            )
        rb.valid = rb.valid and q_ok and c_ok and not lottery_out
        rb.reason_invalid = "；".join(reasons)[:1000]
        rb.save(update_fields=["qualification", "compliance", "valid", "reason_invalid"])
    valid = sum(1 for rb in bids if rb.valid)
    ev.review_closed_at = clock.now()
    minimum = _minimum(ev)
    if valid < minimum:
        _fail(
            actor,
            ev,
            f"资格审查或符合性审查后有效供应商不足{minimum}家（{valid}家），依法废标（法 36）",
        )
    else:
        _price_facts(ev)
        if ev.method in SCORED_METHODS and ev.subjective_factors:
            _move(ev, S.SCORING)
        else:
            _abnormal(ev)
            _move(ev, S.CONCLUDING)
        ev.save()
    audit_record(
        actor=actor,
        action="evaluation.review_close",
        obj=ev,
        after={"valid": valid, "minimum": minimum, "status": ev.status},
    )
    return ev


# --- scoring -------------------------------------------------------------------------------------


def _as_decimal(value: Any, what: str) -> Decimal:
    try:
        d = Decimal(str(value))
    except (InvalidOperation, ValueError) as e:
        raise InvalidInput(f"「{what}」的分值不是有效数字", code=c.ERR_SCORE_INVALID) from e
    if not d.is_finite():
        raise InvalidInput(f"「{what}」的分值不是有效数字", code=c.ERR_SCORE_INVALID)
    return d


@transaction.atomic
def score_submit(
    *,
    actor: User,
    reviewed_bid: ReviewedBid,
    scores: Mapping[str, Decimal | str | int],
    notes: Mapping[str, str] | None = None,
) -> list[Score]:
    """A member's sheet for one bid: every non-price factor, 0 ≤ score ≤ its points (87号令
    55); the price score is computed, never entered. While flags are open (CONCLUDING) a
    member may re-submit the flagged factors only (87号令 64)."""
    rb = ReviewedBid.objects.get(pk=reviewed_bid.pk)
    ev = _lock(rb.evaluation)
    _require_status(ev, S.SCORING, S.CONCLUDING)
    member = _working_member(actor, ev)
    if not rb.valid:
        raise Conflict("无效投标不参加详细评审", code=c.ERR_INVALID_BID)
    factors = {str(f["name"]): f for f in ev.subjective_factors}
    price = ev.price_factor
    if not isinstance(scores, Mapping) or not scores:
        raise InvalidInput("请填写评分", code=c.ERR_SCORE_INVALID)
    for name in scores:
        if price is not None and name == price.get("name"):
            raise InvalidInput("价格分由系统计算，不能录入（87号令 55）", code=c.ERR_SCORE_INVALID)
        if name not in factors:
            raise InvalidInput(f"评分因素「{name}」不存在", code=c.ERR_SCORE_INVALID)
    if ev.status == S.SCORING:
        missing = sorted(set(factors) - set(scores))
        if missing:
            raise InvalidInput(
                "须对每一项评分因素打分", code=c.ERR_SCORE_INVALID, detail={"missing": missing}
            )
    else:
        open_factors = set(
            ev.flags.filter(reviewed_bid=rb, status=c.FlagStatus.OPEN).values_list(
                "factor", flat=True
            )
        )
        extra = sorted(set(scores) - open_factors)
        if extra:
            raise Conflict(
                "汇总阶段只能修改存在异常标记的评分项",
                code=c.ERR_FLAG_SETTLED,
                detail={"factors": extra},
            )
    notes = notes or {}
    values: dict[str, Decimal] = {}
    for name, raw in scores.items():
        v = _as_decimal(raw, name)
        points = Decimal(str(factors[name]["points"]))
        if v < 0 or v > points:
            raise InvalidInput(
                f"「{name}」的得分应在 0 至 {points} 之间",
                code=c.ERR_SCORE_INVALID,
                detail={"factor": name, "max": str(points)},
            )
        values[name] = v.quantize(CENT, rounding=ROUND_HALF_UP)
    now = clock.now()
    out = []
    before = {s.factor: str(s.value) for s in Score.objects.filter(member=member, reviewed_bid=rb)}
    for name, v in values.items():
        row, created = Score.objects.get_or_create(
            member=member,
            reviewed_bid=rb,
            factor=name,
            defaults={"value": v, "note": _text(notes.get(name, ""), 500), "submitted_at": now},
        )
        if not created:
            row.value = v
            row.note = _text(notes.get(name, row.note), 500)
            row.submitted_at = now
            row.revision += 1
            row.save()
        out.append(row)
    if ev.status == S.CONCLUDING:
        ev.flags.filter(reviewed_bid=rb, status=c.FlagStatus.OPEN, factor__in=values).update(
            resubmitted=True
        )
    audit_record(
        actor=actor,
        action="evaluation.score_submit",
        obj=rb,
        organization=ev.project.agency,
        before=before or None,
        after={"evaluation": ev.pk, "member": member.pk, "scores": values},
    )
    return out


def _score_matrix(ev: Evaluation) -> dict[int, dict[int, dict[str, Decimal]]]:
    matrix: dict[int, dict[int, dict[str, Decimal]]] = {}
    for s in Score.objects.filter(
        reviewed_bid__evaluation=ev,
        reviewed_bid__valid=True,
        member__status=c.MemberStatus.ACTIVE,
        void=False,
    ):
        matrix.setdefault(s.member_id, {}).setdefault(s.reviewed_bid_id, {})[s.factor] = s.value
    return matrix


@transaction.atomic
def scoring_close(*, actor: User, evaluation: Evaluation) -> Evaluation:
    """Every member scored every valid bid; deviation flags (87号令 64) and abnormally low
    prices (87号令 60) are computed."""
    ev = _lock(evaluation)
    _require_chair(actor, ev)
    _require_status(ev, S.SCORING)
    active = _active(ev)
    factors = {str(f["name"]): f for f in ev.subjective_factors}
    valid = list(ev.bids.filter(valid=True))
    matrix = _score_matrix(ev)
    missing = [
        {"member": m.pk, "bid": rb.pk}
        for m in active
        for rb in valid
        if set(matrix.get(m.pk, {}).get(rb.pk, {})) != set(factors)
    ]
    if missing:
        raise Conflict("尚有成员未完成评分", code=c.ERR_SCORES_MISSING, detail=missing)
    ratio = Decimal(ev.policy.get("spread_ratio", str(c.DEFAULT_SPREAD_RATIO)))
    now = clock.now()
    flags: list[Flag] = []
    for name, f in factors.items():
        per = {
            m: {b: {name: v[name]} for b, v in per_bid.items() if name in v}
            for m, per_bid in matrix.items()
        }
        found = rules.score_deviation_flags(
            per,
            spread=Decimal(str(f["points"])) * ratio,
            objective_factors=[name] if f.get("objective") else [],
        )
        flags += [
            Flag(
                evaluation=ev,
                reviewed_bid_id=d.bidder_id,
                factor=d.factor,
                low=d.low,
                high=d.high,
                reason=d.reason,
                created_at=now,
            )
            for d in found
        ]
    Flag.objects.bulk_create(flags)
    abnormal = _abnormal(ev)
    _move(ev, S.CONCLUDING)
    ev.scoring_closed_at = now
    ev.save()
    audit_record(
        actor=actor,
        action="evaluation.scoring_close",
        obj=ev,
        after={"flags": len(flags), "abnormal_low": abnormal},
    )
    return ev


@transaction.atomic
def flag_settle(*, actor: User, flag: Flag, action: str, note: str) -> Flag:
    """The committee reviews a deviation (87号令 64): `confirmed` keeps the scores with the
    reasons; `corrected` only after a member re-submitted the factor."""
    flag = Flag.objects.select_for_update().get(pk=flag.pk)
    ev = _lock(flag.evaluation)
    _require_chair(actor, ev)
    _require_status(ev, S.CONCLUDING)
    if flag.status != c.FlagStatus.OPEN:
        raise Conflict("该标记已处理", code=c.ERR_FLAG_SETTLED)
    if action not in c.FlagAction.values:
        raise InvalidInput("处理方式无效", code="action_invalid")
    note = _text(note, 1000)
    if not note:
        raise InvalidInput("请写明复核意见", code=c.ERR_REASON_REQUIRED)
    if action == c.FlagAction.CORRECTED and not flag.resubmitted:
        raise Conflict("尚无成员重新提交该项评分，不能标记为已纠正", code=c.ERR_NOT_RESUBMITTED)
    flag.status = action
    flag.note = note
    flag.settled_by = actor
    flag.settled_at = clock.now()
    flag.save()
    audit_record(
        actor=actor,
        action="evaluation.flag_settle",
        obj=flag,
        organization=ev.project.agency,
        after={"evaluation": ev.pk, "action": action, "note": note},
    )
    return flag


@transaction.atomic
def abnormal_justify(*, actor: User, reviewed_bid: ReviewedBid, text: str) -> ReviewedBid:
    """The supplier's written explanation of an abnormally low price (87号令 60)."""
    rb = ReviewedBid.objects.select_for_update().get(pk=reviewed_bid.pk)
    ev = _lock(rb.evaluation)
    if actor.role != Role.SUPPLIER or actor.organization_id != rb.supplier_id:
        raise PermissionDenied("只有该投标供应商可以提交说明")
    _require_status(ev, S.SCORING, S.CONCLUDING)
    if rb.abnormal_state not in (c.AbnormalDecision.PENDING, c.AbnormalDecision.JUSTIFIED):
        raise Conflict("该投标无需或已不能提交报价说明", code=c.ERR_ABNORMAL_STATE)
    text = _text(text, 5000)
    if not text:
        raise InvalidInput("请填写书面说明", code=c.ERR_REASON_REQUIRED)
    rb.abnormal_justification = text
    rb.abnormal_justified_at = clock.now()
    rb.abnormal_state = c.AbnormalDecision.JUSTIFIED
    rb.save(update_fields=["abnormal_justification", "abnormal_justified_at", "abnormal_state"])
    audit_record(
        actor=actor,
        action="evaluation.abnormal_justify",
        obj=rb,
        after={"evaluation": ev.pk, "length": len(text)},
    )
    return rb


@transaction.atomic
def abnormal_decide(
    *, actor: User, reviewed_bid: ReviewedBid, accepted: bool, reason: str
) -> ReviewedBid:
    """The committee decides on the explanation; not accepted (or none given) → the bid is
    invalid (87号令 60)."""
    rb = ReviewedBid.objects.select_for_update().get(pk=reviewed_bid.pk)
    ev = _lock(rb.evaluation)
    _require_chair(actor, ev)
    _require_status(ev, S.SCORING, S.CONCLUDING)
    if rb.abnormal_state == c.AbnormalDecision.PENDING and accepted:
        raise Conflict("供应商尚未提交说明，不能认定为合理", code=c.ERR_ABNORMAL_STATE)
    if rb.abnormal_state not in (c.AbnormalDecision.PENDING, c.AbnormalDecision.JUSTIFIED):
        raise Conflict("该投标没有待认定的异常低价", code=c.ERR_ABNORMAL_STATE)
    reason = _text(reason, 500)
    if not reason:
        raise InvalidInput("请写明认定理由", code=c.ERR_REASON_REQUIRED)
    rb.abnormal_state = c.AbnormalDecision.ACCEPTED if accepted else c.AbnormalDecision.REJECTED
    rb.abnormal_reason = reason
    fields = ["abnormal_state", "abnormal_reason"]
    if not accepted:
        rb.valid = False
        rb.reason_invalid = f"报价明显低于其他报价且不能证明其合理性（87号令 60）：{reason}"[:1000]
        fields += ["valid", "reason_invalid"]
    rb.save(update_fields=fields)
    audit_record(
        actor=actor,
        action="evaluation.abnormal_decide",
        obj=rb,
        organization=ev.project.agency,
        after={"evaluation": ev.pk, "accepted": accepted, "reason": reason},
    )
    return rb


# --- conclusion ----------------------------------------------------------------------------------


def _technical_factors(ev: Evaluation) -> set[str]:
    """The factors behind 214号 25's third key 技术指标: the non-price factors whose name
    says 技术 (⚠ the documents carry no explicit flag), else every non-price factor."""
    names = [str(f["name"]) for f in ev.subjective_factors]
    return {n for n in names if "技术" in n} or set(names)


def _rank(ev: Evaluation, valid: list[ReviewedBid]) -> list[rules.Ranked]:
    if ev.method == EvaluationMethod.COMPREHENSIVE:
        price = ev.price_factor
        matrix = _score_matrix(ev)
        weight = Decimal(str(price["points"])) / 100 if price else ZERO
        evaluated = {rb.pk: rb.evaluated_price or rb.opening_price for rb in valid}
        scores = rules.price_scores(evaluated, weight) if price else {}
        technical = _technical_factors(ev)
        for rb in valid:
            totals = [
                sum(per_bid.get(rb.pk, {}).values(), ZERO)
                for per_bid in matrix.values()
                if rb.pk in per_bid
            ]
            tech = [
                sum((v for f, v in per_bid.get(rb.pk, {}).items() if f in technical), ZERO)
                for per_bid in matrix.values()
                if rb.pk in per_bid
            ]
            rb.subjective_score = rules.member_average(totals) if totals else ZERO
            rb.technical_score = rules.member_average(tech) if tech else ZERO
            rb.price_score = scores.get(rb.pk, ZERO)
            rb.total_score = rb.subjective_score + rb.price_score + rb.extra_points
        # 87号令 57: score, then bid price; 214号 25 (磋商): score, final quote, technical.
        # Under 磋商 the evaluated window is the final-quotation window, so `opening_price`
        # is the final quote.
        kind = "consultation" if ev.project.method == "consultation" else "tender"
        return rules.rank_comprehensive(
            [
                rules.ScoreEntry(
                    rb.pk, rb.total_score or ZERO, rb.opening_price, rb.technical_score or ZERO
                )
                for rb in valid
            ],
            method=kind,
        )
    if ev.method == EvaluationMethod.LIFE_CYCLE_COST:
        return rules.rank_life_cycle(
            {rb.pk: rb.life_cycle_cost or rb.opening_price for rb in valid}
        )
    if ev.method == EvaluationMethod.REASONABLE_PRICE_LOTTERY:
        lottery = rules.reasonable_price_lottery(
            reviewed_budget=Decimal(ev.policy["reviewed_budget"]),
            discount=Decimal(ev.policy["discount"]),
            accepting_ids=[rb.pk for rb in valid if rb.accepts_reasonable_price],
            seed=ev.seed,
        )
        for rb in valid:  # the contract price is the reasonable price itself
            rb.evaluated_price = lottery.price
        return [rules.Ranked(b, i, False) for i, b in enumerate(lottery.order, start=1)]
    return rules.rank_lowest_price({rb.pk: rb.evaluated_price or rb.opening_price for rb in valid})


@transaction.atomic
def evaluation_conclude(*, actor: User, evaluation: Evaluation) -> Evaluation:
    """No open flag, no undecided abnormal-low: rank (87号令 56, 57; 214号 25), settle ties by
    the seed committed at opening (87号令 68), reveal it, render the report → SIGNING."""
    from zhengcai.evaluation import report

    ev = _lock(evaluation)
    _require_chair(actor, ev)
    _require_status(ev, S.CONCLUDING)
    open_flags = list(ev.flags.filter(status=c.FlagStatus.OPEN).values_list("pk", flat=True))
    pending = list(
        ev.bids.filter(
            abnormal_state__in=[c.AbnormalDecision.PENDING, c.AbnormalDecision.JUSTIFIED]
        ).values_list("pk", flat=True)
    )
    if open_flags or pending:
        raise Conflict(
            "尚有未处理的评分异常或异常低价",
            code=c.ERR_OPEN_ITEMS,
            detail={"flags": open_flags, "abnormal_low": pending},
        )
    valid = list(ev.bids.filter(valid=True).order_by("pk"))
    minimum = _minimum(ev)
    now = clock.now()
    ev.concluded_at = now
    if len(valid) < minimum:
        _fail(actor, ev, f"有效供应商不足{minimum}家（{len(valid)}家），依法废标（法 36）")
        audit_record(actor=actor, action="evaluation.failed", obj=ev, after={"valid": len(valid)})
        return ev
    ranked = _rank(ev, valid)
    order = rules.break_ties(ranked, seed=ev.seed)
    by_id = {rb.pk: rb for rb in valid}
    for r in ranked:
        rb = by_id[r.bidder_id]
        rb.rank, rb.tied = r.rank, r.tied
        rb.order = order.index(r.bidder_id) + 1
        rb.save(
            update_fields=[
                "rank",
                "tied",
                "order",
                "price_score",
                "subjective_score",
                "technical_score",
                "total_score",
                "evaluated_price",
            ]
        )
    ev.seed_revealed_at = now
    _move(ev, S.SIGNING)
    ev.save()
    rep = report.render(ev)
    audit_record(
        actor=actor,
        action="evaluation.conclude",
        obj=ev,
        after={
            "order": [by_id[b].supplier.name for b in order],
            "seed": ev.seed,
            "seed_hash": ev.seed_hash,
            "report_sha256": rep.sha256,
        },
    )
    return ev


def current_report(ev: Evaluation) -> Report | None:
    return ev.reports.filter(final=False).order_by("-version").first()


@transaction.atomic
def report_sign(
    *, actor: User, evaluation: Evaluation, agrees: bool, dissent: str = "", password: str
) -> Signature:
    """Each member signs the report after re-entering the password; a member who disagrees
    states the dissent and reasons (87号令 62; 条例 41). The last signature → SIGNED; the
    report is delivered to the purchaser and the 5-working-day decision period starts
    (条例 43)."""
    from zhengcai.evaluation import report

    ev = _lock(evaluation)
    _require_status(ev, S.SIGNING)
    member = _member(actor, ev)
    if not password or not actor.check_password(password):
        raise PermissionDenied("密码验证失败，请重新输入登录密码", code=c.ERR_BAD_PASSWORD)
    dissent = _text(dissent, 5000)
    if not agrees and not dissent:
        raise InvalidInput("不同意评审结论的，须写明不同意见和理由", code=c.ERR_DISSENT_REQUIRED)
    if agrees:
        dissent = ""
    rep = current_report(ev)
    assert rep is not None
    if Signature.objects.filter(member=member, report=rep).exists():
        raise Conflict("您已签署该评审报告", code=c.ERR_ALREADY_SIGNED)
    now = clock.now()
    payload = {
        "evaluation": ev.pk,
        "report_version": rep.version,
        "report_sha256": rep.sha256,
        "member": member.pk,
        "user": actor.username,
        "name": actor.get_full_name(),
        "agrees": agrees,
        "dissent": dissent,
        "signed_at": now.astimezone(clock.SHANGHAI).isoformat(),
    }
    sig = Signature.objects.create(
        member=member,
        report=rep,
        digest=rep.sha256,
        agrees=agrees,
        dissent=dissent,
        payload=payload,
        platform_signature=crypto.platform_sign(payload),
        signed_at=now,
    )
    audit_record(
        actor=actor,
        action="evaluation.report_sign",
        obj=sig,
        organization=ev.project.agency,
        after={"evaluation": ev.pk, "agrees": agrees, "dissent": dissent, "digest": rep.sha256},
    )
    signed = set(Signature.objects.filter(report=rep).values_list("member_id", flat=True))
    if {m.pk for m in _active(ev)} <= signed:
        cal = WorkCalendar.load()
        today = clock.today()
        _move(ev, S.SIGNED)
        ev.signed_at = now
        ev.report_delivered_at = now  # the platform delivers it to the purchaser at once
        ev.report_due = cal.add_working_days(today, c.REPORT_DUE_WORKING_DAYS)
        ev.award_due = cal.add_working_days(today, c.AWARD_DUE_WORKING_DAYS)
        ev.next_check = dt.datetime.combine(
            ev.award_due + dt.timedelta(days=1), dt.time(0, 0), tzinfo=clock.SHANGHAI
        )
        ev.save()
        final = report.render(ev, final=True)
        audit_record(
            actor=None,
            action="evaluation.signed",
            obj=ev,
            organization=ev.project.agency,
            after={"award_due": ev.award_due, "final_report_sha256": final.sha256},
        )
    return sig


def candidates(ev: Evaluation) -> list[ReviewedBid]:
    """The ranked candidates of the report (87号令 68: up to 3, in order)."""
    n = int(ev.policy.get("candidates", c.CANDIDATES))
    return list(
        ev.bids.filter(valid=True, order__isnull=False)
        .select_related("supplier")
        .order_by("order")[:n]
    )


def _award(
    actor: User | None, ev: Evaluation, supplier: Organization, reason: str, deemed: bool
) -> Evaluation:
    now = clock.now()
    _move(ev, S.AWARDED)
    ev.awarded_supplier = supplier
    ev.awarded_by = actor
    ev.awarded_at = now
    ev.award_reason = reason
    ev.award_deemed = deemed
    ev.next_check = None
    ev.save()
    tender_services.lot_transition(
        actor=actor,
        lot=ev.lot,
        to_status=LotStatus.AWARDED,
        reason=f"中标（成交）供应商：{supplier.name}",
    )
    _project_after_lots(actor, ev.project, "awarded")
    # 条例 38 ⚠ / 87号令 38: losers' bid bonds are refunded within 5 working days of the award
    # notice; the notice goes out with the award, so the day counts from today.
    refunds = []
    for bond in BidBond.objects.filter(
        participation__lot=ev.lot, status=bc.BondStatus.PAID
    ).exclude(participation__supplier=supplier):
        from zhengcai.bidding.services import bond_refund_schedule

        bond_refund_schedule(bond=bond, event_day=clock.today())
        refunds.append({"bond": bond.pk, "due": bond.refund_due})
    audit_record(
        actor=actor,
        action="evaluation.award_confirm",
        obj=ev,
        organization=ev.project.purchaser,
        after={
            "supplier": supplier.name,
            "reason": reason,
            "deemed": deemed,
            "bond_refunds": refunds,
        },
    )
    return ev


@transaction.atomic
def award_confirm(
    *, actor: User, evaluation: Evaluation, supplier: Organization, reason: str = ""
) -> Evaluation:
    """The purchaser confirms the result in the report's order (条例 43): the first candidate,
    or another with a lawful reason. Lot AWARDED; losers' bond refunds scheduled (条例 38)."""
    ev = _lock(evaluation)
    if not is_purchaser(actor, ev.project):
        raise PermissionDenied("只有本项目的采购人可以确定中标（成交）供应商")
    _require_status(ev, S.SIGNED)
    cands = candidates(ev)
    ids = [rb.supplier_id for rb in cands]
    if supplier.pk not in ids:
        raise RuleViolation("只能在评审报告推荐的候选人中确定（条例 43）", code=c.ERR_NOT_CANDIDATE)
    reason = _text(reason, 500)
    if ids.index(supplier.pk) > 0 and not reason:
        raise InvalidInput(
            "未确定排名第一的候选人的，须说明法定理由（条例 43）", code=c.ERR_REASON_REQUIRED
        )
    return _award(actor, ev, supplier, reason, deemed=False)


def evaluation_timed(obj: Any) -> None:
    """Timed handler: the purchaser has not decided within 5 working days of receiving the
    report — the first candidate is deemed chosen (条例 43)."""
    assert isinstance(obj, Evaluation)
    ev = obj
    if ev.status != S.SIGNED or ev.next_check is None or clock.now() < ev.next_check:
        ev.next_check = None if ev.status != S.SIGNED else ev.next_check
        ev.save(update_fields=["next_check"])
        return
    ev = _lock(ev)
    cands = candidates(ev)
    if not cands:
        ev.next_check = None
        ev.save(update_fields=["next_check"])
        return
    _award(
        None,
        ev,
        cands[0].supplier,
        "采购人在收到评审报告后5个工作日内未确定，视为确定排名第一的候选人（条例 43）",
        deemed=True,
    )
    obj.next_check = None
