"""Writes of the experts app. Every state change checks its TRANSITIONS table, writes the audit
entry and saves in one transaction (design §4 rules 2, 9); notifications go out on commit."""

from __future__ import annotations

import datetime as dt
import secrets
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction

from zhengcai.accounts.constants import OrgKind, Role
from zhengcai.accounts.models import Organization, Region, User
from zhengcai.core import clock
from zhengcai.core.audit import audit_record
from zhengcai.core.errors import Conflict, InvalidInput, PermissionDenied, RuleViolation
from zhengcai.core.workdays import WorkCalendar
from zhengcai.evaluation.rules import committee_problems
from zhengcai.experts import constants as c
from zhengcai.experts import rules, selectors
from zhengcai.experts.access import can_manage_profile
from zhengcai.experts.models import (
    DrawInvitation,
    DrawRequest,
    DrawRound,
    ExpertConflict,
    ExpertIncident,
    ExpertProfile,
    ExpertRating,
    ExpertSpecialty,
    ExpertStatusChange,
    ExpertUnavailability,
    PoolShare,
)

# --- profiles ------------------------------------------------------------------------------------


def _clean_specialties(codes: list[str]) -> list[str]:
    cleaned = sorted({code.strip().upper() for code in codes if code.strip()})
    if not cleaned:
        raise InvalidInput("请至少填写一个评审专业（品目编码）", code=c.ERR_SPECIALTY)
    for code in cleaned:
        problem = rules.specialty_code_problem(code)
        if problem:
            raise InvalidInput(problem, code=c.ERR_SPECIALTY, detail={"code": code})
    return cleaned


def _profile_summary(p: ExpertProfile) -> dict[str, Any]:
    return {
        "id_number": p.id_number_masked,
        "region": p.region.code,
        "title": p.title,
        "title_level": p.title_level,
        "certificate_no": p.certificate_no,
        "certificate_expires": p.certificate_expires,
        "training_status": p.training_status,
        "status": p.status,
    }


@transaction.atomic
def expert_register(
    *,
    actor: User | None,
    user: User,
    id_number: str,
    region: Region,
    certificate_no: str,
    specialties: list[str],
    employer_name: str = "",
    title: str = "",
    title_level: str = c.TitleLevel.OTHER,
    years_in_field: int = 0,
    certificate_expires: dt.date | None = None,
    training_status: str = c.TrainingStatus.NONE,
) -> ExpertProfile:
    """Register an expert (status 待审核); a regulator approves with `expert_set_status`."""
    if user.role != Role.EXPERT:
        raise InvalidInput("只能为角色为「评审专家」的用户建立专家档案", code="role_invalid")
    id_number = id_number.strip().upper()
    problem = rules.id_number_problem(id_number)
    if problem:
        raise InvalidInput(problem, code=c.ERR_ID_NUMBER, detail={"field": "id_number"})
    if ExpertProfile.objects.filter(user=user).exists():
        raise Conflict("该用户已有专家档案", code=c.ERR_DUPLICATE, detail={"field": "user"})
    if ExpertProfile.objects.filter(id_number=id_number).exists():
        raise Conflict("该身份证号码已登记", code=c.ERR_DUPLICATE, detail={"field": "id_number"})
    if ExpertProfile.objects.filter(certificate_no=certificate_no.strip()).exists():
        raise Conflict("专家证编号已存在", code=c.ERR_DUPLICATE, detail={"field": "certificate_no"})
    if title_level not in c.TitleLevel.values or training_status not in c.TrainingStatus.values:
        raise InvalidInput("职称级别或培训状态无效")
    codes = _clean_specialties(specialties)
    now = clock.now()
    profile = ExpertProfile.objects.create(
        user=user,
        id_number=id_number,
        birth_date=rules.birth_date_from_id(id_number),
        employer_name=employer_name.strip()
        or (user.organization.name if user.organization else ""),
        title=title.strip(),
        title_level=title_level,
        years_in_field=years_in_field,
        region=region,
        certificate_no=certificate_no.strip(),
        certificate_expires=certificate_expires,
        training_status=training_status,
        status=c.ExpertStatus.PENDING,
        created_at=now,
        updated_at=now,
    )
    ExpertSpecialty.objects.bulk_create([ExpertSpecialty(profile=profile, code=x) for x in codes])
    audit_record(
        actor=actor,
        action="expert.registered",
        obj=profile,
        organization=None,
        after={**_profile_summary(profile), "specialties": codes},
        object_label=user.get_full_name(),
    )
    return profile


