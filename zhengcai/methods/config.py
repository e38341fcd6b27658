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
from decimal import Decimal
from typing import Literal

from zhengcai.core.workdays import WorkCalendar
from zhengcai.methods.codes import EvaluationMethod as Eval
from zhengcai.methods.codes import Method, NoticeKind
from zhengcai.methods.codes import SingleSourceGround as Ground
from zhengcai.methods.codes import TwoSupplierBasis as Two

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
class PanelRule:
    """Who evaluates, and how many (87号令 47; 74号令 7; 214号 14 ⚠; 110号令 ⚠).

    `min_above_threshold` applies when the budget is at or above the 公开招标数额标准 (74号令 7:
    谈判 and 询价 panels of at least 5); `min_large` when the budget is at least `large_budget`
    or the project is technically complex or of large social impact (87号令 47: 7)."""

    name: str  # 评标委员会 / 谈判小组 / 磋商小组 / 询价小组 …
    min_members: int
    min_above_threshold: int
    citation: str
    min_large: int | None = None
    large_budget: Decimal | None = None
    uncertain: bool = False

    def min_size(
        self, *, budget: Decimal, threshold: Decimal | None, technically_complex: bool = False
    ) -> int:
        """The fewest members this panel may have (the one size rule of experts and evaluation).

        `threshold` is the 公开招标数额标准 in force for the purchase (for works, the 招标规模标准:
        74号令 7), None when none is known. At or above it a 谈判 or 询价 panel needs 5
        (74号令 7); a 评标委员会 needs 7 at 1000万 or more, or when technically complex or of large
        social impact (87号令 47). 214号 14 has no 5-member rule for 磋商 ⚠ (rules.md §5)."""
        size = self.min_members
        if threshold is not None and budget >= threshold:
            size = max(size, self.min_above_threshold)
        if self.min_large is not None:
            large = self.large_budget is not None and budget >= self.large_budget
            if large or technically_complex:
                size = max(size, self.min_large)
        return size


@dataclass(frozen=True)
class PrequalRule:
    """How a method that invites its suppliers builds the list it draws from (法 34;
    87号令 14; 条例 21). Read by `tenders.prequal_services` and `bidding.services.prequal`."""

    # 资格预审公告 on display (87号令 16) and applications due ≥5 WD after it (条例 21).
    notice_display: Period
    applications: Period
    # At least 3 invited, drawn at random from the qualified list (法 34; 87号令 14).
    min_invited: int
    invited_citation: str
    # Lists from the 供应商库 or written recommendations: at least twice the number drawn
    # (87号令 14 ¶3); prequalified lists have no such floor.
    pool_factor: int
    # Purchaser staff witnessing the draw, recorded in writing (87号令 14 ¶4).
    witnesses: int
    # Sources of the list 87号令 14 allows: "prequalification" | "database" | "recommendation".
    sources: tuple[str, ...]
    # Written recommendations: the purchaser names at most this share of the list (rules.md §2).
    purchaser_recommend_max_percent: int = 50


@dataclass(frozen=True)
class Words:
    """What the pages and documents call things under this method (法; 87号令; 74号令; 214号)."""

    documents: str  # 招标文件 / 谈判文件 / 磋商文件 / 询价通知书 …
    response: str  # 投标文件 / 响应文件
    respond: str  # 投标 / 响应 / 报价 (the verb)
    respondent: str  # 投标人 / 供应商
    price: str  # 投标报价 / 最后报价 / 报价
    win: str  # 中标 / 成交 / 入围
    award_notice: str  # 中标通知书 / 成交通知书 / 入围通知书
    result_notice: str  # 中标结果公告 / 成交结果公告 / 入围结果公告


