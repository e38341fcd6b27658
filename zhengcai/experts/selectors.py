"""Reads of the experts app: the candidate snapshot a draw runs over, lists for pages."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from functools import reduce
from operator import or_
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from zhengcai.accounts.constants import Role
from zhengcai.accounts.models import Organization, Region, User
from zhengcai.core import clock
from zhengcai.core.workdays import WorkCalendar
from zhengcai.credit import selectors as credit
from zhengcai.credit.constants import Activity
from zhengcai.experts.constants import (
    Attendance,
    ExpertStatus,
    IncidentKind,
    InvitationStatus,
    ShareStatus,
    policy,
)
from zhengcai.experts.models import (
    DrawInvitation,
    DrawRequest,
    ExpertConflict,
    ExpertIncident,
    ExpertProfile,
    ExpertRating,
    ExpertSpecialty,
    ExpertUnavailability,
    PoolShare,
)
from zhengcai.experts.rules import (
    Candidate,
    ConflictFact,
    DrawContext,
    RecordSummary,
    SuggestionPolicy,
    code_prefixes,
    suggestion_reason_text,
    suspension_suggestion,
)
from zhengcai.plans import selectors as plans


def evaluation_date(draw: DrawRequest) -> dt.date:
    return draw.evaluation_at.astimezone(clock.SHANGHAI).date()


def pool_region_paths(region: Region) -> list[str]:
    """The agency's own region, plus every region that shares its pool with it (or with one of
    its ancestors) with consent."""
    ancestors = [p for p in region.path.split("/") if p]
    shares = PoolShare.objects.filter(
        status=ShareStatus.ACTIVE, grantee_region__code__in=ancestors
    ).select_related("owner_region")
    paths = {region.path, *(s.owner_region.path for s in shares)}
    # Keep the widest paths only (a subtree already covered adds nothing).
    return sorted(p for p in paths if not any(p != q and p.startswith(q) for q in paths))


def draw_context(draw: DrawRequest) -> DrawContext:
    return DrawContext(
        purchaser_id=draw.purchaser_id,
        agency_id=draw.agency_id,
        bidder_ids=frozenset(int(b) for b in draw.bidder_ids),
        evaluation_date=evaluation_date(draw),
        specialty_codes=tuple(draw.specialty_codes),
        region_paths=tuple(draw.region_paths),
        same_purchaser_max=int(policy("SAME_PURCHASER_MAX")),
        max_age=int(policy("MAX_AGE")),
        require_exam_passed=bool(policy("REQUIRE_EXAM_PASSED")),
    )


def prefiltered_profiles(draw: DrawRequest) -> QuerySet[ExpertProfile]:
    """A coarse, indexed pre-filter (active, in the pool's regions, a matching 品目); the pure
    rules then decide every candidate it returns."""
    regions = reduce(or_, (Q(region__path__startswith=p) for p in draw.region_paths))
    spec = reduce(
        or_,
        (Q(code__startswith=c) | Q(code__in=code_prefixes(c)) for c in draw.specialty_codes),
    )
    return ExpertProfile.objects.filter(regions, status=ExpertStatus.ACTIVE).filter(
        pk__in=ExpertSpecialty.objects.filter(spec).values("profile_id")
    )


def _credit_bans(user_ids: list[int], on: dt.date) -> dict[int, str]:
    """Experts the credit record bars from evaluating (条例 75) today or on the evaluation
    day: user id → the refusal's message (credit.selectors.refusal, activity 参加评审)."""
    out: dict[int, str] = {}
    for u in User.objects.filter(pk__in=user_ids).order_by("pk"):
        for day in dict.fromkeys((clock.today(), on)):
            found = credit.refusal(activity=Activity.EVALUATE, person=u, on=day)
            if found is not None:
                out[u.pk] = found.message
                break
    return out


def draw_candidates(draw: DrawRequest) -> list[Candidate]:
    """The snapshot of every pre-filtered expert, with what the eligibility rules need."""
    ctx = draw_context(draw)
    on = ctx.evaluation_date
    base = prefiltered_profiles(draw)
    ids = base.values("pk")
    rows = list(
        base.values_list(
            "pk",
            "status",
            "region__path",
            "certificate_expires",
            "training_status",
            "birth_date",
            "user__organization_id",
            "user__organization__kind",
            "appointment_ends",
            "user_id",
        )
    )
    bans = _credit_bans([r[-1] for r in rows], on)
    specialties: dict[int, list[str]] = defaultdict(list)
    for pid, code in ExpertSpecialty.objects.filter(profile_id__in=ids).values_list(
        "profile_id", "code"
    ):
        specialties[pid].append(code)
    parties = [ctx.purchaser_id, ctx.agency_id, *ctx.bidder_ids]
    conflicts: dict[int, list[ConflictFact]] = defaultdict(list)
    for pid, org, kind, until in ExpertConflict.objects.filter(
        profile_id__in=ids, organization_id__in=parties
    ).values_list("profile_id", "organization_id", "kind", "until"):
        conflicts[pid].append(ConflictFact(org, kind, until))
    unavailable: dict[int, list[tuple[dt.date, dt.date]]] = defaultdict(list)
    for pid, start, end in ExpertUnavailability.objects.filter(
        profile_id__in=ids, start__lte=on, end__gte=on
    ).values_list("profile_id", "start", "end"):
        unavailable[pid].append((start, end))
    window_start = on - dt.timedelta(days=int(policy("SAME_PURCHASER_WINDOW_DAYS")))
    served = dict(
        DrawInvitation.objects.filter(
            expert_id__in=ids,
            status=InvitationStatus.CONFIRMED,
            draw__purchaser_id=ctx.purchaser_id,
            draw__evaluation_at__date__gte=window_start,
        )
        .exclude(draw_id=draw.pk)
        .values("expert_id")
        .annotate(n=Count("pk"))
        .values_list("expert_id", "n")
    )
    day_start = dt.datetime.combine(on, dt.time.min, tzinfo=clock.SHANGHAI)
    busy = set(
        DrawInvitation.objects.filter(
            expert_id__in=ids,
            status=InvitationStatus.CONFIRMED,
            draw__evaluation_at__gte=day_start,
            draw__evaluation_at__lt=day_start + dt.timedelta(days=1),
        )
        .exclude(draw_id=draw.pk)
        .values_list("expert_id", flat=True)
    )
    return [
        Candidate(
            id=pk,
            status=status,
            region_path=path,
            specialties=tuple(specialties.get(pk, ())),
            certificate_expires=cert,
            training_status=training,
            birth_date=birth,
            employer_id=org_id,
            employer_kind=org_kind,
            conflicts=tuple(conflicts.get(pk, ())),
            unavailable=tuple(unavailable.get(pk, ())),
            purchaser_services=int(served.get(pk, 0)),
            busy_dates=frozenset({on}) if pk in busy else frozenset(),
            appointment_ends=appointment,
            credit_ban=bans.get(uid, ""),
        )
        for pk, status, path, cert, training, birth, org_id, org_kind, appointment, uid in rows
    ]


def invitations_for_expert(profile: ExpertProfile) -> QuerySet[DrawInvitation]:
    return (
        DrawInvitation.objects.filter(expert=profile)
        .select_related("draw", "draw__agency")
        .order_by("-draw__evaluation_at", "-pk")
    )


# --- performance records (198号 21; 条例 62) ---------------------------------------------------


def suggestion_policy() -> SuggestionPolicy:
    return SuggestionPolicy(
        window_days=int(policy("RECORD_WINDOW_DAYS")),
        absent_min=int(policy("SUGGEST_ABSENT_MIN")),
        late_min=int(policy("SUGGEST_LATE_MIN")),
        left_early_min=int(policy("SUGGEST_LEFT_EARLY_MIN")),
        serious_flags_min=int(policy("SUGGEST_SERIOUS_FLAGS_MIN")),
        complaints_min=int(policy("SUGGEST_COMPLAINTS_MIN")),
        quality_below=Decimal(str(policy("SUGGEST_QUALITY_BELOW"))),
        quality_min_ratings=int(policy("SUGGEST_QUALITY_MIN_RATINGS")),
    )


def record_since(pol: SuggestionPolicy) -> dt.datetime:
    """Start of the record period: evaluations from this moment on count."""
    start = clock.today() - dt.timedelta(days=pol.window_days)
    return dt.datetime.combine(start, dt.time.min, tzinfo=clock.SHANGHAI)


def rating_last_day(draw: DrawRequest, cal: WorkCalendar | None = None) -> dt.date:
    """The last day a rating may be recorded: the Nth working day after the evaluation day."""
    cal = cal or WorkCalendar.load()
    return cal.add_working_days(evaluation_date(draw), int(policy("RATING_WINDOW_WORKDAYS")))


def _draws(**condition: Any) -> Count:
    """Evaluations (distinct draws) with a rating matching `condition`."""
    return Count("draw", filter=Q(**condition), distinct=True)


# Mirrors rules.record_summary (a test holds them equal).
_RATING_AGGREGATES = {
    "ratings": Count("pk"),
    "evaluations": Count("draw", distinct=True),
    "on_time": _draws(attendance=Attendance.ON_TIME),
    "late": _draws(attendance=Attendance.LATE),
    "absent": _draws(attendance=Attendance.ABSENT),
    "left_early": _draws(attendance=Attendance.LEFT_EARLY),
    "quality_count": Count("quality"),
    "quality_sum": Coalesce(Sum("quality"), 0),
    "outlier": _draws(flag_outlier=True),
    "discipline": _draws(flag_discipline=True),
    "disclosure": _draws(flag_disclosure=True),
    "other_flags": _draws(flag_other=True),
}
_INCIDENT_AGGREGATES = {
    "complaints_upheld": Count("pk", filter=Q(kind=IncidentKind.COMPLAINT_UPHELD)),
    "other_incidents": Count("pk", filter=~Q(kind=IncidentKind.COMPLAINT_UPHELD)),
}


def summaries(
    profile_ids: QuerySet[Any] | list[int], since: dt.datetime
) -> dict[int, RecordSummary]:
    """Record summaries of many experts in two grouped queries (evaluations, and incidents,
    from `since`). Experts without any record are absent from the result."""
    out: dict[int, dict[str, int]] = defaultdict(dict)
    for row in (
        ExpertRating.objects.filter(expert_id__in=profile_ids, draw__evaluation_at__gte=since)
        .values("expert_id")
        .annotate(**_RATING_AGGREGATES)
        .order_by()
    ):
        out[row.pop("expert_id")].update(row)
    for row in (
        ExpertIncident.objects.filter(expert_id__in=profile_ids, occurred_on__gte=since.date())
        .values("expert_id")
        .annotate(**_INCIDENT_AGGREGATES)
        .order_by()
    ):
        out[row.pop("expert_id")].update(row)
    return {pk: RecordSummary(**values) for pk, values in out.items()}


@dataclass
class ExpertRecord:
    profile: ExpertProfile
    since: dt.datetime
    summary: RecordSummary
    suggestion: list[str] | None
    ratings: list[ExpertRating]
    incidents: list[ExpertIncident]

    @property
    def suggestion_text(self) -> str:
        return suggestion_reason_text(self.suggestion) if self.suggestion else ""


def expert_record(profile: ExpertProfile, *, limit: int = 100) -> ExpertRecord:
    """What the expert's record page shows: the summary over the policy period, the platform's
    suggestion, and the latest ratings (with replies) and incidents."""
    pol = suggestion_policy()
    since = record_since(pol)
    summary = summaries([profile.pk], since).get(profile.pk, RecordSummary())
    ratings = list(
        profile.ratings.select_related("draw", "rater_org").order_by("-draw__evaluation_at", "-pk")[
            :limit
        ]
    )
    incidents = list(profile.incidents.select_related("recorded_by")[:limit])
    return ExpertRecord(
        profile=profile,
        since=since,
        summary=summary,
        suggestion=suspension_suggestion(summary, pol),
        ratings=ratings,
        incidents=incidents,
    )


@dataclass
class Suggested:
    profile: ExpertProfile
    summary: RecordSummary
    reasons: list[str]

    @property
    def reason_text(self) -> str:
        return suggestion_reason_text(self.reasons)


def suggested_experts(scope: QuerySet[ExpertProfile], *, limit: int = 500) -> list[Suggested]:
    """Active experts in `scope` (the regulator's region, via access.profiles_visible) whose
    record triggers a suspension suggestion. Three queries whatever the size of the scope."""
    pol = suggestion_policy()
    active = scope.filter(status=ExpertStatus.ACTIVE)
    found: dict[int, tuple[RecordSummary, list[str]]] = {}
    for pk, summary in summaries(active.values("pk"), record_since(pol)).items():
        reasons = suspension_suggestion(summary, pol)
        if reasons:
            found[pk] = (summary, reasons)
    profiles = active.filter(pk__in=list(found)).order_by("pk")[:limit]
    return [Suggested(p, *found[p.pk]) for p in profiles]


def ratings_for_draw(draw: DrawRequest) -> QuerySet[ExpertRating]:
    return draw.ratings.select_related("expert__user", "rater_org", "created_by").order_by(
        "expert_id", "side"
    )


def confirmed_experts(draw: DrawRequest) -> list[ExpertProfile]:
    """The experts who confirmed and sat for the draw (the ones that can be rated)."""
    return [
        inv.expert
        for inv in draw.invitations.filter(status=InvitationStatus.CONFIRMED)
        .select_related("expert__user")
        .order_by("position")
    ]


def panel_threshold(*, purchaser: Organization, item_code: str, on: dt.date) -> Decimal | None:
    """The threshold that decides a panel's size (74号令 7): the 公开招标数额标准 in force on `on`
    for the purchaser's region and level (catalog, dated, nearest region wins); for works
    (品目 B) the 招标规模标准 (发改委令第16号). None when no threshold is known."""
    if not item_code:
        return None
    found = plans.works_standard(
        organization=purchaser, item_code=item_code, works_related=False, on=on
    )
    if found is not None:
        return found.amount
    return plans.open_tender_threshold(organization=purchaser, item_code=item_code, on=on)


# --- objects named in a request body (the edges look them up here, not with the ORM) -----------


def region_by_code(code: str) -> Region | None:
    return Region.objects.filter(code=code).first()


def expert_user(pk: int) -> User | None:
    """A user account of the expert role (the one a profile is registered for)."""
    return User.objects.filter(pk=pk, role=Role.EXPERT).first()


def organization(pk: int) -> Organization | None:
    return Organization.objects.filter(pk=pk).first()


def profile_by_pk(pk: int) -> ExpertProfile | None:
    return ExpertProfile.objects.filter(pk=pk).first()


def drawn_profile(draw: DrawRequest, pk: int) -> ExpertProfile | None:
    """The profile `pk` when it was invited in `draw` (any round, any answer), else None."""
    return ExpertProfile.objects.filter(pk=pk, invitations__draw=draw).first()
