"""Reads of the awards app. Public for the apps above (contracts): `current_award(lot)` and
`signing_block(lot)`."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from zhengcai.accounts.constants import OrgKind
from zhengcai.accounts.models import Organization
from zhengcai.awards import constants as c
from zhengcai.awards.models import (
    Award,
    Challenge,
    ChallengePolicy,
    Complaint,
    Inquiry,
    ResultNotice,
)
from zhengcai.tenders.models import Lot, Project


def current_award(lot: Lot) -> Award | None:
    """The lot's live award (chosen or announced), or None — none yet, or void (restart)."""
    return (
        Award.objects.filter(lot=lot, status__in=c.LIVE_AWARD)
        .select_related("supplier", "project", "lot")
        .first()
    )


def open_challenges(lot: Lot) -> QuerySet[Challenge]:
    return Challenge.objects.filter(lot=lot, status__in=c.OPEN_CHALLENGE).order_by("filed_at", "pk")


def signing_block(lot: Lot) -> str | None:
    """Why the lot's contract may not be signed now (or performed, if signed), or None.

    - an open 质疑, or an unanswered 询问 about the process or result, that may affect the
      result suspends signing / performance (条例 54);
    - no live award: none chosen yet, or the result is void and the procurement restarts
      (94号令 16);
    - the result notice is not yet published (the contract follows the award notice,
      法 46; 条例 43)."""
    pending = [ch for ch in open_challenges(lot) if ch.may_affect_result]
    if pending:
        nos = "、".join(f"#{ch.pk}" for ch in pending)
        return f"质疑（{nos}）处理期间，可能影响中标（成交）结果，暂停签订（履行）合同（条例 54）"
    blocking = Complaint.objects.filter(lot=lot, status__in=c.BLOCKING_COMPLAINT).order_by("pk")
    if blocking.exists():
        nos = "、".join(f"#{x.pk}" for x in blocking)
        return f"投诉（{nos}）已受理尚未处理完毕或采购活动已暂停，暂停签订合同（法 57；94号令 28）"
    asked = Inquiry.objects.filter(lot=lot, status="asked", may_affect_result=True).order_by("pk")
    if asked.exists():
        nos = "、".join(f"#{q.pk}" for q in asked)
        return f"询问（{nos}）尚未答复，可能影响中标（成交）结果，暂停签订（履行）合同（条例 54）"
    award = current_award(lot)
    if award is None:
        if Award.objects.filter(lot=lot, status=c.AwardStatus.VOID).exists():
            return "中标（成交）结果已作废，须重新开展采购活动（94号令 16）"
        return "尚未确定中标（成交）供应商"
    if award.status == c.AwardStatus.CHOSEN:
        return "中标（成交）结果公告和中标（成交）通知书尚未发出（条例 43）"
    return None


def lot_awards(lot: Lot) -> QuerySet[Award]:
    return Award.objects.filter(lot=lot).order_by("chosen_at", "pk")


def awards_for_agency(org_id: int | None) -> QuerySet[Award]:
    return (
        Award.objects.filter(project__agency_id=org_id)
        .select_related("project", "lot", "supplier")
        .order_by("-chosen_at", "-pk")
    )


def award_get(pk: int) -> Award | None:
    return (
        Award.objects.select_related("project", "lot", "supplier", "evaluation")
        .filter(pk=pk)
        .first()
    )


def challenges_for_answerer(org_id: int | None) -> QuerySet[Challenge]:
    """Challenges the organization answers: as the project's agency or purchaser (法 54)."""
    from django.db.models import Q

    return (
        Challenge.objects.filter(Q(project__agency_id=org_id) | Q(project__purchaser_id=org_id))
        .select_related("project", "lot", "supplier")
        .order_by("-filed_at", "-pk")
    )


def challenges_of_supplier(org_id: int | None) -> QuerySet[Challenge]:
    return (
        Challenge.objects.filter(supplier_id=org_id)
        .select_related("project", "lot")
        .order_by("-filed_at", "-pk")
    )


def challenge_get(pk: int) -> Challenge | None:
    return Challenge.objects.select_related("project", "lot", "supplier").filter(pk=pk).first()


def lot_get(pk: int) -> Lot | None:
    return Lot.objects.select_related("project").filter(pk=pk).first()


def policy(project: Project) -> ChallengePolicy | None:
    return ChallengePolicy.objects.filter(project=project).first()


def public_notices() -> QuerySet[ResultNotice]:
    return (
        ResultNotice.objects.exclude(status=c.NoticeStatus.WITHDRAWN)
        .select_related("award__project")
        .order_by("-published_at", "-pk")
    )


def public_notice_get(pk: int) -> ResultNotice | None:
    return ResultNotice.objects.select_related("award__project").filter(pk=pk).first()


def finance_department(project: Project) -> Organization | None:
    """The finance department at the purchaser's level (the nearest one up the regions)."""
    region: Any = project.purchaser.region
    while region is not None:
        org = (
            Organization.objects.filter(kind=OrgKind.FINANCE, region=region).order_by("pk").first()
        )
        if org is not None:
            return org
        region = region.parent
    return None


def inquiries_visible(org_id: int | None, *, supplier: bool) -> QuerySet[Inquiry]:
    from django.db.models import Q

    qs = Inquiry.objects.select_related("project", "lot", "supplier")
    if supplier:
        return qs.filter(supplier_id=org_id)
    return qs.filter(Q(project__agency_id=org_id) | Q(project__purchaser_id=org_id))


def inquiry_get(pk: int) -> Inquiry | None:
    return Inquiry.objects.select_related("project", "lot", "supplier").filter(pk=pk).first()


def complaints_visible(org_id: int | None) -> QuerySet[Complaint]:
    """The complaints an organization is party to: complainant, respondent or regulator."""
    from django.db.models import Q

    if org_id is None:
        return Complaint.objects.none()
    return (
        Complaint.objects.filter(
            Q(complainant_id=org_id) | Q(regulator_id=org_id) | Q(respondents__id=org_id)
        )
        .distinct()
        .order_by("-filed_at", "-pk")
    )


def complaint_desk(regulator_id: int) -> QuerySet[Complaint]:
    """The regulator's open complaints, the nearest deadline first."""
    return Complaint.objects.filter(
        regulator_id=regulator_id, status__in=c.OPEN_COMPLAINT
    ).order_by("review_due", "pk")


def unfounded_count(complainant_id: int, since: Any) -> int:
    """Complaints of one supplier decided unfounded since `since` (94号令 37 ⚠)."""
    return Complaint.objects.filter(
        complainant_id=complainant_id,
        status=c.ComplaintStatus.DECIDED,
        finding__in=c.UNFOUNDED_FINDINGS,
        decided_at__gte=since,
    ).count()


def public_complaint_decisions() -> QuerySet[Complaint]:
    """Decided complaints: their 投诉处理结果公告 is public (条例 58; 94号令 34)."""
    return (
        Complaint.objects.filter(status=c.ComplaintStatus.DECIDED)
        .select_related("project", "regulator")
        .order_by("-decided_at", "-pk")
    )


def public_complaint_decision(pk: int) -> Complaint | None:
    """One published 投诉处理结果公告 (94号令 34), or None if there is none by that number."""
    return public_complaint_decisions().filter(pk=pk).first()
