"""Pure rules of budgets and plans, each citing its article (rules.md §2, §2.1, §3.1, §9).

No database access here: callers look up thresholds, catalogue entries and standards (through
`catalog.selectors`) and pass the values in, so each rule is tested case by case.

Counting (rules.md §0): "以上 / 以下 / 内" include the stated number, so an amount exactly at
the 公开招标数额标准 must be openly tendered, and exactly at the 采购限额标准 is government
procurement.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal

from zhengcai.core.workdays import WorkCalendar
from zhengcai.methods import outcomes
from zhengcai.plans.constants import (
    ADDITION_LIMIT_PERCENT,
    BIDDING_LAW,
    ORG_FORM_RANK,
    SINGLE_SOURCE_PUBLICITY_WORKDAYS,
    Method,
    OrgForm,
)

ORG_FORM_LABELS: dict[str, str] = {
    OrgForm.CENTRAL: "政府集中采购",
    OrgForm.DEPARTMENT: "部门集中采购",
    OrgForm.DISPERSED: "分散采购",
}


def wan(amount: Decimal) -> str:
    """Amount in 万元 for messages: 2000000 → "200万元", 1234567.8 → "123.4568万元"."""
    value = (amount / Decimal(10_000)).normalize()
    text = f"{value:f}"
    return f"{text}万元"


def category_of(item_code: str) -> str:
    """A (goods), B (works) or C (services): the first letter of the 品目 code (rules.md §9)."""
    return item_code.strip().upper()[:1]


# --- organization form and method ----------------------------------------------------------------


@dataclass(frozen=True)
class CentralizedInfo:
    """What the 集中采购目录 says about an item (from catalog.selectors.centralized_entry_for)."""

    scope: str  # "central" | "department"
    min_amount: Decimal | None
    item_code: str


@dataclass(frozen=True)
class WorksStandard:
    """The 依法必须招标 standard for a works purchase (from catalog.selectors.
    works_tender_threshold): 发改委令第16号 五, or the region's configured figure."""

    amount: Decimal
    subject: str  # 施工单项合同估算价 …
    basis: str


# What a purchase is under the works rules: construction (品目 B), goods or services tied to
# works (条例 7 第二款), or neither.
CONSTRUCTION = "construction"
WORKS_RELATED = "related"


@dataclass(frozen=True)
class Determination:
    org_form: str
    default_method: str
    is_government_procurement: bool
    open_tender_required: bool
    open_tender_threshold: Decimal | None
    limit_threshold: Decimal | None
    reasons: list[str] = field(default_factory=list)
    works: str = ""  # CONSTRUCTION | WORKS_RELATED | ""
    # Works that must be tendered under the 招标投标法 (法 4; 条例 7; 发改委令第16号).
    bidding_law_required: bool = False
    bidding_law_threshold: Decimal | None = None
    bidding_law_basis: str = ""

    def as_dict(self) -> dict[str, object]:
        return {
            "org_form": self.org_form,
            "default_method": self.default_method,
            "is_government_procurement": self.is_government_procurement,
            "open_tender_required": self.open_tender_required,
            "open_tender_threshold": (
                str(self.open_tender_threshold) if self.open_tender_threshold is not None else None
            ),
            "limit_threshold": (
                str(self.limit_threshold) if self.limit_threshold is not None else None
            ),
            "reasons": list(self.reasons),
            "works": self.works,
            "bidding_law_required": self.bidding_law_required,
            "bidding_law_threshold": (
                str(self.bidding_law_threshold) if self.bidding_law_threshold is not None else None
            ),
            "bidding_law_basis": self.bidding_law_basis,
        }