@transaction.atomic
def expert_set_status(
    *, actor: User | None, profile: ExpertProfile, status: str, reason: str
) -> ExpertProfile:
    """The one door for an expert's status (198号 10, 29; 条例 75). Approval checks 198号 6."""
    reason = reason.strip()
    if not reason:
        raise InvalidInput("请填写状态变更原因", code="reason_required")
    locked = ExpertProfile.objects.select_for_update().select_related("region").get(pk=profile.pk)
    if status not in c.EXPERT_TRANSITIONS.get(locked.status, set()):
        raise Conflict(
            f"专家状态不能从「{c.ExpertStatus(locked.status).label}」变为"
            f"「{c.ExpertStatus(status).label if status in c.ExpertStatus.values else status}」",
            code=c.ERR_BAD_TRANSITION,
            detail={"from": locked.status, "to": status},
        )
    if status == c.ExpertStatus.ACTIVE and locked.status == c.ExpertStatus.PENDING:
        problems = rules.registration_problems(
            title_level=locked.title_level,
            years_in_field=locked.years_in_field,
            birth_date=locked.birth_date,
            today=clock.today(),
            max_age=int(c.policy("MAX_AGE")),
        )
        if problems:
            raise RuleViolation("；".join(problems), code="expert_ineligible", detail=problems)
    before = locked.status
    now = clock.now()
    locked.status, locked.status_reason = status, reason[:500]
    locked.version += 1
    locked.updated_at = now
    locked.save(update_fields=["status", "status_reason", "version", "updated_at"])
    ExpertStatusChange.objects.create(
        profile=locked,
        from_status=before,
        to_status=status,
        reason=reason[:500],
        actor=actor,
        at=now,
    )
    audit_record(
        actor=actor,
        action="expert.status_changed",
        obj=locked,
        before={"status": before},
        after={"status": status, "reason": reason},
        object_label=locked.user.get_full_name(),
    )
    return locked


@transaction.atomic
def expert_update(
    *,
    actor: User,
    profile: ExpertProfile,
    expected_version: int | None = None,
    specialties: list[str] | None = None,
    **changes: Any,
) -> ExpertProfile:
    """Edit a profile's details (not its status). Allowed keys below."""
    allowed = {
        "employer_name",
        "title",
        "title_level",
        "years_in_field",
        "certificate_no",
        "certificate_expires",
        "training_status",
        "region",
    }
    unknown = set(changes) - allowed
    if unknown:
        raise InvalidInput(f"不能修改：{', '.join(sorted(unknown))}", code="unknown_field")
    locked = ExpertProfile.objects.select_for_update().select_related("region").get(pk=profile.pk)
    if expected_version is not None and expected_version != locked.version:
        from zhengcai.core.errors import PreconditionFailed

        raise PreconditionFailed(detail={"version": locked.version})
    before = _profile_summary(locked)
    for key, value in changes.items():
        setattr(locked, key, value.strip() if isinstance(value, str) else value)
    after: dict[str, Any] = _profile_summary(locked)
    if specialties is not None:
        codes = _clean_specialties(specialties)
        before["specialties"] = list(locked.specialties.values_list("code", flat=True))
        locked.specialties.all().delete()
        ExpertSpecialty.objects.bulk_create(
            [ExpertSpecialty(profile=locked, code=x) for x in codes]
        )
        after["specialties"] = codes
    locked.version += 1
    locked.updated_at = clock.now()
    locked.save()
    audit_record(
        actor=actor,
        action="expert.updated",
        obj=locked,
        organization=actor.acting_organization,
        before=before,
        after=after,
        object_label=locked.user.get_full_name(),
    )
    return locked


@transaction.atomic
def unavailability_add(
    *, actor: User, profile: ExpertProfile, start: dt.date, end: dt.date, reason: str = ""
) -> ExpertUnavailability:
    if end < start:
        raise InvalidInput("结束日期不能早于开始日期", code="date_range_invalid")
    row = ExpertUnavailability.objects.create(
        profile=profile, start=start, end=end, reason=reason.strip()[:200]
    )
    audit_record(
        actor=actor,
        action="expert.unavailability_added",
        obj=profile,
        after={"start": start, "end": end, "reason": row.reason},
        object_label=profile.user.get_full_name(),
    )
    return row


@transaction.atomic
def unavailability_remove(*, actor: User, row: ExpertUnavailability) -> None:
    profile = row.profile
    audit_record(
        actor=actor,
        action="expert.unavailability_removed",
        obj=profile,
        before={"start": row.start, "end": row.end},
        object_label=profile.user.get_full_name(),
    )
    row.delete()


