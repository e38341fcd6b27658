"""Vocabularies, TRANSITIONS tables and stable error codes of the tenders app."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

# Re-exported: the method vocabulary lives in zhengcai.methods.codes.
from zhengcai.methods.codes import TWO_SUPPLIER_ARTICLES as TWO_SUPPLIER_ARTICLES
from zhengcai.methods.codes import EvaluationMethod as EvaluationMethod
from zhengcai.methods.codes import NoticeKind as NoticeKind
from zhengcai.methods.codes import TwoSupplierBasis as TwoSupplierBasis


class ObjectKind(models.TextChoices):
    """Project property by the first letter of the 品目 code (87号令 7; rules.md §9)."""

    GOODS = "goods", _("货物")
    WORKS = "works", _("工程")
    SERVICES = "services", _("服务")


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
ERR_EVALUATION_METHOD_LOCAL = "local_evaluation_method_not_enabled"
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
ERR_FINDING_NOT_JUSTIFIABLE = "finding_not_justifiable"
ERR_CORRECTION_SCOPE = "correction_changes_subject_or_qualifications"
ERR_REASON_REQUIRED = "reason_required"
ERR_COMMENT_CLOSED = "comment_period_closed"
ERR_COMMENT_NOT_OPEN = "comment_period_not_open"
ERR_COMMENT_PERIOD_RUNNING = "comment_period_running"
ERR_TWO_SUPPLIER_METHOD = "two_supplier_method_not_allowed"
ERR_TWO_SUPPLIER_KIND = "two_supplier_object_kind"

# Audit labels of the tenders actions (core.constants collects them).
AUDIT_ACTION_LABELS = {
    "finding.fixed": _("审查问题已修改"),
    "finding.justified": _("书面说明理由保留条款（报监管部门备查）"),
    "document.draft": _("采购文件退回编制"),
    "document.final": _("采购文件定稿"),
    "notice.superseded": _("公告已被更正"),
    "prequal.corrected": _("资格预审公告已更正"),
}
# --- 邀请招标: the prequalification call (法 34; 87号令 14; 条例 21) --------------------------


class PrequalSource(models.TextChoices):
    """How the list of qualified suppliers is built (87号令 14 ¶1)."""

    PREQUALIFICATION = "prequalification", _("发布资格预审公告征集")
    DATABASE = "database", _("从省级以上财政部门供应商库中选取")
    RECOMMENDATION = "recommendation", _("采购人书面推荐")


class PrequalStatus(models.TextChoices):
    OPEN = "open", _("接受资格预审申请")
    REVIEWED = "reviewed", _("资格预审完成")
    DRAWN = "drawn", _("已随机抽取")
    INVITED = "invited", _("已发出投标邀请")
    FAILED = "failed", _("资格预审失败（合格供应商不足）")


# Moved by `tenders.prequal_services.prequal_transition` (the bidding app reviews and draws).
PREQUAL_TRANSITIONS: dict[str, set[str]] = {
    PrequalStatus.OPEN: {PrequalStatus.REVIEWED, PrequalStatus.FAILED},
    PrequalStatus.REVIEWED: {PrequalStatus.DRAWN, PrequalStatus.FAILED},
    PrequalStatus.DRAWN: {PrequalStatus.INVITED},
    PrequalStatus.INVITED: set(),
    PrequalStatus.FAILED: set(),
}

ERR_PREQUAL_NOT_APPLICABLE = "prequalification_not_applicable"
ERR_PREQUAL_EXISTS = "prequalification_exists"
ERR_PREQUAL_WINDOW = "prequalification_window_too_short"
ERR_INVITATION_REQUIRED = "invitation_required"
