"""API of the experts app: the expert database, pool sharing, draws and invitations."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from zhengcai.accounts.access import require_role
from zhengcai.accounts.auth import api_auth
from zhengcai.accounts.constants import Role
from zhengcai.accounts.models import Organization, Region, User
from zhengcai.core.errors import InvalidInput, NotFound
from zhengcai.core.http import request_user
from zhengcai.core.schemas import API_ERRORS, ErrorOut, StrictIn
from zhengcai.experts import access, selectors, services
from zhengcai.experts import constants as c
from zhengcai.experts.models import DrawRequest, ExpertIncident, ExpertProfile, ExpertRating
from zhengcai.experts.rules import RecordSummary

router = Router(auth=api_auth(), tags=["experts"])

MAX_PAGE = 200


def _region(code: str, field: str = "region_code") -> Region:
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise InvalidInput("区划代码不存在", code="region_unknown", detail={"field": field})
    return region


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


def _profile_out(p: ExpertProfile) -> ProfileOut:
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


def _draw_out(user: User, d: DrawRequest) -> DrawOut:
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


# --- the expert database -------------------------------------------------------------------------


class ProfileFilter(Schema):
    status: c.ExpertStatus | None = None
    region: str | None = Field(default=None, max_length=12)
    specialty: str | None = Field(default=None, max_length=9)
    q: str | None = Field(default=None, max_length=60)
    limit: int = Field(default=50, ge=1, le=MAX_PAGE)
    offset: int = Field(default=0, ge=0)


@router.get(
    "/profiles", response={200: ProfilePage, API_ERRORS: ErrorOut}, summary="专家库（监管范围）"
)
def profile_list(request: HttpRequest, filters: Query[ProfileFilter]) -> ProfilePage:
    user = require_role(request_user(request), Role.ADMIN, Role.REGULATOR, Role.SUPERVISOR)
    qs = access.profiles_visible(user).prefetch_related("specialties")
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.region:
        qs = qs.filter(region__code=filters.region)
    if filters.specialty:
        qs = qs.filter(specialties__code__startswith=filters.specialty.upper()).distinct()
    if filters.q:
        qs = qs.filter(user__display_name__contains=filters.q)
    items = qs.order_by("pk")[filters.offset : filters.offset + filters.limit]
    return ProfilePage(count=qs.count(), items=[_profile_out(p) for p in items])


@router.post(
    "/profiles", response={201: ProfileOut, API_ERRORS: ErrorOut}, summary="登记专家（待审核）"
)
def profile_create(request: HttpRequest, payload: ProfileIn) -> Status[ProfileOut]:
    user = require_role(request_user(request), Role.ADMIN, Role.REGULATOR)
    region = _region(payload.region_code)
    if user.role != Role.ADMIN and (user.region is None or not user.region.contains(region)):
        raise NotFound("区划不在您的管理范围内", code="outside_region")
    target = User.objects.filter(pk=payload.user_id, role=Role.EXPERT).first()
    if target is None:
        raise InvalidInput("用户不存在或不是评审专家", code="user_invalid")
    profile = services.expert_register(
        actor=user,
        user=target,
        id_number=payload.id_number,
        region=region,
        certificate_no=payload.certificate_no,
        certificate_expires=payload.certificate_expires,
        specialties=payload.specialties,
        employer_name=payload.employer_name,
        title=payload.title,
        title_level=payload.title_level,
        years_in_field=payload.years_in_field,
        training_status=payload.training_status,
    )
    return Status(201, _profile_out(profile))


@router.get(
    "/profiles/me", response={200: ProfileOut, API_ERRORS: ErrorOut}, summary="我的专家档案"
)
def profile_me(request: HttpRequest) -> ProfileOut:
    return _profile_out(access.own_profile(request_user(request)))


@router.post(
    "/profiles/me/unavailability",
    response={201: ProfileOut, API_ERRORS: ErrorOut},
    summary="登记不可参加评审的日期",
)
def profile_me_unavailable(request: HttpRequest, payload: UnavailabilityIn) -> Status[ProfileOut]:
    user = request_user(request)
    profile = access.own_profile(user)
    services.unavailability_add(
        actor=user, profile=profile, start=payload.start, end=payload.end, reason=payload.reason
    )
    return Status(201, _profile_out(profile))


def _conflict(request: HttpRequest, profile: ExpertProfile, payload: ConflictIn) -> ProfileOut:
    org = Organization.objects.filter(pk=payload.organization_id).first()
    if org is None:
        raise InvalidInput("单位不存在", code="organization_invalid")
    services.conflict_add(
        actor=request_user(request),
        profile=profile,
        organization=org,
        kind=payload.kind,
        until=payload.until,
        note=payload.note,
    )
    return _profile_out(profile)


@router.post(
    "/profiles/me/conflicts",
    response={201: ProfileOut, API_ERRORS: ErrorOut},
    summary="申报回避关系（条例 9；198号 16）",
)
def profile_me_conflict(request: HttpRequest, payload: ConflictIn) -> Status[ProfileOut]:
    return Status(201, _conflict(request, access.own_profile(request_user(request)), payload))


@router.get(
    "/profiles/{int:profile_id}", response={200: ProfileOut, API_ERRORS: ErrorOut}, summary="专家"
)
def profile_get(request: HttpRequest, profile_id: int) -> ProfileOut:
    return _profile_out(access.access_profile(user=request_user(request), pk=profile_id))


@router.post(
    "/profiles/{int:profile_id}/status",
    response={200: ProfileOut, API_ERRORS: ErrorOut},
    summary="变更专家状态（审核、暂停、禁止、解聘）",
)
def profile_status(request: HttpRequest, profile_id: int, payload: StatusIn) -> ProfileOut:
    user = request_user(request)
    profile = access.access_profile(user=user, pk=profile_id, action="manage")
    return _profile_out(
        services.expert_set_status(
            actor=user, profile=profile, status=payload.status, reason=payload.reason
        )
    )


@router.post(
    "/profiles/{int:profile_id}/conflicts",
    response={201: ProfileOut, API_ERRORS: ErrorOut},
    summary="记录回避关系",
)
def profile_conflict(
    request: HttpRequest, profile_id: int, payload: ConflictIn
) -> Status[ProfileOut]:
    profile = access.access_profile(user=request_user(request), pk=profile_id, action="manage")
    return Status(201, _conflict(request, profile, payload))


@router.post(
    "/pool-shares",
    response={200: ShareOut, API_ERRORS: ErrorOut},
    summary="同意（或撤回）其他地区使用本地专家库",
)
def pool_share(request: HttpRequest, payload: ShareIn) -> ShareOut:
    share = services.pool_share_set(
        actor=require_role(request_user(request), Role.ADMIN, Role.REGULATOR),
        owner_region=_region(payload.owner_region_code, "owner_region_code"),
        grantee_region=_region(payload.grantee_region_code, "grantee_region_code"),
        active=payload.active,
    )
    return ShareOut(
        owner_region_code=payload.owner_region_code,
        grantee_region_code=payload.grantee_region_code,
        status=share.status,
    )


# --- draws ---------------------------------------------------------------------------------------


@router.post(
    "/draws",
    response={201: DrawOut, API_ERRORS: ErrorOut},
    summary="申请抽取专家（先公布随机种子的 SHA-256）",
)
def draw_create(request: HttpRequest, payload: DrawIn) -> Status[DrawOut]:
    user = require_role(request_user(request), Role.AGENCY)
    purchaser = Organization.objects.filter(pk=payload.purchaser_id).first()
    if purchaser is None:
        raise InvalidInput("采购人不存在", code="purchaser_invalid")
    draw = services.draw_request_create(
        actor=user,
        purchaser=purchaser,
        project_name=payload.project_name,
        project_code=payload.project_code,
        specialty_codes=payload.specialty_codes,
        evaluation_at=payload.evaluation_at,
        place=payload.place,
        count=payload.count,
        purchaser_reps=payload.purchaser_reps,
        procedure=payload.procedure,
        budget=payload.budget,
        technically_complex=payload.technically_complex,
        bidder_ids=payload.bidder_ids,
        urgent_exception=payload.urgent_exception,
        confirm_minutes=payload.confirm_minutes,
    )
    return Status(201, _draw_out(user, draw))


@router.get("/draws", response={200: list[DrawOut], API_ERRORS: ErrorOut}, summary="抽取申请")
def draw_list(request: HttpRequest) -> list[DrawOut]:
    user = request_user(request)
    return [_draw_out(user, d) for d in access.draws_visible(user)[:MAX_PAGE]]


@router.get(
    "/draws/{int:draw_id}", response={200: DrawOut, API_ERRORS: ErrorOut}, summary="抽取申请详情"
)
def draw_get(request: HttpRequest, draw_id: int) -> DrawOut:
    user = request_user(request)
    return _draw_out(user, access.access_draw(user=user, pk=draw_id))


@router.post(
    "/draws/{int:draw_id}/bidders",
    response={200: DrawOut, API_ERRORS: ErrorOut},
    summary="设置投标供应商（用于回避）",
)
def draw_bidders(request: HttpRequest, draw_id: int, payload: BiddersIn) -> DrawOut:
    user = request_user(request)
    draw = access.access_draw(user=user, pk=draw_id, action="manage")
    return _draw_out(
        user, services.draw_set_bidders(actor=user, draw=draw, bidder_ids=payload.bidder_ids)
    )


@router.post(
    "/draws/{int:draw_id}/execute",
    response={200: DrawOut, API_ERRORS: ErrorOut},
    summary="执行抽取并通知专家",
)
def draw_execute(request: HttpRequest, draw_id: int) -> DrawOut:
    user = request_user(request)
    draw = access.access_draw(user=user, pk=draw_id, action="manage")
    return _draw_out(user, services.draw_execute(actor=user, draw=draw))


@router.post(
    "/draws/{int:draw_id}/cancel",
    response={200: DrawOut, API_ERRORS: ErrorOut},
    summary="取消抽取（公开种子）",
)
def draw_cancel(request: HttpRequest, draw_id: int, payload: ReasonIn) -> DrawOut:
    user = request_user(request)
    draw = access.access_draw(user=user, pk=draw_id, action="manage")
    return _draw_out(user, services.draw_cancel(actor=user, draw=draw, reason=payload.reason))


@router.get(
    "/draws/{int:draw_id}/verify",
    response={200: VerifyOut, API_ERRORS: ErrorOut},
    summary="用公开的种子复核抽取结果",
)
def draw_verify(request: HttpRequest, draw_id: int) -> VerifyOut:
    draw = access.access_draw(user=request_user(request), pk=draw_id)
    r = services.draw_verify(draw)
    return VerifyOut(
        ok=r.ok,
        revealed=r.revealed,
        hash_ok=r.hash_ok,
        rounds_checked=r.rounds_checked,
        problems=r.problems,
    )


# --- invitations (the expert's side) -------------------------------------------------------------


@router.get(
    "/invitations", response={200: list[MyInvitationOut], API_ERRORS: ErrorOut}, summary="我的邀请"
)
def invitation_list(request: HttpRequest) -> list[MyInvitationOut]:
    from zhengcai.experts.selectors import invitations_for_expert

    profile = access.own_profile(request_user(request))
    return [
        MyInvitationOut(
            id=i.pk,
            draw_id=i.draw_id,
            project_name=i.draw.project_name,
            agency_name=i.draw.agency.name,
            evaluation_at=i.draw.evaluation_at,
            place=i.draw.place,
            status=i.status,
            deadline=i.deadline,
        )
        for i in invitations_for_expert(profile)[:MAX_PAGE]
    ]


@router.post(
    "/invitations/{int:invitation_id}/respond",
    response={200: MyInvitationOut, API_ERRORS: ErrorOut},
    summary="确认或拒绝参加评审",
)
def invitation_respond(
    request: HttpRequest, invitation_id: int, payload: RespondIn
) -> MyInvitationOut:
    user = request_user(request)
    inv = access.access_invitation(user=user, pk=invitation_id)
    inv = services.invitation_respond(
        actor=user, invitation=inv, accept=payload.accept, note=payload.note
    )
    return MyInvitationOut(
        id=inv.pk,
        draw_id=inv.draw_id,
        project_name=inv.draw.project_name,
        agency_name=inv.draw.agency.name,
        evaluation_at=inv.draw.evaluation_at,
        place=inv.draw.place,
        status=inv.status,
        deadline=inv.deadline,
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


def _rating_out(r: ExpertRating) -> RatingOut:
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


def _incident_out(i: ExpertIncident) -> IncidentOut:
    return IncidentOut(
        id=i.pk,
        expert_id=i.expert_id,
        kind=i.kind,
        reference=i.reference,
        occurred_on=i.occurred_on,
        note=i.note,
        created_at=i.created_at,
    )


def _summary_out(s: RecordSummary) -> SummaryOut:
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


@router.post(
    "/draws/{int:draw_id}/ratings",
    response={201: RatingOut, API_ERRORS: ErrorOut},
    summary="记录专家履职情况（评审后 5 个工作日内，198号 21）",
)
def rating_create(request: HttpRequest, draw_id: int, payload: RatingIn) -> Status[RatingOut]:
    user = request_user(request)
    draw = access.access_draw(user=user, pk=draw_id)
    expert = ExpertProfile.objects.filter(pk=payload.expert_id).first()
    if expert is None:
        raise InvalidInput("专家不存在", code=c.ERR_NOT_RATEABLE)
    rating = services.rating_create(
        actor=user,
        draw=draw,
        expert=expert,
        attendance=payload.attendance,
        quality=payload.quality,
        flags=[str(f) for f in payload.flags],
        note=payload.note,
    )
    return Status(201, _rating_out(rating))


@router.get(
    "/draws/{int:draw_id}/ratings",
    response={200: list[RatingOut], API_ERRORS: ErrorOut},
    summary="本次评审的专家履职评价",
)
def rating_list(request: HttpRequest, draw_id: int) -> list[RatingOut]:
    user = request_user(request)
    draw = access.access_draw(user=user, pk=draw_id)
    if not access.draw_names_visible(user, draw):
        return []
    return [_rating_out(r) for r in selectors.ratings_for_draw(draw)]


@router.get(
    "/ratings/mine", response={200: list[RatingOut], API_ERRORS: ErrorOut}, summary="我的履职评价"
)
def rating_mine(request: HttpRequest) -> list[RatingOut]:
    qs = access.own_ratings(request_user(request)).order_by("-created_at", "-pk")
    return [_rating_out(r) for r in qs[:MAX_PAGE]]


@router.post(
    "/ratings/{int:rating_id}/reply",
    response={200: RatingOut, API_ERRORS: ErrorOut},
    summary="专家对履职评价作出说明",
)
def rating_reply(request: HttpRequest, rating_id: int, payload: ReplyIn) -> RatingOut:
    user = request_user(request)
    rating = access.access_own_rating(user=user, pk=rating_id)
    return _rating_out(services.rating_reply(actor=user, rating=rating, text=payload.text))


@router.get(
    "/profiles/{int:profile_id}/record",
    response={200: RecordOut, API_ERRORS: ErrorOut},
    summary="专家履职记录与处理建议",
)
def profile_record(request: HttpRequest, profile_id: int) -> RecordOut:
    profile = access.access_profile(user=request_user(request), pk=profile_id)
    rec = selectors.expert_record(profile)
    return RecordOut(
        expert_id=profile.pk,
        since=rec.since,
        summary=_summary_out(rec.summary),
        suggestion=rec.suggestion,
        suggestion_reason=rec.suggestion_text,
        ratings=[_rating_out(r) for r in rec.ratings],
        incidents=[_incident_out(i) for i in rec.incidents],
    )


@router.post(
    "/profiles/{int:profile_id}/incidents",
    response={201: IncidentOut, API_ERRORS: ErrorOut},
    summary="记录专家不良行为（如投诉成立）",
)
def profile_incident(
    request: HttpRequest, profile_id: int, payload: IncidentIn
) -> Status[IncidentOut]:
    user = request_user(request)
    profile = access.access_profile(user=user, pk=profile_id, action="manage")
    row = services.incident_record(
        actor=user,
        profile=profile,
        kind=payload.kind,
        reference=payload.reference,
        occurred_on=payload.occurred_on,
        note=payload.note,
    )
    return Status(201, _incident_out(row))


@router.get(
    "/suggestions",
    response={200: list[SuggestionOut], API_ERRORS: ErrorOut},
    summary="建议处理的专家（按监管范围）",
)
def suggestion_list(request: HttpRequest) -> list[SuggestionOut]:
    user = require_role(request_user(request), Role.ADMIN, Role.REGULATOR, Role.SUPERVISOR)
    return [
        SuggestionOut(
            expert_id=s.profile.pk,
            name=s.profile.user.get_full_name(),
            region_code=s.profile.region.code,
            summary=_summary_out(s.summary),
            reasons=s.reasons,
            suggestion_reason=s.reason_text,
        )
        for s in selectors.suggested_experts(access.profiles_visible(user))
    ]
