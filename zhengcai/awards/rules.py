"""Pure rule functions of the awards app (rules.md §3.2, §3.3, §6, §7): the working-day
periods, the 条例 53 knowledge day, the required contents and what each outcome does."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from zhengcai.awards import constants as c
from zhengcai.core.workdays import WorkCalendar


def notice_due(cal: WorkCalendar, chosen_on: dt.date) -> dt.date:
    """The result notice is published ≤ 2 WD after the winner is chosen (条例 43; 87号令 69;
    74号令 18). The start day is not counted (rules.md §0)."""
    return cal.add_working_days(chosen_on, c.NOTICE_DUE_WORKING_DAYS)


def display_until(cal: WorkCalendar, published_on: dt.date) -> dt.date:
    """The 中标公告 is on display for 1 WD (87号令 69): the last day of the display."""
    return cal.add_working_days(published_on, c.NOTICE_DISPLAY_WORKING_DAYS)


def knowledge_day(
    subject: str,
    *,
    documents_obtained: dt.date | None = None,
    documents_period_end: dt.date | None = None,
    step_end: dt.date | None = None,
    display_end: dt.date | None = None,
) -> dt.date | None:
    """The day the supplier knew or should have known its rights were harmed (条例 53):
    documents — the day it obtained them or the end of the documents' notice period (the
    later of the two when both are known: a supplier that obtained the documents during
    the period counts from its end ⚠ reading of 94号令 10); process — the end of the step;
    result — the end of the result notice's display period. None: not known yet."""
    if subject == c.Subject.DOCUMENTS:
        days = [d for d in (documents_obtained, documents_period_end) if d is not None]
        return max(days) if days else None
    if subject == c.Subject.PROCESS:
        return step_end
    if subject == c.Subject.RESULT:
        return display_end
    raise ValueError(subject)


def challenge_window_ends(cal: WorkCalendar, day: dt.date) -> dt.date:
    """Last day to file a 质疑: 7 WD from the knowledge day (法 52; 条例 53; 94号令 10)."""
    return cal.add_working_days(day, c.CHALLENGE_WORKING_DAYS)


def answer_due(cal: WorkCalendar, received_on: dt.date) -> dt.date:
    """The purchaser or agency answers ≤ 7 WD after receipt (法 53; 94号令 13)."""
    return cal.add_working_days(received_on, c.ANSWER_WORKING_DAYS)


def inquiry_answer_due(cal: WorkCalendar, asked_on: dt.date) -> dt.date:
    """An 询问 is answered promptly, at the latest 3 WD after it is asked (条例 52)."""
    return cal.add_working_days(asked_on, c.INQUIRY_WORKING_DAYS)


def inquiry_may_affect_result(subject: str) -> bool:
    """条例 54: an 询问 about the process or the result may affect it (signing waits)."""
    return subject in (c.Subject.PROCESS, c.Subject.RESULT)


# 94号令 12: what a 质疑函 contains (the project name and number, the date are the platform's).
LETTER_FIELDS: dict[str, str] = {
    "name": "供应商名称",
    "address": "地址",
    "postcode": "邮编",
    "contact": "联系人",
    "phone": "联系电话",
    "items": "具体、明确的质疑事项和与质疑事项相关的请求",
    "facts": "事实依据",
    "legal_basis": "必要的法律依据",
    "signatory": "签字（法定代表人或授权代表）或盖章",
}

# 94号令 15: what the answer contains (challenger, receipt date, project, who and when are
# the platform's; the notice of the right to complain is added by the service).
ANSWER_FIELDS: dict[str, str] = {
    "items_answer": "质疑事项逐项答复",
    "facts": "答复的事实依据",
    "legal_basis": "答复的法律依据",
}

# rules.md §7 (条例 43; 87号令 69; 74号令 18; 198号 20; 46号; 格式规范 ⚠).
NOTICE_FIELDS: dict[str, str] = {
    "purchaser": "采购人名称、地址、联系方式",
    "agency": "采购代理机构名称、地址、联系方式",
    "project": "项目名称和项目编号",
    "winner": "中标（成交）供应商名称、地址、中标（成交）金额",
    "items": "主要标的名称、规格型号、数量、单价、服务要求",
    "display": "公告期限",
    "panel": "评审专家（评审小组）名单（采购人自行选定的专家注明）",
    "documents": "采购文件",
    "agency_fee": "代理服务收费标准及金额",
}


