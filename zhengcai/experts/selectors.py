"""Reads of the experts app: the candidate snapshot a draw runs over, lists for pages."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from functools import reduce
from operator import or_

from django.db.models import Count, Q, QuerySet

from zhengcai.accounts.models import Region
from zhengcai.core import clock
from zhengcai.experts.constants import ExpertStatus, InvitationStatus, ShareStatus, policy
from zhengcai.experts.models import (
    DrawInvitation,
    DrawRequest,
    ExpertConflict,
    ExpertProfile,
    ExpertSpecialty,
    ExpertUnavailability,
    PoolShare,
)
from zhengcai.experts.rules import Candidate, ConflictFact, DrawContext, code_prefixes


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
        )
    )
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
        )
        for pk, status, path, cert, training, birth, org_id, org_kind in rows
    ]


def invitations_for_expert(profile: ExpertProfile) -> QuerySet[DrawInvitation]:
    return (
        DrawInvitation.objects.filter(expert=profile)
        .select_related("draw", "draw__agency")
        .order_by("-draw__evaluation_at", "-pk")
    )