TENDER_PANEL = PanelRule(
    name="评标委员会",
    min_members=5,
    min_above_threshold=5,
    min_large=7,
    large_budget=Decimal("10000000.00"),  # 1000万元以上 includes 1000万 (rules.md §0)
    citation="87号令 47",
)
TENDER_WORDS = Words(
    documents="招标文件",
    response="投标文件",
    respond="投标",
    respondent="投标人",
    price="投标报价",
    win="中标",
    award_notice="中标通知书",
    result_notice="中标结果公告",
)
NON_TENDER_WORDS = Words(
    documents="采购文件",
    response="响应文件",
    respond="响应",
    respondent="供应商",
    price="报价",
    win="成交",
    award_notice="成交通知书",
    result_notice="成交结果公告",
)


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
    # Local forms of the tender methods for works only, and only where the region's dated
    # rule enables them (methods.local; 87号令 53; 条例 34: goods and services tenders use
    # 最低评标价法 or 综合评分法).
    works_only_evaluation: tuple[str, ...] = ()
    local_evaluation: tuple[str, ...] = ()
    goods_only: bool = False
    onsite_quote_minutes: int | None = None  # 限时现场报价: the quoting window on site
    # Grounds on which the project may stand with 2 suppliers (the agency records one on the
    # project before publication); read through rules.min_suppliers_to_open / _to_continue.
    two_supplier_bases: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)
    panel: PanelRule = TENDER_PANEL
    words: Words = TENDER_WORDS
    # Who does the 资格审查: the purchaser or agency after the opening under 招标 (87号令 44);
    # the panel itself under the non-tender methods (74号令 / 214号).
    qualification_by: Literal["agency", "panel"] = "agency"
    # The ranking order after the method's own key (87号令 56–57: price, then score and
    # price; 214号 25: score, final price, then technical merit).
    ranking_keys: tuple[str, ...] = ("score", "price")
    # 法 27; 条例 23: at or above the 公开招标数额标准 any other method needs approval — except
    # 框架协议, a method of its own with its own cases (110号令 3; no 变更采购方式 approval).
    needs_approval_above_threshold: bool = True
    # 条例 28: the parts of a split are bought by methods other than 公开招标.
    counts_toward_split: bool = True
    # 87号令 43; 74号令 27 ¶2: a tender that ends with exactly 2 bidders is not opened, and may
    # go on as 竞争性谈判 with those 2 once the finance department approves the change.
    two_bidders_may_change_method: bool = False
    # 条例 25; 财库〔2014〕214号 3（五）: a 政府采购工程 that is not tendered is bought by
    # 竞争性谈判, 单一来源 or 竞争性磋商 (a tendered one follows the 招标投标法: 法 4; 条例 7).
    allows_works: bool = False
    # 招标 (法 26 ①②): a tender of works, or of goods and services tied to works, follows the
    # 招标投标法, not this Law's procedure (法 4; 条例 7).
    tendering: bool = False
    # 法 31: the method stands only on one of its grounds, which the plan must name.
    needs_ground: bool = False
    # 46号 7–8: the documents reserve for SMEs (or say why not) — not where one supplier is
    # the only source (法 31).
    sme_reservation_applies: bool = True
    # The grounds on which, at or above the 公开招标数额标准, a public notice of at least 5
    # working days precedes the approval request (条例 38; 74号令 38: ground ① only).
    publicity_grounds: tuple[str, ...] = ()
    # 邀请招标: the suppliers are invited from a list built by 资格预审 (or the 供应商库 /
    # written recommendations) and drawn at random; None = the method does not invite so.
    prequalification: PrequalRule | None = None

    @property
    def key(self) -> str:
        return f"{self.code}:{self.variant}" if self.variant else self.code

    def allows(self, evaluation_method: str, object_kind: str | None = None) -> bool:
        """`object_kind` None: allowed for some object kind; else for that kind."""
        if evaluation_method not in self.evaluation_methods:
            return False
        works_only = evaluation_method in self.works_only_evaluation
        if works_only and object_kind is not None and object_kind != "works":
            return False
        return (
            object_kind is None
            or object_kind == "goods"
            or evaluation_method not in self.goods_only_evaluation
        )

    def evaluation_methods_for(self, object_kind: str) -> tuple[str, ...]:
        return tuple(m for m in self.evaluation_methods if self.allows(m, object_kind))

    @property
    def evaluation_procedure(self) -> str:
        """The evaluation's snapshot of the procedure: "tender" where the purchaser or agency
        does the 资格审查 (87号令 44), "non_tender" where the panel does (74号令; 214号)."""
        return "tender" if self.qualification_by == "agency" else "non_tender"

    @property
    def technical_tiebreak(self) -> bool:
        """Equal score and price ranked by the technical score (214号 25, 磋商)."""
        return "technical" in self.ranking_keys