def org_form_for(*, amount: Decimal, centralized: CentralizedInfo | None) -> tuple[str, str]:
    """组织形式: an item of the 集中采购目录 (from its starting amount, if any) is bought through
    the 集中采购机构 or by the department (条例 3–4; 法 18); everything else is 分散采购 (法 7)."""
    if centralized is not None and (
        centralized.min_amount is None or amount >= centralized.min_amount
    ):
        if centralized.scope == "central":
            return (
                OrgForm.CENTRAL,
                f"品目属于集中采购目录（{centralized.item_code}，集中采购机构采购），"
                "应委托集中采购机构（法18、条例3）",
            )
        return (
            OrgForm.DEPARTMENT,
            f"品目属于集中采购目录中的部门集中采购项目（{centralized.item_code}）（条例3、4）",
        )
    if centralized is not None and centralized.min_amount is not None:
        return (
            OrgForm.DISPERSED,
            f"品目在集中采购目录中但金额不足起点 {wan(centralized.min_amount)}，"
            "实行分散采购（条例4）",
        )
    return OrgForm.DISPERSED, "品目不在集中采购目录内，实行分散采购（法7、条例4）"


def works_kind(*, item_code: str, works_related: bool) -> str:
    """Construction (品目 B), goods or services tied to works (条例 7 第二款), or neither."""
    if category_of(item_code) == "B":
        return CONSTRUCTION
    return WORKS_RELATED if works_related else ""


def determine(
    *,
    item_code: str,
    amount: Decimal,
    open_tender_threshold: Decimal | None,
    limit_threshold: Decimal | None,
    centralized: CentralizedInfo | None,
    works_related: bool = False,
    works_standard: WorksStandard | None = None,
) -> Determination:
    """Organization form and the default method for one procurement (法 2, 4, 7, 18, 26, 27;
    条例 7, 25).

    Works — and goods and services tied to works — at or above the 必须招标 standard must be
    tendered under the 招标投标法 (法 4; 条例 7; 发改委令第16号): the outcome is 依法招标
    （招标投标法）, with no 政府采购 method and no approval to choose one. Below it, works not
    tendered are bought by 竞争性谈判, 竞争性磋商 or 单一来源 (条例 25; 214号 3)."""
    org_form, form_reason = org_form_for(amount=amount, centralized=centralized)
    reasons = [form_reason]
    in_catalogue = org_form != OrgForm.DISPERSED
    above_limit = limit_threshold is None or amount >= limit_threshold
    is_gp = in_catalogue or above_limit
    category = category_of(item_code)
    works = works_kind(item_code=item_code, works_related=works_related)
    what = "工程施工" if works == CONSTRUCTION else "与工程建设有关的货物或服务"
    open_required = open_tender_threshold is not None and amount >= open_tender_threshold
    if works and works_standard is not None and amount >= works_standard.amount:
        reasons.append(
            f"属于{what}，{works_standard.subject} {wan(amount)} 达到依法必须招标的规模标准 "
            f"{wan(works_standard.amount)}（“以上”含本数；{works_standard.basis}），"
            "必须依照招标投标法及其实施条例招标：不适用政府采购法规定的竞争性谈判、竞争性磋商、"
            "单一来源等方式，也不能经财政部门批准改用（法4；条例7）"
        )
        return Determination(
            org_form,
            BIDDING_LAW,
            is_gp,
            False,
            open_tender_threshold,
            limit_threshold,
            reasons,
            works=works,
            bidding_law_required=True,
            bidding_law_threshold=works_standard.amount,
            bidding_law_basis=works_standard.basis,
        )
    if works and is_gp and open_required:
        assert open_tender_threshold is not None
        reasons.append(
            f"属于{what}，金额 {wan(amount)} 达到公开招标数额标准 {wan(open_tender_threshold)}，"
            "应当招标；工程以及与工程建设有关的货物、服务进行招标的，适用招标投标法（法4、27；"
            "条例7）"
        )
        return Determination(
            org_form,
            BIDDING_LAW,
            True,
            True,
            open_tender_threshold,
            limit_threshold,
            reasons,
            works=works,
            bidding_law_required=True,
            bidding_law_threshold=open_tender_threshold,
            bidding_law_basis="法27；条例7",
        )
    if works and works_standard is not None:
        alternatives = (
            "不招标的，采用竞争性谈判、竞争性磋商或单一来源（条例25；财库〔2014〕214号 3）"
            if works == CONSTRUCTION
            else "不招标的，适用政府采购法规定的方式（条例7）"
        )
        reasons.append(
            f"属于{what}，{works_standard.subject} {wan(amount)} 未达到依法必须招标的规模标准 "
            f"{wan(works_standard.amount)}（{works_standard.basis}）：{alternatives}；"
            "招标的，依照招标投标法（法4）"
        )
    if not is_gp:
        assert limit_threshold is not None
        reasons.append(
            f"金额 {wan(amount)} 低于采购限额标准 {wan(limit_threshold)} 且不在集中采购目录内，"
            "不适用政府采购法规定的采购程序，由单位按内部制度自行采购（法2）"
        )
        return Determination(
            org_form,
            Method.BELOW_LIMIT,
            False,
            False,
            open_tender_threshold,
            limit_threshold,
            reasons,
            works=works,
        )
    if limit_threshold is not None and not in_catalogue:
        reasons.append(f"金额达到采购限额标准 {wan(limit_threshold)}，属于政府采购（法2）")
    if open_required:
        assert open_tender_threshold is not None
        reasons.append(
            f"金额 {wan(amount)} 达到公开招标数额标准 {wan(open_tender_threshold)}"
            "（“以上”含本数），应当采用公开招标；采用其他方式须经设区的市级以上财政部门批准"
            "（法27、条例23）"
        )
        return Determination(
            org_form,
            Method.OPEN_TENDER,
            True,
            True,
            open_tender_threshold,
            limit_threshold,
            reasons,
        )
    default = {"A": Method.RFQ, "B": Method.NEGOTIATION}.get(category, Method.CONSULTATION)
    below = (
        f"低于公开招标数额标准 {wan(open_tender_threshold)}"
        if open_tender_threshold is not None
        else "未设定公开招标数额标准"
    )
    reasons.append(
        f"金额 {wan(amount)} {below}，可依法选择公开招标以外的方式，"
        f"建议{outcomes.label(default)}（法26；74号令；财库〔2014〕214号）"
    )
    return Determination(
        org_form, default, True, False, open_tender_threshold, limit_threshold, reasons, works=works
    )


