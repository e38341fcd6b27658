"""Pure functions of the law for project procurement: statutory periods of a timeline, the bid
bond cap, the price weight, and the 采购文件合规审查 (compliance check of the documents).

Every finding names its article. The checker reads text and structure only; it flags, and a
person fixes the clause or justifies it in writing (services.finding_resolve).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from zhengcai.core.workdays import WorkCalendar
from zhengcai.tenders.constants import (
    TWO_SUPPLIER_ARTICLES,
    EvaluationMethod,
    SmeReservation,
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

BID_BOND_MAX = Decimal("0.02")  # 条例 33


def bid_bond_cap(budget: Decimal) -> Decimal:
    """投标保证金不得超过采购项目预算金额的2%（条例 33）."""
    return (budget * BID_BOND_MAX).quantize(Decimal("0.01"))


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
# Compliance check (采购文件合规审查)
# =============================================================================================


@dataclass(frozen=True)
class SmePolicy:
    """SME reservation (46号 7–8 ⚠ configurable): projects up to the limit are reserved in
    full; larger ones reserve at least `share_percent` of the budget."""

    goods_services_limit: Decimal = Decimal("2000000.00")
    works_limit: Decimal = Decimal("4000000.00")
    share_percent: Decimal = Decimal("30")
    works_share_percent: Decimal = Decimal("30")  # 19号 raised it to 40 for 2022H2 ⚠


@dataclass(frozen=True)
class DocumentFacts:
    """What the checker reads: the documents' text and structure and the project's facts."""

    requirements: str
    qualifications: str
    factors: Sequence[Factor]
    evaluation_method: str
    object_kind: str
    config: MethodConfig
    budget: Decimal
    sme_reservation: str = SmeReservation.NONE
    sme_reserved_percent: Decimal = Decimal(0)
    lot_requirements: Sequence[tuple[int, str]] = field(default_factory=tuple)
    contract_terms: str = ""


@dataclass(frozen=True)
class Finding:
    rule: str
    article: str
    section: str
    excerpt: str
    message: str

    @property
    def fingerprint(self) -> str:
        raw = f"{self.rule}|{self.section}|{self.excerpt}"
        return hashlib.sha256(raw.encode("utf-8")).hexdigest()


RULE_LABELS = {
    "brand": "指定专利、商标、品牌或供应商",
    "firm_size": "以企业规模作为资格条件或评分因素",
    "region_record": "以特定地区、行业业绩或奖项作为条件",
    "local_presence": "限定供应商所在地（地方保护）",
    "qualification_scored": "资格条件作为评分因素",
    "price_weight": "价格分值比重不符合规定",
    "sme_reservation": "未落实中小企业预留份额",
}

_CLAUSE_SPLIT = re.compile(r"[。；;！!？?\n]+")
_NEGATION = re.compile(r"(不得|不应|不能|不|未|禁止|严禁|无需|勿)\s*$")
_EQUIVALENT = re.compile(
    r"或相当|或同等|同等(?:及|或)以上|或等效|相当于或优于|或其他同等|或性能相当|或以上同等"
)

# Brands commonly written into specifications (extend per region; ⚠ not exhaustive).
BRANDS = (
    "联想", "华为", "戴尔", "惠普", "苹果", "佳能", "爱普生", "兄弟", "理光", "京瓷", "夏普",
    "海尔", "格力", "美的", "海信", "长虹", "TCL", "方正", "浪潮", "曙光", "新华三", "H3C",
    "思科", "Cisco", "Lenovo", "Dell", "HP", "Apple", "Canon", "Epson", "Haier", "Gree",
    "西门子", "飞利浦", "索尼", "三星", "松下", "东芝", "奔驰", "宝马", "大众", "丰田",
    "比亚迪", "小米", "OPPO", "vivo", "希沃", "鸿合", "奥林巴斯", "GE", "迈瑞",
)  # fmt: skip
_BRAND_RE = re.compile(
    r"(?<![A-Za-z])(" + "|".join(re.escape(b) for b in BRANDS) + r")(?![A-Za-z])"
)
_DESIGNATE_RE = re.compile(
    r"(指定|限定|唯一指定)(?:使用|采用|采购|的)?(品牌|商标|专利|供应商|厂家|生产厂商|厂商|制造商)"
)
_BRAND_FIELD_RE = re.compile(r"品牌(?:为|须为|必须为|应为|[:：])\s*([^\s，,。；;（(]{2,})")

_FIRM_SIZE_RE = re.compile(
    r"(注册资本|注册资金|实收资本|资产总额|总资产|净资产|营业收入|营业额|年销售额|"
    r"纳税额|利润|从业人员|员工(?:总)?人数|职工(?:总)?人数|企业规模)"
)
_THRESHOLD_RE = re.compile(r"(不低于|不少于|不得低于|以上|超过|达到|≥|>=|大于|\d)")

_PROVINCES = (
    "北京|天津|上海|重庆|河北|山西|辽宁|吉林|黑龙江|江苏|浙江|安徽|福建|江西|山东|河南|湖北|"
    "湖南|广东|海南|四川|贵州|云南|陕西|甘肃|青海|内蒙古|广西|西藏|宁夏|新疆"
)
_REGION_MARK = (
    r"(本省|本市|本县|本区|本地|当地|省内|市内|县内|区内|辖区内?|"
    rf"(?:{_PROVINCES})(?:省|市|自治区)?(?:内|范围内|地区|区域)|"
    r"[\u4e00-\u9fa5]{2,4}(?:市|县)(?:内|范围内|地区|区域)|"
    r"(?:本|该|同)行业|行业内|系统内|(?:省|市|县)级(?:以上)?(?:行业)?主管部门颁发)"
)
_RECORD_RE = re.compile(r"(业绩|奖项|获奖|荣誉|奖励|表彰|评优|优秀企业|示范企业)")
_REGION_RE = re.compile(_REGION_MARK)

_LOCAL_RE = re.compile(
    r"((?:本地|本市|本省|本县|本区|当地|省内|市内|县内|区内|辖区内?|"
    rf"(?:{_PROVINCES})(?:省|市)?)(?:内)?(?:注册|登记|设立|设有|成立)"
    r"|注册地(?:须|必须|应|应当)?(?:为|在|位于)"
    r"|在[\u4e00-\u9fa5]{2,8}(?:设立|设有)(?:分支机构|分公司|办事处|服务网点|常驻机构)"
    r"|(?:设立|设有)(?:本地|当地)?(?:分支机构|分公司|办事处|常驻机构)"
    r"|本地企业|当地企业)"
)
_AFTER_AWARD_RE = re.compile(r"(中标后|成交后|签订合同后|合同签订后|承诺|履约期间)")

_CERT_TOKEN_RE = re.compile(
    r"([A-Za-z]{2,}[A-Za-z0-9\-]*\d[A-Za-z0-9\-]*|[\u4e00-\u9fa5A-Za-z0-9]{2,12}?"
    r"(?:证书|资质|认证|许可证|执照|资格证))"
)
_GENERIC_TOKENS = {"营业执照", "资格证", "资质", "认证", "证书", "许可证", "执照"}


def _clauses(text: str) -> list[tuple[str, int]]:
    """The text cut into clauses, with each clause's start offset."""
    out = []
    pos = 0
    for part in _CLAUSE_SPLIT.split(text or ""):
        start = (text or "").find(part, pos)
        pos = start + len(part)
        if part.strip():
            out.append((part.strip(), start))
    return out


