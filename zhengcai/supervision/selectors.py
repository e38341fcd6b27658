"""Reads of supervision: the satisfaction figures of the agency assessment."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Avg, Count, Q, QuerySet

from zhengcai.archives.services import CLOSED
from zhengcai.bidding.selectors import participated_project_ids
from zhengcai.supervision import constants as c
from zhengcai.supervision import rules
from zhengcai.supervision.models import SatisfactionSurvey
from zhengcai.tenders.constants import ProjectStatus

if TYPE_CHECKING:
    from zhengcai.accounts.models import Organization, User
    from zhengcai.tenders.models import Project


@dataclass
class AgencyFigures:
    agency: Organization
    purchaser: rules.Rate = field(default_factory=lambda: rules.Rate(0, 0))
    supplier: rules.Rate = field(default_factory=lambda: rules.Rate(0, 0))
    aspects: dict[str, Decimal | None] = field(default_factory=dict)
    ended: int = 0
    awarded: int = 0

    @property
    def aspect_values(self) -> list[Decimal | None]:
        return [self.aspects.get(k) for k, _ in c.ASPECTS]

    @property
    def success(self) -> rules.Rate:
        """采购成功率: ended projects with a result over all ended projects."""
        return rules.Rate(self.ended, self.awarded)


def agency_figures(agencies: QuerySet[Organization]) -> list[AgencyFigures]:
    """The seeds' assessment indicators per agency, in three grouped queries."""
    from zhengcai.tenders.models import Project

    rows = {a.pk: AgencyFigures(agency=a) for a in agencies.order_by("name", "pk")}
    if not rows:
        return []
    surveys = (
        SatisfactionSurvey.objects.filter(agency_id__in=rows)
        .values("agency_id", "rater_role")
        .annotate(n=Count("pk"), ok=Count("pk", filter=Q(satisfied=True)))
    )
    for s in surveys:
        rate = rules.Rate(s["n"], s["ok"])
        fig = rows[s["agency_id"]]
        if s["rater_role"] == c.RaterRole.PURCHASER:
            fig.purchaser = rate
        else:
            fig.supplier = rate
    aspects = (
        SatisfactionSurvey.objects.filter(agency_id__in=rows)
        .values("agency_id")
        .annotate(**{k: Avg(k) for k, _ in c.ASPECTS})
    )
    for a in aspects:
        rows[a["agency_id"]].aspects = {
            k: Decimal(str(a[k])).quantize(Decimal("0.01")) if a[k] is not None else None
            for k, _ in c.ASPECTS
        }
    ended = (
        Project.objects.filter(agency_id__in=rows, status__in=CLOSED)
        .values("agency_id")
        .annotate(n=Count("pk"), ok=Count("pk", filter=Q(status=ProjectStatus.AWARDED)))
    )
    for e in ended:
        rows[e["agency_id"]].ended = e["n"]
        rows[e["agency_id"]].awarded = e["ok"]
    return list(rows.values())


def surveys_to_give(user: User, projects: QuerySet[Project]) -> list[Project]:
    """Ended projects the user's organization took part in and has not rated yet."""
    if user.organization_id is None:
        return []
    qs = projects.filter(status__in=CLOSED)
    if user.role == "purchaser":
        qs = qs.filter(purchaser_id=user.organization_id)
    elif user.role == "supplier":
        qs = qs.filter(pk__in=participated_project_ids(user))
    else:
        return []
    done = SatisfactionSurvey.objects.filter(organization_id=user.organization_id).values(
        "project_id"
    )
    return list(qs.exclude(pk__in=done).select_related("agency").order_by("-pk")[:100])


def surveys_given(user: User) -> QuerySet[SatisfactionSurvey]:
    if user.organization_id is None:
        return SatisfactionSurvey.objects.none()
    return SatisfactionSurvey.objects.filter(organization_id=user.organization_id).select_related(
        "project", "agency"
    )