def org_form_problem(*, chosen: str, required: str) -> str | None:
    """A unit may not take a less centralized form than the catalogue requires (法 18)."""
    if ORG_FORM_RANK[chosen] < ORG_FORM_RANK[required]:
        return (
            f"该品目按集中采购目录应实行{ORG_FORM_LABELS[required]}，"
            f"不能选择{ORG_FORM_LABELS[chosen]}（法18、条例3）"
        )
    return None


def method_change_needed(*, method: str, amount: Decimal, threshold: Decimal | None) -> bool:
    """Any method other than 公开招标 at or above the 公开招标数额标准 needs the approval of a
    finance department at 设区的市 level or above, before procurement starts (法 27; 条例 23) —
    except the methods whose configuration says so (框架协议: 110号令 3, a method of its own
    with its own cases) and the outcomes with no approval path (below the limit; a works
    tender under the 招标投标法)."""
    if threshold is None or not outcomes.needs_approval_above_threshold(method):
        return False
    return amount >= threshold


def single_source_publicity_needed(
    *, method: str, ground: str, amount: Decimal, threshold: Decimal | None
) -> bool:
    """Single source on ground ① (only one supplier) at or above the threshold: public notice
    of at least 5 working days before the approval request (条例 38; 74号令 38)."""
    return (
        ground in outcomes.publicity_grounds(method)
        and threshold is not None
        and amount >= threshold
    )


def import_approval_needed(*, is_import: bool) -> bool:
    """Imported products need prior approval of a finance department at 设区的市 level or above
    (财库〔2007〕119号), whatever the amount."""
    return is_import


