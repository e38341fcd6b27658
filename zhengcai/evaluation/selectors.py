"""Reads of the evaluation app for the pages and the API: a user's evaluations, a member's
worklist, a member's sheet for one bid, the summary tables and the supplier's requests."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, QuerySet

from zhengcai.accounts.models import Organization, User
from zhengcai.evaluation import access
from zhengcai.evaluation import constants as c
from zhengcai.evaluation.models import (
    Check,
    Evaluation,
    Flag,
    Member,
    ReviewedBid,
    Score,
    Signature,
)
from zhengcai.experts.constants import DrawStatus
from zhengcai.experts.models import DrawInvitation, DrawRequest
from zhengcai.tenders.constants import LotStatus, ProjectStatus
from zhengcai.tenders.models import Lot

S = c.EvaluationStatus


def evaluations_for_user(user: User) -> QuerySet[Evaluation]:
    return access.visible_evaluations(user).order_by("-opened_at", "-pk")


def lots_ready(user: User) -> list[Lot]:
    """The agency's opened lots still to be evaluated: no live evaluation (the same rule as
    `services.evaluation_open`: a failed or stopped one leaves the lot open)."""
    live = Evaluation.objects.exclude(status__in=c.CLOSED_STATUSES).values("lot_id")
    return list(
        Lot.objects.filter(
            project__agency_id=user.organization_id,
            project__status__in=[ProjectStatus.OPENED, ProjectStatus.EVALUATING],
            status=LotStatus.ACTIVE,
        )
        .exclude(pk__in=live)
        .select_related("project")
        .order_by("-project__bid_deadline", "number")[:100]
    )


def draws_for_lot(lot: Lot) -> QuerySet[DrawRequest]:
    """Completed draws of the lot's agency for its purchaser not yet used by an evaluation
    (a failed one releases its draw)."""
    used = Evaluation.objects.exclude(status=S.FAILED).values("draw_id")
    return (
        DrawRequest.objects.filter(
            agency_id=lot.project.agency_id,
            purchaser_id=lot.project.purchaser_id,
            status=DrawStatus.COMPLETE,
        )
        .exclude(pk__in=used)
        .order_by("-evaluation_at", "-pk")
    )


def evaluation_for_lot(lot_id: int) -> Evaluation | None:
    return Evaluation.objects.filter(lot_id=lot_id).order_by("-pk").first()


def member_for(user: User, ev: Evaluation) -> Member | None:
    return ev.members.filter(user=user).first()


def pending_declarations(user: User) -> QuerySet[Member]:
    """Seats waiting for the user's 回避声明 (before the start)."""
    return Member.objects.filter(
        user=user, declared_at__isnull=True, evaluation__status=S.FORMING
    ).select_related("evaluation__project", "evaluation__lot")


@dataclass
class MemberView:
    pk: int
    name: str  # "专家 N" until the names are visible
    kind: str
    kind_label: str
    is_chair: bool
    declared: bool
    status: str
    status_label: str = ""
    reason: str = ""  # why the seat was vacated (recused / absent / replaced)
    replaces_pk: int | None = None
    replaces_name: str = ""  # the member this replacement took over from
    declared_at: Any = None


def members(ev: Evaluation, viewer: User) -> list[MemberView]:
    visible = access.expert_names_visible(viewer, ev)
    rows = list(ev.members.select_related("user").order_by("position"))

    def shown(m: Member) -> str:
        if visible or m.user_id == viewer.pk:
            return m.user.get_full_name()
        return f"专家 {m.position}"

    by_pk = {m.pk: m for m in rows}
    out = []
    for m in rows:
        old = by_pk.get(m.replaces_id) if m.replaces_id else None
        reason = m.replaced_reason
        if not reason and m.status == c.MemberStatus.RECUSED:
            reason = m.declaration_note
        out.append(
            MemberView(
                m.pk,
                shown(m),
                m.kind,
                m.get_kind_display(),
                m.is_chair,
                m.declared_at is not None,
                m.status,
                status_label=m.get_status_display(),
                reason=reason,
                replaces_pk=m.replaces_id,
                replaces_name=shown(old) if old else "",
                declared_at=m.declared_at,
            )
        )
    return out


