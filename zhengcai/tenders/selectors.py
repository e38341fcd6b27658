"""Reads of the tenders app. Scoped reads start from `access.*_visible`; the public ones
return only what the portal shows."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet

from zhengcai.accounts.constants import Role
from zhengcai.accounts.models import Organization, User
from zhengcai.core import clock
from zhengcai.core.errors import NotFound
from zhengcai.core.models import AuditEntry
from zhengcai.tenders import access
from zhengcai.tenders import constants as c
from zhengcai.tenders.models import (
    Clarification,
    ComplianceFinding,
    DocumentComment,
    DocumentDownload,
    Lot,
    Notice,
    ProcurementDocument,
    Project,
    PublicationEvent,
)


def project_list(
    user: User, *, status: str | None = None, q: str | None = None
) -> QuerySet[Project]:
    qs = access.projects_visible(user)
    if status:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(project_no__icontains=q))
    return qs.order_by("-created_at", "-id")


def public_notices(*, q: str | None = None, kind: str | None = None) -> QuerySet[Notice]:
    qs = Notice.objects.select_related("project__purchaser", "project__agency")
    if kind:
        qs = qs.filter(kind=kind)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(project__project_no__icontains=q))
    return qs.order_by("-published_at", "-id")


def public_notice_get(pk: int) -> Notice | None:
    return public_notices().filter(pk=pk).first()


def project_document_holders(project: Project) -> QuerySet[Organization]:
    """The suppliers who obtained the documents (for the bidding app and, after the deadline,
    the agency). Never shown to suppliers or the public before the deadline (87号令 28 ⚠)."""
    return Organization.objects.filter(
        pk__in=DocumentDownload.objects.filter(project=project).values("supplier_id")
    ).order_by("pk")


def project_downloads(project: Project) -> QuerySet[DocumentDownload]:
    return project.downloads.select_related("supplier", "user").order_by("downloaded_at", "id")


def project_findings(project: Project) -> QuerySet[ComplianceFinding]:
    return project.findings.select_related("resolved_by").order_by("status", "found_at", "id")


def clarifications_for(user: User, project: Project) -> QuerySet[Clarification]:
    qs = project.clarifications.select_related("notice").order_by("asked_at", "id")
    if user.role == Role.SUPPLIER:
        return qs.filter(
            Q(status=c.ClarificationStatus.ANSWERED) | Q(supplier_id=user.organization_id)
        )
    return qs


def public_clarifications(project: Project) -> QuerySet[Clarification]:
    return project.clarifications.filter(status=c.ClarificationStatus.ANSWERED).order_by(
        "answered_at", "id"
    )


def supplier_has_document(user: User, project: Project) -> bool:
    return (
        user.role == Role.SUPPLIER
        and DocumentDownload.objects.filter(
            project=project, supplier_id=user.organization_id
        ).exists()
    )


def feed(*, after: int = 0, limit: int = 100) -> QuerySet[PublicationEvent]:
    """The public feed: events after sequence `after`, in order (never skips, rule 11)."""
    return PublicationEvent.objects.filter(seq__gt=after).order_by("seq")[:limit]


# --- public comment on the documents (采购文件征求意见) ---------------------------------------


def projects_under_comment() -> QuerySet[Project]:
    """Projects whose finalized documents are open for public comment today (public)."""
    return (
        Project.objects.select_related("purchaser", "agency")
        .filter(
            status=c.ProjectStatus.DOCUMENTS_READY,
            public_comment_until__gte=clock.today(),
        )
        .order_by("public_comment_until", "id")
    )


def document_of(project: Project) -> ProcurementDocument | None:
    """The project's procurement documents, if any have been built."""
    return ProcurementDocument.objects.filter(project=project).first()


def project_timeline(project: Project) -> QuerySet[AuditEntry]:
    """The project's own audit entries, in chain order (its history on the project page)."""
    return AuditEntry.objects.filter(
        object_type=project._meta.label_lower, object_id=str(project.pk)
    ).order_by("seq")


def public_project_under_comment(pk: int) -> Project:
    """The public's way to a project whose documents are (or were, until publication) under
    comment: anyone may read the answered comments then (issue 10)."""
    project = access._under_comment(pk)
    if project is None:
        raise NotFound("该项目的采购文件未在征求意见")
    return project


def comments_for(user: User | None, project: Project) -> QuerySet[DocumentComment]:
    """The agency (and the project's parties, regulators) see every comment with its author;
    a supplier its own and the answered ones; the public only the answered ones."""
    qs = DocumentComment.objects.filter(project=project).select_related(
        "organization", "answered_by"
    )
    if (
        user is not None
        and user.is_authenticated
        and access.can_see_internals(user, project)
        and access.projects_visible(user).filter(pk=project.pk).exists()
    ):
        return qs
    answered = Q(status=c.CommentStatus.ANSWERED)
    if user is not None and user.is_authenticated and user.role == Role.SUPPLIER:
        return qs.filter(answered | Q(organization_id=user.organization_id))
    return qs.filter(answered)


def lottery_terms(lot: Lot) -> tuple[Decimal, Decimal] | None:
    """合理定价评审抽签法 (seed 001): `(reviewed_budget, discount)` as the lot's documents publish
    them — the reasonable price is `reviewed_budget × (1 − discount)` — or None when the
    documents use another method or do not carry both figures yet."""
    doc = ProcurementDocument.objects.filter(project_id=lot.project_id).first()
    if doc is None or doc.evaluation_method != c.EvaluationMethod.REASONABLE_PRICE_LOTTERY:
        return None
    reviewed = Lot.objects.filter(pk=lot.pk).values_list("reviewed_budget", flat=True).first()
    if reviewed is None or doc.lottery_discount is None:
        return None
    return reviewed, doc.lottery_discount


@dataclass(frozen=True)
class LifeCycleTerms:
    service_life_years: int
    costs: str  # what running / disposal costs bidders must quote
    discount_rate: Decimal  # 0 = undiscounted


def life_cycle_terms(project: Project) -> LifeCycleTerms | None:
    """全生命周期成本法 (seed 004): the service life, the costs to quote and the discount rate
    the documents publish, or None when they use another method or lack the service life."""
    doc = ProcurementDocument.objects.filter(project_id=project.pk).first()
    if (
        doc is None
        or doc.evaluation_method != c.EvaluationMethod.LIFE_CYCLE_COST
        or doc.service_life_years is None
    ):
        return None
    return LifeCycleTerms(
        service_life_years=doc.service_life_years,
        costs=doc.life_cycle_costs,
        discount_rate=doc.life_cycle_discount_rate or Decimal(0),
    )
