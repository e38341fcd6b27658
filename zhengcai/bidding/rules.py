"""Pure rules of bidding: deadline, bid security (amount, refund day, late-refund interest),
opening quorum, the SME declaration. Each cites its article."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from zhengcai.bidding.constants import OpeningOutcome, RefundReason
from zhengcai.core.workdays import WorkCalendar
from zhengcai.tenders.rules import bid_bond_cap

BOND_REFUND_WORKING_DAYS = 5  # 条例 33; 87号令 38: 5 个工作日内退还

# ⚠ Configuration, not law read in the official text (rules.md §4.7, Appendix B): many
# provinces reduce or waive bid security for SMEs, prison enterprises and disabled-welfare
# units (they count as small/micro). The factor multiplies the lot's required security.
BOND_FACTORS: dict[str, Decimal] = {
    "": Decimal("1"),
    "medium": Decimal("1"),
    "small": Decimal("0.5"),
    "micro": Decimal("0"),
    "prison_enterprise": Decimal("0"),
    "disabled_welfare": Decimal("0"),
}


def accepting(deadline: dt.datetime, now: dt.datetime) -> bool:
    """Envelopes are received while now < deadline: the deadline instant itself is closed
    (87号令 33: 逾期送达的投标文件应当拒收). Opening is allowed from that instant on."""
    return now < deadline


def bond_required(
    lot_amount: Decimal, budget: Decimal, *, sme_size: str = "", special: str = ""
) -> Decimal:
    """What this supplier must lodge: the lot's amount (capped at 2%), times the reduction
    factor of its declaration (the most favourable one applies)."""
    base = min(lot_amount, bid_bond_cap(budget))
    factor = min(BOND_FACTORS.get(sme_size, Decimal("1")), BOND_FACTORS.get(special, Decimal("1")))
    return (base * factor).quantize(Decimal("0.01"), rounding=ROUND_DOWN)


def bond_refund_due(cal: WorkCalendar, event_day: dt.date) -> dt.date:
    """5 working days after the triggering event: the award notice, the contract, the
    withdrawal notice, the termination or failure of the procurement (条例 33; 87号令 38, 29)."""
    return cal.add_working_days(event_day, BOND_REFUND_WORKING_DAYS)


# Why the refund is due, and what the law says about it.
REFUND_BASIS: dict[str, str] = {
    RefundReason.WITHDRAWAL: "收到撤回投标通知之日起5个工作日内退还（87号令 38）",
    RefundReason.AWARD: "中标（成交）通知书发出之日起5个工作日内退还（条例 33；87号令 38）",
    RefundReason.CONTRACT: "采购合同签订之日起5个工作日内退还（条例 33；87号令 38）",
    RefundReason.TERMINATED: (
        "终止采购活动后5个工作日内退还，连同已收取的采购文件费用及保证金在银行产生的孳息"
        "（87号令 29）"
    ),
    # ⚠ 87号令 29 speaks of termination; a procurement that fails for too few suppliers
    # (87号令 43; 74号令 37) ends the same way and its bonds are refunded alike.
    RefundReason.FAILED: (
        "采购失败（供应商不足）后5个工作日内退还，连同已收取的采购文件费用及孳息"
        "（参照 87号令 29 ⚠）"
    ),
}


def refund_basis(reason: str) -> str:
    return REFUND_BASIS.get(reason, "")


# --- late-refund interest (87号令 38) ------------------------------------------------------------
#
# 87号令 38: a refund later than its day carries, besides the bond itself, a charge for the use
# of the money (超期资金占用费) at the 中国人民银行 benchmark lending rate of the same period
# raised by 20% (同期贷款基准利率上浮20%), unless the bidder caused the delay.
#
# Day count (stated here and in docs/rounds-and-bonds.md): every calendar day after the refund
# day up to and including the day of the refund (or today, for a bond still held) is one day
# late — the refund day itself is in time, the next day is the first late day (算头不算尾
# from the refund day). Interest per day = amount × annual rate × 1.2 ÷ 360 (the 360-day year
# of the 人民币利率管理规定 ⚠), each day at the rate in force that day for the term the whole
# delay falls in (同期: the same period), summed and rounded half-up to the fen at the end.

LATE_RATE_MARKUP = Decimal("1.2")  # 上浮20%: the rate times 1.2, not plus 20 points
INTEREST_DAY_BASIS = 360


@dataclass(frozen=True)
class LendingRate:
    """A benchmark lending rate in force from `effective_from`, for loans up to
    `max_term_days` (None: longer), in percent a year. Dated configuration."""

    effective_from: dt.date
    annual_rate: Decimal  # percent, e.g. 4.35
    max_term_days: int | None
    basis: str
    uncertain: bool = False


# ⚠ The PBoC last adjusted its benchmark lending rates on 2015-10-24 (≤1 year 4.35%, 1–5 years
# 4.75%, over 5 years 4.90%). Since the 2019-08-20 LPR reform loans are priced on the 贷款市场
# 报价利率 instead and the benchmark is no longer adjusted, while 87号令 38 still names it. A
# regulator that decides otherwise adds dated rows (settings ZHENGCAI["BOND_LENDING_RATES"],
# docs/rounds-and-bonds.md) — for instance the 1-year LPR from a chosen date.
_PBOC_2015 = (
    "中国人民银行贷款基准利率（2015-10-24 起执行，此后未再调整；2019-08-20 起贷款以 LPR 定价 ⚠）"
)
_SINCE_2015 = dt.date(2015, 10, 24)
LENDING_RATES: tuple[LendingRate, ...] = (
    LendingRate(_SINCE_2015, Decimal("4.35"), 365, f"{_PBOC_2015}：一年以内（含一年）", True),
    LendingRate(_SINCE_2015, Decimal("4.75"), 1825, f"{_PBOC_2015}：一至五年（含五年）", True),
    LendingRate(_SINCE_2015, Decimal("4.90"), None, f"{_PBOC_2015}：五年以上", True),
)


def lending_rate_on(
    day: dt.date, term_days: int, rates: Sequence[LendingRate] = LENDING_RATES
) -> LendingRate | None:
    """The rate in force on `day` for a term of `term_days`: the rows of the latest effective
    date on or before `day`, and among them the shortest term that covers `term_days`."""
    current = [r for r in rates if r.effective_from <= day]
    if not current:
        return None
    latest = max(r.effective_from for r in current)
    rows = [r for r in current if r.effective_from == latest]
    covering = [r for r in rows if r.max_term_days is None or r.max_term_days >= term_days]
    if not covering:
        return None
    return min(covering, key=lambda r: (r.max_term_days is None, r.max_term_days or 0))


@dataclass(frozen=True)
class LateInterest:
    days: int
    interest: Decimal | None  # None: a late day has no configured rate
    annual_rate: Decimal | None  # the rate applied on the last late day, with the 20% markup
    basis: str


def bond_late_days(refund_due: dt.date | None, until: dt.date | None) -> int:
    """Calendar days late: from the day after the refund day to `until` inclusive."""
    if refund_due is None or until is None:
        return 0
    return max(0, (until - refund_due).days)


def bond_late_interest(
    amount: Decimal,
    refund_due: dt.date | None,
    until: dt.date | None,
    rates: Sequence[LendingRate] = LENDING_RATES,
) -> LateInterest:
    """超期资金占用费 of a bond refunded (or still held) on `until` after its refund day
    (87号令 38; the day count is in the comment above)."""
    days = bond_late_days(refund_due, until)
    if days == 0 or refund_due is None:
        return LateInterest(0, Decimal("0.00"), None, "")
    first, last = refund_due + dt.timedelta(days=1), refund_due + dt.timedelta(days=days)
    # The rate changes only on an effective date: one segment per rate in force.
    starts = sorted({first} | {r.effective_from for r in rates if first < r.effective_from <= last})
    total = Decimal("0")
    applied: LendingRate | None = None
    for i, start in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else last + dt.timedelta(days=1)
        rate = lending_rate_on(start, days, rates)
        if rate is None:
            return LateInterest(days, None, None, "该期间没有配置贷款基准利率，请补录")
        n = (end - start).days
        total += amount * rate.annual_rate / 100 * LATE_RATE_MARKUP * n / INTEREST_DAY_BASIS
        applied = rate
    assert applied is not None
    return LateInterest(
        days=days,
        interest=total.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP),
        annual_rate=(applied.annual_rate * LATE_RATE_MARKUP).quantize(Decimal("0.0001")),
        basis=f"{applied.basis} 上浮20%（87号令 38）",
    )


def opening_outcome(count: int, minimum: int, *, two_may_change_method: bool) -> str:
    """What a window with `count` valid envelopes leads to (rules.md §2, §4.5).

    * enough → open;
    * exactly 2 under a method whose configuration lets a 2-bidder tender change method
      (`MethodConfig.two_bidders_may_change_method`: 公开/邀请招标) → do not open; the project
      may continue only as 竞争性谈判 with those 2 after approval (87号令 43; 74号令 27 ¶2)
      → needs_method_change;
    * otherwise fewer than the minimum → do not open, terminate and procure again
      (87号令 41; 74号令 37; 214号).
    """
    if count >= minimum:
        return OpeningOutcome.OPENED
    if two_may_change_method and count == 2:
        return OpeningOutcome.NEEDS_METHOD_CHANGE
    return OpeningOutcome.TERMINATE


def bond_overdue(*, status: str, refund_due: dt.date | None, today: dt.date) -> bool:
    """逾期未退: still held after its refund day (条例 33; 87号令 38). The refund day itself is
    within the 5 working days; from the next day on the refund is late and, by 87号令 38,
    carries interest at the PBoC benchmark lending rate plus 20%."""
    return status == "paid" and refund_due is not None and today > refund_due


def bond_refunded_late(*, refund_due: dt.date | None, refunded_on: dt.date | None) -> bool:
    """Refunded, but after its refund day (interest owed: 87号令 38)."""
    return refund_due is not None and refunded_on is not None and refunded_on > refund_due


# --- 中小企业声明函 (财库〔2020〕46号 4, 11; 财库〔2014〕68号; 财库〔2017〕141号) ------------
#
# What the declaration must hold for the supplier to get the SME measures, checked on the
# opened schedule (the declaration is sealed with the bid until the opening):
# * goods — every item with its manufacturer, and every manufacturer an SME: goods made partly
#   by large enterprises get no SME benefit (46号 4 ①, ¶2). The supplier's own size is not
#   asked for goods (a dealer may supply SME-made goods);
# * services / works — the supplier itself (承接 / 承建) is an SME (46号 4 ②③);
# * a consortium counts as an SME only if every member is one, as small/micro only if every
#   member is small or micro (46号 4 ¶3); members and their shares (summing to 100%);
# * subcontracting to small/micro firms and its share, for 46号 9's partial deduction;
# * each enterprise named with its industry (工信部联企业〔2011〕300号 ⚠ a revised standard has
#   been consulted on), 从业人员, 营业收入, 资产总额 and its size (中型 / 小型 / 微型), and the
#   declaration that none is a branch of, controlled by, or run by the head of, a large
#   enterprise (46号 2 and the 声明函 of its 附件1);
# * 监狱企业 with the certificate of a provincial 监狱管理局 / 戒毒管理局 (财库〔2014〕68号) and
#   残疾人福利性单位 with its own 声明函 (财库〔2017〕141号) count as small/micro, once only.
# The declared size is taken as declared: the numbers are captured, not re-classified here.

SME_SIZES = ("medium", "small", "micro")
SMALL_MICRO = ("small", "micro")
_SIZE_RANK = {"micro": 0, "small": 1, "medium": 2}
SIZE_LABELS = {"medium": "中型企业", "small": "小型企业", "micro": "微型企业", "large": "大型企业"}

# 工信部联企业〔2011〕300号 第四条: the industries the size thresholds are set for.
INDUSTRIES: dict[str, str] = {
    "agriculture": "农、林、牧、渔业",
    "industry": "工业",
    "construction": "建筑业",
    "wholesale": "批发业",
    "retail": "零售业",
    "transport": "交通运输业",
    "warehousing": "仓储业",
    "postal": "邮政业",
    "accommodation": "住宿业",
    "catering": "餐饮业",
    "information_transmission": "信息传输业",
    "software_it": "软件和信息技术服务业",
    "real_estate": "房地产开发经营",
    "property_management": "物业管理",
    "leasing_business": "租赁和商务服务业",
    "other": "其他未列明行业",
}


@dataclass(frozen=True)
class SmeFirm:
    """An enterprise named in the declaration: a manufacturer, the supplier, a consortium
    member or a subcontractor. `size` is "medium" | "small" | "micro" | "large" | ""."""

    name: str = ""
    size: str = ""
    industry: str = ""
    employees: int | None = None
    revenue_wan: Decimal | None = None  # 营业收入（万元）
    assets_wan: Decimal | None = None  # 资产总额（万元）
    share: Decimal | None = None  # percent of the contract (consortium, subcontract)

    @property
    def sme(self) -> bool:
        return self.size in SME_SIZES

    @property
    def small_or_micro(self) -> bool:
        return self.size in SMALL_MICRO

    @property
    def figures_given(self) -> bool:
        return None not in (self.employees, self.revenue_wan, self.assets_wan)


@dataclass(frozen=True)
class SmeItem:
    name: str
    industry: str
    manufacturer: SmeFirm


@dataclass(frozen=True)
class SmeDeclarationIn:
    """The declaration as the supplier made it (parsed from the schedule's `declarations`)."""

    items: tuple[SmeItem, ...] = ()
    supplier: SmeFirm | None = None
    consortium: tuple[SmeFirm, ...] = ()
    subcontracts: tuple[SmeFirm, ...] = ()
    no_large_affiliation: bool = False
    present: bool = False  # a 中小企业声明函 was given at all
    prison_enterprise: bool = False
    prison_certificate: str = ""
    disabled_welfare: bool = False
    welfare_declaration: bool = False


@dataclass(frozen=True)
class SmeDeclaration:
    """What the declaration gives the supplier (46号 4): `complete` — it gets the SME
    measures; `reasons` — why not, when incomplete; `size` — the size that applies (the
    largest of the enterprises that must be SMEs; "" when none applies); `small_micro` — it
    counts as small/micro for 46号 9 (by size, or as 监狱企业 / 残疾人福利性单位);
    `small_micro_share` — percent of the contract held by small/micro consortium members and
    subcontractors (46号 9 partial deduction); `shares_complete` — the consortium members and
    subcontractors are declared completely (names, sizes, figures, shares) and the goods are
    all made by SMEs, so that the shares count for the 46号 9 partial deduction even when the
    supplier or a consortium member is itself a large enterprise (the declaration is then not
    `complete` for the full deduction); `sealed` — the bid is not opened yet."""

    complete: bool
    size: str
    reasons: tuple[str, ...]
    small_micro: bool = False
    goods_all_by_sme: bool = False
    consortium: tuple[SmeFirm, ...] = ()
    small_micro_share: Decimal = Decimal("0")
    shares_complete: bool = False
    prison_enterprise: bool = False
    disabled_welfare: bool = False
    sealed: bool = False
    citation: str = "46号 4"


def _text(raw: Any) -> str:
    return str(raw).strip() if raw is not None else ""


def _number(raw: Any, what: str, errors: list[str], *, integer: bool = False) -> Any:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        errors.append(f"{what}须为数字")
        return None
    if not value.is_finite() or value < 0:
        errors.append(f"{what}须为非负数")
        return None
    if integer:
        if value != value.to_integral_value():
            errors.append(f"{what}须为整数")
            return None
        return int(value)
    return value


def _firm(raw: Any, what: str, errors: list[str], *, share: bool = False) -> SmeFirm | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        errors.append(f"{what}格式不正确")
        return None
    size = _text(raw.get("size"))
    if size not in (*SME_SIZES, "large", ""):
        errors.append(f"{what}的企业规模须为 medium / small / micro / large")
    industry = _text(raw.get("industry"))
    if industry and industry not in INDUSTRIES:
        errors.append(f"{what}的所属行业不在划型标准的行业之列（工信部联企业〔2011〕300号）")
    return SmeFirm(
        name=_text(raw.get("name"))[:200],
        size=size,
        industry=industry,
        employees=_number(raw.get("employees"), f"{what}的从业人员", errors, integer=True),
        revenue_wan=_number(raw.get("revenue_wan"), f"{what}的营业收入", errors),
        assets_wan=_number(raw.get("assets_wan"), f"{what}的资产总额", errors),
        share=_number(raw.get("share"), f"{what}的份额", errors) if share else None,
    )


def _firms(raw: Any, what: str, errors: list[str]) -> tuple[SmeFirm, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        errors.append(f"{what}须为列表")
        return ()
    out = [_firm(x, f"{what}第{i + 1}家", errors, share=True) for i, x in enumerate(raw)]
    return tuple(f for f in out if f is not None)


def sme_declaration_parse(declarations: Any) -> tuple[SmeDeclarationIn, list[str]]:
    """The declaration from a schedule's `declarations`, and its format errors (a value of
    the wrong kind; missing values are incompleteness, judged by `sme_declaration_check`)."""
    errors: list[str] = []
    decl = declarations if isinstance(declarations, dict) else {}
    if declarations is not None and not isinstance(declarations, dict):
        errors.append("declarations 须为对象")
    raw = decl.get("sme_declaration")
    special = {
        "prison_enterprise": bool(decl.get("prison_enterprise")),
        "prison_certificate": _text(decl.get("prison_certificate"))[:200],
        "disabled_welfare": bool(decl.get("disabled_welfare")),
        "welfare_declaration": bool(decl.get("welfare_declaration")),
    }
    if raw is None:
        return SmeDeclarationIn(**special), errors  # type: ignore[arg-type]
    if not isinstance(raw, dict):
        return SmeDeclarationIn(**special), [*errors, "中小企业声明函格式不正确"]  # type: ignore[arg-type]
    items: list[SmeItem] = []
    raw_items = raw.get("items") or []
    if not isinstance(raw_items, list):
        errors.append("声明函的标的须为列表")
        raw_items = []
    for i, item in enumerate(raw_items):
        what = f"第{i + 1}项标的"
        if not isinstance(item, dict):
            errors.append(f"{what}格式不正确")
            continue
        industry = _text(item.get("industry"))
        if industry and industry not in INDUSTRIES:
            errors.append(f"{what}的所属行业不在划型标准的行业之列（工信部联企业〔2011〕300号）")
        maker = _firm(item.get("manufacturer") or {}, f"{what}的制造商", errors)
        items.append(SmeItem(_text(item.get("name"))[:200], industry, maker or SmeFirm()))
    parsed = SmeDeclarationIn(
        items=tuple(items),
        supplier=_firm(raw.get("supplier"), "供应商", errors),
        consortium=_firms(raw.get("consortium"), "联合体成员", errors),
        subcontracts=_firms(raw.get("subcontracts"), "分包企业", errors),
        no_large_affiliation=bool(raw.get("no_large_affiliation")),
        present=True,
        **special,  # type: ignore[arg-type]
    )
    return parsed, errors


def _firm_gaps(firm: SmeFirm, what: str, *, industry: bool = True) -> list[str]:
    gaps = []
    if not firm.name:
        gaps.append(f"{what}未填写企业名称")
    if industry and not firm.industry:
        gaps.append(f"{what}（{firm.name or '未命名'}）未填写所属行业")
    if not firm.size:
        gaps.append(f"{what}（{firm.name or '未命名'}）未填写企业规模")
    if not firm.figures_given:
        gaps.append(f"{what}（{firm.name or '未命名'}）未填写从业人员、营业收入、资产总额")
    return gaps


def _largest(firms: Sequence[SmeFirm]) -> str:
    sizes = [f.size for f in firms if f.size in SME_SIZES]
    return max(sizes, key=lambda s: _SIZE_RANK[s]) if sizes else ""


def sme_declaration_check(decl: SmeDeclarationIn, *, object_kind: str) -> SmeDeclaration:
    """Whether the 中小企业声明函 gives the SME measures (46号 4; the rules in the comment
    above). `object_kind`: "goods" | "services" | "works" of the project."""
    reasons: list[str] = []
    goods = object_kind == "goods"
    firms: list[SmeFirm] = []  # the enterprises that must be SMEs
    goods_all_by_sme = False
    share_gaps: list[str] = []  # what keeps the consortium / subcontract shares from counting
    if not decl.present:
        reasons.append("未提交《中小企业声明函》（46号 11）")
    else:
        if not decl.no_large_affiliation:
            reasons.append(
                "未声明相关企业不属于大企业的分支机构、不存在控股股东为大企业的情形、"
                "与大企业的负责人非同一人（46号 2；声明函）"
            )
        if goods:
            if not decl.items:
                reasons.append("货物项目须逐项填写标的及其制造商（46号 4 ①）")
            for item in decl.items:
                label = item.name or "未命名标的"
                if not item.name:
                    reasons.append("有标的未填写名称")
                if not item.industry:
                    reasons.append(f"「{label}」未填写采购文件明确的所属行业")
                maker = item.manufacturer
                reasons += _firm_gaps(maker, f"「{label}」的制造商", industry=False)
                if maker.size and not maker.sme:
                    reasons.append(
                        f"「{label}」由非中小企业（{maker.name or '未命名'}）制造：货物中含大型"
                        "企业制造的，不享受中小企业扶持政策（46号 4）"
                    )
                firms.append(maker)
            goods_all_by_sme = bool(decl.items) and all(i.manufacturer.sme for i in decl.items)
        share_gaps = list(reasons)  # the supplier's own size does not matter for the shares
        if not goods and not decl.consortium:
            if decl.supplier is None:
                reasons.append("服务、工程项目须填写承接（承建）的供应商本身的情况（46号 4 ②③）")
            else:
                reasons += _firm_gaps(decl.supplier, "供应商")
                if decl.supplier.size and not decl.supplier.sme:
                    reasons.append("供应商不是中小企业，不享受中小企业扶持政策（46号 4 ②③）")
                firms.append(decl.supplier)
        if decl.consortium:
            gaps: list[str] = []
            if len(decl.consortium) < 2:
                gaps.append("联合体须列明全部成员（至少2家）")
            for m in decl.consortium:
                gaps += _firm_gaps(m, "联合体成员")
                if m.share is None or m.share <= 0:
                    gaps.append(f"联合体成员（{m.name or '未命名'}）未填写合同份额")
            total = sum((m.share or Decimal("0") for m in decl.consortium), Decimal("0"))
            if total != 100:
                gaps.append(f"联合体各方份额合计须为100%（现为 {total}%）")
            reasons += gaps
            share_gaps += gaps
            large = [m.name or "未命名" for m in decl.consortium if m.size and not m.sme]
            if large:
                reasons.append(
                    f"联合体中有非中小企业（{'、'.join(large)}）：联合体各方均为中小企业的，"
                    "联合体视同中小企业（46号 4）"
                )
            firms += decl.consortium
        for s in decl.subcontracts:
            if not s.name or not s.size or s.share is None or s.share <= 0:
                reasons.append("分包企业须填写名称、企业规模和分包份额")
                share_gaps.append("分包企业须填写名称、企业规模和分包份额")
        if sum((s.share or Decimal("0") for s in decl.subcontracts), Decimal("0")) > 100:
            reasons.append("分包份额合计不能超过100%")
            share_gaps.append("分包份额合计不能超过100%")
    sme_ok = decl.present and not reasons
    special: list[str] = []
    prison_ok = decl.prison_enterprise and bool(decl.prison_certificate)
    if decl.prison_enterprise and not prison_ok:
        special.append(
            "监狱企业须提供省级以上监狱管理局、戒毒管理局出具的证明文件（财库〔2014〕68号）"
        )
    welfare_ok = decl.disabled_welfare and decl.welfare_declaration
    if decl.disabled_welfare and not welfare_ok:
        special.append("残疾人福利性单位须提交《残疾人福利性单位声明函》（财库〔2017〕141号）")
    complete = sme_ok or prison_ok or welfare_ok
    size = _largest(firms) if sme_ok else ""
    small_micro_share = sum(
        (
            f.share or Decimal("0")
            for f in (*decl.consortium, *decl.subcontracts)
            if f.small_or_micro
        ),
        Decimal("0"),
    )
    return SmeDeclaration(
        complete=complete,
        size=size,
        reasons=() if complete else tuple(reasons + special),
        small_micro=prison_ok or welfare_ok or (sme_ok and size in SMALL_MICRO),
        goods_all_by_sme=goods_all_by_sme,
        consortium=decl.consortium,
        small_micro_share=small_micro_share,
        shares_complete=decl.present and not share_gaps,
        prison_enterprise=prison_ok,
        disabled_welfare=welfare_ok,
    )
