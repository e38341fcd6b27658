"""Writes of the experts app. Every status change of a draw request or an invitation goes
through its `core.transitions` machine (`DRAW`, `INVITATION`: row locked, TRANSITIONS table
checked, audit entry in the same transaction; design §4 rules 2, 9); notifications go out on
commit."""

from __future__ import annotations

import datetime as dt
import secrets
from collections import Counter
from decimal import Decimal
from typing import Any

from django.db import transaction

from zhengcai.accounts.constants import OrgKind, Role
from zhengcai.accounts.models import Organization, User
from zhengcai.core import clock
from zhengcai.core.audit import audit_record
from zhengcai.core.errors import Conflict, InvalidInput, PermissionDenied, RuleViolation
from zhengcai.core.workdays import WorkCalendar
from zhengcai.experts import constants as c
from zhengcai.experts import rules, selectors
from zhengcai.experts.models import (
    DrawInvitation,
    DrawRequest,
    DrawRound,
)
from zhengcai.experts.notices import invitation_notify, notice_text  # noqa: F401
from zhengcai.experts.services.machines import (
    DRAW,
    INVITATION,
    check_draw,
    check_invitation,
    move,
)
from zhengcai.experts.services.profiles import (  # noqa: F401  (re-exported)
    clean_specialties,
    conflict_add,
    expert_register,
    expert_set_status,
    expert_standing_check,
    expert_update,
    pool_share_set,
    unavailability_add,
    unavailability_remove,
)
from zhengcai.experts.services.ratings import (  # noqa: F401  (re-exported)
    incident_record,
    rating_create,
    rating_reply,
)
from zhengcai.experts.services.verify import VerifyReport, draw_verify  # noqa: F401
from zhengcai.methods import config as methods
from zhengcai.methods.codes import Method

# --- the draw ------------------------------------------------------------------------------------


def _seat(inv: DrawInvitation) -> str:
    return f"抽取 #{inv.draw_id} 第 {inv.position} 位"


def _bidder_ids(ids: list[int]) -> list[int]:
    clean = sorted({int(i) for i in ids})
    found = set(
        Organization.objects.filter(pk__in=clean, kind=OrgKind.SUPPLIER).values_list(
            "pk", flat=True
        )
    )
    missing = [i for i in clean if i not in found]
    if missing:
        raise InvalidInput("投标供应商不存在", code="bidder_invalid", detail={"ids": missing})
    return clean


def committee_check(**facts: Any) -> None:
    """Refuse a panel that breaks 87号令 47 / 74号令 7 (`rules.committee_problems`); the expert
    draw and the evaluation's committee both call it."""
    problems = rules.committee_problems(**facts)
    if problems:
        raise RuleViolation(
            "；".join(f"{p.message}（{p.citation}）" for p in problems),
            code=c.ERR_COMMITTEE,
            detail=[p.__dict__ for p in problems],
        )


