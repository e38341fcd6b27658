"""Vocabularies, TRANSITIONS tables and stable error codes of the tenders app."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ObjectKind(models.TextChoices):
    """Project property by the first letter of the 品目 code (87号令 7; rules.md §9)."""

    GOODS = "goods", _("货物")
    WORKS = "works", _("工程")
    SERVICES = "services", _("服务")


class EvaluationMethod(models.TextChoices):
    LOWEST_PRICE = "lowest_price", _("最低评标价法")
    COMPREHENSIVE = "comprehensive", _("综合评分法")
    REASONABLE_PRICE_LOTTERY = "reasonable_price_lottery", _("合理定价评审抽签法")
    LOWEST_QUOTE = "lowest_quote", _("最低报价成交")
    NEGOTIATED_PRICE = "negotiated_price", _("协商确定成交价")
    LIFE_CYCLE_COST = "life_cycle_cost", _("全生命周期成本法")


class ProjectStatus(models.TextChoices):
    DRAFT = "draft", _("编制中")
    DOCUMENTS_READY = "documents_ready", _("采购文件已定稿")
    PUBLISHED = "published", _("公告发布中")
    BIDDING_CLOSED = "bidding_closed", _("已截止")
    OPENED = "opened", _("已开标")
    EVALUATING = "evaluating", _("评审中")
    AWARDED = "awarded", _("已确定中标（成交）")
    FAILED = "failed", _("废标/采购失败")
    TERMINATED = "terminated", _("已终止")


# One door per state change (design §4 rule 2). Clarifications and corrections happen while
# the project is PUBLISHED (no separate status: they do not change what a party may do).
# The post-opening statuses are moved by the bidding / evaluation / awards apps through
# `tenders.services.project_transition`.
PROJECT_TRANSITIONS: dict[str, set[str]] = {
    ProjectStatus.DRAFT: {ProjectStatus.DOCUMENTS_READY, ProjectStatus.TERMINATED},
    ProjectStatus.DOCUMENTS_READY: {
        ProjectStatus.DRAFT,
        ProjectStatus.PUBLISHED,
        ProjectStatus.TERMINATED,
    },
    ProjectStatus.PUBLISHED: {ProjectStatus.BIDDING_CLOSED, ProjectStatus.TERMINATED},
    ProjectStatus.BIDDING_CLOSED: {
        ProjectStatus.OPENED,
        ProjectStatus.EVALUATING,  # methods without an opening go straight to review
        ProjectStatus.FAILED,
        ProjectStatus.TERMINATED,
    },
    ProjectStatus.OPENED: {
        ProjectStatus.EVALUATING,
        ProjectStatus.FAILED,
        ProjectStatus.TERMINATED,
    },
    ProjectStatus.EVALUATING: {
        ProjectStatus.AWARDED,
        ProjectStatus.FAILED,
        ProjectStatus.TERMINATED,
    },
    ProjectStatus.AWARDED: set(),
    # A failed procurement is closed with a 终止公告 (87号令 29; 74号令 37), then procured anew.
    ProjectStatus.FAILED: {ProjectStatus.TERMINATED},
    ProjectStatus.TERMINATED: set(),
}
PROJECT_EDITABLE_STATUSES = {ProjectStatus.DRAFT, ProjectStatus.DOCUMENTS_READY}
# Statuses in which suppliers may obtain the documents and ask questions.
PROJECT_OPEN_STATUSES = {ProjectStatus.PUBLISHED}
PROJECT_PUBLIC_STATUSES = {
    ProjectStatus.PUBLISHED,
    ProjectStatus.BIDDING_CLOSED,
    ProjectStatus.OPENED,
    ProjectStatus.EVALUATING,
    ProjectStatus.AWARDED,
    ProjectStatus.FAILED,
    ProjectStatus.TERMINATED,
}


class LotStatus(models.TextChoices):
    ACTIVE = "active", _("进行中")
    FAILED = "failed", _("废标")
    AWARDED = "awarded", _("已成交")
    TERMINATED = "terminated", _("已终止")


LOT_TRANSITIONS: dict[str, set[str]] = {
    LotStatus.ACTIVE: {LotStatus.FAILED, LotStatus.AWARDED, LotStatus.TERMINATED},
    LotStatus.FAILED: set(),
    LotStatus.AWARDED: set(),
    LotStatus.TERMINATED: set(),
}


class SmeReservation(models.TextChoices):
    """Ways to reserve for SMEs (46号 7–8)."""

    NONE = "none", _("不预留")
    WHOLE = "whole", _("整体预留给中小企业")
    LOT = "lot", _("设置专门面向中小企业的采购包")
    CONSORTIUM = "consortium", _("要求联合体中小企业份额")
    SUBCONTRACT = "subcontract", _("要求分包给中小企业")


class TwoSupplierBasis(models.TextChoices):
    """Why a 竞争性磋商 may stand with 2 suppliers instead of 3 (rules.md §2, §4.5).

    * 214号 3（四）: 市场竞争不充分的科研项目，以及需要扶持的科技成果转化项目 — 214号 21 ¶3:
      提交最后报价的供应商可以为2家; 214号 34（三）: not terminated with 2 conforming;
    * 财库〔2015〕124号: 政府购买服务项目（含政府和社会资本合作项目）— with 2 conforming
      suppliers the procedure continues; with 1 it is terminated."""

    NONE = "none", _("不适用（不少于3家）")
    RESEARCH = "research", _("市场竞争不充分的科研项目")
    TECH_TRANSFER = "tech_transfer", _("需要扶持的科技成果转化项目")
    PUBLIC_SERVICE = "public_service", _("政府购买服务项目（含政府和社会资本合作项目）")


# The article each basis rests on (shown with the basis and stored in the audit entry).
TWO_SUPPLIER_ARTICLES: dict[str, str] = {
    TwoSupplierBasis.RESEARCH: "214号 3（四）、21 第三款、34（三）",
    TwoSupplierBasis.TECH_TRANSFER: "214号 3（四）、21 第三款、34（三）",
    TwoSupplierBasis.PUBLIC_SERVICE: "214号 3（一）；财库〔2015〕124号",
}


class DocumentStatus(models.TextChoices):
    DRAFT = "draft", _("编制中")
    FINAL = "final", _("已定稿")


DOCUMENT_TRANSITIONS: dict[str, set[str]] = {
    DocumentStatus.DRAFT: {DocumentStatus.FINAL},
    DocumentStatus.FINAL: {DocumentStatus.DRAFT},
}


class FindingStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    FIXED = "fixed", _("已修改")
    JUSTIFIED = "justified", _("已书面说明理由")


FINDING_TRANSITIONS: dict[str, set[str]] = {
    FindingStatus.OPEN: {FindingStatus.FIXED, FindingStatus.JUSTIFIED},
    FindingStatus.FIXED: set(),
    FindingStatus.JUSTIFIED: set(),
}


class NoticeKind(models.TextChoices):
    TENDER = "tender", _("招标公告")
    PREQUALIFICATION = "prequalification", _("资格预审公告")
    NEGOTIATION = "negotiation", _("竞争性谈判公告")
    CONSULTATION = "consultation", _("竞争性磋商公告")
    RFQ = "rfq", _("询价公告")
    FRAMEWORK = "framework", _("框架协议征集公告")
    CORRECTION = "correction", _("更正公告")
    TERMINATION = "termination", _("终止公告")


class NoticeStatus(models.TextChoices):
    PUBLISHED = "published", _("已发布")
    SUPERSEDED = "superseded", _("已被更正")


NOTICE_TRANSITIONS: dict[str, set[str]] = {
    NoticeStatus.PUBLISHED: {NoticeStatus.SUPERSEDED},
    NoticeStatus.SUPERSEDED: set(),
}


class ClarificationStatus(models.TextChoices):
    ASKED = "asked", _("待答复")
    ANSWERED = "answered", _("已答复并发布")


CLARIFICATION_TRANSITIONS: dict[str, set[str]] = {
    ClarificationStatus.ASKED: {ClarificationStatus.ANSWERED},
    ClarificationStatus.ANSWERED: set(),
}


class CommentStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待答复")
    ANSWERED = "answered", _("已答复")


COMMENT_TRANSITIONS: dict[str, set[str]] = {
    CommentStatus.SUBMITTED: {CommentStatus.ANSWERED},
    CommentStatus.ANSWERED: set(),
}

# --- defaults (⚠ configurable) --------------------------------------------------------------

# Bid bond at most 2% of the budget (条例 33).
BID_BOND_MAX_RATE_PERCENT = 2
# Public comment on the documents for large projects (platform practice ⚠): projects whose
# budget reaches this amount may open a comment period before publication.
DEFAULT_PUBLIC_COMMENT_THRESHOLD = "10000000.00"

# The document terms each evaluation method needs (services.document_update keys); the terms
# of a method are refused under another and cleared when the method changes.
LOTTERY_TERMS = ("lottery_discount", "reviewed_budgets")
LIFE_CYCLE_TERMS = ("service_life_years", "life_cycle_costs", "life_cycle_discount_rate")
METHOD_TERMS: dict[str, tuple[str, ...]] = {
    EvaluationMethod.REASONABLE_PRICE_LOTTERY: LOTTERY_TERMS,
    EvaluationMethod.LIFE_CYCLE_COST: LIFE_CYCLE_TERMS,
}
MAX_SERVICE_LIFE_YEARS = 50

# --- stable error codes ---------------------------------------------------------------------
ERR_BAD_TRANSITION = "bad_transition"
ERR_NOT_EDITABLE = "not_editable"
ERR_COMMISSION_NOT_ACCEPTED = "commission_not_accepted"
ERR_PROJECT_EXISTS = "project_exists"
ERR_METHOD_UNSUPPORTED = "method_unsupported"
ERR_LOTS_OVER_BUDGET = "lots_over_budget"
ERR_CEILING_OVER_BUDGET = "ceiling_over_budget"
ERR_NO_LOTS = "no_lots"
ERR_NO_DOCUMENT = "no_document"
ERR_BOND_TOO_HIGH = "bid_bond_too_high"
ERR_FACTORS_INVALID = "factors_invalid"
ERR_EVALUATION_METHOD = "evaluation_method_not_allowed"
ERR_METHOD_TERMS_INVALID = "method_terms_invalid"
ERR_METHOD_TERMS_NOT_APPLICABLE = "method_terms_not_applicable"
ERR_METHOD_TERMS_MISSING = "method_terms_missing"
ERR_REVIEWED_BUDGET = "reviewed_budget_over_budget"
ERR_FINDINGS_OPEN = "compliance_findings_open"
ERR_NOT_CHECKED = "compliance_not_checked"
ERR_PERIOD_TOO_SHORT = "period_too_short"
ERR_NOT_OPEN = "project_not_open"
ERR_CLARIFICATION_CLOSED = "clarification_closed"
ERR_JUSTIFICATION_REQUIRED = "justification_required"
ERR_REASON_REQUIRED = "reason_required"
ERR_COMMENT_CLOSED = "comment_period_closed"
ERR_COMMENT_NOT_OPEN = "comment_period_not_open"
ERR_COMMENT_PERIOD_RUNNING = "comment_period_running"
ERR_TWO_SUPPLIER_METHOD = "two_supplier_method_not_allowed"
ERR_TWO_SUPPLIER_KIND = "two_supplier_object_kind"