def _blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | tuple | dict):
        return len(value) == 0
    return False


def missing(fields: Mapping[str, str], given: Mapping[str, Any]) -> list[str]:
    """The labels of the required fields that are absent or blank, in order."""
    return [label for key, label in fields.items() if _blank(given.get(key))]


def sme_missing(sme_applied: bool, declaration: Any) -> list[str]:
    """46号: where an SME benefit applied, the winner's 中小企业声明函 is published with it."""
    return ["中标（成交）供应商的中小企业声明函"] if sme_applied and _blank(declaration) else []


@dataclass(frozen=True)
class Consequence:
    """What a challenge outcome does (94号令 16)."""

    subject_ok: frozenset[str]  # which subjects may have this outcome
    continues: bool  # the procurement goes on with the same result
    amend_documents: bool
    another_candidate: bool
    restart: bool

    @property
    def changes_result(self) -> bool:
        """A changed result is reported in writing to the finance department (94号令 16)."""
        return self.another_candidate or self.restart


_ALL = frozenset(c.Subject.values)
_DOCS = frozenset({c.Subject.DOCUMENTS})
_PROC = frozenset({c.Subject.PROCESS, c.Subject.RESULT})

CONSEQUENCES: dict[str, Consequence] = {
    c.Outcome.NOT_UPHELD: Consequence(_ALL, True, False, False, False),
    c.Outcome.NO_EFFECT: Consequence(_ALL, True, False, False, False),
    c.Outcome.DOCUMENTS_AMEND: Consequence(_DOCS, True, True, False, False),
    c.Outcome.DOCUMENTS_RESTART: Consequence(_DOCS, False, True, False, True),
    c.Outcome.OTHER_CANDIDATE: Consequence(_PROC, False, False, True, False),
    c.Outcome.RESTART: Consequence(_PROC, False, False, False, True),
}


def consequence(outcome: str, subject: str) -> Consequence | None:
    """The consequence of `outcome` for a challenge about `subject`, or None when the law
    does not give that outcome for that subject (94号令 16)."""
    cons = CONSEQUENCES.get(outcome)
    if cons is None or subject not in cons.subject_ok:
        return None
    return cons


def another_candidate_possible(remaining: int) -> bool:
    """94号令 16: another winner only 'if enough qualified candidates remain' — at least one."""
    return remaining >= 1


RIGHT_TO_COMPLAIN = (
    "质疑供应商对答复不满意，或者采购人、采购代理机构未在规定时间内作出答复的，可以在答复期满后"
    "15个工作日内向同级政府采购监督管理部门投诉（法 55；94号令 17）。"
)


# --- complaints (投诉; rules.md §3.3, §6) -------------------------------------------------------


def complaint_window_ends(
    cal: WorkCalendar, *, answered_on: dt.date | None, answer_due_on: dt.date
) -> dt.date:
    """Last day to file a 投诉: 15 WD after the answer period ends — counted from the answer
    day, or from the answer deadline (7 WD) when it passed without an answer (法 55; 94号令 17)."""
    start = answered_on if answered_on is not None else answer_due_on
    return cal.add_working_days(start, c.COMPLAINT_WORKING_DAYS)


def complaint_may_file(
    *, today: dt.date, answered_on: dt.date | None, answer_due_on: dt.date
) -> bool:
    """A complaint follows the answer, or the answer period's end without one (法 55)."""
    return answered_on is not None or today > answer_due_on


def complaint_review_due(cal: WorkCalendar, received_on: dt.date) -> dt.date:
    """The finance department reviews a complaint ≤ 5 WD after receipt (94号令 21)."""
    return cal.add_working_days(received_on, c.COMPLAINT_REVIEW_WORKING_DAYS)


def complaint_response_due(cal: WorkCalendar, copy_received_on: dt.date) -> dt.date:
    """The respondents answer ≤ 5 WD after receiving the copy (94号令 22–23)."""
    return cal.add_working_days(copy_received_on, c.COMPLAINT_RESPONSE_WORKING_DAYS)


def suspension_ends(suspended_on: dt.date, days: int) -> dt.date:
    """The procurement may be suspended ≤ 30 days (法 57; 94号令 28): the last day."""
    return suspended_on + dt.timedelta(days=days)


