"""Notices: the notice's fields (87号令 13, 16; 条例 31), publishing a notice, publishing the
project (法 35; 74号令 29, 45; 214号 10)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from zhengcai.accounts.models import User
from zhengcai.core import clock
from zhengcai.core.audit import audit_record
from zhengcai.core.errors import (
    Conflict,
    InvalidInput,
    RuleViolation,
)
from zhengcai.core.workdays import WorkCalendar
from zhengcai.tenders import constants as c
from zhengcai.tenders import (
    prequal_selectors,
    rules,
)
from zhengcai.tenders.models import (
    Lot,
    Notice,
    ProcurementDocument,
    Project,
)
from zhengcai.tenders.services.checks import _require_clean
from zhengcai.tenders.services.comments import comment_period_open
from zhengcai.tenders.services.common import (
    _bad_transition,
    _check_version,
    _lock,
    _move,
    _publish_event,
    _require_manager,
)

# =============================================================================================
# Notices
# =============================================================================================


def _evaluation_notice_fields(project: Project, lots: list[Lot]) -> dict[str, Any]:
    """The evaluation method and, for 合理定价评审抽签法 / 全生命周期成本法, the terms the
    documents publish (seed 001: the reasonable price is made known to every bidder)."""
    doc = ProcurementDocument.objects.filter(project=project).first()
    if doc is None:
        return {}
    out: dict[str, Any] = {
        "method": doc.evaluation_method,
        "method_name": str(doc.get_evaluation_method_display()),
    }
    if doc.evaluation_method == c.EvaluationMethod.REASONABLE_PRICE_LOTTERY:
        d = doc.lottery_discount
        out["lottery_discount"] = str(d) if d is not None else ""
        out["lots"] = [
            {
                "number": lot.number,
                "reviewed_budget": str(lot.reviewed_budget or ""),
                "reasonable_price": str(rules.reasonable_price(lot.reviewed_budget, d))
                if lot.reviewed_budget is not None and d is not None
                else "",
            }
            for lot in lots
        ]
    elif doc.evaluation_method == c.EvaluationMethod.LIFE_CYCLE_COST:
        rate = doc.life_cycle_discount_rate
        out["service_life_years"] = doc.service_life_years
        out["life_cycle_costs"] = doc.life_cycle_costs
        out["life_cycle_discount_rate"] = str(rate) if rate is not None else ""
    return out


def notice_fields(project: Project) -> dict[str, Any]:
    """The required fields of a 招标公告 (87号令 13; 条例 30; 格式规范 ⚠), rules.md §7."""
    cfg = project.method_config
    lots = list(project.lots.all())
    return {
        "project_no": project.project_no,
        "project_name": project.name,
        "method": cfg.name,
        "purchaser": {
            "name": project.purchaser.name,
            "address": project.purchaser.address,
            "contact": project.purchaser.contact_name,
            "phone": project.purchaser.contact_phone,
        },
        "agency": {
            "name": project.agency.name,
            "address": project.agency.address,
            "contact": project.contact_name or project.agency.contact_name,
            "phone": project.contact_phone or project.agency.contact_phone,
        },
        "budget": str(project.budget),
        "evaluation": _evaluation_notice_fields(project, lots),
        "lots": [
            {
                "number": lot.number,
                "name": lot.name,
                "budget": str(lot.budget),
                "ceiling_price": str(lot.ceiling_price) if lot.ceiling_price is not None else "",
                "quantity": str(lot.quantity),
                "unit": lot.unit,
                "requirements": lot.requirements,
                "sme_reserved": lot.sme_reserved,
                "bid_bond": str(lot.bid_bond_amount),
            }
            for lot in lots
        ],
        "requirements": project.document.requirements if hasattr(project, "document") else "",
        "qualifications": project.document.qualifications if hasattr(project, "document") else "",
        "sme_reservation": project.get_sme_reservation_display(),
        "sme_reserved_percent": str(project.sme_reserved_percent),
        "accepts_consortium": project.accepts_consortium,
        "contract_period": project.contract_period,
        "documents": {
            "how": "登录本平台在线获取（免费）",
            "from": project.documents_from.isoformat() if project.documents_from else "",
            "until": project.documents_until.isoformat() if project.documents_until else "",
            "price": "0",
        },
        "display_until": project.notice_display_until.isoformat()
        if project.notice_display_until
        else "",
        "bid_deadline": project.bid_deadline.isoformat() if project.bid_deadline else "",
        "opening_at": project.opening_at.isoformat() if project.opening_at else "",
        "opening_place": project.opening_place,
        "clarification_cutoff": project.clarification_cutoff.isoformat()
        if project.clarification_cutoff
        else "",
        "min_suppliers": {
            "to_open": rules.min_suppliers_to_open(cfg, project.two_supplier_basis),
            "to_continue": rules.min_suppliers_to_continue(cfg, project.two_supplier_basis),
            "two_supplier_basis": project.get_two_supplier_basis_display()
            if rules.two_supplier_allowed(cfg, project.two_supplier_basis)
            else "",
            "article": rules.two_supplier_article(project.two_supplier_basis)
            if rules.two_supplier_allowed(cfg, project.two_supplier_basis)
            else "",
            "note": cfg.min_suppliers_note,
        },
    }


def _notice(
    *,
    actor: User | None,
    project: Project,
    kind: str,
    title: str,
    fields: dict[str, Any],
    body: str = "",
    corrects: Notice | None = None,
    display_until: dt.date | None = None,
) -> Notice:
    notice = Notice.objects.create(
        project=project,
        kind=kind,
        title=title[:300],
        fields=fields,
        body=body,
        corrects=corrects,
        published_at=clock.now(),
        display_until=display_until,
        published_by=actor,
    )
    _publish_event(
        f"notice.{kind}",
        notice,
        {"project_no": project.project_no, "title": notice.title, "kind": kind},
    )
    audit_record(
        actor=actor,
        action=f"notice.{kind}",
        obj=notice,
        organization=project.agency,
        after={"project": project.pk, "title": notice.title},
    )
    return notice


@transaction.atomic
def project_publish(
    *,
    actor: User,
    project: Project,
    bid_deadline: dt.datetime,
    opening_place: str = "",
    expected_version: int | None = None,
) -> Project:
    """Publish the notice and open the documents. The deadline must leave the statutory
    period (法 35; 74号令 29, 45; 214号 10); notice display and document availability are
    computed with the working-day calendar (87号令 16; 条例 31)."""
    locked = _lock(project)
    _require_manager(actor, locked)
    _check_version(locked, expected_version)
    if locked.status != c.ProjectStatus.DOCUMENTS_READY:
        raise _bad_transition(c.ProjectStatus, locked.status, c.ProjectStatus.PUBLISHED, "项目")
    doc = ProcurementDocument.objects.select_for_update().get(project=locked)
    _require_clean(doc)
    if doc.status != c.DocumentStatus.FINAL or doc.rendered_version != doc.version:
        raise Conflict("采购文件须先定稿", code=c.ERR_NO_DOCUMENT)
    if comment_period_open(locked):
        raise Conflict(
            f"采购文件征求意见期至 {locked.public_comment_until:%Y-%m-%d}，期满后方可发布公告",
            code=c.ERR_COMMENT_PERIOD_RUNNING,
            detail={"until": f"{locked.public_comment_until:%Y-%m-%d}"},
        )
    if bid_deadline.tzinfo is None:
        raise InvalidInput("截止时间须带时区", code="datetime_invalid")
    deadline = bid_deadline.astimezone(clock.SHANGHAI)
    cfg = locked.method_config
    prequal_selectors.require_invitation(locked)  # 邀请招标: the 20 days run from it (法 34–35)
    cal = WorkCalendar.load()
    now = clock.now()
    today = now.date()
    if deadline <= now:
        raise InvalidInput("截止时间须晚于当前时间", code="datetime_invalid")
    problem = rules.deadline_problem(cal, cfg, today, deadline.date())
    if problem:
        t = rules.timeline(cal, cfg, today)
        raise RuleViolation(
            problem,
            code=c.ERR_PERIOD_TOO_SHORT,
            detail={"earliest": t.earliest_deadline.isoformat() if t.earliest_deadline else None},
        )
    t = rules.timeline(cal, cfg, today)
    rules.require_certain_timeline(cal, t, deadline.date())  # 暂定 years refused (rules.md §0)
    if cfg.has_opening and not (opening_place.strip() or locked.opening_place):
        raise InvalidInput("请填写开标地点", code="opening_place_required")
    locked.notice_published_at = now
    locked.notice_display_until = t.notice_display_until
    locked.documents_from = now
    docs_until = t.documents_until or deadline.date()
    locked.documents_until = min(max(docs_until, today), deadline.date())
    locked.bid_deadline = deadline
    locked.opening_at = deadline if cfg.has_opening else None
    if opening_place.strip():
        locked.opening_place = opening_place.strip()[:200]
    locked.clarification_cutoff = rules.clarification_cutoff(cal, cfg, deadline.date())
    locked.next_check = deadline
    _move(
        actor=actor,
        project=locked,
        to_status=c.ProjectStatus.PUBLISHED,
        bid_deadline=deadline,
        method=cfg.key,
    )
    if cfg.notice_kind is not None:
        kind = c.NoticeKind(cfg.notice_kind)
        _notice(
            actor=actor,
            project=locked,
            kind=kind,
            title=f"{locked.purchaser.name}{locked.name}{kind.label}",
            fields=notice_fields(locked),
            display_until=locked.notice_display_until,
        )
    return locked