@dataclass
class Todo:
    kind: str  # declare | check | score | resubmit | sign
    label: str
    reviewed_bid_id: int | None = None
    factor: str = ""


def worklist(member: Member) -> list[Todo]:
    """What the member still has to do in the evaluation's current status."""
    ev = member.evaluation
    if member.status != c.MemberStatus.ACTIVE:
        return []
    if member.declared_at is None and ev.status in c.REPLACEABLE_STATUSES:
        return [Todo("declare", "作回避声明")]  # a replacement declares first (条例 9)
    if ev.status == S.FORMING:
        return [] if member.declared_at else [Todo("declare", "作回避声明")]
    out: list[Todo] = []
    if ev.status == S.REVIEWING:
        done = set(Check.objects.filter(member=member).values_list("reviewed_bid_id", "stage"))
        stages = [c.Stage.COMPLIANCE]
        if not ev.qualification_by_agency:
            stages.insert(0, c.Stage.QUALIFICATION)
        for rb in ev.bids.select_related("supplier"):
            for st in stages:
                if (rb.pk, st) not in done:
                    out.append(Todo("check", f"{c.Stage(st).label}：{rb.supplier.name}", rb.pk))
    elif ev.status == S.SCORING:
        names = {str(f["name"]) for f in ev.subjective_factors}
        for rb in ev.bids.filter(valid=True).select_related("supplier"):
            have = set(rb.scores.filter(member=member).values_list("factor", flat=True))
            if have != names:
                out.append(Todo("score", f"评分：{rb.supplier.name}", rb.pk))
    elif ev.status == S.CONCLUDING:
        for f in ev.flags.filter(status=c.FlagStatus.OPEN).select_related("reviewed_bid__supplier"):
            out.append(
                Todo(
                    "resubmit",
                    f"复核评分：{f.reviewed_bid.supplier.name}「{f.factor}」",
                    f.reviewed_bid_id,
                    f.factor,
                )
            )
    elif ev.status == S.SIGNING:
        rep = ev.reports.filter(final=False).order_by("-version").first()
        if rep is not None and not rep.signatures.filter(member=member).exists():
            out.append(Todo("sign", "签署评审报告"))
    return out


@dataclass
class SheetRow:
    name: str
    points: Decimal
    objective: bool
    criteria: str
    value: Decimal | None
    note: str
    flagged: bool


def sheet(member: Member, reviewed_bid: ReviewedBid) -> list[SheetRow]:
    ev = member.evaluation
    mine = {s.factor: s for s in Score.objects.filter(member=member, reviewed_bid=reviewed_bid)}
    flagged = set(
        Flag.objects.filter(reviewed_bid=reviewed_bid, status=c.FlagStatus.OPEN).values_list(
            "factor", flat=True
        )
    )
    rows = []
    for f in ev.subjective_factors:
        name = str(f["name"])
        s = mine.get(name)
        rows.append(
            SheetRow(
                name,
                Decimal(str(f["points"])),
                bool(f.get("objective")),
                str(f.get("criteria", "")),
                s.value if s else None,
                s.note if s else "",
                name in flagged,
            )
        )
    return rows


@dataclass
class BidRow:
    rb: ReviewedBid
    checks: dict[str, list[Check]] = field(default_factory=dict)
    scores: dict[int, dict[str, Decimal]] = field(default_factory=dict)  # member → factor → v


def summary(ev: Evaluation) -> list[BidRow]:
    """Every bid with its checks and every member's scores (agency, chair, report pages)."""
    bids = list(ev.bids.select_related("supplier").order_by("order", "pk"))
    checks = Check.objects.filter(reviewed_bid__evaluation=ev).select_related("by")
    scores = Score.objects.filter(reviewed_bid__evaluation=ev)
    rows = {rb.pk: BidRow(rb) for rb in bids}
    for ch in checks:
        rows[ch.reviewed_bid_id].checks.setdefault(ch.stage, []).append(ch)
    for sc in scores:
        rows[sc.reviewed_bid_id].scores.setdefault(sc.member_id, {})[sc.factor] = sc.value
    return [rows[rb.pk] for rb in bids]


