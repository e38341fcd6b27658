"""Vocabularies, TRANSITIONS tables, periods and error codes of the awards app (中标/成交结果
公告 and 质疑 — rules.md §3.2, §3.3, §6, §7)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

# --- periods (rules.md §3.2–3.3) --------------------------------------------------------------
NOTICE_DUE_WORKING_DAYS = 2  # 条例 43; 87号令 69; 74号令 18
NOTICE_DISPLAY_WORKING_DAYS = 1  # 87号令 69
CHALLENGE_WORKING_DAYS = 7  # 法 52; 条例 53; 94号令 10
ANSWER_WORKING_DAYS = 7  # 法 53; 94号令 13
INQUIRY_WORKING_DAYS = 3  # 条例 52
COMPLAINT_WORKING_DAYS = 15  # 法 55; 94号令 17
COMPLAINT_REVIEW_WORKING_DAYS = 5  # 94号令 21
COMPLAINT_REJECT_WORKING_DAYS = 3  # 94号令 21 (不予受理 / 告知 within 3 WD of the review)
COMPLAINT_COPY_WORKING_DAYS = 8  # 94号令 21
COMPLAINT_RESPONSE_WORKING_DAYS = 5  # 94号令 22
COMPLAINT_DECISION_WORKING_DAYS = 30  # 法 56; 条例 58; 94号令 26–27
COMPLAINT_SUSPENSION_DAYS = 30  # 法 57; 94号令 28 (calendar days)
# 94号令 37 ⚠ article number (rules.md §6): 3 unfounded complaints in 12 months → adverse record.
COMPLAINT_UNFOUNDED_THRESHOLD = 3
COMPLAINT_UNFOUNDED_WINDOW_MONTHS = 12


class AwardStatus(models.TextChoices):
    CHOSEN = "chosen", _("已确定（待公告）")
    ANNOUNCED = "announced", _("已公告")
    SUPERSEDED = "superseded", _("已另行确定")
    VOID = "void", _("已作废（重新采购）")


AWARD_TRANSITIONS: dict[str, set[str]] = {
    AwardStatus.CHOSEN: {AwardStatus.ANNOUNCED, AwardStatus.SUPERSEDED, AwardStatus.VOID},
    AwardStatus.ANNOUNCED: {AwardStatus.SUPERSEDED, AwardStatus.VOID},
    AwardStatus.SUPERSEDED: set(),
    AwardStatus.VOID: set(),
}
LIVE_AWARD = (AwardStatus.CHOSEN, AwardStatus.ANNOUNCED)


class NoticeStatus(models.TextChoices):
    ON_DISPLAY = "on_display", _("公示中")
    ENDED = "ended", _("公示期满")
    WITHDRAWN = "withdrawn", _("已撤回")


NOTICE_TRANSITIONS: dict[str, set[str]] = {
    NoticeStatus.ON_DISPLAY: {NoticeStatus.ENDED, NoticeStatus.WITHDRAWN},
    NoticeStatus.ENDED: {NoticeStatus.WITHDRAWN},
    NoticeStatus.WITHDRAWN: set(),
}


class Subject(models.TextChoices):
    """What a 质疑 is about; each has its own knowledge day (条例 53)."""

    DOCUMENTS = "documents", _("采购文件")
    PROCESS = "process", _("采购过程")
    RESULT = "result", _("中标（成交）结果")


class Step(models.TextChoices):
    """Procedural steps whose end the platform knows (条例 53: 各采购程序环节结束之日)."""

    OPENING = "opening", _("开标（响应文件开启）")
    EVALUATION = "evaluation", _("评审")


class ChallengeStatus(models.TextChoices):
    FILED = "filed", _("已受理（待答复）")
    ASSISTING = "assisting", _("评审委员会协助中")
    ANSWERED = "answered", _("已答复")
    WITHDRAWN = "withdrawn", _("已撤回")


CHALLENGE_TRANSITIONS: dict[str, set[str]] = {
    ChallengeStatus.FILED: {
        ChallengeStatus.ASSISTING,
        ChallengeStatus.ANSWERED,
        ChallengeStatus.WITHDRAWN,
    },
    ChallengeStatus.ASSISTING: {ChallengeStatus.ANSWERED, ChallengeStatus.WITHDRAWN},
    ChallengeStatus.ANSWERED: set(),
    ChallengeStatus.WITHDRAWN: set(),
}
OPEN_CHALLENGE = (ChallengeStatus.FILED, ChallengeStatus.ASSISTING)


class InquiryStatus(models.TextChoices):
    ASKED = "asked", _("待答复")
    ANSWERED = "answered", _("已答复")


INQUIRY_TRANSITIONS: dict[str, set[str]] = {
    InquiryStatus.ASKED: {InquiryStatus.ANSWERED},
    InquiryStatus.ANSWERED: set(),
}


class Outcome(models.TextChoices):
    """The findings of 94号令 16 and what each does."""

    NOT_UPHELD = "not_upheld", _("质疑事项不成立，继续开展采购活动")
    NO_EFFECT = "no_effect", _("质疑事项成立但未对结果构成影响，继续开展采购活动")
    DOCUMENTS_AMEND = "documents_amend", _("采购文件质疑成立：澄清或修改后继续开展采购活动")
    DOCUMENTS_RESTART = "documents_restart", _("采购文件质疑成立：修改采购文件后重新开展采购活动")
    OTHER_CANDIDATE = "other_candidate", _("过程或结果质疑成立：从合格候选人中另行确定")
    RESTART = "restart", _("过程或结果质疑成立：重新开展采购活动")


class ComplaintStatus(models.TextChoices):
    SUBMITTED = "submitted", _("已提交（待审查）")
    CORRECTION = "correction", _("待补正")
    RESUBMITTED = "resubmitted", _("已补正（待审查）")
    ACCEPTED = "accepted", _("已受理")
    SUSPENDED = "suspended", _("已受理（暂停采购活动）")
    NOT_ACCEPTED = "not_accepted", _("不予受理")
    REDIRECTED = "redirected", _("已告知向有管辖权的部门提起")
    DECIDED = "decided", _("已作出处理决定")
    WITHDRAWN = "withdrawn", _("已撤诉（终止）")


_CS = ComplaintStatus
COMPLAINT_TRANSITIONS: dict[str, set[str]] = {
    _CS.SUBMITTED: {_CS.CORRECTION, _CS.ACCEPTED, _CS.NOT_ACCEPTED, _CS.REDIRECTED, _CS.WITHDRAWN},
    _CS.CORRECTION: {_CS.RESUBMITTED, _CS.WITHDRAWN},
    _CS.RESUBMITTED: {_CS.ACCEPTED, _CS.NOT_ACCEPTED, _CS.REDIRECTED, _CS.WITHDRAWN},
    _CS.ACCEPTED: {_CS.SUSPENDED, _CS.DECIDED, _CS.WITHDRAWN},
    _CS.SUSPENDED: {_CS.ACCEPTED, _CS.DECIDED, _CS.WITHDRAWN},
    _CS.NOT_ACCEPTED: set(),
    _CS.REDIRECTED: set(),
    _CS.DECIDED: set(),
    _CS.WITHDRAWN: set(),
}
OPEN_COMPLAINT = (_CS.SUBMITTED, _CS.CORRECTION, _CS.RESUBMITTED, _CS.ACCEPTED, _CS.SUSPENDED)
BLOCKING_COMPLAINT = (_CS.ACCEPTED, _CS.SUSPENDED)


class Stage(models.TextChoices):
    """Where the procurement stood when the complaint was upheld (94号令 31–32)."""

    BEFORE_AWARD = "before_award", _("尚未确定中标（成交）供应商")
    AWARDED = "awarded", _("已确定中标（成交）供应商但尚未签订合同")
    SIGNED = "signed", _("已签订合同但尚未履行")
    PERFORMED = "performed", _("合同已经履行")


class Finding(models.TextChoices):
    """The findings of a complaint decision (94号令 29, 31–32)."""

    UPHELD = "upheld", _("投诉事项成立")
    UPHELD_NO_EFFECT = "upheld_no_effect", _("投诉事项成立但未影响采购结果")
    UNFOUNDED = "unfounded", _("投诉缺乏事实依据，驳回投诉")
    FABRICATED = "fabricated", _("捏造事实或提供虚假材料，驳回投诉")
    UNLAWFUL_EVIDENCE = "unlawful_evidence", _("以非法手段取得证明材料，驳回投诉")
    INADMISSIBLE = "inadmissible", _("受理后发现不符合受理条件，驳回投诉")


UNFOUNDED_FINDINGS = (Finding.UNFOUNDED, Finding.FABRICATED, Finding.UNLAWFUL_EVIDENCE)


class Remedy(models.TextChoices):
    """What an upheld complaint orders, by stage and subject (94号令 31–32)."""

    CONTINUE = "continue", _("继续开展采购活动")
    AMEND_CONTINUE = "amend_continue", _("修改采购文件后继续开展采购活动")
    RESTART = "restart", _("责令重新开展采购活动")
    RESULT_VOID_RESTART = "result_void_restart", _("认定中标（成交）结果无效，重新开展采购活动")
    RESULT_VOID_OTHER = "result_void_other", _("中标（成交）结果无效，另行确定供应商")
    CONTRACT_VOID_RESTART = "contract_void_restart", _("认定合同无效（撤销合同），重新开展采购活动")
    CONTRACT_VOID_OTHER = "contract_void_other", _("合同无效（撤销），另行确定供应商")
    DAMAGES = "damages", _("认定采购行为违法，依法承担赔偿责任")


# The remedies that revoke a signed contract before dealing with the award (94号令 32 (三)).
REVOKES_CONTRACT = frozenset({Remedy.CONTRACT_VOID_RESTART, Remedy.CONTRACT_VOID_OTHER})


# --- error codes (stable) ---------------------------------------------------------------------
ERR_NOT_AGENCY = "award_not_agency"
ERR_NOT_ANSWERER = "challenge_not_answerer"
ERR_NOTICE_INCOMPLETE = "notice_incomplete"
ERR_LATE = "challenge_late"
ERR_NO_STANDING = "challenge_no_standing"
ERR_NOT_YET = "challenge_not_yet"
ERR_ONE_AT_ONCE = "challenge_one_at_once"
ERR_LETTER_INCOMPLETE = "challenge_letter_incomplete"
ERR_ANSWER_INCOMPLETE = "challenge_answer_incomplete"
ERR_OUTCOME_INVALID = "challenge_outcome_invalid"
ERR_NO_AWARD = "award_missing"
ERR_INQUIRY_INVALID = "inquiry_invalid"
ERR_COMPLAINT_LATE = "complaint_late"
ERR_COMPLAINT_NOT_YET = "complaint_not_yet"
ERR_COMPLAINT_NO_CHALLENGE = "complaint_no_challenge"
ERR_COMPLAINT_INCOMPLETE = "complaint_incomplete"
ERR_COMPLAINT_NOT_REGULATOR = "complaint_not_regulator"
ERR_COMPLAINT_NOT_COMPLAINANT = "complaint_not_complainant"
ERR_COMPLAINT_NOT_RESPONDENT = "complaint_not_respondent"
ERR_COMPLAINT_CORRECTION_ONCE = "complaint_correction_once"
ERR_COMPLAINT_REMEDY_INVALID = "complaint_remedy_invalid"
ERR_COMPLAINT_SUSPENSION_TOO_LONG = "complaint_suspension_too_long"
ERR_COMPLAINT_CLOCK = "complaint_clock"

AUDIT_ACTION_LABELS = {
    "award.created": _("确定中标（成交）结果"),
    "award.announced": _("发布中标（成交）结果公告"),
    "award.superseded": _("另行确定中标（成交）供应商"),
    "award.void": _("中标（成交）结果作废"),
    "award.notice_overdue": _("结果公告逾期"),
    "result_notice.ended": _("结果公告公示期满"),
    "result_notice.withdrawn": _("撤回结果公告"),
    "challenge.filed": _("提出质疑"),
    "challenge.assisting": _("请原评审委员会协助答复质疑"),
    "challenge.answered": _("答复质疑"),
    "challenge.withdrawn": _("撤回质疑"),
    "challenge.answer_overdue": _("质疑答复逾期"),
    "challenge.result_changed": _("质疑改变结果，书面报告财政部门"),
    "challenge.policy": _("设置质疑一次性提出规则"),
    "complaint.submitted": _("提起投诉"),
    "complaint.correction": _("书面通知补正投诉书"),
    "complaint.resubmitted": _("补正投诉书"),
    "complaint.accepted": _("受理投诉"),
    "complaint.not_accepted": _("投诉不予受理"),
    "complaint.redirected": _("告知投诉人向有管辖权的部门提起投诉"),
    "complaint.suspended": _("暂停采购活动"),
    "complaint.decided": _("作出投诉处理决定"),
    "complaint.withdrawn": _("撤回投诉（终止投诉处理）"),
    "complaint.answered": _("被投诉人提交说明"),
    "complaint.clock_paused": _("投诉处理期限中止计算（检验、检测、鉴定、专家评审）"),
    "complaint.clock_resumed": _("投诉处理期限恢复计算"),
    "complaint.review_overdue": _("投诉审查逾期"),
    "complaint.decision_overdue": _("投诉处理决定逾期"),
    "complaint.credit_recorded": _("投诉人一年内三次以上投诉查无实据，记入不良行为记录"),
    "inquiry.asked": _("提出询问"),
    "inquiry.answered": _("答复询问"),
    "inquiry.answer_overdue": _("询问答复逾期"),
}
