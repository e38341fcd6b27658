"""Expert statuses, draw and invitation statuses, their TRANSITIONS tables, policy defaults and
the stable error codes of the experts app."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ExpertStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    ACTIVE = "active", _("正常")
    SUSPENDED = "suspended", _("暂停")
    BANNED = "banned", _("禁止评审")
    RETIRED = "retired", _("解聘/退出")
    EXPIRED = "expired", _("证书或聘期已到期")


# 198号 10 (解聘), 29 (不良行为), 条例 75 (禁止参加评审): one door per state change.
EXPERT_TRANSITIONS: dict[str, set[str]] = {
    ExpertStatus.PENDING: {ExpertStatus.ACTIVE, ExpertStatus.RETIRED},
    ExpertStatus.ACTIVE: {
        ExpertStatus.SUSPENDED,
        ExpertStatus.BANNED,
        ExpertStatus.RETIRED,
        ExpertStatus.EXPIRED,
    },
    ExpertStatus.SUSPENDED: {
        ExpertStatus.ACTIVE,
        ExpertStatus.BANNED,
        ExpertStatus.RETIRED,
        ExpertStatus.EXPIRED,
    },
    # The certificate or the appointment ran out (timed check); renewed, the regulator restores.
    ExpertStatus.EXPIRED: {ExpertStatus.ACTIVE, ExpertStatus.BANNED, ExpertStatus.RETIRED},
    ExpertStatus.BANNED: set(),
    ExpertStatus.RETIRED: set(),
}


class TitleLevel(models.TextChoices):
    SENIOR = "senior", _("正高级")
    ASSOCIATE = "associate", _("副高级")
    INTERMEDIATE = "intermediate", _("中级")
    OTHER = "other", _("其他")


class TrainingStatus(models.TextChoices):
    NONE = "none", _("未培训")
    TRAINED = "trained", _("已培训")
    PASSED = "passed", _("考核合格")
    FAILED = "failed", _("考核不合格")


class ConflictKind(models.TextChoices):
    EMPLOYMENT = "employment", _("任职/劳动关系")
    DIRECTOR = "director", _("董事/监事")
    SHAREHOLDER = "shareholder", _("控股股东/实际控制人")
    RELATIVE = "relative", _("近亲属关系")
    OTHER = "other", _("其他利害关系")


class ShareStatus(models.TextChoices):
    ACTIVE = "active", _("有效")
    REVOKED = "revoked", _("已撤回")


SHARE_TRANSITIONS: dict[str, set[str]] = {
    ShareStatus.ACTIVE: {ShareStatus.REVOKED},
    ShareStatus.REVOKED: {ShareStatus.ACTIVE},
}


class DrawStatus(models.TextChoices):
    COMMITTED = "committed", _("已承诺种子")
    DRAWING = "drawing", _("抽取确认中")
    COMPLETE = "complete", _("抽取完成")
    FAILED = "failed", _("专家不足")
    CANCELLED = "cancelled", _("已取消")


DRAW_TRANSITIONS: dict[str, set[str]] = {
    DrawStatus.COMMITTED: {DrawStatus.DRAWING, DrawStatus.FAILED, DrawStatus.CANCELLED},
    DrawStatus.DRAWING: {DrawStatus.COMPLETE, DrawStatus.FAILED, DrawStatus.CANCELLED},
    DrawStatus.COMPLETE: {DrawStatus.DRAWING, DrawStatus.CANCELLED},  # a confirmed expert withdraws
    DrawStatus.FAILED: {DrawStatus.CANCELLED},
    DrawStatus.CANCELLED: set(),
}


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("待确认")
    CONFIRMED = "confirmed", _("已确认参加")
    DECLINED = "declined", _("已拒绝")
    EXPIRED = "expired", _("超时未答复")
    WITHDRAWN = "withdrawn", _("确认后退出")
    CANCELLED = "cancelled", _("已取消")


INVITATION_TRANSITIONS: dict[str, set[str]] = {
    InvitationStatus.PENDING: {
        InvitationStatus.CONFIRMED,
        InvitationStatus.DECLINED,
        InvitationStatus.EXPIRED,
        InvitationStatus.CANCELLED,
    },
    InvitationStatus.CONFIRMED: {InvitationStatus.WITHDRAWN, InvitationStatus.CANCELLED},
    InvitationStatus.DECLINED: set(),
    InvitationStatus.EXPIRED: set(),
    InvitationStatus.WITHDRAWN: set(),
    InvitationStatus.CANCELLED: set(),
}

# Invitations that no longer hold a seat: the seat is filled by a replacement draw.
SEAT_LOST = {InvitationStatus.DECLINED, InvitationStatus.EXPIRED, InvitationStatus.WITHDRAWN}


class Procedure(models.TextChoices):
    """Which committee-size rule applies (rules.md §5)."""

    TENDER = "tender", _("招标（评标委员会）")
    NON_TENDER = "non_tender", _("非招标（谈判/询价/磋商小组）")


class RaterSide(models.TextChoices):
    AGENCY = "agency", _("代理机构")
    PURCHASER = "purchaser", _("采购人")


class Attendance(models.TextChoices):
    ON_TIME = "on_time", _("按时到场")
    LATE = "late", _("迟到")
    ABSENT = "absent", _("缺席")
    LEFT_EARLY = "left_early", _("中途退出/早退")


class RatingFlag(models.TextChoices):
    OUTLIER = "outlier", _("评分畸高畸低")
    DISCIPLINE = "discipline", _("违反评审纪律")
    DISCLOSURE = "disclosure", _("泄露评审情况")
    OTHER = "other", _("其他问题")


# Flags that are 198号 29 adverse-record grounds (泄露评审情况; 不按规定独立评审).
SERIOUS_FLAGS = {RatingFlag.DISCIPLINE, RatingFlag.DISCLOSURE}


class IncidentKind(models.TextChoices):
    COMPLAINT_UPHELD = "complaint_upheld", _("投诉成立（涉及该专家）")
    OTHER = "other", _("其他不良行为")


# Policy defaults (⚠ = not fixed by national text; per-deployment configuration under
# settings.ZHENGCAI["EXPERTS"], which overrides any key here).
POLICY_DEFAULTS: dict[str, Any] = {
    # ⚠ local practice: an expert may serve the same purchaser at most this many times in the
    # look-back window (many provinces use 2–3 per 12 months; no national number).
    "SAME_PURCHASER_MAX": 3,
    "SAME_PURCHASER_WINDOW_DAYS": 365,
    # ⚠ practice: how long an expert has to confirm a voice/SMS notice.
    "CONFIRM_MINUTES": 30,
    # 198号 14: draw no earlier than 2 working days before the evaluation.
    "DRAW_WINDOW_WORKDAYS": 2,
    # 198号 6: under 70.
    "MAX_AGE": 70,
    # Whether a certificate needs training with a passed exam (⚠ provincial rule) or training.
    "REQUIRE_EXAM_PASSED": False,
    # The notification channel (class path; see experts/notify.py).
    "NOTIFY_CHANNEL": "zhengcai.experts.notify.EspeakFileChannel",
    "NOTIFY_DIR": None,  # default MEDIA_ROOT / "expert_notices"
    # 198号 21: the purchaser or agency records each expert's performance within 5 working
    # days after the evaluation (the evaluation day is not counted).
    "RATING_WINDOW_WORKDAYS": 5,
    # ⚠ local practice: the period an expert's record is summarised over, and the patterns
    # that make the platform suggest a suspension to the regulator (条例 62; 198号 29). No
    # national numbers: provinces set their own.
    "RECORD_WINDOW_DAYS": 365,
    "SUGGEST_ABSENT_MIN": 2,
    "SUGGEST_LATE_MIN": 3,
    "SUGGEST_LEFT_EARLY_MIN": 2,
    "SUGGEST_SERIOUS_FLAGS_MIN": 1,
    "SUGGEST_COMPLAINTS_MIN": 1,
    "SUGGEST_QUALITY_BELOW": "2.5",
    "SUGGEST_QUALITY_MIN_RATINGS": 3,
}


def policy(name: str) -> Any:
    configured = getattr(settings, "ZHENGCAI", {}).get("EXPERTS", {})
    return configured.get(name, POLICY_DEFAULTS[name])


# Stable error codes (API contract).
ERR_BAD_TRANSITION = "bad_transition"
ERR_DUPLICATE = "duplicate"
ERR_ID_NUMBER = "id_number_invalid"
ERR_SPECIALTY = "specialty_invalid"
ERR_IMPORT = "import_invalid"
ERR_DRAW_STATE = "draw_state"
ERR_DRAW_WINDOW = "draw_window"
ERR_COMMITTEE = "committee_invalid"
ERR_STANDING = "expert_standing_lapsed"
ERR_POOL_EXHAUSTED = "pool_exhausted"
ERR_DEADLINE_PASSED = "deadline_passed"
ERR_NOTIFY = "notify_failed"
ERR_RATING_NOT_OPEN = "rating_not_open"
ERR_RATING_WINDOW = "rating_window_closed"
ERR_NOT_RATEABLE = "expert_not_rateable"
ERR_RATING_INVALID = "rating_invalid"
