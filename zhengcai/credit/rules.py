"""Pure rules of penalties (法 77–78; 条例 73, 75; 94号令 37; 198号 6, 29).

⚠ Fine ranges and the record period are configuration to check against the official texts
(rules.md Appendix B); they are kept here, named and cited, in one place."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from zhengcai.credit import constants as c

BAN_MONTHS_MIN = 12  # 法 77, 78; 条例 73: 一至三年
BAN_MONTHS_MAX = 36
SUPPLIER_FINE_RATE_MIN = Decimal("0.005")  # 法 77: 采购金额千分之五以上千分之十以下
SUPPLIER_FINE_RATE_MAX = Decimal("0.010")
EXPERT_FINE_MIN = Decimal("2000")  # 条例 75: 2000元以上2万元以下; 影响结果的 2万元以上5万元以下
EXPERT_FINE_MAX = Decimal("50000")
RECORD_MONTHS = 36  # ⚠ a record without a ban is shown 3 years (198号 6: 近三年内无不良行为记录)


@dataclass(frozen=True)
class Problem:
    code: str
    message: str
    citation: str


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def ban_last_day(effective_from: dt.date, months: int) -> dt.date:
    """A ban of N months from `effective_from` runs to the day before the same date N months
    later (一年 from 2026-12-01 runs to 2027-11-30)."""
    return add_months(effective_from, months) - dt.timedelta(days=1)


def penalty_problems(
    *,
    subject_kind: str,
    warning: bool,
    fine: Decimal | None,
    procurement_amount: Decimal | None,
    ban_scope: str,
    ban_months: int | None,
    adverse_record: bool,
    basis: str,
    facts: str,
) -> list[Problem]:
    """Everything wrong with a penalty as proposed (an empty list: it may be decided)."""
    out: list[Problem] = []
    if not basis.strip():
        out.append(Problem("basis_required", "须写明法律依据（条款）", "行政处罚法 44"))
    if len(facts.strip()) < 10:
        out.append(Problem("facts_required", "须写明违法事实（不少于10字）", "行政处罚法 44"))
    if ban_scope not in c.SCOPE_FOR_SUBJECT.get(subject_kind, set()):
        scope = c.BanScope(ban_scope).label if ban_scope in c.BanScope.values else ban_scope
        out.append(
            Problem(
                "ban_scope_subject",
                f"「{scope}」不适用于{c.SubjectKind(subject_kind).label}",
                "法 77、78；条例 75",
            )
        )
    if not (warning or fine or ban_scope != c.BanScope.NONE or adverse_record):
        out.append(Problem("penalty_empty", "至少应有一项处罚或记录", "法 77"))
    if fine is not None and fine <= 0:
        out.append(Problem("fine_positive", "罚款金额应大于0", "法 77"))
    if ban_scope != c.BanScope.NONE:
        if ban_months is None:
            if subject_kind != c.SubjectKind.EXPERT:
                out.append(Problem("ban_months", "禁止期限应为1至3年", "法 77、78"))
        elif not BAN_MONTHS_MIN <= ban_months <= BAN_MONTHS_MAX:
            out.append(
                Problem("ban_months", f"禁止期限应为1至3年（现为 {ban_months} 个月）", "法 77、78")
            )
    elif ban_months:
        out.append(Problem("ban_months_without_scope", "未选择禁止事项却填写了期限", "法 77"))
    if subject_kind == c.SubjectKind.SUPPLIER and fine is not None and fine > 0:
        if not procurement_amount or procurement_amount <= 0:
            out.append(
                Problem("procurement_amount", "对供应商罚款须填写采购金额（千分之五至十）", "法 77")
            )
        else:
            lo = (procurement_amount * SUPPLIER_FINE_RATE_MIN).quantize(Decimal("0.01"))
            hi = (procurement_amount * SUPPLIER_FINE_RATE_MAX).quantize(Decimal("0.01"))
            if not lo <= fine <= hi:
                out.append(
                    Problem(
                        "fine_range",
                        f"罚款应为采购金额的千分之五至千分之十（{lo}–{hi} 元）",
                        "法 77",
                    )
                )
    expert_fine = subject_kind == c.SubjectKind.EXPERT and fine is not None and fine > 0
    if expert_fine and fine is not None and not EXPERT_FINE_MIN <= fine <= EXPERT_FINE_MAX:
        out.append(
            Problem(
                "fine_range",
                f"对评审专家的罚款应为 {EXPERT_FINE_MIN}–{EXPERT_FINE_MAX} 元",
                "条例 75",
            )
        )
    return out


def periods(
    *, effective_from: dt.date, ban_scope: str, ban_months: int | None, adverse_record: bool
) -> tuple[dt.date | None, dt.date | None]:
    """(last day of the ban, last day the record is shown). An expert's ban without a term is
    open-ended (条例 75); a record runs with the ban, or RECORD_MONTHS without one."""
    ban_until = (
        ban_last_day(effective_from, ban_months)
        if ban_scope != c.BanScope.NONE and ban_months
        else None
    )
    if ban_scope != c.BanScope.NONE and ban_months is None:
        return None, None  # open-ended
    record_until = ban_until
    if record_until is None and adverse_record:
        record_until = ban_last_day(effective_from, RECORD_MONTHS)
    return ban_until, record_until


def bans(ban_scope: str, activity: str) -> bool:
    return activity in c.BLOCKS.get(ban_scope, set())


def in_force_on(day: dt.date, *, effective_from: dt.date | None, ban_until: dt.date | None) -> bool:
    return (
        effective_from is not None
        and effective_from <= day
        and (ban_until is None or day <= ban_until)
    )