def method_problem(*, method: str, determination: Determination) -> str | None:
    """Methods that can never be chosen for this procurement."""
    det = determination
    if outcomes.is_below_limit(method) and det.is_government_procurement:
        return "该采购属于政府采购，不能按限额以下自行采购（法2）"
    if det.bidding_law_required and not outcomes.is_bidding_law(method):
        return (
            f"该项目达到依法必须招标的规模标准（{det.bidding_law_basis}），必须依照招标投标法"
            f"招标，不能采用{outcomes.label(method)}，也不能经审批改用其他方式（法4；条例7）"
        )
    if det.works and not outcomes.allowed_for_works(method, construction=det.works == CONSTRUCTION):
        if det.works == CONSTRUCTION:
            return (
                "政府采购工程不进行招标的，应当采用竞争性谈判、竞争性磋商或单一来源方式"
                "（条例25；财库〔2014〕214号 3）；进行招标的，适用招标投标法，"
                "请选择「依法招标（招标投标法）」（法4）"
            )
        return (
            "与工程建设有关的货物、服务采用招标方式的，适用招标投标法，"
            "请选择「依法招标（招标投标法）」（法4；条例7）"
        )
    if not det.works and outcomes.is_bidding_law(method):
        return (
            "「依法招标（招标投标法）」只适用于工程以及与工程建设有关的货物、服务（法4；条例7）；"
            "其他货物和服务的招标依照政府采购法（法26）"
        )
    return None


@dataclass(frozen=True)
class ApprovalNeed:
    kind: str  # ApprovalKind value
    reason: str


def approvals_needed(
    *,
    method: str,
    ground: str,
    amount: Decimal,
    threshold: Decimal | None,
    is_import: bool,
) -> list[ApprovalNeed]:
    """The approvals a plan needs before it can be approved and commissioned (rules.md §2.1)."""
    needs: list[ApprovalNeed] = []
    if method_change_needed(method=method, amount=amount, threshold=threshold):
        assert threshold is not None
        if single_source_publicity_needed(
            method=method, ground=ground, amount=amount, threshold=threshold
        ):
            needs.append(
                ApprovalNeed(
                    "single_source",
                    f"达到公开招标数额标准 {wan(threshold)} 拟采用单一来源（唯一供应商），"
                    "须先公示不少于5个工作日，再报财政部门批准（条例38、74号令38）",
                )
            )
        else:
            needs.append(
                ApprovalNeed(
                    "method_change",
                    f"达到公开招标数额标准 {wan(threshold)} "
                    f"拟采用{outcomes.label(method)}，"
                    "须报设区的市级以上财政部门批准（法27、条例23）",
                )
            )
    if import_approval_needed(is_import=is_import):
        needs.append(
            ApprovalNeed(
                "import_product",
                "采购进口产品须事先报设区的市级以上财政部门批准（财库〔2007〕119号）",
            )
        )
    return needs


# --- 单一来源 on the 添购 ground ---------------------------------------------------------------


def addition_cap(original_amount: Decimal) -> Decimal:
    """The most all additions to one contract may add up to (法 31 ③: 不超过原合同采购金额百分之
    十; "不超过" includes the number), to the fen below."""
    return (original_amount * ADDITION_LIMIT_PERCENT / 100).quantize(
        Decimal("0.01"), rounding=ROUND_DOWN
    )


def addition_problem(*, original_amount: Decimal, earlier: Decimal, amount: Decimal) -> str | None:
    """Why a single-source addition (法 31 ③) may not be bought: with the earlier additions to
    the same original contract it would exceed 10% of the original contract amount."""
    total = earlier + amount
    cap = addition_cap(original_amount)
    if total <= cap:
        return None
    return (
        f"添购合计 {wan(total)}（本次 {wan(amount)}，此前已添购 {wan(earlier)}）超过原合同金额 "
        f"{wan(original_amount)} 的10%（{wan(cap)}），不能以添购为由采用单一来源（法31③）"
    )


# --- periods -------------------------------------------------------------------------------------


def publicity_end(cal: WorkCalendar, start: dt.date) -> dt.date:
    """Last day of a single-source notice published on `start`: 5 working days, the start day
    not counted (条例 38; rules.md §0). The request may go to the regulator the day after."""
    return cal.add_working_days(start, SINGLE_SOURCE_PUBLICITY_WORKDAYS)


def publicity_over(cal: WorkCalendar, start: dt.date, today: dt.date) -> bool:
    return today > publicity_end(cal, start)


def intention_earliest_start(cal: WorkCalendar, published_on: dt.date, lead_days: int) -> dt.date:
    """First day procurement may start after an intention published on `published_on`:
    `lead_days` calendar days later (≥30 d, 财库〔2020〕10号 ⚠), the start day not counted, an
    end on a holiday running to the next working day (rules.md §0)."""
    return cal.add_calendar_days(published_on, lead_days, roll_forward=True)