def suspension_ok(days: int) -> bool:
    """法 57; 94号令 28: at most 30 (calendar) days."""
    return 1 <= days <= c.COMPLAINT_SUSPENSION_DAYS


def complaint_decision_due(
    cal: WorkCalendar,
    received_on: dt.date,
    pauses: list[tuple[dt.date, dt.date | None]],
    *,
    today: dt.date | None = None,
) -> dt.date:
    """The decision is made ≤ 30 WD after receipt (法 56; 条例 58; 94号令 26–27), not counting
    the time spent on 检验、检测、鉴定、专家评审 or the complainant's corrections (94号令 27 ⚠
    numbering; rules.md §3.3). Each pause (start, end) — end None while it runs, counted to
    `today` — stops the clock on its working days from `start` to `end`, both included."""
    paused: set[dt.date] = set()
    for start, end in pauses:
        last = end if end is not None else (today or start)
        day = start
        while day <= last:
            if cal.is_workday(day):
                paused.add(day)
            day += dt.timedelta(days=1)
    counted = 0
    day = received_on
    while counted < c.COMPLAINT_DECISION_WORKING_DAYS:
        day += dt.timedelta(days=1)
        if cal.is_workday(day) and day not in paused:
            counted += 1
    return day


# 94号令 18: what a 投诉书 contains (parties, project, challenge and date are the platform's).
COMPLAINT_FIELDS: dict[str, str] = {
    "contact": "投诉人联系人及联系电话",
    "items": "具体、明确的投诉事项",
    "requests": "与投诉事项相关的投诉请求",
    "facts": "事实依据",
    "legal_basis": "法律依据",
    "signatory": "签字（法定代表人或授权代表）或盖章",
}

# 94号令 31–32: what an upheld complaint may order, by stage, for documents / process-result.
_DOC_REMEDIES: dict[str, frozenset[str]] = {
    c.Stage.BEFORE_AWARD: frozenset({c.Remedy.AMEND_CONTINUE, c.Remedy.RESTART}),
    c.Stage.AWARDED: frozenset({c.Remedy.RESULT_VOID_RESTART}),
    c.Stage.SIGNED: frozenset({c.Remedy.CONTRACT_VOID_RESTART}),
    c.Stage.PERFORMED: frozenset({c.Remedy.DAMAGES}),
}
_PROC_REMEDIES: dict[str, frozenset[str]] = {
    c.Stage.BEFORE_AWARD: frozenset({c.Remedy.RESTART}),
    c.Stage.AWARDED: frozenset({c.Remedy.RESULT_VOID_OTHER, c.Remedy.RESULT_VOID_RESTART}),
    c.Stage.SIGNED: frozenset({c.Remedy.CONTRACT_VOID_OTHER, c.Remedy.CONTRACT_VOID_RESTART}),
    c.Stage.PERFORMED: frozenset({c.Remedy.DAMAGES}),
}


def complaint_remedies(finding: str, subject: str, stage: str) -> frozenset[str]:
    """The remedies the law allows for `finding` on a complaint about `subject` at `stage`
    (94号令 29, 31–32): rejected or no effect — continue; upheld — the table of rules.md §6."""
    if finding != c.Finding.UPHELD:
        return frozenset({c.Remedy.CONTINUE})
    table = _DOC_REMEDIES if subject == c.Subject.DOCUMENTS else _PROC_REMEDIES
    return table[stage]


def complaint_stage(*, has_award: bool, signed: bool, performed: bool) -> str:
    """Where the procurement stands for 94号令 31–32."""
    if performed:
        return c.Stage.PERFORMED
    if signed:
        return c.Stage.SIGNED
    return c.Stage.AWARDED if has_award else c.Stage.BEFORE_AWARD


def unfounded_record_due(count_in_window: int, threshold: int) -> bool:
    """3 or more unfounded complaints in 12 months → adverse record (94号令 37 ⚠ article)."""
    return count_in_window >= threshold


RIGHT_TO_APPEAL = (
    "投诉人对投诉处理决定不服，或者财政部门逾期未作处理的，可以依法申请行政复议或者向人民法院提起"
    "行政诉讼（法 58；94号令 33）。"
)
