"""Statuses, TRANSITIONS tables and stable error codes of the bidding app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SignAlgo(models.TextChoices):
    ECDSA_P256 = "ecdsa-p256", _("ECDSA P-256 / SHA-256")
    SM2 = "sm2", _("SM2 / SM3（国密）")


class WindowKind(models.TextChoices):
    BID = "bid", _("投标（响应）文件")
    FINAL_QUOTE = "final_quote", _("最后报价")


class WindowStatus(models.TextChoices):
    OPEN = "open", _("接收中")
    OPENED = "opened", _("已开启")
    FAILED = "failed", _("未开启（供应商不足）")


WINDOW_TRANSITIONS: dict[str, set[str]] = {
    WindowStatus.OPEN: {WindowStatus.OPENED, WindowStatus.FAILED},
    WindowStatus.OPENED: set(),
    WindowStatus.FAILED: set(),
}


class ParticipationStatus(models.TextChoices):
    REGISTERED = "registered", _("已报名")
    ELIMINATED = "eliminated", _("已淘汰")


PARTICIPATION_TRANSITIONS: dict[str, set[str]] = {
    ParticipationStatus.REGISTERED: {ParticipationStatus.ELIMINATED},
    ParticipationStatus.ELIMINATED: set(),
}


class BidStatus(models.TextChoices):
    SUBMITTED = "submitted", _("已递交（密封）")
    WITHDRAWN = "withdrawn", _("已撤回")
    OPENED = "opened", _("已开启")
    FLAGGED = "flagged", _("已开启（校验异常）")


BID_TRANSITIONS: dict[str, set[str]] = {
    BidStatus.SUBMITTED: {BidStatus.WITHDRAWN, BidStatus.OPENED, BidStatus.FLAGGED},
    BidStatus.WITHDRAWN: set(),
    BidStatus.OPENED: set(),
    BidStatus.FLAGGED: set(),
}


class DocKind(models.TextChoices):
    FILE = "file", _("响应文件")
    SCHEDULE = "schedule", _("开标一览表（报价）")


class BondStatus(models.TextChoices):
    NOT_REQUIRED = "not_required", _("无需缴纳")
    PAID = "paid", _("已缴纳")
    REFUNDED = "refunded", _("已退还")


# Recording the bond again (bond_record) may move it between 无需缴纳 and 已缴纳 while it is
# held; a refunded bond stays refunded.
BOND_TRANSITIONS: dict[str, set[str]] = {
    BondStatus.NOT_REQUIRED: {BondStatus.PAID},
    BondStatus.PAID: {BondStatus.REFUNDED, BondStatus.NOT_REQUIRED},
    BondStatus.REFUNDED: set(),
}


class RefundReason(models.TextChoices):
    """Why a bid bond's refund is due (条例 33; 87号令 38, 29)."""

    WITHDRAWAL = "withdrawal", _("投标截止前撤回投标（响应）文件")
    AWARD = "award", _("中标（成交）通知书发出（未中标、未成交）")
    CONTRACT = "contract", _("采购合同签订（中标、成交供应商）")
    TERMINATED = "terminated", _("采购活动终止")
    FAILED = "failed", _("供应商不足，采购失败")


class OpeningStatus(models.TextChoices):
    IN_SESSION = "in_session", _("开标中（可提出异议）")
    SIGNED = "signed", _("开标记录已签署")
    NOT_OPENED = "not_opened", _("不予开标")


OPENING_TRANSITIONS: dict[str, set[str]] = {
    OpeningStatus.IN_SESSION: {OpeningStatus.SIGNED},
    OpeningStatus.SIGNED: set(),
    OpeningStatus.NOT_OPENED: set(),
}


class OpeningOutcome(models.TextChoices):
    OPENED = "opened", _("正常开启")
    TERMINATE = "terminate", _("供应商不足，依法终止（重新组织采购）")
    NEEDS_METHOD_CHANGE = "needs_method_change", _("供应商不足，须经批准变更采购方式")


class SmeSize(models.TextChoices):
    NONE = "", _("非中小企业")
    MEDIUM = "medium", _("中型企业")
    SMALL = "small", _("小型企业")
    MICRO = "micro", _("微型企业")


# Stable error codes (API contract).
ERR_DEADLINE_PASSED = "deadline_passed"
ERR_DEADLINE_NOT_REACHED = "deadline_not_reached"
ERR_BAD_SIGNATURE = "bad_signature"
ERR_UNKNOWN_KEY = "unknown_key"
ERR_BAD_KEY = "bad_public_key"
ERR_NOT_REGISTERED = "not_registered"
ERR_ALREADY_SUBMITTED = "already_submitted"
ERR_BAD_TRANSITION = "bad_transition"
ERR_BOND_TOO_HIGH = "bond_exceeds_limit"
ERR_BAD_SCHEDULE = "bad_schedule"
ERR_BAD_DECLARATION = "bad_declaration"
ERR_DEMO_SIGNER_DISABLED = "demo_signer_disabled"
ERR_OBJECTION_CLOSED = "objection_closed"
ERR_UNANSWERED_OBJECTIONS = "unanswered_objections"
ERR_NO_OPENING = "no_opening_for_method"
ERR_SEALED = "sealed_until_opening"
ERR_REASON_REQUIRED = "reason_required"
ERR_REP_REQUIRED = "purchaser_rep_required"
ERR_RESPONSES_NOT_OPENED = "responses_not_opened"
ERR_NO_REMAINING = "no_remaining_suppliers"
ERR_FINAL_PENDING = "final_quotations_pending"
ERR_NO_FINAL_WINDOW = "no_final_window"
ERR_NOT_INVITED = "not_invited"
ERR_BOND_OFFICER = "not_bond_officer"
ERR_NOT_AWARDED = "not_awarded"
ERR_NO_BOND = "no_bond_to_refund"
ERR_ALREADY_SIGNED = "contract_already_recorded"

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_FILES = 10

# --- 邀请招标: prequalification applications, the draw, the invitations (法 34; 87号令 14) --


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("已提交（待审查）")
    QUALIFIED = "qualified", _("资格预审合格")
    NOT_QUALIFIED = "not_qualified", _("资格预审不合格")


APPLICATION_TRANSITIONS: dict[str, set[str]] = {
    ApplicationStatus.SUBMITTED: {ApplicationStatus.QUALIFIED, ApplicationStatus.NOT_QUALIFIED},
    ApplicationStatus.QUALIFIED: set(),
    ApplicationStatus.NOT_QUALIFIED: set(),
}

ERR_NOT_INVITED_TO_TENDER = "not_invited_to_tender"
ERR_APPLICATIONS_CLOSED = "prequal_applications_closed"
ERR_APPLICATIONS_OPEN = "prequal_applications_still_open"
ERR_APPLICATION_EXISTS = "prequal_application_exists"
ERR_UNREVIEWED = "prequal_applications_unreviewed"
ERR_WITNESSES = "draw_witnesses_required"
ERR_POOL_TOO_SMALL = "draw_pool_too_small"

AUDIT_ACTION_LABELS = {
    "bidding.prequal_application.submitted": "提交资格预审申请文件",
    "bidding.prequal_application.qualified": "资格预审：合格",
    "bidding.prequal_application.not_qualified": "资格预审：不合格",
    "bidding.supplier_draw": "随机抽取受邀供应商",
    "bidding.invitations_sent": "发出投标邀请书",
    "prequal.reviewed": "资格预审完成",
    "prequal.drawn": "已随机抽取受邀供应商",
    "prequal.invited": "已发出投标邀请",
    "prequal.failed": "资格预审失败",
}
