"""Pure rules of the contracts app, each with its article (rules.md §3.2, §3.4, §7).

Deadlines run on the working-day calendar (`core.workdays.WorkCalendar`, rules.md §0: the
start day is not counted; a period in calendar days ending on a holiday runs to the next
working day)."""

from __future__ import annotations

import datetime as dt
import hashlib
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from zhengcai.core.deadlines import Due, due
from zhengcai.core.workdays import WorkCalendar

CENT = Decimal("0.01")
TEN_PERCENT = Decimal("0.10")

SIGN_DAYS = 30  # 法 46; 87号令 71; 74号令 19: ≤ 30 日 after the award notice
ANNOUNCE_WD = 2  # 条例 50: 合同公告 ≤ 2 个工作日 after signing
FILING_WD = 7  # 法 47: 合同副本备案 ≤ 7 个工作日 after signing
# Payment term. rules.md does not carry 《保障中小企业款项支付条例》; the platform uses the
# contract's agreed term (days after the payment request of an accepted milestone), 30 日 by
# default, which is the limit that regulation sets for SMEs (⚠ not in rules.md, not verified).
PAYMENT_DAYS = 30


# --- deadlines -----------------------------------------------------------------------------


def sign_due(cal: WorkCalendar, notice_on: dt.date) -> Due:
    """合同签订期限: 30 日 after the 中标（成交）通知书 (法 46; 87号令 71; 74号令 19)."""
    return due(cal, notice_on, SIGN_DAYS, "d")


def announce_due(cal: WorkCalendar, signed_on: dt.date) -> Due:
    """合同公告期限: 2 个工作日 after signing (条例 50)."""
    return due(cal, signed_on, ANNOUNCE_WD, "WD")


def filing_due(cal: WorkCalendar, signed_on: dt.date) -> Due:
    """合同备案期限: 7 个工作日 after signing (法 47)."""
    return due(cal, signed_on, FILING_WD, "WD")


def payment_due(cal: WorkCalendar, requested_on: dt.date, days: int = PAYMENT_DAYS) -> Due:
    """付款期限: the contract's term in 日 after the request (⚠ see PAYMENT_DAYS)."""
    return due(cal, requested_on, days, "d")


def overdue(due_on: dt.date | None, today: dt.date) -> bool:
    """A deadline is met on its last day; overdue from the day after."""
    return due_on is not None and today > due_on


# --- money ---------------------------------------------------------------------------------


def security_cap(amount: Decimal) -> Decimal:
    """履约保证金 ≤ 10 % of the contract amount (条例 48)."""
    return (amount * TEN_PERCENT).quantize(CENT)


def security_problem(amount: Decimal, security: Decimal, form: str) -> str | None:
    if security < 0:
        return "履约保证金不能为负数"
    if security > security_cap(amount):
        return f"履约保证金 {security} 元超过合同金额的10%（{security_cap(amount)} 元，条例 48）"
    if security > 0 and form in ("", "none", "cash"):
        return "履约保证金应以支票、汇票、本票、保函或保险等非现金形式提交（条例 48）"
    return None


def supplement_room(original: Decimal, earlier: Sequence[Decimal]) -> Decimal:
    """What supplementary contracts may still add: all together ≤ 10 % of the original
    (法 49; 条例 67). Exactly 10 % is allowed (rules.md §0: 以内 includes the number)."""
    return (original * TEN_PERCENT).quantize(CENT) - sum(earlier, Decimal("0"))


def supplement_problem(
    original: Decimal, earlier: Sequence[Decimal], amount: Decimal
) -> str | None:
    if amount <= 0:
        return "补充合同金额必须大于 0"
    room = supplement_room(original, earlier)
    if amount > room:
        return (
            f"补充合同累计金额将超过原合同金额的10%（尚可补充 {max(room, Decimal('0'))} 元，法 49）"
        )
    return None


# --- acceptance ----------------------------------------------------------------------------

# 财库〔2016〕205号: 大型或者复杂的项目 invite experts / a testing body to the acceptance. The
# size is configuration (⚠ the notice names no amount); default 1 000 000 元.
LARGE_PROJECT = Decimal("1000000")


def acceptance_needs_experts(
    amount: Decimal, *, complex_: bool, large: Decimal = LARGE_PROJECT
) -> bool:
    return complex_ or amount >= large


def team_problem(members: int, experts: int, *, needs_experts: bool) -> str | None:
    if members < 2:
        return "验收小组至少由2人组成（财库〔2016〕205号）"
    if needs_experts and experts < 1:
        return "大型或者复杂的项目应邀请专家参加验收（财库〔2016〕205号）"
    return None


def deduction_problem(security: Decimal, deducted: Decimal, amount: Decimal) -> str | None:
    if amount <= 0:
        return "扣除金额必须大于 0"
    if deducted + amount > security:
        return f"扣除金额超过剩余履约保证金（{security - deducted} 元）"
    return None


# --- templates, texts, signatures -----------------------------------------------------------