@transaction.atomic
def conflict_add(
    *,
    actor: User,
    profile: ExpertProfile,
    organization: Organization,
    kind: str,
    until: dt.date | None = None,
    note: str = "",
) -> ExpertConflict:
    """Record a relationship requiring recusal (条例 9): declared by the expert (198号 16) or
    recorded by the regulator."""
    if kind not in c.ConflictKind.values:
        raise InvalidInput("关系类型无效", code="conflict_kind_invalid")
    row = ExpertConflict.objects.create(
        profile=profile,
        organization=organization,
        kind=kind,
        until=until,
        note=note.strip()[:200],
        recorded_by=actor,
        created_at=clock.now(),
    )
    audit_record(
        actor=actor,
        action="expert.conflict_recorded",
        obj=profile,
        after={"organization": organization.pk, "kind": kind, "until": until},
        object_label=profile.user.get_full_name(),
    )
    return row


@transaction.atomic
def pool_share_set(
    *, actor: User, owner_region: Region, grantee_region: Region, active: bool
) -> PoolShare:
    """The owner region (its regulator, i.e. the owner's consent) lets the grantee draw from
    its experts, or withdraws that consent."""
    if actor.role != Role.ADMIN:
        if actor.role != Role.REGULATOR or actor.region is None:
            raise PermissionDenied("只有专家库所属地的财政部门可以共享专家库")
        if actor.region.pk != owner_region.pk:
            raise PermissionDenied("只有专家库所属地的财政部门可以同意共享")
    if owner_region.pk == grantee_region.pk:
        raise InvalidInput("不能与本地区共享", code="share_self")
    now = clock.now()
    share, created = PoolShare.objects.select_for_update().get_or_create(
        owner_region=owner_region,
        grantee_region=grantee_region,
        defaults={"granted_by": actor, "granted_at": now},
    )
    status = c.ShareStatus.ACTIVE if active else c.ShareStatus.REVOKED
    if not created and share.status == status:
        return share
    share.status = status
    if active:
        share.granted_by, share.granted_at, share.revoked_at = actor, now, None
    else:
        share.revoked_at = now
    share.save()
    audit_record(
        actor=actor,
        action="expert_pool.shared" if active else "expert_pool.share_revoked",
        obj=share,
        after={"owner": owner_region.code, "grantee": grantee_region.code},
        object_label=f"{owner_region.name} → {grantee_region.name}",
    )
    return share


# --- the draw ------------------------------------------------------------------------------------


def _transition(draw: DrawRequest, status: str) -> None:
    if status not in c.DRAW_TRANSITIONS.get(draw.status, set()):
        raise Conflict(
            f"抽取申请当前状态为「{c.DrawStatus(draw.status).label}」，不能进行此操作",
            code=c.ERR_DRAW_STATE,
            detail={"from": draw.status, "to": status},
        )
    draw.status = status


