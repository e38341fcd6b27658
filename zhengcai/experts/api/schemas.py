"""Request and response schemas of the experts API, and the functions that fill them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Schema
from pydantic import Field

from zhengcai.accounts.models import User
from zhengcai.core.schemas import StrictIn
from zhengcai.experts import access
from zhengcai.experts import constants as c
from zhengcai.experts.models import DrawRequest, ExpertIncident, ExpertProfile, ExpertRating
from zhengcai.experts.rules import RecordSummary

# --- schemas -------------------------------------------------------------------------------------


class ProfileOut(Schema):
    id: int
    user_id: int
    name: str
    id_number_masked: str
    employer_name: str
    employer_id: int | None
    title: str
    title_level: str
    years_in_field: int
    region_code: str
    specialties: list[str]
    certificate_no: str
    certificate_expires: dt.date | None
    training_status: str
    status: str
    status_label: str
    status_reason: str
    version: int


class ProfilePage(Schema):
    count: int
    items: list[ProfileOut]


class ProfileIn(StrictIn):
    user_id: int
    id_number: str = Field(min_length=18, max_length=18)
    region_code: str = Field(max_length=12)
    certificate_no: str = Field(min_length=1, max_length=40)
    certificate_expires: dt.date | None = None
    specialties: list[str] = Field(min_length=1, max_length=50)
    employer_name: str = Field(default="", max_length=200)
    title: str = Field(default="", max_length=60)
    title_level: c.TitleLevel = c.TitleLevel.OTHER
    years_in_field: int = Field(default=0, ge=0, le=80)
    training_status: c.TrainingStatus = c.TrainingStatus.NONE


class StatusIn(StrictIn):
    status: c.ExpertStatus
    reason: str = Field(min_length=1, max_length=500)


class UnavailabilityIn(StrictIn):
    start: dt.date
    end: dt.date
    reason: str = Field(default="", max_length=200)


class ConflictIn(StrictIn):
    organization_id: int
    kind: c.ConflictKind
    until: dt.date | None = None
    note: str = Field(default="", max_length=200)


class ShareIn(StrictIn):
    owner_region_code: str = Field(max_length=12)
    grantee_region_code: str = Field(max_length=12)
    active: bool = True


class ShareOut(Schema):
    owner_region_code: str
    grantee_region_code: str
    status: str


class DrawIn(StrictIn):
    purchaser_id: int
    project_name: str = Field(min_length=1, max_length=200)
    project_code: str = Field(default="", max_length=60)
    specialty_codes: list[str] = Field(min_length=1, max_length=20)
    evaluation_at: dt.datetime
    place: str = Field(default="", max_length=200)
    count: int = Field(ge=1, le=49)
    purchaser_reps: int = Field(default=0, ge=0, le=10)
    procedure: c.Procedure = c.Procedure.TENDER
    budget: Decimal = Field(ge=0, max_digits=16, decimal_places=2)
    technically_complex: bool = False
    bidder_ids: list[int] = Field(default_factory=list, max_length=200)
    urgent_exception: str = Field(default="", max_length=200)
    confirm_minutes: int | None = Field(default=None, ge=5, le=24 * 60)
    method: str = Field(default="", max_length=16)  # the panel rule of the method (74号令 7)
    item_code: str = Field(default="", max_length=9)  # whose threshold applies; default 1st code


class BiddersIn(StrictIn):
    bidder_ids: list[int] = Field(max_length=200)


class ReasonIn(StrictIn):
    reason: str = Field(min_length=1, max_length=300)


class InvitationOut(Schema):
    id: int
    position: int
    status: str
    deadline: dt.datetime
    responded_at: dt.datetime | None
    notified: bool
    expert_name: str | None  # None until the evaluation starts


class RoundOut(Schema):
    number: int
    reason: str
    eligible: int
    eligible_digest: str
    excluded: dict[str, int]
    wanted: int
    picked: int


class DrawOut(Schema):
    id: int
    status: str
    status_label: str
    status_reason: str
    agency_id: int
    purchaser_id: int
    project_name: str
    project_code: str
    specialty_codes: list[str]
    evaluation_at: dt.datetime
    count: int
    purchaser_reps: int
    seed_hash: str
    seed: str | None  # revealed at the evaluation start (or on cancellation)
    names_visible: bool
    rounds: list[RoundOut]
    invitations: list[InvitationOut]


class VerifyOut(Schema):
    ok: bool
    revealed: bool
    hash_ok: bool
    rounds_checked: int
    problems: list[str]


class RespondIn(StrictIn):
    accept: bool
    note: str = Field(default="", max_length=300)


class MyInvitationOut(Schema):
    id: int
    draw_id: int
    project_name: str
    agency_name: str
    evaluation_at: dt.datetime
    place: str
    status: str
    deadline: dt.datetime


def profile_out(p: ExpertProfile) -> ProfileOut:
    return ProfileOut(
        id=p.pk,
        user_id=p.user_id,
        name=p.user.get_full_name(),
        id_number_masked=p.id_number_masked,
        employer_name=p.employer_name,
        employer_id=p.user.organization_id,
        title=p.title,
        title_level=p.title_level,
        years_in_field=p.years_in_field,
        region_code=p.region.code,
        specialties=[s.code for s in p.specialties.all()],
        certificate_no=p.certificate_no,
        certificate_expires=p.certificate_expires,
        training_status=p.training_status,
        status=p.status,
        status_label=str(c.ExpertStatus(p.status).label),
        status_reason=p.status_reason,
        version=p.version,
    )


def draw_out(user: User, d: DrawRequest) -> DrawOut:
    show = access.draw_names_visible(user, d)
    invitations = d.invitations.select_related("expert__user").order_by("position")
    return DrawOut(
        id=d.pk,
        status=d.status,
        status_label=str(c.DrawStatus(d.status).label),
        status_reason=d.status_reason,
        agency_id=d.agency_id,
        purchaser_id=d.purchaser_id,
        project_name=d.project_name,
        project_code=d.project_code,
        specialty_codes=list(d.specialty_codes),
        evaluation_at=d.evaluation_at,
        count=d.count,
        purchaser_reps=d.purchaser_reps,
        seed_hash=d.seed_hash,
        seed=d.revealed_seed,
        names_visible=show,
        rounds=[
            RoundOut(
                number=r.number,
                reason=r.reason,
                eligible=len(r.eligible_ids),
                eligible_digest=r.eligible_digest,
                excluded=r.exclusion_summary,
                wanted=r.wanted,
                picked=len(r.picked_ids),
            )
            for r in d.rounds.order_by("number")
        ],
        invitations=[
            InvitationOut(
                id=i.pk,
                position=i.position,
                status=i.status,
                deadline=i.deadline,
                responded_at=i.responded_at,
                notified=i.notified_at is not None,
                expert_name=i.expert.user.get_full_name() if show else None,
            )
            for i in invitations
        ],
    )


# --- performance records (198号 21; 条例 62) ---------------------------------------------------


class RatingIn(StrictIn):
    expert_id: int
    attendance: c.Attendance
    quality: int | None = Field(default=None, ge=1, le=5, description="评审质量 1–5；缺席时为空")
    flags: list[c.RatingFlag] = Field(default_factory=list, max_length=4)
    note: str = Field(default="", max_length=500)


class ReplyIn(StrictIn):
    text: str = Field(min_length=1, max_length=1000)


class RatingOut(Schema):
    id: int
    draw_id: int
    project_name: str
    evaluation_at: dt.datetime
    expert_id: int
    rater_org_id: int
    rater_org_name: str
    side: str
    attendance: str
    attendance_label: str
    quality: int | None
    flags: list[str]
    note: str
    created_at: dt.datetime
    reply: str
    replied_at: dt.datetime | None


class IncidentIn(StrictIn):
    kind: c.IncidentKind
    reference: str = Field(min_length=1, max_length=200)
    occurred_on: dt.date
    note: str = Field(default="", max_length=500)


class IncidentOut(Schema):
    id: int
    expert_id: int
    kind: str
    reference: str
    occurred_on: dt.date
    note: str
    created_at: dt.datetime


class SummaryOut(Schema):
    ratings: int
    evaluations: int
    on_time: int
    late: int
    absent: int
    left_early: int
    quality_count: int
    quality_avg: Decimal | None
    outlier: int
    discipline: int
    disclosure: int
    other_flags: int
    complaints_upheld: int
    other_incidents: int


class RecordOut(Schema):
    expert_id: int
    since: dt.datetime
    summary: SummaryOut
    suggestion: list[str] | None
    suggestion_reason: str  # prefill for POST /profiles/{id}/status (status "suspended")
    ratings: list[RatingOut]
    incidents: list[IncidentOut]


class SuggestionOut(Schema):
    expert_id: int
    name: str
    region_code: str
    summary: SummaryOut
    reasons: list[str]
    suggestion_reason: str


def rating_out(r: ExpertRating) -> RatingOut:
    return RatingOut(
        id=r.pk,
        draw_id=r.draw_id,
        project_name=r.draw.project_name,
        evaluation_at=r.draw.evaluation_at,
        expert_id=r.expert_id,
        rater_org_id=r.rater_org_id,
        rater_org_name=r.rater_org.name,
        side=r.side,
        attendance=r.attendance,
        attendance_label=str(c.Attendance(r.attendance).label),
        quality=r.quality,
        flags=r.flags,
        note=r.note,
        created_at=r.created_at,
        reply=r.reply,
        replied_at=r.replied_at,
    )


def incident_out(i: ExpertIncident) -> IncidentOut:
    return IncidentOut(
        id=i.pk,
        expert_id=i.expert_id,
        kind=i.kind,
        reference=i.reference,
        occurred_on=i.occurred_on,
        note=i.note,
        created_at=i.created_at,
    )


def summary_out(s: RecordSummary) -> SummaryOut:
    return SummaryOut(
        ratings=s.ratings,
        evaluations=s.evaluations,
        on_time=s.on_time,
        late=s.late,
        absent=s.absent,
        left_early=s.left_early,
        quality_count=s.quality_count,
        quality_avg=s.quality_avg,
        outlier=s.outlier,
        discipline=s.discipline,
        disclosure=s.disclosure,
        other_flags=s.other_flags,
        complaints_upheld=s.complaints_upheld,
        other_incidents=s.other_incidents,
    )