@transaction.atomic
def draw_request_create(
    *,
    actor: User,
    purchaser: Organization,
    project_name: str,
    specialty_codes: list[str],
    evaluation_at: dt.datetime,
    count: int,
    budget: Decimal,
    project_code: str = "",
    bidder_ids: list[int] | None = None,
    place: str = "",
    purchaser_reps: int = 0,
    procedure: str = c.Procedure.TENDER,
    technically_complex: bool = False,
    urgent_exception: str = "",
    confirm_minutes: int | None = None,
    method: str = "",
    item_code: str = "",
) -> DrawRequest:
    """The agency asks for `count` experts. The seed is generated now and only its SHA-256 is
    published (in the audit chain and on the page) before anything is drawn."""
    agency = actor.acting_organization
    if actor.role != Role.AGENCY or agency is None:
        raise PermissionDenied("只有代理机构可以申请抽取专家")
    if purchaser.kind != OrgKind.PURCHASER:
        raise InvalidInput("采购人须为采购单位", code="purchaser_invalid")
    if not project_name.strip():
        raise InvalidInput("请填写项目名称", code="project_name_required")
    if evaluation_at <= clock.now():
        raise InvalidInput("评审开始时间必须晚于当前时间", code="evaluation_at_past")
    if not 1 <= count <= 49:
        raise InvalidInput("抽取人数应为 1–49", code="count_invalid")
    if procedure not in c.Procedure.values:
        raise InvalidInput("采购程序无效", code="procedure_invalid")
    if method and not methods.supported(method):
        raise InvalidInput("采购方式无效", code="method_invalid")
    codes = clean_specialties(specialty_codes)
    if method:  # the method decides the panel; the procedure follows from it
        procedure = c.Procedure.TENDER if methods.get(method).tendering else c.Procedure.NON_TENDER
    # Without a method a non-tender panel is held to the 谈判 / 询价 rule (74号令 7), the strictest.
    default = Method.OPEN_TENDER if procedure == c.Procedure.TENDER else Method.NEGOTIATION
    threshold = selectors.panel_threshold(
        purchaser=purchaser, item_code=item_code or codes[0], on=clock.today()
    )
    committee_check(
        members=count + purchaser_reps,
        experts=count,
        panel=methods.get(method or default).panel,
        budget=budget,
        threshold=threshold,
        technically_complex=technically_complex,
    )
    seed = secrets.token_hex(32)
    minutes = confirm_minutes or int(c.policy("CONFIRM_MINUTES"))
    draw = DrawRequest.objects.create(
        agency=agency,
        purchaser=purchaser,
        created_by=actor,
        project_code=project_code.strip(),
        project_name=project_name.strip(),
        bidder_ids=_bidder_ids(bidder_ids or []),
        specialty_codes=codes,
        region_paths=selectors.pool_region_paths(agency.region),
        evaluation_at=evaluation_at,
        place=place.strip(),
        count=count,
        purchaser_reps=purchaser_reps,
        procedure=procedure,
        method=method,
        threshold=threshold,
        budget=budget,
        technically_complex=technically_complex,
        urgent_exception=urgent_exception.strip(),
        confirm_minutes=minutes,
        seed_hash=rules.seed_commitment(seed),
        seed=seed,
        created_at=clock.now(),
    )
    audit_record(
        actor=actor,
        action="expert_draw.committed",
        obj=draw,
        after={
            "seed_hash": draw.seed_hash,
            "count": count,
            "purchaser": purchaser.pk,
            "specialties": codes,
            "regions": draw.region_paths,
            "evaluation_at": evaluation_at,
        },
    )
    return draw


@transaction.atomic
def draw_set_bidders(*, actor: User, draw: DrawRequest, bidder_ids: list[int]) -> DrawRequest:
    """Bidders become known at the bid deadline; they can be set until the draw runs."""
    locked = DrawRequest.objects.select_for_update().get(pk=draw.pk)
    if locked.status != c.DrawStatus.COMMITTED:
        raise Conflict("抽取已执行，不能再修改投标供应商", code=c.ERR_DRAW_STATE)
    before = locked.bidder_ids
    locked.bidder_ids = _bidder_ids(bidder_ids)
    locked.save(update_fields=["bidder_ids"])
    audit_record(
        actor=actor,
        action="expert_draw.bidders_set",
        obj=locked,
        before={"bidders": before},
        after={"bidders": locked.bidder_ids},
    )
    return locked


def _run_round(
    draw: DrawRequest, *, reason: str, wanted: int, deadline: dt.datetime | None = None
) -> DrawRound | None:
    """Draw `wanted` more experts. Records the round (the eligible list it ran over, what it
    picked) and creates the invitations; notifications go out on commit. Returns None and
    marks the request failed when the pool cannot fill the seats. The answer deadline is
    `confirm_minutes` from now, capped at the evaluation time while that is still ahead;
    `deadline` overrides it (a release after the start, `invitation_release`)."""
    candidates = selectors.draw_candidates(draw)
    ctx = selectors.draw_context(draw)
    eligible, excluded = rules.split_eligible(candidates, ctx)
    already = set(draw.invitations.values_list("expert_id", flat=True))
    eligible = sorted(set(eligible) - already)
    number = (draw.rounds.count() or 0) + 1
    picked = rules.draw(draw.seed, number, eligible, wanted) if len(eligible) >= wanted else []
    summary = Counter(r.code for e in excluded for r in e.reasons)
    now = clock.now()
    rnd = DrawRound.objects.create(
        draw=draw,
        number=number,
        reason=reason,
        eligible_ids=eligible,
        eligible_digest=rules.eligible_digest(eligible),
        excluded_count=len(excluded),
        exclusion_summary=dict(summary),
        wanted=wanted,
        picked_ids=picked,
        created_at=now,
    )
    audit_record(
        actor=None,
        action="expert_draw.round",
        obj=draw,
        organization=draw.agency,
        after={
            "round": number,
            "reason": reason,
            "eligible": len(eligible),
            "eligible_digest": rnd.eligible_digest,
            "excluded": dict(summary),
            "wanted": wanted,
            "drawn": len(picked),
        },
    )
    if not picked:
        why = (
            f"符合条件的专家不足（需 {wanted} 人，可抽 {len(eligible)} 人）；"
            "可按 87号令 48 经批准自行选定专家，或调整抽取条件后重新申请"
        )
        check_draw(draw, c.DrawStatus.FAILED)
        move(
            DRAW,
            draw,
            to=c.DrawStatus.FAILED,
            actor=None,
            organization=draw.agency,
            action="expert_draw.failed",
            audit={"reason": why},
            status_reason=why,
            next_check=draw.evaluation_at,
        )
        return None
    if deadline is None:
        deadline = now + dt.timedelta(minutes=draw.confirm_minutes)
        if now < draw.evaluation_at:
            deadline = min(deadline, draw.evaluation_at)
    position = max(draw.invitations.values_list("position", flat=True), default=0)
    created = DrawInvitation.objects.bulk_create(
        [
            DrawInvitation(
                draw=draw,
                round=rnd,
                expert_id=pid,
                position=position + i,
                deadline=deadline,
                next_check=deadline,
            )
            for i, pid in enumerate(picked, start=1)
        ]
    )
    ids = [inv.pk for inv in created] or list(
        DrawInvitation.objects.filter(round=rnd).values_list("pk", flat=True)
    )
    transaction.on_commit(lambda: _enqueue_notices(ids))
    return rnd


