"""Shared helpers of the evaluation services: locks, role checks, the committee check, the
policy snapshot taken at opening."""

from __future__ import annotations

import hashlib
from decimal import Decimal, InvalidOperation
from typing import Any

from zhengcai.accounts.constants import Role
from zhengcai.accounts.models import User
from zhengcai.bidding import constants as bc
from zhengcai.bidding.models import SubmissionWindow
from zhengcai.core import clock
from zhengcai.core.errors import Conflict, InvalidInput, PermissionDenied
from zhengcai.evaluation import constants as c
from zhengcai.evaluation import rules
from zhengcai.evaluation.models import (
    Evaluation,
    Member,
)
from zhengcai.experts import selectors as expert_selectors
from zhengcai.experts import services as expert_services
from zhengcai.tenders import services as tender_services
from zhengcai.tenders import sme_rates
from zhengcai.tenders.constants import (
    EvaluationMethod,
    LotStatus,
    ObjectKind,
    ProjectStatus,
    SmeReservation,
)
from zhengcai.tenders.models import Lot, Project

S = c.EvaluationStatus
ZERO = Decimal(0)
CENT = Decimal("0.01")
# Methods whose ranking needs no member scores: review_close goes straight to CONCLUDING.
SCORED_METHODS = {EvaluationMethod.COMPREHENSIVE}


# --- helpers -------------------------------------------------------------------------------------


def _require_status(ev: Evaluation, *allowed: str) -> None:
    if ev.status not in allowed:
        raise Conflict(
            f"评审当前为「{S(ev.status).label}」，不能进行此操作",
            code=c.ERR_BAD_TRANSITION,
            detail={"status": ev.status, "allowed": list(allowed)},
        )


def _lock(ev: Evaluation) -> Evaluation:
    qs = Evaluation.objects.select_for_update().select_related("project", "lot", "draw")
    return qs.get(pk=ev.pk)


def is_agency(user: User, project: Project) -> bool:
    return user.role == Role.AGENCY and user.organization_id == project.agency_id


def is_purchaser(user: User, project: Project) -> bool:
    return user.role == Role.PURCHASER and user.organization_id == project.purchaser_id


def _require_agency(actor: User, ev: Evaluation) -> None:
    if not is_agency(actor, ev.project):
        raise PermissionDenied("只有本项目的代理机构可以进行此操作")


def _member(actor: User, ev: Evaluation) -> Member:
    m = ev.members.filter(user=actor, status=c.MemberStatus.ACTIVE).first()
    if m is None:
        raise PermissionDenied("您不是本次评审委员会的在任成员", code=c.ERR_NOT_MEMBER)
    return m


def _working_member(actor: User, ev: Evaluation) -> Member:
    """A seated member who has declared (a replacement declares before taking part)."""
    m = _member(actor, ev)
    if m.declared_at is None:
        raise Conflict("请先作回避声明（条例 9）", code=c.ERR_NOT_DECLARED)
    return m


def _require_chair(actor: User, ev: Evaluation) -> Member:
    m = _member(actor, ev)
    if not m.is_chair:
        raise PermissionDenied("只有评审委员会组长可以进行此操作", code=c.ERR_CHAIR)
    return m


def _active(ev: Evaluation) -> list[Member]:
    return list(ev.members.filter(status=c.MemberStatus.ACTIVE).select_related("user"))


def _procedure(project: Project) -> str:
    return project.method_config.evaluation_procedure


def _committee_check(ev: Evaluation, members: list[Member]) -> None:
    """87号令 47; 74号令 7 — the panel of the project's method, by its budget and threshold."""
    p, on = ev.project, ev.project.created_at.astimezone(clock.SHANGHAI).date()
    expert_services.committee_check(
        members=len(members),
        experts=sum(1 for m in members if m.kind == c.MemberKind.EXPERT),
        panel=p.method_config.panel,
        budget=p.budget,
        threshold=expert_selectors.panel_threshold(
            purchaser=p.purchaser, item_code=p.item_code, on=on
        ),
        technically_complex=ev.draw.technically_complex,
    )


def _text(value: str, limit: int) -> str:
    return (value or "").strip()[:limit]


def _project_after_lots(actor: User | None, project: Project, outcome: str) -> None:
    """When every lot is decided: AWARDED if any lot was awarded, else FAILED (法 36)."""
    project.refresh_from_db()
    statuses = set(project.lots.values_list("status", flat=True))
    if LotStatus.ACTIVE in statuses:
        return
    to = ProjectStatus.AWARDED if LotStatus.AWARDED in statuses else ProjectStatus.FAILED
    opened_and_failed = project.status == ProjectStatus.OPENED and to == ProjectStatus.FAILED
    if project.status != ProjectStatus.EVALUATING and not opened_and_failed:
        return
    tender_services.project_transition(
        actor=actor, project=project, to_status=to, evaluation_outcome=outcome
    )


def _policy(project: Project, lot: Lot) -> dict[str, Any]:
    on = project.created_at.astimezone(clock.SHANGHAI).date()
    works = project.object_kind == ObjectKind.WORKS
    small, share = sme_rates.published(project)  # the documents' rates (46号 9; 19号)
    return {
        "on": on.isoformat(),
        "works": works,
        "reserved_for_sme": project.sme_reservation == SmeReservation.WHOLE or lot.sme_reserved,
        "small_micro_rate": str(small),
        "partial_rate": str(share),
        "spread_ratio": str(c.DEFAULT_SPREAD_RATIO),
        "abnormal": rules.abnormal_snapshot(on),  # {} before 2026-02-01: by hand only
        "candidates": c.CANDIDATES,
    }


def _latest_window(project: Project, lot: Lot) -> SubmissionWindow | None:
    """The latest opened window of the project holding bids for the lot (final quotations
    under 谈判/磋商 replace the first bids)."""
    windows = SubmissionWindow.objects.filter(
        project=project, status=bc.WindowStatus.OPENED
    ).order_by("-round_no", "-pk")
    for w in windows:
        if w.bids.filter(participation__lot=lot).exists() or w.kind == bc.WindowKind.BID:
            return w
    return None


def _lottery_terms(
    lot: Lot, discount: Decimal | str | None, reviewed_budget: Decimal | str | None
) -> dict[str, str]:
    """The published terms of 合理定价评审抽签法: 合理价 = 审定预算 × (1 − 下浮率)."""
    try:
        d = Decimal(str(discount)) if discount not in (None, "") else None
        budget = Decimal(str(reviewed_budget)) if reviewed_budget not in (None, "") else lot.budget
    except (InvalidOperation, ValueError) as e:
        raise InvalidInput("下浮率或审定预算不是有效数字", code=c.ERR_LOTTERY_TERMS) from e
    if d is None:
        raise InvalidInput("合理定价评审抽签法须填写采购文件公布的下浮率", code=c.ERR_LOTTERY_TERMS)
    if budget > lot.budget:
        raise InvalidInput("审定预算不能超过采购包预算", code=c.ERR_LOTTERY_TERMS)
    try:
        price = rules.reasonable_price(budget, d)
    except ValueError as e:
        raise InvalidInput(f"合理价参数无效：{e}", code=c.ERR_LOTTERY_TERMS) from e
    return {"discount": str(d), "reviewed_budget": str(budget), "reasonable_price": str(price)}


def _seed_hash(seed: str) -> str:
    return hashlib.sha256(seed.encode()).hexdigest()
