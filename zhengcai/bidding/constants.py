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


BOND_TRANSITIONS: dict[str, set[str]] = {
    BondStatus.NOT_REQUIRED: set(),
    BondStatus.PAID: {BondStatus.REFUNDED},
    BondStatus.REFUNDED: set(),
}


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