def flags(ev: Evaluation) -> QuerySet[Flag]:
    return ev.flags.select_related("reviewed_bid__supplier", "settled_by")


def candidates(ev: Evaluation) -> list[ReviewedBid]:
    from zhengcai.evaluation.services import candidates as _candidates

    return _candidates(ev)


def current_report(ev: Evaluation) -> Any:
    return ev.reports.order_by("-version").first()


def supplier_requests(user: User) -> QuerySet[ReviewedBid]:
    """The supplier's abnormal-low justification requests (87号令 60)."""
    return ReviewedBid.objects.filter(
        supplier_id=user.organization_id, abnormal_low=True
    ).select_related("evaluation__project", "evaluation__lot")


# --- lookups of the edges (the API and the pages ask here, not the ORM) -------------------------


def lot_with_project(pk: int) -> Lot | None:
    return Lot.objects.select_related("project").filter(pk=pk).first()


def draw_of_agency(pk: int, agency_id: int) -> DrawRequest | None:
    return DrawRequest.objects.filter(pk=pk, agency_id=agency_id).first()


def users_by_pk(pks: list[int]) -> list[User]:
    return list(User.objects.filter(pk__in=pks).order_by("pk"))


def purchaser_reps_for_lot(lot: Lot) -> QuerySet[User]:
    """The purchaser's active staff who may sit as its representatives (87号令 45)."""
    from zhengcai.accounts.constants import Role

    return User.objects.filter(
        role=Role.PURCHASER, organization_id=lot.project.purchaser_id, is_active=True
    ).order_by("pk")


def member_of_evaluation(ev: Evaluation, pk: int) -> Member | None:
    return Member.objects.filter(pk=pk, evaluation=ev).first()


def member_get(pk: int) -> Member | None:
    return Member.objects.select_related("evaluation", "user").filter(pk=pk).first()


def seat_of(user: User, evaluation_id: int) -> Member | None:
    return Member.objects.filter(evaluation_id=evaluation_id, user=user).order_by("pk").first()


def memberships(user: User, limit: int = 100) -> list[Member]:
    return list(
        Member.objects.filter(user=user)
        .select_related("evaluation__project", "evaluation__lot", "evaluation__draw")
        .order_by("-evaluation__opened_at", "-pk")[:limit]
    )


def replacement_invitation(pk: int, draw_id: int) -> DrawInvitation | None:
    return DrawInvitation.objects.filter(pk=pk, draw_id=draw_id).first()


def flag_get(pk: int) -> Flag | None:
    return Flag.objects.filter(pk=pk).first()


def organization_get(pk: int) -> Organization | None:
    return Organization.objects.filter(pk=pk).first()


def member_check_counts(ev: Evaluation) -> dict[tuple[int, str], int]:
    """How many verdicts each member gave per stage."""
    return {
        (row["member_id"], row["stage"]): row["n"]
        for row in Check.objects.filter(reviewed_bid__evaluation=ev, member__isnull=False)
        .values("member_id", "stage")
        .annotate(n=Count("id"))
        .order_by("member_id", "stage")
    }


def agency_qualification_count(ev: Evaluation) -> int:
    """Qualification verdicts given by the agency (no member)."""
    return Check.objects.filter(
        reviewed_bid__evaluation=ev, stage=c.Stage.QUALIFICATION, member__isnull=True
    ).count()


def own_checks(ev: Evaluation, stage: str, user: User) -> dict[int, tuple[bool, str]]:
    return {
        ch.reviewed_bid_id: (ch.passed, ch.reason)
        for ch in Check.objects.filter(reviewed_bid__evaluation=ev, stage=stage, by=user)
    }


def signatures_by_member(ev: Evaluation, *, draft_only: bool = False) -> dict[int, Signature]:
    qs = Signature.objects.filter(report__evaluation=ev)
    if draft_only:
        qs = qs.filter(report__final=False)
    return {s.member_id: s for s in qs.order_by("pk")}