def _enqueue_notices(ids: list[int]) -> None:
    from zhengcai.experts.tasks import notify_invitation

    for pk in ids:
        notify_invitation.enqueue(pk)


def _refresh_status(draw: DrawRequest) -> None:
    """After a response: complete when every seat is confirmed; replace lost seats."""
    statuses = list(draw.invitations.values_list("status", flat=True))
    confirmed = statuses.count(c.InvitationStatus.CONFIRMED)
    pending = statuses.count(c.InvitationStatus.PENDING)
    if confirmed >= draw.count and draw.status == c.DrawStatus.DRAWING:
        move(
            DRAW,
            draw,
            to=c.DrawStatus.COMPLETE,
            actor=None,
            organization=draw.agency,
            action="expert_draw.complete",
            audit={"confirmed": confirmed},
            next_check=draw.evaluation_at,
        )
        return
    missing = rules.replacement_needed(draw.count, confirmed, pending)
    if missing and draw.status in (c.DrawStatus.DRAWING, c.DrawStatus.COMPLETE):
        if draw.status == c.DrawStatus.COMPLETE:
            _reopen(draw, actor=None)
        _run_round(draw, reason="replacement", wanted=missing)


def _reopen(draw: DrawRequest, *, actor: User | None) -> None:
    """A complete draw lost a confirmed seat: back to drawing for the replacement round."""
    move(
        DRAW,
        draw,
        to=c.DrawStatus.DRAWING,
        actor=actor,
        organization=draw.agency,
        action="expert_draw.reopened",
    )


@transaction.atomic
def draw_execute(*, actor: User, draw: DrawRequest) -> DrawRequest:
    """Run the first round (after the seed hash was published)."""
    locked = DrawRequest.objects.select_for_update().get(pk=draw.pk)
    if locked.status != c.DrawStatus.COMMITTED:
        raise Conflict("该申请已执行抽取", code=c.ERR_DRAW_STATE)
    today = clock.today()
    eval_date = selectors.evaluation_date(locked)
    cal = WorkCalendar.load()
    earliest = cal.add_working_days(eval_date, -int(c.policy("DRAW_WINDOW_WORKDAYS")))
    problem = rules.draw_window_problem(today=today, evaluation_date=eval_date, earliest=earliest)
    if problem and not (locked.urgent_exception and locked.evaluation_at > clock.now()):
        raise RuleViolation(problem, code=c.ERR_DRAW_WINDOW, detail={"earliest": earliest})
    if locked.evaluation_at <= clock.now():
        raise RuleViolation("评审时间已过", code=c.ERR_DRAW_WINDOW)
    check_draw(locked, c.DrawStatus.DRAWING)
    move(
        DRAW,
        locked,
        to=c.DrawStatus.DRAWING,
        actor=actor,
        organization=None,
        action="expert_draw.started",
        audit={"seed_hash": locked.seed_hash, "urgent_exception": locked.urgent_exception},
        next_check=locked.evaluation_at,
    )
    _run_round(locked, reason="initial", wanted=locked.count)
    return locked


