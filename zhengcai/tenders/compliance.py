"""采购文件合规审查 (the compliance check of the documents): pure functions over the text and
structure of the documents. Every finding names its article.

Two kinds of finding (条例 20; 87号令 17; 46号 5–8):
- a **prohibited clause** (brand or model, firm size, region of registration or of a service
  office, a region's or industry's record, qualification scored, price weight): the law has no
  exception, so the finding blocks publication until the clause is removed (fixed);
- a finding the law lets the purchaser **justify** in writing (`JUSTIFIABLE_RULES`: the SME
  reservation, 46号 7–8 "确不适宜的…说明理由"); the justification goes to the regulator's
  record (services.finding_justify).

The brand list is data (`data/brands.txt`), extended per region.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from zhengcai.core.errors import RuleViolation
from zhengcai.tenders.constants import (
    ERR_FINDING_NOT_JUSTIFIABLE,
    EvaluationMethod,
    FindingStatus,
    SmeReservation,
)
from zhengcai.tenders.methods import MethodConfig
from zhengcai.tenders.rules import Factor, price_weight_percent


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

# 46号 7–8: a project "确不适宜" for the SME reservation may go without it, the reason stated in
# writing. Every other rule is a prohibition without exception (条例 20; 87号令 17, 55): the
# clause must go, no justification keeps it.
JUSTIFIABLE_RULES = frozenset({"sme_reservation"})


def justifiable(rule: str) -> bool:
    """Whether a finding of `rule` may stand with a written justification."""
    return rule in JUSTIFIABLE_RULES


def blocking_count(standing: Iterable[tuple[str, str]]) -> int:
    """The (status, rule) findings not fixed that block publication: every open one, and a
    prohibited clause even if justified (by code before this rule)."""
    return sum(
        1 for status, rule in standing if status == FindingStatus.OPEN or not justifiable(rule)
    )


def justification_refused(rule: str, article: str) -> RuleViolation:
    return RuleViolation(
        f"「{RULE_LABELS.get(rule, rule)}」属于禁止性条款（{article}），不能以书面理由保留，"
        "须修改采购文件删除该条款",
        code=ERR_FINDING_NOT_JUSTIFIABLE,
        detail={"rule": rule, "article": article},
    )


_CLAUSE_SPLIT = re.compile(r"[。；;！!？?\n]+")
_NEGATION = re.compile(r"(不得|不应|不能|不|未|禁止|严禁|无需|勿)\s*$")
_EQUIVALENT = re.compile(
    r"或相当|或同等|同等(?:及|或)以上|或等效|相当于或优于|或其他同等|或性能相当|或以上同等"
)


def load_brands(path: Path) -> tuple[str, ...]:
    """The brand list of a data file: one a line, `#` comments."""
    names = []
    for line in path.read_text(encoding="utf-8").splitlines():
        name = line.split("#", 1)[0].strip()
        if name and name not in names:
            names.append(name)
    return tuple(names)


BRANDS = load_brands(Path(__file__).with_name("data") / "brands.txt")


def brand_pattern(brands: Iterable[str]) -> re.Pattern[str]:
    """Longest first, so 英特尔 wins over a shorter name inside it; ASCII names stand alone."""
    names = sorted(set(brands), key=len, reverse=True)
    return re.compile(r"(?<![A-Za-z])(" + "|".join(re.escape(b) for b in names) + r")(?![A-Za-z])")


_BRAND_RE = brand_pattern(BRANDS)
# A product that must work with a brand's product (兼容 Windows) names no brand to be supplied.
_COMPATIBLE_RE = re.compile(r"(兼容|支持|适配|对接|运行于|可运行)[^，,]{0,6}$")
_DESIGNATE_RE = re.compile(
    r"(指定|限定|唯一指定)(?:使用|采用|采购|的)?(品牌|商标|专利|供应商|厂家|生产厂商|厂商|制造商)"
)
_BRAND_FIELD_RE = re.compile(r"品牌(?:为|须为|必须为|应为|[:：])\s*([^\s，,。；;（(]{2,})")

_FIRM_SIZE_RE = re.compile(
    r"(注册资本|注册资金|实收资本|资产总额|总资产|净资产|营业收入|营业额|年销售额|"
    r"纳税额|利润|从业人员|员工(?:总)?人数|职工(?:总)?人数|企业规模)"
)
_CN_NUMERAL = "零〇一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟萬億"
# A threshold in the words right after the size term (up to the next comma): 不低于1000万元,
# 须达人民币壹仟万元, 200人以上 …
_THRESHOLD_RE = re.compile(
    r"(不低于|不少于|不得低于|不小于|以上|超过|达到|须达|应达|至少|≥|>=|大于|\d|"
    rf"[{_CN_NUMERAL}]+\s*(?:万|亿)?(?:元|人))"
)
# "注册资本不作为资格条件": the term is named to say it is not required.
_NOT_REQUIRED_RE = re.compile(r"^\s*(?:等)?(?:均)?(不作为|不作要求|不设|不限|不予考虑|不得作为)")

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
    r"|[\u4e00-\u9fa5]{2,6}?(?:省|市|县|区)(?:内|范围内)?(?:注册|登记|设立|成立)的?"
    r"(?:企业|供应商|公司|法人|单位)"
    r"|在[\u4e00-\u9fa5]{2,8}(?:设立|设有)(?:分支机构|分公司|办事处|服务网点|常驻机构"
    r"|(?:售后)?服务(?:机构|网点|站|中心)|售后(?:机构|网点)|维修(?:站|点|中心|机构))"
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


def check_brand(section: str, text: str, brand_re: re.Pattern[str] | None = None) -> list[Finding]:
    """条例 20(6): 限定或者指定特定的专利、商标、品牌或者供应商 (also 87号令 22 ⚠). A brand
    named only as a reference with "或相当于 / 同等" is not a designation, nor is a product
    the goods must work with (兼容 Windows). `brand_re`: a region's list (brand_pattern)."""
    brand_re = brand_re or _BRAND_RE
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
        brand = next(
            (
                m
                for m in brand_re.finditer(clause)
                if not _COMPATIBLE_RE.search(clause[: m.start()])
            ),
            None,
        )
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
    条件作为资格要求或者评审因素 — in any part of the documents. A size term followed by a
    threshold (digits or Chinese numerals, 不低于, 须达 …) before the next comma is a condition;
    one merely named (提供营业执照, 注册资本不作为条件, the SME 声明函) is not."""
    out = []
    for clause, _ in _clauses(text):
        if "声明函" in clause:  # the SME declaration states size; demanding it is lawful
            continue
        for m in _FIRM_SIZE_RE.finditer(clause):
            rest = re.split(r"[，,]", clause[m.end() :], maxsplit=1)[0][:24]
            if _negated(clause, m.start()) or _NOT_REQUIRED_RE.search(rest):
                continue
            if section == "factors" or _THRESHOLD_RE.search(rest):
                out.append(
                    Finding(
                        "firm_size",
                        "87号令 17; 46号 5",
                        section,
                        _excerpt(clause),
                        f"不得以「{m.group(1)}」等企业规模条件作为资格要求或评审因素",
                    )
                )
                break
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
        found += check_firm_size(section, text)
        if section in ("qualifications", "factors"):
            found += check_region_record(section, text)
        found += check_local_presence(section, text)
    found += check_qualification_scored(facts.qualifications, facts.factors)
    found += check_price_weight(facts)
    if facts.config.sme_reservation_applies:
        found += check_sme_reservation(facts, sme_policy)
    unique: dict[str, Finding] = {}
    for f in found:
        unique.setdefault(f.fingerprint, f)
    return list(unique.values())
