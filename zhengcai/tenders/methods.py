"""Procurement methods as configuration over one project core (design §4 rule 3).

Each method is a frozen `MethodConfig`; the project core (models, services) reads it and never
branches on the method code itself. Codes are `plans.constants.Method` values; 询价 has two
practice variants (seed 003: 电话询价 and 限时现场报价) configured as variants of `rfq`.

Periods cite rules.md §3.1; items marked ⚠ there are configuration to check against the
official text.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Literal

from zhengcai.core.workdays import WorkCalendar
from zhengcai.plans.constants import Method
from zhengcai.tenders.constants import EvaluationMethod as Eval
from zhengcai.tenders.constants import NoticeKind
from zhengcai.tenders.constants import TwoSupplierBasis as Two

Unit = Literal["WD", "d"]


@dataclass(frozen=True)
class Period:
    """A statutory minimum period: `days` working days ("WD") or calendar days ("d")."""

    days: int
    unit: Unit
    citation: str
    uncertain: bool = False  # ⚠ in rules.md: configuration to verify

    @property
    def label(self) -> str:
        return f"{self.days}{'个工作日' if self.unit == 'WD' else '日'}"

    def add(self, cal: WorkCalendar, start: dt.date) -> dt.date:
        """The earliest end date of a period starting on `start` (start day not counted)."""
        if self.unit == "WD":
            return cal.add_working_days(start, self.days)
        return cal.add_calendar_days(start, self.days)

    def subtract(self, cal: WorkCalendar, end: dt.date) -> dt.date:
        """The latest date from which the period still fits before `end`."""
        if self.unit == "WD":
            return cal.add_working_days(end, -self.days)
        return end - dt.timedelta(days=self.days)

    def fits(self, cal: WorkCalendar, start: dt.date, end: dt.date) -> bool:
        if self.unit == "WD":
            return cal.working_days_between(start, end) >= self.days
        return (end - start).days >= self.days


@dataclass(frozen=True)
class PriceWeight:
    """Price weight bounds for 综合评分法, in percent of the total score."""

    goods_min: int
    services_min: int
    goods_max: int | None
    services_max: int | None
    citation: str

    def bounds(self, object_kind: str) -> tuple[int, int | None]:
        if object_kind == "goods":
            return self.goods_min, self.goods_max
        return self.services_min, self.services_max


# 87号令 55: goods ≥30%, services ≥10%, no upper limit. (30–60 / 10–30 are 214号 24 only.)
TENDER_PRICE_WEIGHT = PriceWeight(30, 10, None, None, "87号令 55")
CONSULTATION_PRICE_WEIGHT = PriceWeight(30, 10, 60, 30, "214号 24")


@dataclass(frozen=True)
class MethodConfig:
    code: str
    variant: str
    name: str
    citation: str
    min_suppliers_to_open: int  # responses needed at the deadline
    min_suppliers_to_continue: int  # qualified / conforming needed to go on
    min_suppliers_note: str
    notice_kind: str | None  # public notice opening the procedure; None = by invitation only
    notice_display: Period | None
    document_availability: Period | None
    documents_to_deadline: Period | None
    clarification_cutoff: Period | None  # before the deadline; later changes extend it
    has_opening: bool
    has_negotiation_rounds: bool
    has_final_quotations: bool
    single_quote: bool  # each supplier quotes once and may not change it (法 40)
    evaluation_methods: tuple[str, ...]
    price_weight: PriceWeight | None
    # Evaluation methods allowed for goods only (全生命周期成本法: a form of 最低评标价 /
    # 综合评分 over the purchase price and the running and disposal costs of goods).
    goods_only_evaluation: tuple[str, ...] = ()
    goods_only: bool = False
    onsite_quote_minutes: int | None = None  # 限时现场报价: the quoting window on site
    # Grounds on which the project may stand with 2 suppliers (the agency records one on the
    # project before publication); read through rules.min_suppliers_to_open / _to_continue.
    two_supplier_bases: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def key(self) -> str:
        return f"{self.code}:{self.variant}" if self.variant else self.code

    def allows(self, evaluation_method: str, object_kind: str | None = None) -> bool:
        """`object_kind` None: allowed for some object kind; else for that kind."""
        if evaluation_method not in self.evaluation_methods:
            return False
        return (
            object_kind is None
            or object_kind == "goods"
            or evaluation_method not in self.goods_only_evaluation
        )

    def evaluation_methods_for(self, object_kind: str) -> tuple[str, ...]:
        return tuple(m for m in self.evaluation_methods if self.allows(m, object_kind))


# 87号令 53: 最低评标价法 and 综合评分法. Two forms of them configured as methods of their own:
# - 合理定价评审抽签法 (seed 001, 敖政办发78号 ⚠ 地方做法): the reasonable price = the reviewed
#   budget × (1 − the published discount); bidders accept it and the winner is drawn by lot.
#   Seed 001 uses it for 工程 under 招标; allowed for every object kind under 公开/邀请招标.
# - 全生命周期成本法 (seed 004 ⚠ 探索做法): the evaluated price is the purchase price plus the
#   running and disposal costs over the service life the documents publish; goods only.
TENDER_EVALUATION = (
    Eval.LOWEST_PRICE,
    Eval.COMPREHENSIVE,
    Eval.REASONABLE_PRICE_LOTTERY,
    Eval.LIFE_CYCLE_COST,
)

OPEN_TENDER = MethodConfig(
    code=Method.OPEN_TENDER,
    variant="",
    name="公开招标",
    citation="法 26–27, 35; 87号令",
    min_suppliers_to_open=3,
    min_suppliers_to_continue=3,
    min_suppliers_note=(
        "投标截止时不足3家不得开标（87号令 41）；资格审查合格不足3家不得评标（87号令 44）"
    ),
    notice_kind=NoticeKind.TENDER,
    notice_display=Period(5, "WD", "87号令 16"),
    document_availability=Period(5, "WD", "条例 31; 87号令 18"),
    documents_to_deadline=Period(20, "d", "法 35"),
    clarification_cutoff=Period(15, "d", "条例 31; 87号令 27"),
    has_opening=True,
    has_negotiation_rounds=False,
    has_final_quotations=False,
    single_quote=True,
    evaluation_methods=TENDER_EVALUATION,
    price_weight=TENDER_PRICE_WEIGHT,
    goods_only_evaluation=(Eval.LIFE_CYCLE_COST,),
)

INVITED_TENDER = MethodConfig(
    code=Method.INVITED_TENDER,
    variant="",
    name="邀请招标",
    citation="法 29, 34–35; 87号令 14",
    min_suppliers_to_open=3,
    min_suppliers_to_continue=3,
    min_suppliers_note=(
        "随机邀请不少于3家（法 34; 87号令 14）；开标、评标同公开招标（87号令 41, 44）"
    ),
    notice_kind=NoticeKind.PREQUALIFICATION,
    notice_display=Period(5, "WD", "条例 21; 87号令 16"),
    document_availability=Period(5, "WD", "条例 31; 87号令 18"),
    documents_to_deadline=Period(20, "d", "法 35"),
    clarification_cutoff=Period(15, "d", "条例 31; 87号令 27"),
    has_opening=True,
    has_negotiation_rounds=False,
    has_final_quotations=False,
    single_quote=True,
    evaluation_methods=TENDER_EVALUATION,
    price_weight=TENDER_PRICE_WEIGHT,
    goods_only_evaluation=(Eval.LIFE_CYCLE_COST,),
)

NEGOTIATION = MethodConfig(
    code=Method.NEGOTIATION,
    variant="",
    name="竞争性谈判",
    citation="法 30, 38; 74号令 26–37",
    min_suppliers_to_open=3,
    min_suppliers_to_continue=3,
    min_suppliers_note=(
        "邀请不少于3家（74号令 12）；提交最后报价不少于3家，"
        "公开招标转谈判的2家例外（74号令 27, 33）"
    ),
    notice_kind=NoticeKind.NEGOTIATION,
    notice_display=None,
    document_availability=None,
    documents_to_deadline=Period(3, "WD", "74号令 29"),
    clarification_cutoff=Period(3, "WD", "74号令 29"),
    has_opening=False,
    has_negotiation_rounds=True,
    has_final_quotations=True,
    single_quote=False,
    evaluation_methods=(Eval.LOWEST_QUOTE,),
    price_weight=None,
)

CONSULTATION = MethodConfig(
    code=Method.CONSULTATION,
    variant="",
    name="竞争性磋商",
    citation="214号",
    min_suppliers_to_open=3,
    min_suppliers_to_continue=3,
    min_suppliers_note=(
        "邀请不少于3家（214号 6）；最后报价不少于3家，科研项目、科技成果转化项目可为2家"
        "（214号 21）；政府购买服务项目符合要求的供应商只有2家的可以继续（财库〔2015〕124号）"
    ),
    notice_kind=NoticeKind.CONSULTATION,
    notice_display=None,
    document_availability=Period(5, "WD", "214号 10"),
    documents_to_deadline=Period(10, "d", "214号 10"),
    clarification_cutoff=Period(5, "d", "214号 10"),
    has_opening=False,
    has_negotiation_rounds=True,
    has_final_quotations=True,
    single_quote=False,
    evaluation_methods=(Eval.COMPREHENSIVE,),
    price_weight=CONSULTATION_PRICE_WEIGHT,
    two_supplier_bases=(Two.RESEARCH, Two.TECH_TRANSFER, Two.PUBLIC_SERVICE),
)

RFQ = MethodConfig(
    code=Method.RFQ,
    variant="",
    name="询价",
    citation="法 32, 40; 74号令 44–49",
    min_suppliers_to_open=3,
    min_suppliers_to_continue=3,
    min_suppliers_note="询价对象不少于3家（法 40; 74号令 45）",
    notice_kind=NoticeKind.RFQ,
    notice_display=None,
    document_availability=None,
    documents_to_deadline=Period(3, "WD", "74号令 45"),
    clarification_cutoff=Period(3, "WD", "74号令 45"),
    has_opening=False,
    has_negotiation_rounds=False,
    has_final_quotations=False,
    single_quote=True,
    evaluation_methods=(Eval.LOWEST_QUOTE,),
    price_weight=None,
    goods_only=True,
)

# seed 003: "电话询价" — uniform, ample, stable-price goods quoted by telephone or fax.
# Practice, not a statutory method: it stays 询价 (法 32) with suppliers invited directly.
RFQ_PHONE = replace(
    RFQ,
    variant="phone",
    name="询价（电话询价）",
    citation="法 32, 40; seed 003 ⚠ 地方做法",
    min_suppliers_note="询价对象不少于3家（法 40）",
    notice_kind=None,
    documents_to_deadline=Period(3, "WD", "74号令 45", uncertain=True),
    clarification_cutoff=Period(3, "WD", "74号令 45", uncertain=True),
    notes=("报价以电话/传真记录为准，平台登记每次报价的时间与记录人",),
)

# seed 003: "限时现场报价" — brand and model announced on site, suppliers quote within a set
# time (combines 询价 and 谈判 against suppliers "控货").
RFQ_TIMED_ONSITE = replace(
    RFQ,
    variant="timed_onsite",
    name="询价（限时现场报价）",
    citation="法 32, 40; seed 003 ⚠ 地方做法",
    min_suppliers_note="报价供应商不少于3家（法 40）",
    has_opening=True,
    onsite_quote_minutes=30,
    notes=("现场公布品牌、型号，供应商在规定时限内一次报价",),
)

SINGLE_SOURCE = MethodConfig(
    code=Method.SINGLE_SOURCE,
    variant="",
    name="单一来源",
    citation="法 31; 条例 38; 74号令 38–43",
    min_suppliers_to_open=1,
    min_suppliers_to_continue=1,
    min_suppliers_note="唯一供应商；公示与审批在采购计划环节完成（条例 38）",
    notice_kind=None,
    notice_display=None,
    document_availability=None,
    documents_to_deadline=None,
    clarification_cutoff=None,
    has_opening=False,
    has_negotiation_rounds=True,
    has_final_quotations=False,
    single_quote=False,
    evaluation_methods=(Eval.NEGOTIATED_PRICE,),
    price_weight=None,
)

FRAMEWORK = MethodConfig(
    code=Method.FRAMEWORK,
    variant="",
    name="框架协议",
    citation="110号令",
    min_suppliers_to_open=2,
    min_suppliers_to_continue=2,
    min_suppliers_note="响应及合格供应商不少于2家，淘汰率不低于20%（110号令 ⚠）",
    notice_kind=NoticeKind.FRAMEWORK,
    notice_display=Period(5, "WD", "110号令 ⚠", uncertain=True),
    document_availability=Period(5, "WD", "110号令 ⚠", uncertain=True),
    documents_to_deadline=Period(20, "d", "110号令 ⚠", uncertain=True),
    clarification_cutoff=Period(15, "d", "110号令 ⚠", uncertain=True),
    has_opening=True,
    has_negotiation_rounds=False,
    has_final_quotations=False,
    single_quote=True,
    evaluation_methods=(Eval.LOWEST_PRICE, Eval.COMPREHENSIVE),
    price_weight=TENDER_PRICE_WEIGHT,
)

ALL: tuple[MethodConfig, ...] = (
    OPEN_TENDER,
    INVITED_TENDER,
    NEGOTIATION,
    CONSULTATION,
    RFQ,
    RFQ_PHONE,
    RFQ_TIMED_ONSITE,
    SINGLE_SOURCE,
    FRAMEWORK,
)
_BY_KEY = {m.key: m for m in ALL}

VARIANT_CHOICES = [("", "标准"), ("phone", "电话询价"), ("timed_onsite", "限时现场报价")]


def get(code: str, variant: str = "") -> MethodConfig:
    key = f"{code}:{variant}" if variant else code
    try:
        return _BY_KEY[key]
    except KeyError as exc:
        raise KeyError(f"未配置的采购方式：{key}") from exc


def supported(code: str, variant: str = "") -> bool:
    return (f"{code}:{variant}" if variant else code) in _BY_KEY