def _negated(clause: str, start: int) -> bool:
    return bool(_NEGATION.search(clause[max(0, start - 3) : start]))


def _excerpt(clause: str) -> str:
    return clause[:300]


def check_brand(section: str, text: str) -> list[Finding]:
    """条例 20(6): 限定或者指定特定的专利、商标、品牌或者供应商 (also 87号令 22 ⚠). A brand
    named only as a reference with "或相当于 / 同等" is not a designation."""
    out = []
    for clause, _ in _clauses(text):
        designated = next(
            (m for m in _DESIGNATE_RE.finditer(clause) if not _negated(clause, m.start())), None
        )
        if designated is not None:
            out.append(
                Finding(
                    "brand",
                    "条例 20(6)",
                    section,
                    _excerpt(clause),
                    f"不得{designated.group(1)}特定的{designated.group(2)}",
                )
            )
            continue
        if _EQUIVALENT.search(clause):
            continue
        brand = _BRAND_RE.search(clause)
        field_brand = _BRAND_FIELD_RE.search(clause)
        if brand is not None or field_brand is not None:
            name = brand.group(1) if brand is not None else field_brand.group(1)  # type: ignore[union-attr]
            out.append(
                Finding(
                    "brand",
                    "条例 20(6)",
                    section,
                    _excerpt(clause),
                    f"要求指向特定品牌「{name}」，且未注明「或相当于/同等及以上」",
                )
            )
    return out


