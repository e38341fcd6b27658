"""Pure rules of the catalogue: 品目 codes, thresholds, configuration standards.

Citations: 法 = 政府采购法; 条例 = 政府采购法实施条例; 87号令 = 货物和服务招标投标管理办法.
"以上 / 以下" include the stated number, "不足" excludes it (87号令 附则 ⚠ numbering,
rules.md §0): an amount exactly at a threshold is "at or above" it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Protocol

from zhengcai.catalog.constants import Category, QuantityBasis

# 《政府采购品目分类目录》(2022, 财库〔2022〕31号 ⚠): A (goods), B (works) or C (services)
# followed by 8 digits, two per level, zero-padded (rules.md §9).
CODE_RE = re.compile(r"^[ABC]\d{8}$")
MAX_LEVEL = 4
MAX_AMOUNT = Decimal("99999999999999.99")  # fits DecimalField(16, 2)


def normalize_code(code: str) -> str:
    return (code or "").strip().upper()


def _pairs(code: str) -> list[str]:
    digits = code[1:]
    return [digits[i : i + 2] for i in range(0, 8, 2)]


def item_code_problem(code: str) -> str | None:
    """Why `code` is not a valid 9-character 品目 code, or None (rules.md §9)."""
    code = normalize_code(code)
    if not code:
        return "品目编码不能为空"
    if code[0] not in Category.values:
        return f"品目编码「{code}」须以 A（货物）、B（工程）或 C（服务）开头"
    if not CODE_RE.match(code):
        return f"品目编码「{code}」须为 1 个字母加 8 位数字（共 9 位），每两位一级"
    pairs = _pairs(code)
    if pairs[0] == "00":
        return f"品目编码「{code}」的第一级不能为 00"
    seen_zero = False
    for pair in pairs:
        if pair == "00":
            seen_zero = True
        elif seen_zero:
            return f"品目编码「{code}」的层级不连续（上一级为 00 时下一级须为 00）"
    return None


def item_level(code: str) -> int:
    """1 for A02000000, 2 for A02010000, 3 for A02010100, 4 for A02010105."""
    pairs = _pairs(normalize_code(code))
    level = 0
    for i, pair in enumerate(pairs):
        if pair != "00":
            level = i + 1
    return level


def item_parent_code(code: str) -> str | None:
    """The code one level up (its last non-zero pair set to 00); None at the first level."""
    code = normalize_code(code)
    level = item_level(code)
    if level <= 1:
        return None
    pairs = _pairs(code)
    pairs[level - 1] = "00"
    return code[0] + "".join(pairs)


def item_category(code: str) -> str:
    """Goods, works or services follow from the first letter (87号令 7; rules.md §8)."""
    return normalize_code(code)[0]


# --- amounts ----------------------------------------------------------------------------


def parse_amount(value: object) -> Decimal | None:
    """A yuan amount with at most two decimals (分), or None if it is not one."""
    if value is None or isinstance(value, bool):
        return None
    try:
        text = str(value).strip().replace(",", "").replace("，", "")
        if not text:
            return None
        amount = Decimal(text)
    except (InvalidOperation, ValueError):
        return None
    if not amount.is_finite():
        return None
    return amount


def amount_problem(
    amount: Decimal | None, *, label: str = "金额", allow_zero: bool = False
) -> str | None:
    if amount is None:
        return f"{label}不是有效的数字"
    if amount < 0:
        return f"{label}不能为负数"
    if amount == 0 and not allow_zero:
        return f"{label}须大于 0"
    if amount > MAX_AMOUNT:
        return f"{label}超出允许范围"
    if amount != amount.quantize(Decimal("0.01")):
        return f"{label}最多保留两位小数（分）"
    return None


# --- thresholds -------------------------------------------------------------------------


def needs_open_tender(amount: Decimal, open_tender_threshold: Decimal) -> bool:
    """Goods or services at or above the 公开招标数额标准 must be openly tendered (法 27);
    "以上" includes the number (87号令 附则 ⚠), so exactly the threshold needs open tender."""
    return amount >= open_tender_threshold


def below_procurement_limit(amount: Decimal, procurement_limit: Decimal) -> bool:
    """Strictly below the 采购限额标准 ("限额标准以上" includes the number, 法 2 and 8)."""
    return amount < procurement_limit


def within_procurement_law(
    *, amount: Decimal, procurement_limit: Decimal | None, in_centralized_catalog: bool
) -> bool:
    """法 2: government procurement = items in the 集中采购目录, or at/above the 限额标准."""
    if in_centralized_catalog:
        return True
    if procurement_limit is None:
        return True  # no limit configured: treat as within the Law (safe side)
    return not below_procurement_limit(amount, procurement_limit)


def centralized_entry_applies(*, amount: Decimal, min_amount: Decimal | None) -> bool:
    """A 集中采购目录 entry with a starting amount ("校服单价500元以上", seed 003) covers
    purchases at or above it ("以上" includes the number)."""
    return min_amount is None or amount >= min_amount


# --- configuration standards (资产配置标准) ----------------------------------------------


class StandardLimits(Protocol):
    max_unit_price: Decimal | None
    max_quantity: Decimal | None
    quantity_basis: str
    min_service_years: int | None


@dataclass(frozen=True)
class Violation:
    limit: str  # "max_unit_price" | "max_quantity" | "min_service_years"
    message: str


def config_standard_violations(
    *,
    standard: StandardLimits,
    unit_price: Decimal | None = None,
    quantity: Decimal | None = None,
    headcount: int | None = None,
    held_quantity: Decimal = Decimal("0"),
    replaced_service_years: Decimal | None = None,
) -> list[Violation]:
    """The limits of a 资产配置标准 a planned purchase breaks, each quoted.

    Procurement follows the approved budget (法 6), and budgets of assets follow the 资产配置标准
    (《行政事业性国有资产管理条例》, 国务院令第738号 ⚠ article not re-checked): buying beyond
    them is 超标准配置. Quantities are per staff (× headcount) or per unit; "以内" includes the
    limit.
    """
    found: list[Violation] = []
    limit_price = standard.max_unit_price
    if limit_price is not None and unit_price is not None and unit_price > limit_price:
        found.append(
            Violation("max_unit_price", f"单价 {unit_price} 元超过配置标准上限 {limit_price} 元")
        )
    if standard.max_quantity is not None and quantity is not None:
        if standard.quantity_basis == QuantityBasis.PER_STAFF:
            allowed = standard.max_quantity * Decimal(headcount or 0)
            basis = f"每人 {standard.max_quantity} × {headcount or 0} 人 = {allowed}"
        else:
            allowed = standard.max_quantity
            basis = f"每单位 {allowed}"
        total = held_quantity + quantity
        if total > allowed:
            found.append(
                Violation(
                    "max_quantity",
                    f"配置后数量 {total}（现有 {held_quantity} + 新购 {quantity}）"
                    f"超过配置标准上限（{basis}）",
                )
            )
    if (
        standard.min_service_years is not None
        and replaced_service_years is not None
        and replaced_service_years < standard.min_service_years
    ):
        found.append(
            Violation(
                "min_service_years",
                f"被更新资产仅使用 {replaced_service_years} 年，"
                f"未达到最低使用年限 {standard.min_service_years} 年",
            )
        )
    return found


def year_problem(year: object) -> str | None:
    if not isinstance(year, int) or isinstance(year, bool) or not 2000 <= year <= 2100:
        return "年度须为 2000–2100 之间的整数"
    return None


# --- 依法必须招标的工程建设项目规模标准 -----------------------------------------------------------


@dataclass(frozen=True)
class DatedAmounts:
    """One version of a national standard: from `effective_from`, an amount per category."""

    effective_from: dt.date
    amounts: dict[str, Decimal]
    basis: str


# 《必须招标的工程项目规定》(国家发展改革委令第16号, in force 2018-06-01) 五: 施工单项合同估算价
# 在400万元人民币以上; 重要设备、材料等货物的采购，单项合同估算价在200万元人民币以上; 勘察、设计、
# 监理等服务的采购，单项合同估算价在100万元人民币以上 ("以上" includes the number). Dated
# configuration: a later revision is a new version appended here (rules.md §9 ⚠ asks to check
# for one); until it is, a regulator enters the new figures as catalogue thresholds of kind
# WORKS_TENDER for its region, which take precedence.
WORKS_TENDER_NATIONAL: tuple[DatedAmounts, ...] = (
    DatedAmounts(
        effective_from=dt.date(2018, 6, 1),
        amounts={
            Category.WORKS: Decimal("4000000.00"),
            Category.GOODS: Decimal("2000000.00"),
            Category.SERVICES: Decimal("1000000.00"),
        },
        basis="《必须招标的工程项目规定》（发改委令第16号）第五条",
    ),
)

# What each category means under the works standard (条例 7 第二款 defines the goods and
# services "与工程建设有关").
WORKS_TENDER_SUBJECTS: dict[str, str] = {
    Category.WORKS: "施工单项合同估算价",
    Category.GOODS: "与工程建设有关的重要设备、材料等货物单项合同估算价",
    Category.SERVICES: "与工程建设有关的勘察、设计、监理等服务单项合同估算价",
}


def works_tender_national(category: str, on: dt.date) -> tuple[Decimal, str] | None:
    """The national 必须招标 figure for `category` in force on `on`, with its basis."""
    current = None
    for version in WORKS_TENDER_NATIONAL:
        if version.effective_from <= on:
            current = version
    if current is None or category not in current.amounts:
        return None
    return current.amounts[category], current.basis
