"""Vocabularies, TRANSITIONS tables, configurable defaults and error codes of the plans app."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from zhengcai.methods.codes import BIDDING_LAW as BIDDING_LAW  # re-exported
from zhengcai.methods.codes import Method as Method
from zhengcai.methods.codes import PlanMethod as PlanMethod
from zhengcai.methods.codes import SingleSourceGround as SingleSourceGround


class OrgForm(models.TextChoices):
    """组织形式 (条例 3–4; 法 7, 18)."""

    CENTRAL = "central", _("政府集中采购")
    DEPARTMENT = "department", _("部门集中采购")
    DISPERSED = "dispersed", _("分散采购")


# How centralized a form is: a unit may choose a *more* centralized form than the rules
# require (commission the 集中采购机构 for an item outside the catalogue), never a less
# centralized one (法 18: catalogue items must go to the 集中采购机构).
ORG_FORM_RANK: dict[str, int] = {
    OrgForm.DISPERSED: 0,
    OrgForm.DEPARTMENT: 1,
    OrgForm.CENTRAL: 2,
}


class FundingSource(models.TextChoices):
    GENERAL = "general", _("一般公共预算资金")
    FUND = "fund", _("政府性基金预算资金")
    STATE_CAPITAL = "state_capital", _("国有资本经营预算资金")
    SPECIAL_ACCOUNT = "special_account", _("财政专户管理资金")
    OWN = "own", _("单位自有资金")
    OTHER = "other", _("其他资金")


class BudgetStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待审核")
    APPROVED = "approved", _("已批复")
    RETURNED = "returned", _("已退回")
    CANCELLED = "cancelled", _("已作废")


BUDGET_TRANSITIONS: dict[str, set[str]] = {
    BudgetStatus.DRAFT: {BudgetStatus.SUBMITTED, BudgetStatus.CANCELLED},
    BudgetStatus.SUBMITTED: {BudgetStatus.APPROVED, BudgetStatus.RETURNED},
    BudgetStatus.RETURNED: {BudgetStatus.SUBMITTED, BudgetStatus.CANCELLED},
    BudgetStatus.APPROVED: set(),
    BudgetStatus.CANCELLED: set(),
}
BUDGET_EDITABLE_STATUSES = {BudgetStatus.DRAFT, BudgetStatus.RETURNED}


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待审核")
    APPROVED = "approved", _("已备案")
    RETURNED = "returned", _("已退回")
    COMMISSIONED = "commissioned", _("已委托")
    CANCELLED = "cancelled", _("已撤销")


PLAN_TRANSITIONS: dict[str, set[str]] = {
    PlanStatus.DRAFT: {PlanStatus.SUBMITTED, PlanStatus.CANCELLED},
    PlanStatus.SUBMITTED: {PlanStatus.APPROVED, PlanStatus.RETURNED},
    PlanStatus.RETURNED: {PlanStatus.SUBMITTED, PlanStatus.CANCELLED},
    PlanStatus.APPROVED: {PlanStatus.COMMISSIONED, PlanStatus.CANCELLED},
    # An agency that declines hands the plan back (it may be commissioned again).
    PlanStatus.COMMISSIONED: {PlanStatus.APPROVED},
    PlanStatus.CANCELLED: set(),
}
PLAN_EDITABLE_STATUSES = {PlanStatus.DRAFT, PlanStatus.RETURNED}
# Plans whose amount is committed against the budget line (budget execution "committed").
PLAN_COMMITTED_STATUSES = {PlanStatus.APPROVED, PlanStatus.COMMISSIONED}
# Plans that hold part of the budget line (cannot be planned twice).
PLAN_ACTIVE_STATUSES = {
    PlanStatus.DRAFT,
    PlanStatus.SUBMITTED,
    PlanStatus.APPROVED,
    PlanStatus.RETURNED,
    PlanStatus.COMMISSIONED,
}
# Plans counted by the splitting check (filed with the regulator).
PLAN_FILED_STATUSES = {PlanStatus.SUBMITTED, PlanStatus.APPROVED, PlanStatus.COMMISSIONED}


class IntentionStatus(models.TextChoices):
    PUBLISHED = "published", _("已公开")
    WITHDRAWN = "withdrawn", _("已撤回")


INTENTION_TRANSITIONS: dict[str, set[str]] = {
    IntentionStatus.PUBLISHED: {IntentionStatus.WITHDRAWN},
    IntentionStatus.WITHDRAWN: set(),
}


class ApprovalKind(models.TextChoices):
    METHOD_CHANGE = "method_change", _("变更采购方式")
    SINGLE_SOURCE = "single_source", _("单一来源采购（含公示）")
    IMPORT_PRODUCT = "import_product", _("采购进口产品")
    SPLIT_EXCEPTION = "split_exception", _("化整为零例外")
    CONFIG_EXCEPTION = "config_exception", _("超资产配置标准例外")


# Kinds only a finance department at 设区的市 level or above may decide (法 27; 条例 23;
# 财库〔2007〕119号).
CITY_OR_ABOVE_KINDS = {
    ApprovalKind.METHOD_CHANGE,
    ApprovalKind.SINGLE_SOURCE,
    ApprovalKind.IMPORT_PRODUCT,
}
PLAN_KINDS = {
    ApprovalKind.METHOD_CHANGE,
    ApprovalKind.SINGLE_SOURCE,
    ApprovalKind.IMPORT_PRODUCT,
    ApprovalKind.SPLIT_EXCEPTION,
}


class ApprovalStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLICITY = "publicity", _("公示中")
    CONSENT = "consent", _("待主管预算单位同意")
    SUBMITTED = "submitted", _("待审批")
    APPROVED = "approved", _("已批准")
    REFUSED = "refused", _("不予批准")
    WITHDRAWN = "withdrawn", _("已撤回")


APPROVAL_TRANSITIONS: dict[str, set[str]] = {
    ApprovalStatus.DRAFT: {
        ApprovalStatus.SUBMITTED,
        ApprovalStatus.PUBLICITY,
        ApprovalStatus.CONSENT,
        ApprovalStatus.WITHDRAWN,
    },
    ApprovalStatus.PUBLICITY: {
        ApprovalStatus.SUBMITTED,
        ApprovalStatus.CONSENT,
        ApprovalStatus.WITHDRAWN,
    },
    ApprovalStatus.CONSENT: {
        ApprovalStatus.SUBMITTED,
        ApprovalStatus.REFUSED,
        ApprovalStatus.WITHDRAWN,
    },
    ApprovalStatus.SUBMITTED: {
        ApprovalStatus.APPROVED,
        ApprovalStatus.REFUSED,
        ApprovalStatus.WITHDRAWN,
    },
    ApprovalStatus.APPROVED: set(),
    ApprovalStatus.REFUSED: set(),
    ApprovalStatus.WITHDRAWN: set(),
}
# A request that still stands (counts as "applied for").
APPROVAL_PENDING_STATUSES = {
    ApprovalStatus.PUBLICITY,
    ApprovalStatus.CONSENT,
    ApprovalStatus.SUBMITTED,
}
# A change of method needs the 主管预算单位's consent before the finance department decides
# (74号令 4; 214号 4): a unit with a 主管预算单位 (Organization.parent) goes through it first.
CONSENT_KINDS = {ApprovalKind.METHOD_CHANGE, ApprovalKind.SINGLE_SOURCE}


class ReviewConclusion(models.TextChoices):
    """补充论证 after objections to a single-source notice (74号令 40)."""

    NONE = "", _("无异议")
    REJECTED = "rejected", _("异议不成立，继续单一来源")
    UPHELD = "upheld", _("异议成立，改用其他方式")


class CommissionStatus(models.TextChoices):
    SENT = "sent", _("已委托待接收")
    ACCEPTED = "accepted", _("代理机构已接收")
    DECLINED = "declined", _("代理机构已退回")


COMMISSION_TRANSITIONS: dict[str, set[str]] = {
    CommissionStatus.SENT: {CommissionStatus.ACCEPTED, CommissionStatus.DECLINED},
    # The tenders app (a later issue) grows the project from here.
    CommissionStatus.ACCEPTED: set(),
    CommissionStatus.DECLINED: set(),
}


class SplitCaseStatus(models.TextChoices):
    BLOCKED = "blocked", _("已拦截")
    EXCUSED = "excused", _("经批准例外")


# A split case is a record for supervision: born blocked or excused, it never moves (a later
# approved exception records a new, excused case when the plan is filed again).
SPLIT_CASE_TRANSITIONS: dict[str, set[str]] = {
    SplitCaseStatus.BLOCKED: set(),
    SplitCaseStatus.EXCUSED: set(),
}


# --- configurable defaults (⚠ in rules.md: overridden per region and date by PlanPolicy) ----

# 采购意向 at least 30 days before procurement starts (财库〔2020〕10号 ⚠: "原则上不得晚于采购
# 活动开始前30日公开"): a region may ask for more, never for fewer.
DEFAULT_INTENTION_LEAD_DAYS = 30
MIN_INTENTION_LEAD_DAYS = 30
# 法 31 ③: additions from the original supplier, all together, may not exceed 10% of the
# original contract amount (statutory, not configurable).
ADDITION_LIMIT_PERCENT = Decimal("10")
# 单一来源公示 at least 5 working days (条例 38; 74号令 38) — statutory, not configurable.
SINGLE_SOURCE_PUBLICITY_WORKDAYS = 5
# An agency should take a commission within N working days; then start procurement within M
# (platform practice, seed 004 "网上委托及业务跟踪": configurable).
DEFAULT_COMMISSION_ACCEPT_WORKDAYS = 2
DEFAULT_COMMISSION_START_WORKDAYS = 10
# 化整为零: the category level at which purchases are summed (rules.md §9: e.g. 5 characters
# of the 9-character 品目 code, i.e. the second level).
DEFAULT_SPLIT_PREFIX_LEN = 5
# When no threshold is configured for a region the central 2020 standard is assumed
# (国办发〔2019〕55号: 公开招标数额标准 200万 for goods and services).
FALLBACK_OPEN_TENDER_THRESHOLD = Decimal("2000000.00")

# --- stable error codes ------------------------------------------------------------------------
ERR_BAD_TRANSITION = "bad_transition"
ERR_ITEM_UNKNOWN = "item_unknown"
ERR_AMOUNT_INVALID = "amount_invalid"
ERR_QUANTITY_INVALID = "quantity_invalid"
ERR_DUPLICATE_LINE = "duplicate_line"
ERR_CONFIG_STANDARD = "config_standard_exceeded"
ERR_ORG_FORM = "org_form_not_allowed"
ERR_OVER_BUDGET = "over_budget"
ERR_SPLIT = "split_purchase"
ERR_APPROVAL_MISSING = "approval_missing"
ERR_INTENTION_TOO_RECENT = "intention_too_recent"
ERR_INTENTION_MISSING = "intention_missing"
ERR_AGENCY_NOT_ALLOWED = "agency_not_allowed"
ERR_PUBLICITY_RUNNING = "publicity_running"
ERR_IMPORT_INVALID = "import_invalid"
ERR_NOT_EDITABLE = "not_editable"
ERR_DECIDER_LEVEL = "decider_level"
ERR_BIDDING_LAW = "bidding_law_route"
ERR_ORIGINAL_CONTRACT = "original_contract_required"
ERR_ORIGINAL_CONTRACT_MISMATCH = "original_contract_mismatch"
ERR_ADDITION_OVER_LIMIT = "addition_over_limit"
ERR_INTENTION_LEAD = "intention_lead_too_short"