def _invitation_transition(inv: DrawInvitation, status: str) -> None:
    if status not in c.INVITATION_TRANSITIONS.get(inv.status, set()):
        raise Conflict(
            f"邀请当前状态为「{c.InvitationStatus(inv.status).label}」，不能进行此操作",
            code=c.ERR_BAD_TRANSITION,
            detail={"from": inv.status, "to": status},
        )
    inv.status = status


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
    problems = committee_problems(
        members=count + purchaser_reps,
        experts=count,
        procedure=procedure,
        budget=budget,
        technically_complex=technically_complex,
        above_threshold=procedure != c.Procedure.TENDER and technically_complex,
    )
    if problems:
        raise RuleViolation(
            "；".join(f"{p.message}（{p.citation}）" for p in problems),
            code=c.ERR_COMMITTEE,
            detail=[p.__dict__ for p in problems],
        )
    codes = _clean_specialties(specialty_codes)
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
        _transition(draw, c.DrawStatus.FAILED)
        draw.status_reason = (
            f"符合条件的专家不足（需 {wanted} 人，可抽 {len(eligible)} 人）；"
            "可按 87号令 48 经批准自行选定专家，或调整抽取条件后重新申请"
        )
        draw.next_check = draw.evaluation_at
        draw.save(update_fields=["status", "status_reason", "next_check"])
        audit_record(
            actor=None,
            action="expert_draw.failed",
            obj=draw,
            organization=draw.agency,
            after={"reason": draw.status_reason},
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
        _transition(draw, c.DrawStatus.COMPLETE)
        draw.next_check = draw.evaluation_at
        draw.save(update_fields=["status", "next_check"])
        audit_record(
            actor=None,
            action="expert_draw.complete",
            obj=draw,
            organization=draw.agency,
            after={"confirmed": confirmed},
        )
        return
    missing = rules.replacement_needed(draw.count, confirmed, pending)
    if missing and draw.status in (c.DrawStatus.DRAWING, c.DrawStatus.COMPLETE):
        if draw.status == c.DrawStatus.COMPLETE:
            _transition(draw, c.DrawStatus.DRAWING)
            draw.save(update_fields=["status"])
        _run_round(draw, reason="replacement", wanted=missing)


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
    _transition(locked, c.DrawStatus.DRAWING)
    locked.next_check = locked.evaluation_at
    locked.save(update_fields=["status", "next_check"])
    audit_record(
        actor=actor,
        action="expert_draw.started",
        obj=locked,
        after={"seed_hash": locked.seed_hash, "urgent_exception": locked.urgent_exception},
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
    _invitation_transition(
        inv, c.InvitationStatus.CONFIRMED if accept else c.InvitationStatus.DECLINED
    )
    inv.responded_at, inv.response_note, inv.next_check = now, note.strip()[:300], None
    inv.save(update_fields=["status", "responded_at", "response_note", "next_check"])
    audit_record(
        actor=actor,
        action="expert_invitation.confirmed" if accept else "expert_invitation.declined",
        obj=inv,
        organization=None,
        after={"draw": draw.pk, "note": inv.response_note},
        object_label=f"抽取 #{draw.pk} 第 {inv.position} 位",
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
    _invitation_transition(inv, c.InvitationStatus.WITHDRAWN)
    inv.responded_at, inv.response_note = clock.now(), note.strip()[:300]
    inv.save(update_fields=["status", "responded_at", "response_note"])
    audit_record(
        actor=actor,
        action="expert_invitation.withdrawn",
        obj=inv,
        organization=None,
        after={"draw": draw.pk, "note": inv.response_note},
        object_label=f"抽取 #{draw.pk} 第 {inv.position} 位",
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
    _invitation_transition(inv, c.InvitationStatus.EXPIRED)
    inv.save(update_fields=["status", "next_check"])
    audit_record(
        actor=None,
        action="expert_invitation.expired",
        obj=inv,
        organization=draw.agency,
        after={"draw": draw.pk, "deadline": inv.deadline},
        object_label=f"抽取 #{draw.pk} 第 {inv.position} 位",
    )
    if clock.now() < draw.evaluation_at:
        _refresh_status(draw)


def draw_timed(draw: Any) -> None:
    """Timed handler: at the evaluation start the seed is revealed (names become visible to
    the organiser at the same moment, see access.draw_names_visible)."""
    assert isinstance(draw, DrawRequest)
    draw.next_check = None
    if clock.now() >= draw.evaluation_at and draw.revealed_at is None:
        _reveal(draw, by="evaluation_start")
    draw.save(update_fields=["next_check", "revealed_at"])


def _reveal(draw: DrawRequest, *, by: str) -> None:
    draw.revealed_at = clock.now()
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
    _transition(locked, c.DrawStatus.CANCELLED)
    locked.status_reason = reason.strip()[:300]
    open_ = locked.invitations.filter(
        status__in=[c.InvitationStatus.PENDING, c.InvitationStatus.CONFIRMED]
    )
    open_.update(status=c.InvitationStatus.CANCELLED, next_check=None)
    audit_record(actor=actor, action="expert_draw.cancelled", obj=locked, after={"reason": reason})
    if locked.revealed_at is None:
        _reveal(locked, by="cancelled")
    locked.next_check = None
    locked.save(update_fields=["status", "status_reason", "revealed_at", "next_check"])
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
    _invitation_transition(inv, c.InvitationStatus.WITHDRAWN)
    inv.responded_at, inv.response_note, inv.next_check = now, f"代理机构更换：{reason}"[:300], None
    inv.save(update_fields=["status", "responded_at", "response_note", "next_check"])
    audit_record(
        actor=actor,
        action="expert_invitation.released",
        obj=inv,
        organization=draw.agency,
        after={"draw": draw.pk, "reason": reason[:300], "after_start": now >= draw.evaluation_at},
        object_label=f"抽取 #{draw.pk} 第 {inv.position} 位",
    )
    if draw.status == c.DrawStatus.COMPLETE:
        _transition(draw, c.DrawStatus.DRAWING)
        draw.save(update_fields=["status"])
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


# --- performance records (198号 21; 条例 62) ---------------------------------------------------


def _rating_summary(r: ExpertRating) -> dict[str, Any]:
    return {
        "draw": r.draw_id,
        "expert": r.expert_id,
        "side": r.side,
        "attendance": r.attendance,
        "quality": r.quality,
        "flags": r.flags,
        "note": r.note,
    }


@transaction.atomic
def rating_create(
    *,
    actor: User,
    draw: DrawRequest,
    expert: ExpertProfile,
    attendance: str,
    quality: int | None,
    flags: list[str] | None = None,
    note: str = "",
) -> ExpertRating:
    """The draw's agency or purchaser records how an expert performed (198号 21; 条例 62):
    only experts who confirmed for the draw, from the evaluation start until the 5th working
    day after the evaluation day, once per rating organization."""
    org = actor.acting_organization
    side = rules.rater_side(
        role=actor.role,
        org_id=org.pk if org else None,
        agency_id=draw.agency_id,
        purchaser_id=draw.purchaser_id,
    )
    if side is None or org is None:
        raise PermissionDenied("只有该项目的采购人或代理机构可以记录专家履职情况")
    flags = sorted(set(flags or []))
    problem = rules.rating_input_problem(attendance=attendance, quality=quality, flags=flags)
    if problem:
        raise InvalidInput(problem, code=c.ERR_RATING_INVALID)
    last_day = selectors.rating_last_day(draw)
    window = rules.rating_window_problem(
        now=clock.now(), evaluation_at=draw.evaluation_at, today=clock.today(), last_day=last_day
    )
    if window:
        code, message = window
        raise RuleViolation(message, code=code, detail={"last_day": last_day})
    if not DrawInvitation.objects.filter(
        draw=draw, expert=expert, status=c.InvitationStatus.CONFIRMED
    ).exists():
        raise InvalidInput("该专家未确认参加本次评审，不能评价", code=c.ERR_NOT_RATEABLE)
    if ExpertRating.objects.filter(draw=draw, expert=expert, rater_org=org).exists():
        raise Conflict("本单位已评价过该专家", code=c.ERR_DUPLICATE)
    try:
        with transaction.atomic():
            rating = ExpertRating.objects.create(
                draw=draw,
                expert=expert,
                rater_org=org,
                side=side,
                attendance=attendance,
                quality=quality,
                flag_outlier="outlier" in flags,
                flag_discipline="discipline" in flags,
                flag_disclosure="disclosure" in flags,
                flag_other="other" in flags,
                note=note.strip()[:500],
                created_by=actor,
                created_at=clock.now(),
            )
    except IntegrityError as exc:  # a concurrent rating by a colleague
        raise Conflict("本单位已评价过该专家", code=c.ERR_DUPLICATE) from exc
    audit_record(
        actor=actor,
        action="expert_rating.created",
        obj=rating,
        organization=org,
        after=_rating_summary(rating),
        object_label=f"{expert.user.get_full_name()} · 抽取 #{draw.pk}",
    )
    return rating


@transaction.atomic
def rating_reply(*, actor: User, rating: ExpertRating, text: str) -> ExpertRating:
    """The rated expert's statement on a rating (198号 21), once."""
    locked = ExpertRating.objects.select_for_update().select_related("expert").get(pk=rating.pk)
    if locked.expert.user_id != actor.pk:
        raise PermissionDenied("只有被评价的专家本人可以说明")
    text = text.strip()
    if not text:
        raise InvalidInput("请填写说明内容", code="reply_required")
    if locked.replied_at is not None:
        raise Conflict("已对该评价作出说明", code=c.ERR_DUPLICATE)
    locked.reply, locked.replied_at = text[:1000], clock.now()
    locked.save(update_fields=["reply", "replied_at"])
    audit_record(
        actor=actor,
        action="expert_rating.replied",
        obj=locked,
        organization=None,
        after={"reply": locked.reply},
        object_label=f"{actor.get_full_name()} · 抽取 #{locked.draw_id}",
    )
    return locked


@transaction.atomic
def incident_record(
    *,
    actor: User,
    profile: ExpertProfile,
    kind: str,
    reference: str,
    occurred_on: dt.date,
    note: str = "",
) -> ExpertIncident:
    """The regulator records a fact against the expert, e.g. a complaint upheld (投诉处理决定)."""
    if not can_manage_profile(actor, profile):
        raise PermissionDenied("只有专家所在地的财政部门可以记录不良行为")
    if kind not in c.IncidentKind.values:
        raise InvalidInput("类型无效", code="incident_kind_invalid")
    if not reference.strip():
        raise InvalidInput("请填写文号或依据", code="reference_required")
    if occurred_on > clock.today():
        raise InvalidInput("决定日期不能晚于今天", code="date_invalid")
    row = ExpertIncident.objects.create(
        expert=profile,
        kind=kind,
        reference=reference.strip()[:200],
        occurred_on=occurred_on,
        note=note.strip()[:500],
        recorded_by=actor,
        created_at=clock.now(),
    )
    audit_record(
        actor=actor,
        action="expert_incident.recorded",
        obj=row,
        after={
            "expert": profile.pk,
            "kind": kind,
            "reference": row.reference,
            "occurred_on": occurred_on,
        },
        object_label=profile.user.get_full_name(),
    )
    return row


# --- notification --------------------------------------------------------------------------------


def notice_text(inv: DrawInvitation) -> str:
    when = inv.draw.evaluation_at.astimezone(clock.SHANGHAI)
    deadline = inv.deadline.astimezone(clock.SHANGHAI)
    return (
        f"{inv.expert.user.get_full_name()}专家您好，您已被随机抽取参加政府采购评审，"
        f"评审时间{when.month}月{when.day}日{when.hour}点{when.minute:02d}分，"
        f"地点{inv.draw.place or '另行通知'}。"
        f"请于{deadline.month}月{deadline.day}日{deadline.hour}点{deadline.minute:02d}分前"
        f"登录平台确认是否参加。抽取编号{inv.draw_id}。请勿向他人透露。"
    )


def invitation_notify(invitation_id: int) -> DrawInvitation:
    """Send one notice through the configured channel, then record it (own transaction)."""
    from zhengcai.experts.notify import Notice, channel

    inv = DrawInvitation.objects.select_related("draw", "expert__user").get(pk=invitation_id)
    if inv.status != c.InvitationStatus.PENDING or inv.notified_at is not None:
        return inv
    notice = Notice(inv.pk, inv.draw_id, inv.expert.user.phone, notice_text(inv))
    ref = channel().send(notice)
    with transaction.atomic():
        locked = DrawInvitation.objects.select_for_update().get(pk=inv.pk)
        locked.notified_at, locked.notice_ref = clock.now(), ref[:300]
        locked.save(update_fields=["notified_at", "notice_ref"])
        audit_record(
            actor=None,
            action="expert_invitation.notified",
            obj=locked,
            organization=None,
            after={"draw": inv.draw_id, "ref": locked.notice_ref},
            object_label=f"抽取 #{inv.draw_id} 第 {inv.position} 位",
        )
    return locked


# --- verification --------------------------------------------------------------------------------


@dataclass
class VerifyReport:
    draw_id: int
    revealed: bool
    hash_ok: bool = False
    rounds_checked: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.revealed and self.hash_ok and not self.problems


def draw_verify(draw: DrawRequest, *, seed: str | None = None) -> VerifyReport:
    """Re-run every round from the revealed seed (or one supplied by an auditor) and compare
    with what was recorded and invited. Reads only."""
    seed = seed or draw.revealed_seed
    report = VerifyReport(draw.pk, revealed=seed is not None)
    if seed is None:
        report.problems.append("种子尚未公开（评审开始后公开）")
        return report
    report.hash_ok = rules.seed_commitment(seed) == draw.seed_hash
    if not report.hash_ok:
        report.problems.append("种子与事先公布的哈希值不符")
    invited: dict[int, list[int]] = {}
    for rid, eid in DrawInvitation.objects.filter(draw=draw).values_list("round_id", "expert_id"):
        invited.setdefault(rid, []).append(eid)
    for rnd in draw.rounds.order_by("number"):
        report.rounds_checked += 1
        if rules.eligible_digest(rnd.eligible_ids) != rnd.eligible_digest:
            report.problems.append(f"第 {rnd.number} 轮候选名单摘要不符")
        again = rules.draw(seed, rnd.number, rnd.eligible_ids, rnd.wanted)
        if len(rnd.eligible_ids) < rnd.wanted:
            again = []
        if again != list(rnd.picked_ids):
            report.problems.append(f"第 {rnd.number} 轮重新抽取结果与记录不符")
        if sorted(invited.get(rnd.pk, [])) != sorted(rnd.picked_ids):
            report.problems.append(f"第 {rnd.number} 轮邀请的专家与抽取结果不符")
    return report