@transaction.atomic
def invitation_respond(
    *, actor: User, invitation: DrawInvitation, accept: bool, note: str = ""
) -> DrawInvitation:
    """The expert confirms or declines before the deadline; a decline is replaced at once."""
    inv = DrawInvitation.objects.select_for_update().select_related("expert").get(pk=invitation.pk)
    if inv.expert.user_id != actor.pk:
        raise PermissionDenied("只能答复本人的邀请")
    draw = DrawRequest.objects.select_for_update().get(pk=inv.draw_id)
    now = clock.now()
    if inv.status == c.InvitationStatus.PENDING and now > inv.deadline:
        raise Conflict("已超过答复时限", code=c.ERR_DEADLINE_PASSED)
    to = c.InvitationStatus.CONFIRMED if accept else c.InvitationStatus.DECLINED
    check_invitation(inv, to)
    response_note = note.strip()[:300]
    move(
        INVITATION,
        inv,
        to=to,
        actor=actor,
        organization=None,
        audit={"draw": draw.pk, "note": response_note},
        object_label=_seat(inv),
        responded_at=now,
        response_note=response_note,
        next_check=None,
    )
    _refresh_status(draw)
    return inv


@transaction.atomic
def invitation_withdraw(*, actor: User, invitation: DrawInvitation, note: str) -> DrawInvitation:
    """A confirmed expert who can no longer attend (before the evaluation starts)."""
    inv = DrawInvitation.objects.select_for_update().select_related("expert").get(pk=invitation.pk)
    if inv.expert.user_id != actor.pk:
        raise PermissionDenied("只能答复本人的邀请")
    draw = DrawRequest.objects.select_for_update().get(pk=inv.draw_id)
    if clock.now() >= draw.evaluation_at:
        raise Conflict("评审已开始，请向评审现场组织人员说明", code=c.ERR_DEADLINE_PASSED)
    if not note.strip():
        raise InvalidInput("请说明退出原因", code="reason_required")
    check_invitation(inv, c.InvitationStatus.WITHDRAWN)
    response_note = note.strip()[:300]
    move(
        INVITATION,
        inv,
        to=c.InvitationStatus.WITHDRAWN,
        actor=actor,
        organization=None,
        audit={"draw": draw.pk, "note": response_note},
        object_label=_seat(inv),
        responded_at=clock.now(),
        response_note=response_note,
    )
    _refresh_status(draw)
    return inv


def invitation_expire(invitation: Any) -> None:
    """Timed handler (core.timed): no answer by the deadline counts as declined, and the seat
    is drawn again."""
    assert isinstance(invitation, DrawInvitation)
    inv = invitation
    inv.next_check = None
    if inv.status != c.InvitationStatus.PENDING or clock.now() < inv.deadline:
        inv.next_check = inv.deadline if inv.status == c.InvitationStatus.PENDING else None
        inv.save(update_fields=["next_check"])
        return
    draw = DrawRequest.objects.select_for_update().get(pk=inv.draw_id)
    check_invitation(inv, c.InvitationStatus.EXPIRED)
    move(
        INVITATION,
        inv,
        to=c.InvitationStatus.EXPIRED,
        actor=None,
        organization=draw.agency,
        audit={"draw": draw.pk, "deadline": inv.deadline},
        object_label=_seat(inv),
        next_check=None,
    )
    if clock.now() < draw.evaluation_at:
        _refresh_status(draw)


def draw_timed(draw: Any) -> None:
    """Timed handler: at the evaluation start the seed is revealed (names become visible to
    the organiser at the same moment, see access.draw_names_visible)."""
    assert isinstance(draw, DrawRequest)
    draw.next_check = None
    if clock.now() >= draw.evaluation_at and draw.revealed_at is None:
        reveal_seed(draw, by="evaluation_start")
    draw.save(update_fields=["next_check"])


def reveal_seed(draw: DrawRequest, *, by: str) -> None:
    """The draw's seed made public — at the evaluation start (87号令 47; 198号 20), or when the
    draw is cancelled — so anyone can recompute the draw; the evaluation calls this at its start."""
    draw.revealed_at = clock.now()
    draw.save(update_fields=["revealed_at"])
    audit_record(
        actor=None,
        action="expert_draw.seed_revealed",
        obj=draw,
        organization=draw.agency,
        after={"seed": draw.seed, "seed_hash": draw.seed_hash, "by": by},
    )


