"""Statuses, TRANSITIONS tables, policy defaults and stable error codes of the evaluation app."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _


class EvaluationStatus(models.TextChoices):
    FORMING = "forming", _("组建评审委员会")
    REVIEWING = "reviewing", _("资格与符合性审查")
    SCORING = "scoring", _("详细评审（评分）")
    CONCLUDING = "concluding", _("汇总与澄清")
    SIGNING = "signing", _("评审报告签署中")
    SIGNED = "signed", _("评审报告已签署")
    AWARDED = "awarded", _("采购人已确定结果")
    FAILED = "failed", _("废标（有效供应商不足）")
    # 87号令 49: the committee cannot be completed in time — evaluation stopped, every opinion
    # void; the lot stays open for a newly formed committee.
    STOPPED = "stopped", _("评审终止（委员会无法补足）")


S = EvaluationStatus
# One door per state change (design §4 rule 2). REVIEWING → CONCLUDING for methods without
# subjective factors (最低评标价法 and the like).
TRANSITIONS: dict[str, set[str]] = {
    S.FORMING: {S.REVIEWING, S.STOPPED},
    S.REVIEWING: {S.SCORING, S.CONCLUDING, S.FAILED, S.STOPPED},
    S.SCORING: {S.CONCLUDING, S.STOPPED},
    S.CONCLUDING: {S.SIGNING, S.FAILED},
    S.SIGNING: {S.SIGNED},
    S.SIGNED: {S.AWARDED},
    S.AWARDED: set(),
    S.FAILED: set(),
    S.STOPPED: set(),
}
# Statuses that no longer hold the lot (a new evaluation may be opened).
CLOSED_STATUSES = {S.FAILED, S.STOPPED}
# 87号令 49 / 198号 17: a member may be replaced until the end of scoring.
REPLACEABLE_STATUSES = {S.FORMING, S.REVIEWING, S.SCORING}
# Statuses in which the experts' names are visible beyond the agency.
STARTED_STATUSES = {
    S.REVIEWING,
    S.SCORING,
    S.CONCLUDING,
    S.SIGNING,
    S.SIGNED,
    S.AWARDED,
    S.FAILED,
    S.STOPPED,
}


class MemberKind(models.TextChoices):
    EXPERT = "expert", _("评审专家")
    PURCHASER_REP = "purchaser_rep", _("采购人代表")


class MemberStatus(models.TextChoices):
    ACTIVE = "active", _("在任")
    RECUSED = "recused", _("已回避")
    ABSENT = "absent", _("缺席")
    REPLACED = "replaced", _("已更换")


class Stage(models.TextChoices):
    QUALIFICATION = "qualification", _("资格审查")
    COMPLIANCE = "compliance", _("符合性审查")


class Verdict(models.TextChoices):
    PENDING = "pending", _("待审查")
    PASSED = "passed", _("通过")
    FAILED = "failed", _("不通过")


class AbnormalDecision(models.TextChoices):
    NONE = "", _("无需说明")
    PENDING = "pending", _("待供应商说明")
    JUSTIFIED = "justified", _("供应商已说明，待认定")
    ACCEPTED = "accepted", _("说明合理，接受")
    REJECTED = "rejected", _("不能证明报价合理，按无效投标处理")


class FlagReason(models.TextChoices):
    SPREAD = "spread", _("评分差异过大")
    OBJECTIVE = "objective", _("客观分评分不一致")


class FlagStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    CONFIRMED = "confirmed", _("经复核维持")
    CORRECTED = "corrected", _("已纠正")


class FlagAction(models.TextChoices):
    CONFIRMED = "confirmed", _("维持评分")
    CORRECTED = "corrected", _("已纠正评分")


# --- policy defaults (⚠ configuration; snapshotted into each evaluation) ---------------------

# 87号令 64 names "评分畸高、畸低" without a number: flag a non-price factor when members differ
# by more than this share of the factor's points ⚠.
DEFAULT_SPREAD_RATIO = Decimal("0.50")
# 87号令 68: the committee recommends 1–3 ranked candidates.
CANDIDATES = 3
# 条例 43: report due to the purchaser within 2 working days; the purchaser decides within
# 5 working days of receiving it, else the first candidate is deemed chosen.
REPORT_DUE_WORKING_DAYS = 2
AWARD_DUE_WORKING_DAYS = 5

# Stable error codes (API contract).
ERR_BAD_TRANSITION = "bad_transition"
ERR_NOT_READY = "evaluation_not_ready"
ERR_EXISTS = "evaluation_exists"
ERR_DRAW = "draw_not_complete"
ERR_COMMITTEE = "committee_invalid"
ERR_CHAIR = "chair_invalid"
ERR_NOT_DECLARED = "members_not_declared"
ERR_TOO_EARLY = "before_evaluation_time"
ERR_NOT_MEMBER = "not_member"
ERR_REASON_REQUIRED = "reason_required"
ERR_CHECKS_MISSING = "checks_missing"
ERR_SCORE_INVALID = "score_invalid"
ERR_SCORES_MISSING = "scores_missing"
ERR_FLAG_SETTLED = "flag_settled"
ERR_NOT_RESUBMITTED = "not_resubmitted"
ERR_ABNORMAL_STATE = "abnormal_state"
# abnormal_reasons entry of a price raised by a member by hand (87号令 60; lowprice.py)
ABNORMAL_BY_COMMITTEE = "committee"
ERR_OPEN_ITEMS = "open_items"
ERR_BAD_PASSWORD = "reauth_failed"
ERR_ALREADY_SIGNED = "already_signed"
ERR_DISSENT_REQUIRED = "dissent_required"
ERR_NOT_CANDIDATE = "not_candidate"
ERR_INVALID_BID = "bid_invalid"
ERR_NO_REPLACEMENT = "no_replacement"
ERR_REPLACEMENT_PENDING = "replacement_pending"
ERR_MEMBER_STATE = "member_state"
ERR_COMMITTEE_COMPLETE = "committee_complete"
ERR_LOTTERY_TERMS = "lottery_terms_invalid"

M_ = MemberStatus
# 87号令 49; 198号 17: a member recuses (条例 9) or is absent, and a vacant or recused seat is
# replaced; a replaced member stays replaced.
MEMBER_TRANSITIONS: dict[str, set[str]] = {
    M_.ACTIVE: {M_.RECUSED, M_.ABSENT, M_.REPLACED},
    M_.RECUSED: {M_.REPLACED},
    M_.ABSENT: {M_.REPLACED},
    M_.REPLACED: set(),
}
# 87号令 64: the committee settles a deviation flag once.
FLAG_TRANSITIONS: dict[str, set[str]] = {
    FlagStatus.OPEN: {FlagStatus.CONFIRMED, FlagStatus.CORRECTED},
    FlagStatus.CONFIRMED: set(),
    FlagStatus.CORRECTED: set(),
}

# Audit labels of the actions this app adds beside the ones core lists (core.constants).
AUDIT_ACTION_LABELS = {
    "evaluation.member_replaced": "评审成员席位被更换",
    "evaluation.member_vacated": "评审成员席位空缺（补抽）",
}