def check_firm_size(section: str, text: str) -> list[Finding]:
    """87号令 17; 46号 5: 不得以注册资本、资产总额、营业收入、从业人员、利润、纳税额等规模
    条件作为资格要求或者评审因素."""
    out = []
    for clause, _ in _clauses(text):
        m = _FIRM_SIZE_RE.search(clause)
        if m is None or _negated(clause, m.start()):
            continue
        if "声明函" in clause:  # the SME declaration states size; demanding it is lawful
            continue
        if section == "factors" or _THRESHOLD_RE.search(clause[m.end() :]):
            out.append(
                Finding(
                    "firm_size",
                    "87号令 17; 46号 5",
                    section,
                    _excerpt(clause),
                    f"不得以「{m.group(1)}」等企业规模条件作为资格要求或评审因素",
                )
            )
    return out


def check_region_record(section: str, text: str) -> list[Finding]:
    """条例 20(4): 以特定行政区域或者特定行业的业绩、奖项作为加分条件或者中标、成交条件."""
    out = []
    for clause, _ in _clauses(text):
        rec = _RECORD_RE.search(clause)
        reg = _REGION_RE.search(clause)
        if rec is None or reg is None or _negated(clause, reg.start()):
            continue
        out.append(
            Finding(
                "region_record",
                "条例 20(4)",
                section,
                _excerpt(clause),
                f"不得以特定地区或行业（「{reg.group(1)}」）的{rec.group(1)}作为条件或加分因素",
            )
        )
    return out


def check_local_presence(section: str, text: str) -> list[Finding]:
    """条例 20(7): 非法限定供应商的所在地 (本地注册、设立分支机构作为条件). A service point
    the winner sets up after the award is a performance commitment and is allowed."""
    out = []
    for clause, _ in _clauses(text):
        m = _LOCAL_RE.search(clause)
        if m is None or _negated(clause, m.start()) or _AFTER_AWARD_RE.search(clause):
            continue
        out.append(
            Finding(
                "local_presence",
                "条例 20(7)",
                section,
                _excerpt(clause),
                f"不得以「{m.group(1)}」限定供应商所在地",
            )
        )
    return out


def _cert_tokens(text: str) -> set[str]:
    tokens = set()
    for m in _CERT_TOKEN_RE.finditer(text or ""):
        tok = m.group(1)
        for lead in ("具有", "具备", "持有", "提供", "取得", "有效的", "有效"):
            if tok.startswith(lead):
                tok = tok[len(lead) :]
        if tok and tok not in _GENERIC_TOKENS and len(tok) >= 3:
            tokens.add(tok)
    return tokens


