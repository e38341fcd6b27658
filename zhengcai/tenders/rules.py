"""Pure functions of the law for project procurement: statutory periods of a timeline, the bid
bond cap, the price weight, and the 采购文件合规审查 (compliance check of the documents).

Every finding names its article. The checker reads text and structure only; it flags, and a
person fixes the clause or justifies it in writing (services.finding_resolve).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from zhengcai.core.workdays import WorkCalendar
from zhengcai.tenders.constants import (
    TWO_SUPPLIER_ARTICLES,
    TwoSupplierBasis,
)
from zhengcai.tenders.methods import MethodConfig, Period

HUNDRED = Decimal(100)

# =============================================================================================
# Minimum number of suppliers (rules.md §2, §4.5)
# =============================================================================================

TWO_SUPPLIERS = 2


def two_supplier_allowed(cfg: MethodConfig, basis: str) -> bool:
    """Whether `basis` (a TwoSupplierBasis other than none) is a lawful ground for `cfg`:
    only 竞争性磋商 has one — 214号 21 ¶3 with 3（四） (科研 / 科技成果转化) and
    财库〔2015〕124号 (政府购买服务, including PPP)."""
    return basis != TwoSupplierBasis.NONE and basis in cfg.two_supplier_bases


def two_supplier_article(basis: str) -> str:
    """The articles a two-supplier basis rests on; "" for none."""
    return TWO_SUPPLIER_ARTICLES.get(basis, "")


def min_suppliers_to_open(cfg: MethodConfig, basis: str = TwoSupplierBasis.NONE) -> int:
    """Responses needed at the deadline for the procedure to go on: the method's minimum
    (87号令 41; 74号令 33; 214号 34（三）), lowered to 2 for a 竞争性磋商 on a recorded
    two-supplier basis (214号 21 ¶3 / 34（三）; 财库〔2015〕124号: with 1 it is terminated)."""
    if two_supplier_allowed(cfg, basis):
        return min(cfg.min_suppliers_to_open, TWO_SUPPLIERS)
    return cfg.min_suppliers_to_open


def min_suppliers_to_continue(cfg: MethodConfig, basis: str = TwoSupplierBasis.NONE) -> int:
    """Qualified / conforming suppliers (and sealed final quotations) needed to go on: the
    method's minimum (87号令 44; 法 36; 74号令 33, 37; 214号 21, 34（三）), lowered to 2 for a
    竞争性磋商 on a recorded two-supplier basis (214号 21 ¶3: 提交最后报价的供应商可以为2家;
    财库〔2015〕124号: 符合要求的供应商只有2家的，可以继续进行)."""
    if two_supplier_allowed(cfg, basis):
        return min(cfg.min_suppliers_to_continue, TWO_SUPPLIERS)
    return cfg.min_suppliers_to_continue


# =============================================================================================
# Timeline (rules.md §3.1)
# =============================================================================================


@dataclass(frozen=True)
class Timeline:
    """Earliest dates a method allows for a notice published on `published_on`."""

    published_on: dt.date
    notice_display_until: dt.date | None
    documents_until: dt.date | None
    earliest_deadline: dt.date | None


def timeline(cal: WorkCalendar, cfg: MethodConfig, published_on: dt.date) -> Timeline:
    """Notice display (87号令 16), documents available (条例 31; 87号令 18) and the earliest
    bid deadline (法 35: ≥20 d from first issue of the documents; 74号令 29, 45: ≥3 WD;
    214号 10: ≥10 d). The start day is not counted (rules.md §0)."""

    def end(p: Period | None) -> dt.date | None:
        return p.add(cal, published_on) if p is not None else None

    docs = end(cfg.document_availability)
    earliest = end(cfg.documents_to_deadline)
    if earliest is not None and docs is not None:
        # The documents stay available for their whole period before the deadline.
        earliest = max(earliest, docs)
    return Timeline(published_on, end(cfg.notice_display), docs, earliest)


def deadline_problem(
    cal: WorkCalendar, cfg: MethodConfig, published_on: dt.date, deadline: dt.date
) -> str | None:
    """Why `deadline` is too early for documents first issued on `published_on`, or None."""
    p = cfg.documents_to_deadline
    if p is None:
        return None
    earliest = timeline(cal, cfg, published_on).earliest_deadline
    if earliest is None or deadline >= earliest:
        return None
    a = cfg.document_availability
    extra = f"，采购文件提供期不少于{a.label}（{a.citation}）" if a is not None else ""
    return (
        f"自采购文件发出之日起至投标（响应）截止不得少于{p.label}（{p.citation}）{extra}，"
        f"截止时间最早为 {earliest:%Y年%m月%d日}"
    )


def clarification_cutoff(cal: WorkCalendar, cfg: MethodConfig, deadline: dt.date) -> dt.date | None:
    """The last day a clarification that may affect the bids can be issued without extending
    the deadline (条例 31; 87号令 27: 15 d; 74号令 29, 45: 3 WD; 214号 10: 5 d)."""
    p = cfg.clarification_cutoff
    return p.subtract(cal, deadline) if p else None


def extended_deadline(
    cal: WorkCalendar, cfg: MethodConfig, *, change_on: dt.date, deadline: dt.datetime
) -> dt.datetime | None:
    """If a change to the documents made on `change_on` leaves less than the statutory
    clarification period before `deadline`, the new deadline (same time of day) that restores
    it; else None (rules.md §3.1: "otherwise extend the deadline")."""
    p = cfg.clarification_cutoff
    if p is None:
        return None
    day = deadline.date()
    if p.fits(cal, change_on, day):
        return None
    new_day = p.add(cal, change_on)
    return dt.datetime.combine(new_day, deadline.timetz())


# =============================================================================================
# Bid bond, price weight, factors
# =============================================================================================

# 条例 33: 投标保证金不得超过采购项目预算金额的 2%. The one definition of the cap: the
# documents publish it and bidding records against it.
BID_BOND_MAX_PERCENT = Decimal("2")


def bid_bond_cap(budget: Decimal) -> Decimal:
    """The highest bid security a lot may ask: 2% of its budget, rounded DOWN to the fen so it
    is never above 2% (条例 33; a budget of 999,999.75 gives 19,999.99, not 20,000.00)."""
    return bid_bond_amount(budget, BID_BOND_MAX_PERCENT)


def bid_bond_amount(budget: Decimal, percent: Decimal) -> Decimal:
    """The bond the documents ask: `percent` of the lot budget, never above the cap, rounded
    down to the fen (条例 33)."""
    percent = min(percent, BID_BOND_MAX_PERCENT)
    return (budget * percent / 100).quantize(Decimal("0.01"), rounding=ROUND_DOWN)


def reasonable_price(reviewed_budget: Decimal, discount: Decimal) -> Decimal:
    """合理定价评审抽签法 (seed 001, 敖政办发78号 ⚠): the 合理价 published in the documents =
    审核后的预算 × (1 − 下浮率), to 分 — the same figure evaluation.rules.reasonable_price
    computes at the review."""
    return (reviewed_budget * (1 - discount)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Factor:
    name: str
    points: Decimal
    objective: bool
    is_price: bool
    criteria: str = ""


def parse_factors(raw: Iterable[dict[str, object]]) -> list[Factor]:
    out = []
    for item in raw:
        out.append(
            Factor(
                name=str(item.get("name", "")).strip(),
                points=Decimal(str(item.get("points", "0"))),
                objective=bool(item.get("objective", False)),
                is_price=bool(item.get("is_price", False)),
                criteria=str(item.get("criteria", "")).strip(),
            )
        )
    return out


def factor_problems(factors: Sequence[Factor]) -> list[str]:
    problems = []
    if not factors:
        problems.append("综合评分法须列明评分因素及分值（87号令 55）")
    for f in factors:
        if not f.name:
            problems.append("评分因素名称不能为空")
        if f.points <= 0:
            problems.append(f"评分因素「{f.name}」的分值必须大于0")
    return problems


def price_weight_percent(factors: Sequence[Factor]) -> Decimal | None:
    total = sum((f.points for f in factors), Decimal(0))
    if total <= 0:
        return None
    price = sum((f.points for f in factors if f.is_price), Decimal(0))
    return (price / total * HUNDRED).quantize(Decimal("0.01"))


# =============================================================================================
# Corrections and clarifications (87号令 27)
# =============================================================================================

# 87号令 27: 澄清或者修改 … 不得改变采购标的和资格条件. The subject (the lots: name, quantity,
# unit, budget) cannot be reached by a correction at all; the qualification requirements are a
# document field a correction could touch, so it is compared.
CORRECTION_FROZEN = {"qualifications": "资格条件"}
# 87号令 27: a clarification that may affect the prequalification applications comes at least
# 3 days (calendar) before their deadline, or the deadline moves.
PREQUALIFICATION_CLARIFICATION_DAYS = 3


def _same_text(a: object, b: object) -> bool:
    return re.sub(r"\s+", "", str(a or "")) == re.sub(r"\s+", "", str(b or ""))


def correction_problem(current: dict[str, object], changes: dict[str, object]) -> str | None:
    """Why a correction may not make `changes` to documents whose frozen fields are `current`
    (87号令 27), or None. Whitespace alone is no change."""
    changed = [
        label
        for key, label in CORRECTION_FROZEN.items()
        if key in changes and not _same_text(changes[key], current.get(key, ""))
    ]
    if not changed:
        return None
    return (
        f"澄清或者修改不得改变采购标的和{'、'.join(changed)}（87号令 27）；"
        "确需改变的，应终止本次采购后重新采购"
    )


def prequalification_deadline_after_clarification(
    change_on: dt.date, deadline: dt.datetime
) -> dt.datetime:
    """The application deadline after a clarification of the prequalification documents made
    on `change_on`: unchanged when it still leaves 3 days, else `change_on` + 3 days at the same
    time of day (87号令 27)."""
    days = PREQUALIFICATION_CLARIFICATION_DAYS
    if (deadline.date() - change_on).days >= days:
        return deadline
    return dt.datetime.combine(change_on + dt.timedelta(days=days), deadline.timetz())


# =============================================================================================
# Calendar certainty of a published timeline (issue 10 item 2; rules.md §0)
# =============================================================================================


def require_certain_timeline(cal: WorkCalendar, t: Timeline, deadline: dt.date) -> None:
    """A notice publishes statutory dates to suppliers: its display period (87号令 16), the
    documents' period (条例 31), the bid deadline and its minimum (法 35; 74号令 29, 45;
    214号 10) and the clarification cut-off before it (87号令 27). Counted into a year whose
    holiday schedule is not confirmed they are not certain: refused (422
    `calendar_unconfirmed`, core.deadlines) telling the administrator to enter that year."""
    from zhengcai.core import deadlines

    ends = [d for d in (t.notice_display_until, t.documents_until, t.earliest_deadline) if d]
    what = "本公告的法定期限（公告期限、采购文件提供期限、投标（响应）截止时间）"
    deadlines.require_certain(cal, t.published_on, max([deadline, *ends]), what=what)


def require_certain_correction(cal: WorkCalendar, first_issue: dt.date, deadline: dt.date) -> None:
    """A 更正公告 / 澄清公告 that moves the deadline — chosen by the agency or extended by law
    (条例 31; 87号令 27; 74号令 29, 45; 214号 10) — publishes it and the clarification cut-off
    again: counted into a year whose holiday schedule is not confirmed it is refused like the
    notice itself (422 `calendar_unconfirmed`, `require_certain_timeline`)."""
    from zhengcai.core import deadlines

    what = "更正后的投标（响应）截止时间及澄清截止时间"
    deadlines.require_certain(cal, first_issue, deadline, what=what)
