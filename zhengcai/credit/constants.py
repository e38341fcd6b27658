"""Vocabularies, the TRANSITIONS table and error codes of the credit app (penalties and
records of conduct — 法 71–78; 条例 67–75; 94号令 37; 198号 29)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SubjectKind(models.TextChoices):
    SUPPLIER = "supplier", _("供应商")
    AGENCY = "agency", _("采购代理机构")
    EXPERT = "expert", _("评审专家")


class BanScope(models.TextChoices):
    """What a ban forbids, by the article that imposes it."""

    NONE = "none", _("无")
    PARTICIPATE = "participate", _("禁止参加政府采购活动")  # 法 77; 条例 72–73
    AGENCY_BUSINESS = "agency_business", _("禁止代理政府采购业务")  # 法 78
    EVALUATION = "evaluation", _("禁止参加政府采购评审活动")  # 条例 75


class PenaltyStatus(models.TextChoices):
    DRAFT = "draft", _("拟处罚")
    IN_FORCE = "in_force", _("生效")
    EXPIRED = "expired", _("期满")
    REVOKED = "revoked", _("已撤销")


PENALTY_TRANSITIONS: dict[str, set[str]] = {
    PenaltyStatus.DRAFT: {PenaltyStatus.IN_FORCE},
    PenaltyStatus.IN_FORCE: {PenaltyStatus.EXPIRED, PenaltyStatus.REVOKED},
    PenaltyStatus.EXPIRED: {PenaltyStatus.REVOKED},
    PenaltyStatus.REVOKED: set(),
}


class Activity(models.TextChoices):
    """The doors a credit record may close (one query for all: credit.selectors.refusal)."""

    REGISTER = "register", _("报名")
    BID = "bid", _("递交投标（响应）文件")
    AWARD = "award", _("确定为中标（成交）供应商")
    SIGN = "sign", _("签订政府采购合同")
    MALL_ORDER = "mall_order", _("电子卖场交易")
    AGENCY_BUSINESS = "agency_business", _("代理政府采购业务")
    EVALUATE = "evaluate", _("参加评审")


# Which ban closes which door.
BLOCKS: dict[str, set[str]] = {
    BanScope.PARTICIPATE: {
        Activity.REGISTER,
        Activity.BID,
        Activity.AWARD,
        Activity.SIGN,
        Activity.MALL_ORDER,
    },
    BanScope.AGENCY_BUSINESS: {Activity.AGENCY_BUSINESS},
    BanScope.EVALUATION: {Activity.EVALUATE},
}

# The ban each subject may receive.
SCOPE_FOR_SUBJECT: dict[str, set[str]] = {
    SubjectKind.SUPPLIER: {BanScope.NONE, BanScope.PARTICIPATE},
    SubjectKind.AGENCY: {BanScope.NONE, BanScope.AGENCY_BUSINESS},
    SubjectKind.EXPERT: {BanScope.NONE, BanScope.EVALUATION},
}

ERR_BANNED = "credit_banned"
ERR_PENALTY_INVALID = "penalty_invalid"
ERR_NOT_REGULATOR = "penalty_not_regulator"
