"""Performance records of experts: ratings by the agency and purchaser, the expert's reply, and
incidents (198号 21; 条例 62)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction

from zhengcai.accounts.models import User
from zhengcai.core import clock
from zhengcai.core.audit import audit_record
from zhengcai.core.errors import Conflict, InvalidInput, PermissionDenied, RuleViolation
from zhengcai.experts import constants as c
from zhengcai.experts import rules, selectors
from zhengcai.experts.access import can_manage_profile
from zhengcai.experts.models import (
    DrawInvitation,
    DrawRequest,
    ExpertIncident,
    ExpertProfile,
    ExpertRating,
)

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