def check_qualification_scored(qualifications: str, factors: Sequence[Factor]) -> list[Finding]:
    """87号令 55: 资格条件不得作为评审因素."""
    tokens = _cert_tokens(qualifications)
    out = []
    for f in factors:
        text = f"{f.name} {f.criteria}"
        hit = next((t for t in sorted(tokens) if t in text), None)
        if hit is not None:
            out.append(
                Finding(
                    "qualification_scored",
                    "87号令 55",
                    "factors",
                    _excerpt(f"{f.name}：{f.criteria}"),
                    f"「{hit}」已是资格条件，不得再作为评分因素",
                )
            )
    return out


def check_price_weight(facts: DocumentFacts) -> list[Finding]:
    """87号令 55 (tender: goods ≥30%, services ≥10%); 214号 24 (磋商: 30–60% / 10–30%)."""
    pw = facts.config.price_weight
    if facts.evaluation_method != EvaluationMethod.COMPREHENSIVE or pw is None:
        return []
    percent = price_weight_percent(facts.factors)
    if percent is None:
        return []
    low, high = pw.bounds(facts.object_kind)
    kind = "货物" if facts.object_kind == "goods" else "服务"
    if percent < low or (high is not None and percent > high):
        rng = f"{low}%–{high}%" if high is not None else f"不低于{low}%"
        return [
            Finding(
                "price_weight",
                pw.citation,
                "price_weight",
                f"价格分占总分 {percent}%",
                f"{kind}项目综合评分法价格分值比重应{rng}，现为 {percent}%",
            )
        ]
    return []


def check_sme_reservation(facts: DocumentFacts, policy: SmePolicy | None = None) -> list[Finding]:
    """46号 7: 预算不超过200万元（工程400万元）的适宜项目专门面向中小企业；46号 8: 超过的预留
    不低于30%（19号 ⚠）。确不适宜的，书面说明理由（即"justified"）。"""
    policy = policy or SmePolicy()
    works = facts.object_kind == "works"
    limit = policy.works_limit if works else policy.goods_services_limit
    share = policy.works_share_percent if works else policy.share_percent
    if facts.budget <= limit:
        if facts.sme_reservation in (SmeReservation.WHOLE, SmeReservation.LOT):
            return []
        return [
            Finding(
                "sme_reservation",
                "46号 7",
                "sme",
                f"预算 {facts.budget} 元，未专门面向中小企业",
                f"预算不超过{limit / 10000:.0f}万元的项目原则上应专门面向中小企业采购；"
                "不适宜的须书面说明理由",
            )
        ]
    if facts.sme_reservation != SmeReservation.NONE and facts.sme_reserved_percent >= share:
        return []
    return [
        Finding(
            "sme_reservation",
            "46号 8; 19号",
            "sme",
            f"预算 {facts.budget} 元，预留 {facts.sme_reserved_percent}%",
            f"超过{limit / 10000:.0f}万元的项目应预留不低于{share}%的预算份额面向中小企业；"
            "不适宜的须书面说明理由",
        )
    ]


def check_document(facts: DocumentFacts, *, sme_policy: SmePolicy | None = None) -> list[Finding]:
    """Every finding of the compliance check, in a stable order."""
    texts: list[tuple[str, str]] = [
        ("requirements", facts.requirements),
        ("qualifications", facts.qualifications),
        ("factors", "\n".join(f"{f.name}：{f.criteria}" for f in facts.factors)),
    ]
    texts += [(f"lot:{n}", t) for n, t in facts.lot_requirements]
    found: list[Finding] = []
    for section, text in texts:
        found += check_brand(section, text)
        if section in ("qualifications", "factors"):
            found += check_firm_size(section, text)
            found += check_region_record(section, text)
        found += check_local_presence(section, text)
    found += check_qualification_scored(facts.qualifications, facts.factors)
    found += check_price_weight(facts)
    if facts.config.code != "single_source":
        found += check_sme_reservation(facts, sme_policy)
    unique: dict[str, Finding] = {}
    for f in found:
        unique.setdefault(f.fingerprint, f)
    return list(unique.values())