# 87号令 53: 最低评标价法 and 综合评分法. Two forms of them configured as methods of their own:
# - 合理定价评审抽签法 (seed 001, 敖政办发78号 ⚠ 地方做法): the reasonable price = the reviewed
#   budget × (1 − the published discount); bidders accept it and the winner is drawn by lot.
#   Seed 001 uses it for 工程 under 招标: works only, where the region enables it (local.py).
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
    works_only_evaluation=(Eval.REASONABLE_PRICE_LOTTERY,),
    local_evaluation=(Eval.REASONABLE_PRICE_LOTTERY,),
    counts_toward_split=False,
    needs_approval_above_threshold=False,
    two_bidders_may_change_method=True,
    tendering=True,
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
    # No public 招标公告: the 资格预审公告 (prequalification.notice_display) opens the
    # procedure, and the 投标邀请书 go to the drawn suppliers together (87号令 14).
    notice_kind=None,
    notice_display=None,
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
    works_only_evaluation=(Eval.REASONABLE_PRICE_LOTTERY,),
    local_evaluation=(Eval.REASONABLE_PRICE_LOTTERY,),
    two_bidders_may_change_method=True,
    tendering=True,
    prequalification=PrequalRule(
        notice_display=Period(5, "WD", "87号令 16"),
        applications=Period(5, "WD", "条例 21"),
        min_invited=3,
        invited_citation="法 34; 87号令 14",
        pool_factor=2,
        witnesses=2,
        sources=("prequalification", "database", "recommendation"),
    ),
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
    panel=PanelRule("谈判小组", 3, 5, "法 38; 74号令 7"),
    words=replace(NON_TENDER_WORDS, documents="谈判文件", price="最后报价"),
    qualification_by="panel",
    ranking_keys=("price",),
    allows_works=True,
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
    panel=PanelRule("磋商小组", 3, 3, "214号 14", uncertain=True),
    words=replace(NON_TENDER_WORDS, documents="磋商文件", price="最后报价"),
    qualification_by="panel",
    ranking_keys=("score", "price", "technical"),
    allows_works=True,
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
    panel=PanelRule("询价小组", 3, 5, "法 40; 74号令 7"),
    words=replace(NON_TENDER_WORDS, documents="询价通知书"),
    qualification_by="panel",
    ranking_keys=("price",),
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
    sme_reservation_applies=False,
    # 74号令 41–42: staff with relevant experience negotiate the price with the supplier.
    panel=PanelRule("单一来源采购协商小组", 3, 3, "74号令 41–42", uncertain=True),
    words=replace(NON_TENDER_WORDS, documents="单一来源采购文件"),
    qualification_by="panel",
    ranking_keys=("price",),
    allows_works=True,
    needs_ground=True,
    publicity_grounds=(Ground.ONLY_ONE,),
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
    panel=PanelRule("评审小组", 5, 5, "110号令 ⚠", uncertain=True),
    words=replace(
        NON_TENDER_WORDS,
        documents="征集文件",
        win="入围",
        award_notice="入围通知书",
        result_notice="入围结果公告",
    ),
    qualification_by="panel",
    needs_approval_above_threshold=False,
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


def methods_with_variants() -> frozenset[str]:
    """The method codes that have practice variants (询价: seed 003), for the pages."""
    return frozenset(cfg.code for cfg in ALL if cfg.variant)


def get(code: str, variant: str = "") -> MethodConfig:
    key = f"{code}:{variant}" if variant else code
    try:
        return _BY_KEY[key]
    except KeyError as exc:
        raise KeyError(f"未配置的采购方式：{key}") from exc


def supported(code: str, variant: str = "") -> bool:
    return (f"{code}:{variant}" if variant else code) in _BY_KEY