@transaction.atomic
def draw_cancel(*, actor: User, draw: DrawRequest, reason: str) -> DrawRequest:
    if not reason.strip():
        raise InvalidInput("请填写取消原因", code="reason_required")
    locked = DrawRequest.objects.select_for_update().get(pk=draw.pk)
    check_draw(locked, c.DrawStatus.CANCELLED)
    open_ = locked.invitations.filter(
        status__in=[c.InvitationStatus.PENDING, c.InvitationStatus.CONFIRMED]
    ).order_by("position")
    for inv in open_:  # each seat through the machine: locked, checked, audited
        move(
            INVITATION,
            inv,
            to=c.InvitationStatus.CANCELLED,
            actor=actor,
            organization=None,
            audit={"draw": locked.pk},
            object_label=_seat(inv),
            next_check=None,
        )
    move(
        DRAW,
        locked,
        to=c.DrawStatus.CANCELLED,
        actor=actor,
        organization=None,
        action="expert_draw.cancelled",
        audit={"reason": reason},
        status_reason=reason.strip()[:300],
        next_check=None,
    )
    if locked.revealed_at is None:
        reveal_seed(locked, by="cancelled")
    return locked


@transaction.atomic
def invitation_release(
    *,
    actor: User,
    invitation: DrawInvitation,
    reason: str,
    confirm_minutes: int | None = None,
) -> DrawRound:
    """The draw's agency releases a confirmed expert who cannot sit (recused for a conflict
    declared at the evaluation, absent, left) and draws a replacement from the same request
    (87号令 49; 198号 17) — also after the evaluation time. The invitation becomes
    `withdrawn` with the reason; one more round runs on the same seed over the eligible list
    of now (conflicted experts excluded as in every round, so `draw_verify` re-runs it), and
    the new expert answers within `confirm_minutes` from now (default the request's), not
    capped at the evaluation time. Refused and nothing changes when the pool cannot supply
    an expert (`pool_exhausted`): the agency then stops the evaluation (87号令 49).
    ⚠ After the seed was revealed (evaluation start) the pick of the next round can be
    computed in advance from the published seed and eligible list."""
    inv = (
        DrawInvitation.objects.select_for_update()
        .select_related("expert__user")
        .get(pk=invitation.pk)
    )
    draw = DrawRequest.objects.select_for_update().get(pk=inv.draw_id)
    org = actor.acting_organization
    if actor.role != Role.AGENCY or org is None or org.pk != draw.agency_id:
        raise PermissionDenied("只有申请抽取的代理机构可以更换专家")
    reason = reason.strip()
    if not reason:
        raise InvalidInput("请写明更换原因（回避、缺席等）", code="reason_required")
    if draw.status not in (c.DrawStatus.COMPLETE, c.DrawStatus.DRAWING):
        raise Conflict("该抽取申请当前不能补抽专家", code=c.ERR_DRAW_STATE)
    if inv.status != c.InvitationStatus.CONFIRMED:
        raise Conflict("只能更换已确认参加的专家", code=c.ERR_BAD_TRANSITION)
    minutes = int(confirm_minutes if confirm_minutes is not None else draw.confirm_minutes)
    if not 5 <= minutes <= 24 * 60:
        raise InvalidInput("答复时限应在 5 分钟至 24 小时之间", code="confirm_minutes_invalid")
    now = clock.now()
    check_invitation(inv, c.InvitationStatus.WITHDRAWN)
    move(
        INVITATION,
        inv,
        to=c.InvitationStatus.WITHDRAWN,
        actor=actor,
        organization=draw.agency,
        action="expert_invitation.released",
        audit={"draw": draw.pk, "reason": reason[:300], "after_start": now >= draw.evaluation_at},
        object_label=_seat(inv),
        responded_at=now,
        response_note=f"代理机构更换：{reason}"[:300],
        next_check=None,
    )
    if draw.status == c.DrawStatus.COMPLETE:
        _reopen(draw, actor=actor)
    rnd = _run_round(
        draw, reason="replacement", wanted=1, deadline=now + dt.timedelta(minutes=minutes)
    )
    if rnd is None:
        # rolls the release and the failed round back: the agency stops the evaluation
        raise RuleViolation(
            "符合条件的专家已抽完，无法补抽；请终止评审后重新组建评审委员会（87号令 49）",
            code=c.ERR_POOL_EXHAUSTED,
        )
    return rnd