TEMPLATE_FIELDS = (
    "contract_no",
    "title",
    "purchaser",
    "supplier",
    "project_no",
    "project_name",
    "lot_name",
    "method",
    "amount",
    "items",
    "terms",
    "period",
    "place",
    "security",
    "sme_label",
    "payment_days",
)

_COMMON = (
    "合同编号：{contract_no}\n合同名称：{title}\n{sme_label}\n"
    "采购人（甲方）：{purchaser}\n供应商（乙方）：{supplier}\n"
    "项目编号：{project_no}　项目名称：{project_name}　采购包：{lot_name}\n"
    "采购方式：{method}\n\n"
    "根据《中华人民共和国政府采购法》及采购文件、乙方响应文件和中标（成交）结果，双方签订本合同。\n\n"
)
_TAIL = (
    "合同金额（含税）：人民币 {amount} 元\n"
    "履约期限：{period}　履约地点：{place}\n"
    "履约保证金：{security}\n"
    "付款：每一履约节点验收合格、乙方提出支付申请后 {payment_days} 日内支付对应款项。\n\n"
    "采购文件约定的合同条款：\n{terms}\n\n"
    "本合同经双方电子签名后生效。采购文件、响应文件、中标（成交）通知书为本合同组成部分。\n"
)
DEFAULT_TEMPLATES: dict[str, tuple[str, str]] = {
    "goods": (
        "政府采购货物合同（默认范本）",
        "政府采购货物合同\n\n" + _COMMON + "一、货物清单（名称、规格、数量、单价）：\n{items}\n\n"
        "二、交货与验收：乙方按期交付，甲方组织履约验收并出具验收报告。\n\n" + _TAIL,
    ),
    "services": (
        "政府采购服务合同（默认范本）",
        "政府采购服务合同\n\n" + _COMMON + "一、服务内容：\n{items}\n\n"
        "二、服务标准与考核：按采购文件的服务要求履约，甲方按节点验收。\n\n" + _TAIL,
    ),
    "works": (
        "政府采购工程合同（默认范本）",
        "政府采购工程合同\n\n" + _COMMON + "一、工程内容：\n{items}\n\n"
        "二、质量与竣工验收：按国家标准和采购文件要求施工并组织竣工验收。\n\n" + _TAIL,
    ),
}


def template_fields(body: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(body) if f}


def template_problem(body: str) -> str | None:
    try:
        unknown = template_fields(body) - set(TEMPLATE_FIELDS)
    except ValueError:
        return "范本占位符格式不正确（形如 {contract_no}）"
    if unknown:
        return f"范本含未知占位符：{'、'.join(sorted(unknown))}"
    return None


def items_text(items: Sequence[Mapping[str, Any]]) -> str:
    rows = []
    for i, it in enumerate(items, 1):
        rows.append(
            f"{i}. {it.get('name', '')}　规格：{it.get('spec', '') or '—'}　"
            f"数量：{it.get('quantity', '')}　单价：{it.get('unit_price', '')} 元"
        )
    return "\n".join(rows) or "（见响应文件）"


def render(body: str, values: Mapping[str, Any]) -> str:
    return body.format_map({k: values.get(k, "") for k in TEMPLATE_FIELDS})


def text_digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def signing_message(contract_uid: str, party: str, digest_hex: str) -> bytes:
    """What each party signs: the contract text's digest bound to the contract and the side,
    like a bid document (bidding.crypto.signing_message)."""
    return f"zhengcai-contract/v1|{contract_uid}|{party}|{digest_hex.lower()}".encode()


def redact(text: str, secrets: Sequence[str]) -> str:
    """The text with the state and trade secrets removed for the 合同公告 (条例 50)."""
    for s in secrets:
        if s:
            text = text.replace(s, "＊" * min(len(s), 8))
    return text


@dataclass(frozen=True)
class NoticeFacts:
    contract_no: str
    title: str
    project_no: str
    project_name: str
    purchaser: str
    supplier: str
    items: list[dict[str, Any]]
    amount: Decimal
    period: str
    place: str
    method: str
    signed_on: dt.date
    announced_on: dt.date
    sme_reserved: bool
    text: str
    secrets: list[str]


def contract_notice(f: NoticeFacts) -> dict[str, Any]:
    """合同公告 fields (rules.md §7; 条例 50; 46号: SME-reserved contracts labelled)."""
    clean_items = [
        {
            k: redact(str(v), f.secrets)
            for k, v in it.items()
            if k in ("name", "spec", "quantity", "unit_price")
        }
        for it in f.items
    ]
    return {
        "contract_no": f.contract_no,
        "title": f.title,
        "project_no": f.project_no,
        "project_name": f.project_name,
        "purchaser": f.purchaser,
        "supplier": f.supplier,
        "items": clean_items,
        "amount": str(f.amount),
        "period": f.period,
        "place": f.place,
        "method": f.method,
        "signed_on": f.signed_on.isoformat(),
        "announced_on": f.announced_on.isoformat(),
        "sme_label": "中小企业预留合同" if f.sme_reserved else "",
        "text": redact(f.text, f.secrets),
    }