# --- 化整为零 ----------------------------------------------------------------------


@dataclass(frozen=True)
class SplitFinding:
    total: Decimal
    threshold: Decimal
    parts: list[Decimal]
    message: str


def split_finding(
    *, earlier: list[Decimal], amount: Decimal, threshold: Decimal | None
) -> SplitFinding | None:
    """条例 28: within one fiscal year, one purchaser, one 预算项目, the same 品目 category bought
    several times by non-open methods whose total reaches the 公开招标数额标准 ("以上" includes
    the number). `earlier` are the other non-open purchases of the group; a single part at or
    above the threshold is not splitting (it needs a method change instead)."""
    if threshold is None or not earlier:
        return None
    parts = [*earlier, amount]
    if any(p >= threshold for p in parts):
        return None
    total = sum(parts, Decimal("0.00"))
    if total < threshold:
        return None
    return SplitFinding(
        total=total,
        threshold=threshold,
        parts=parts,
        message=(
            f"同一预算项目、同一品目类别本年度已以非公开招标方式采购 {len(earlier)} 次，"
            f"连同本次合计 {wan(total)}，达到公开招标数额标准 {wan(threshold)}，"
            "涉嫌化整为零规避公开招标（法28、条例28）。请合并后公开招标，"
            "或在预算调整等法定情形下申请“化整为零例外”审批。"
        ),
    )


# --- 资产配置标准 ------------------------------------------------------------------


@dataclass(frozen=True)
class StandardInfo:
    """A 资产配置标准 (from catalog.selectors.configuration_standard_for)."""

    item_code: str
    max_unit_price: Decimal | None
    max_quantity: Decimal | None
    quantity_basis: str  # "per_staff" | "per_unit"
    basis: str = ""


def config_standard_problems(
    *,
    amount: Decimal,
    quantity: Decimal,
    standard: StandardInfo | None,
    headcount: int | None = None,
) -> list[str]:
    """Budget lines above the 资产配置标准 are refused, quoting the standard (a recorded
    exception may be requested). "以内" includes the limit. A per-staff quantity limit is
    multiplied by the unit's 编制人数; without a recorded headcount it cannot be checked, and
    the line is refused until the unit records it (a rule that cannot be checked is not passed).
    The check covers the quantity bought in this line, not assets the unit already holds."""
    if standard is None or quantity <= 0:
        return []
    problems: list[str] = []
    source = f"（{standard.basis}）" if standard.basis else ""
    unit_price = (amount / quantity).quantize(Decimal("0.01"))
    if standard.max_unit_price is not None and unit_price > standard.max_unit_price:
        problems.append(
            f"单价 {unit_price} 元超过资产配置标准：{standard.item_code} 单价上限 "
            f"{standard.max_unit_price} 元{source}"
        )
    if standard.max_quantity is None:
        return problems
    if standard.quantity_basis == "per_unit" and quantity > standard.max_quantity:
        problems.append(
            f"数量 {quantity} 超过资产配置标准：{standard.item_code} 每单位数量上限 "
            f"{standard.max_quantity}{source}"
        )
    elif standard.quantity_basis == "per_staff":
        if headcount is None:
            problems.append(
                f"资产配置标准按人核定数量（{standard.item_code} 每人 {standard.max_quantity}）"
                f"{source}，请先登记本单位编制人数"
            )
        elif quantity > standard.max_quantity * headcount:
            problems.append(
                f"数量 {quantity} 超过资产配置标准：{standard.item_code} 每人 "
                f"{standard.max_quantity} × 编制 {headcount} 人 = "
                f"{standard.max_quantity * headcount}{source}"
            )
    return problems


def rule_date(*, fiscal_year: int, today: dt.date) -> dt.date:
    """The date whose rules apply to a budget year: today within that year; the first day of a
    future year; the last day of a past year (rules.md §0 "Versioning")."""
    if today.year == fiscal_year:
        return today
    if fiscal_year > today.year:
        return dt.date(fiscal_year, 1, 1)
    return dt.date(fiscal_year, 12, 31)
