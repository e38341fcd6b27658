"""Replacing members before the end of scoring, and stopping (87号令 49; 198号 17)."""

from __future__ import annotations

from django.db import transaction

from zhengcai.accounts.models import User
from zhengcai.core import clock
from zhengcai.core.audit import audit_record
from zhengcai.core.errors import Conflict, InvalidInput
from zhengcai.evaluation import constants as c
from zhengcai.evaluation.machines import EVALUATION, MEMBER
from zhengcai.evaluation.models import (
    Check,
    Evaluation,
    Member,
    Score,
)
from zhengcai.evaluation.services.common import S, _lock, _require_agency, _require_status, _text
from zhengcai.experts import services as expert_services
from zhengcai.experts.constants import InvitationStatus
from zhengcai.experts.models import DrawInvitation

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
    m.is_chair = False
    m.replaced_reason = reason
    voided = _void_opinions([m])
    return MEMBER.move(
        m,
        to=c.MemberStatus.ABSENT,
        actor=actor,
        action="evaluation.member_absent",
        audit={"evaluation": ev.pk, "reason": reason, "void": voided},
    )


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
    old.is_chair = False
    old.replaced_at = now
    old.replaced_reason = reason
    MEMBER.move(
        old,
        to=c.MemberStatus.REPLACED,
        actor=actor,
        action="evaluation.member_replaced",
        audit={"evaluation": ev.pk},
    )
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
        old.is_chair = False
        old.replaced_reason = reason
        MEMBER.move(
            old,
            to=c.MemberStatus.ABSENT,
            actor=actor,
            action="evaluation.member_vacated",
            audit={"evaluation": ev.pk},
        )
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
    ev.outcome = (
        f"评审委员会成员无法及时补足，停止评审，已作出的评审意见无效（87号令 49）：{reason}"[:300]
    )
    ev.next_check = None
    return EVALUATION.move(
        ev,
        to=S.STOPPED,
        actor=actor,
        action="evaluation.stop",
        audit={"reason": reason, "void_checks": voided[0], "void_scores": voided[1]},
    )
