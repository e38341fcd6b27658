"""Pure rules of evaluation: committee composition, price scores, policy deductions, abnormally
low prices, ranking and ties, score deviations, 合理定价评审抽签法 and 全生命周期成本法.

Decimal throughout (design §4 rule 7). Citations: 法, 条例, 87号令, 74号令, 214号, 46号, 19号
as in rules.md §0; ⚠ = configuration or secondary source (rules.md Appendix B). Rounding is
stated where it happens: scores to 2 places and money to 分, both ROUND_HALF_UP.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from zhengcai.experts.rules import seeded_order
from zhengcai.tenders.sme_rates import SME_RATES, RateBand, sme_rate_band  # noqa: F401

FEN = Decimal("0.01")
SCORE_PLACES = Decimal("0.01")
HUNDRED = Decimal(100)
ZERO = Decimal(0)
ONE = Decimal(1)


def _fen(x: Decimal) -> Decimal:
    return x.quantize(FEN, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Problem:
    code: str
    message: str
    citation: str


# --- §5 committee composition --------------------------------------------------------------------
# The size rule is `methods.config.PanelRule.min_size`; the composition check, shared with the
# expert draw, is `experts.rules.committee_problems` (87号令 47; 74号令 7).


def chair_problem(*, chair_is_purchaser_rep: bool) -> Problem | None:
    """The purchaser's representative may not chair the committee (87号令 45)."""
    if chair_is_purchaser_rep:
        return Problem("chair_rep", "采购人代表不得担任评审委员会组长", "87号令 45")
    return None


# --- §4.3 price score ----------------------------------------------------------------------------


def price_score(p_base: Decimal, p_eval: Decimal, weight: Decimal = ONE) -> Decimal:
    """价格分 = 评标基准价 / 评标价 × 价格权值 × 100 (87号令 55; 214号 24), to 2 places.
    The lowest evaluated price is the benchmark, so it scores exactly weight × 100."""
    if p_eval <= 0 or p_base <= 0:
        raise ValueError("价格必须大于 0")
    if p_base > p_eval:
        raise ValueError("评标基准价是最低评标价，不能高于任何评标价")
    return (p_base / p_eval * weight * HUNDRED).quantize(SCORE_PLACES, rounding=ROUND_HALF_UP)


def price_scores(evaluated: Mapping[int, Decimal], weight: Decimal = ONE) -> dict[int, Decimal]:
    """Price score of every conforming bid, benchmark = the lowest evaluated price (低价优先法;
    never an average, never drop the highest or lowest — 87号令 55)."""
    if not evaluated:
        return {}
    base = min(evaluated.values())
    return {k: price_score(base, v, weight) for k, v in evaluated.items()}


def price_weight_problem(
    *, object_kind: str, weight: Decimal, capped: bool = False, approved: bool = False
) -> Problem | None:
    """87号令 55: goods ≥ 30%, services ≥ 10% (no upper limit). 214号 24 (磋商, `capped`: the
    method's `MethodConfig.price_weight` has an upper bound): goods 30–60%, services 10–30%,
    outside only with the finance department's approval."""
    lo = Decimal("0.30") if object_kind == "goods" else Decimal("0.10")
    if capped:
        hi = Decimal("0.60") if object_kind == "goods" else Decimal("0.30")
        if not (lo <= weight <= hi) and not approved:
            return Problem("price_weight", f"磋商项目价格权重应在 {lo:%}–{hi:%} 之间", "214号 24")
        return None
    if weight < lo:
        return Problem("price_weight", f"价格分值占总分值比重不得低于 {lo:.0%}", "87号令 55")
    return None


def weighted_total(scores: Mapping[str, Decimal], weights: Mapping[str, Decimal]) -> Decimal:
    """总分 = Σ F_j × A_j with Σ A_j = 1 (87号令 55)."""
    if sum(weights.values(), ZERO) != ONE:
        raise ValueError("各评审因素权重之和必须等于 1")
    if set(scores) != set(weights):
        raise ValueError("评审因素与权重不一致")
    total = sum((scores[k] * weights[k] for k in weights), ZERO)
    return total.quantize(SCORE_PLACES, rounding=ROUND_HALF_UP)


def member_average(totals: Iterable[Decimal]) -> Decimal:
    """Aggregate members' totals by their average (⚠ 87号令 55 says 汇总 without naming it)."""
    values = list(totals)
    if not values:
        raise ValueError("没有评审成员的评分")
    return (sum(values, ZERO) / len(values)).quantize(SCORE_PLACES, rounding=ROUND_HALF_UP)


# --- §4.7–4.9 policy price deductions ------------------------------------------------------------


# The SME bands live with the documents that publish the rate (tenders.sme_rates).
# 国办发〔2025〕34号 ⚠: 20% for domestic products competing with non-domestic ones.
DOMESTIC_RATE = Decimal("0.20")
DOMESTIC_FROM = dt.date(2026, 1, 1)
PARTIAL_SHARE = Decimal("0.30")  # 46号 9: small & micro share of a consortium/subcontract


def sme_rate_problem(rate: Decimal, on: dt.date, *, works: bool, partial: bool) -> Problem | None:
    """The purchaser fixes one rate per project within the band in force (46号 9; 19号)."""
    band = sme_rate_band(on, works=works, partial=partial)
    if band is None:
        return Problem("sme_rate_unknown", "该日期没有已知的价格扣除比例（请核对）", "⚠")
    if not band.lo <= rate <= band.hi:
        return Problem(
            "sme_rate_range",
            f"价格扣除比例应在 {band.lo:.0%}–{band.hi:.0%} 之间",
            band.citation,
        )
    return None


@dataclass(frozen=True)
class Firm:
    """A bidder or a consortium member as the SME rules see it (46号 2, 4)."""

    size: str  # "large" | "medium" | "small" | "micro"
    prison_enterprise: bool = False  # 监狱企业, proved by a 监狱管理局 certificate
    welfare_unit: bool = False  # 残疾人福利性单位, by its own 声明函
    share: Decimal = ONE  # share of the consortium's work / price
    controlled: bool = False  # control or management link with a partner (no deduction)

    @property
    def small_or_micro(self) -> bool:
        # 监狱企业 and 残疾人福利性单位 count as small or micro (财库〔2014〕68号;
        # 财库〔2017〕141号); one benefit only, never two.
        return self.size in ("small", "micro") or self.prison_enterprise or self.welfare_unit


@dataclass(frozen=True)
class BidPolicyFacts:
    bidder: Firm
    consortium: tuple[Firm, ...] = ()  # empty = single bidder
    subcontract_small_share: Decimal = ZERO  # share subcontracted to small/micro firms
    subcontract_controlled: bool = False
    goods_all_by_sme: bool = True  # goods: every item made by an SME (46号 4)
    domestic: bool = False  # 本国产品 ⚠ (from 2026-01-01)
    energy_eco_certified: bool = False  # 节能 / 环境标志 certified items (财库〔2019〕9号)


@dataclass(frozen=True)
class ProjectPolicy:
    on: dt.date  # when the procurement started (rules.md §0 Versioning)
    works: bool = False
    reserved_for_sme: bool = False  # 预留 projects get no deduction (46号 9)
    small_micro_rate: Decimal = ZERO  # fixed in the documents within the band
    partial_rate: Decimal = ZERO
    domestic_competition: bool = False  # domestic and non-domestic products compete
    energy_eco_mode: str = "none"  # "none" | "deduction" | "points" (set by the documents)
    energy_eco_value: Decimal = ZERO  # the rate or the points


@dataclass(frozen=True)
class Deduction:
    code: str
    rate: Decimal
    amount: Decimal
    citation: str


@dataclass(frozen=True)
class EvaluatedBid:
    """`bid_price` is what the contract is signed at; `evaluated_price` only ranks and scores."""

    bidder_id: int
    bid_price: Decimal
    evaluated_price: Decimal
    deductions: tuple[Deduction, ...] = ()
    extra_points: Decimal = ZERO

    @property
    def contract_price(self) -> Decimal:
        return self.bid_price


def consortium_class(members: Sequence[Firm]) -> str:
    """46号 4: a consortium of only SMEs counts as an SME; of only small or micro firms, as
    small or micro. Returns "small_micro", "sme" or "large"."""
    if members and all(m.small_or_micro for m in members):
        return "small_micro"
    if members and all(m.size != "large" or m.small_or_micro for m in members):
        return "sme"
    return "large"


def consortium_small_share(members: Sequence[Firm]) -> Decimal:
    """Share of the consortium held by small/micro members without control links (46号 9)."""
    return sum((m.share for m in members if m.small_or_micro and not m.controlled), ZERO)


def sme_deduction_rate(facts: BidPolicyFacts, project: ProjectPolicy) -> tuple[Decimal, str]:
    """The SME deduction rate a bid gets, and why (46号 9; 19号)."""
    if project.reserved_for_sme:
        return ZERO, "预留项目不再扣除（46号 9）"
    if not project.works and not facts.goods_all_by_sme:
        return ZERO, "货物中含大型企业制造的产品，不享受中小企业扶持（46号 4）"
    if facts.consortium:
        cls = consortium_class(facts.consortium)
        if cls == "small_micro":
            return project.small_micro_rate, "联合体各方均为小微企业（46号 4、9）"
        if consortium_small_share(facts.consortium) >= PARTIAL_SHARE:
            return project.partial_rate, "联合体中小微企业份额不低于 30%（46号 9）"
        return ZERO, ""
    if facts.bidder.small_or_micro:
        return project.small_micro_rate, "小微企业（含监狱企业、残疾人福利性单位）（46号 9）"
    if facts.subcontract_small_share >= PARTIAL_SHARE and not facts.subcontract_controlled:
        return project.partial_rate, "分包给小微企业的份额不低于 30%（46号 9）"
    return ZERO, ""


def evaluate_bid(
    bidder_id: int, bid_price: Decimal, facts: BidPolicyFacts, project: ProjectPolicy
) -> EvaluatedBid:
    """P_eval = P_bid × (1 − d) (46号 9). Deductions are each computed on the original price
    and applied separately (⚠ MOF Q&A on the 2026 domestic-product rule); the bid price — the
    contract price — never changes (87号令 54, 55)."""
    if bid_price <= 0:
        raise ValueError("投标报价必须大于 0")
    deductions: list[Deduction] = []
    rate, _why = sme_deduction_rate(facts, project)
    if rate:
        deductions.append(Deduction("sme", rate, _fen(bid_price * rate), "46号 9；19号"))
    if facts.domestic and project.domestic_competition and project.on >= DOMESTIC_FROM:
        deductions.append(
            Deduction(
                "domestic", DOMESTIC_RATE, _fen(bid_price * DOMESTIC_RATE), "国办发〔2025〕34号 ⚠"
            )
        )
    extra = ZERO
    if facts.energy_eco_certified and project.energy_eco_mode == "deduction":
        r = project.energy_eco_value
        deductions.append(Deduction("energy_eco", r, _fen(bid_price * r), "财库〔2019〕9号"))
    elif facts.energy_eco_certified and project.energy_eco_mode == "points":
        extra = project.energy_eco_value
    total = sum((d.amount for d in deductions), ZERO)
    if total >= bid_price:
        raise ValueError("价格扣除合计不能达到或超过报价")
    return EvaluatedBid(bidder_id, bid_price, bid_price - total, tuple(deductions), extra)


def energy_eco_problem(*, mandatory: bool, certified: bool) -> Problem | None:
    """Listed energy-saving items marked 强制采购 must be certified (财库〔2019〕9号)."""
    if mandatory and not certified:
        return Problem(
            "energy_mandatory", "强制采购的节能产品未提供有效认证证书", "财库〔2019〕9号"
        )
    return None


def consortium_grade(grades: Sequence[int]) -> int:
    """条例 22: members sharing a kind of qualification count at the lower grade
    (grades as numbers, higher = better)."""
    if not grades:
        raise ValueError("联合体没有成员")
    return min(grades)


# --- §4.6 abnormally low prices ------------------------------------------------------------------


@dataclass(frozen=True)
class AbnormalLowPolicy:
    """财库〔2026〕2号 ⚠ (effective 2026-02-01): strict '<' triggers on the raw bid price; the
    documents may raise each ratio up to 65%."""

    effective_from: dt.date = dt.date(2026, 2, 1)
    average_ratio: Decimal = Decimal("0.50")
    second_ratio: Decimal = Decimal("0.50")
    ceiling_ratio: Decimal = Decimal("0.45")
    cap: Decimal = Decimal("0.65")


DEFAULT_ABNORMAL = AbnormalLowPolicy()
# Dated configuration: the automatic triggers in force from each date (rules.md §4.6). Before
# the first, 87号令 60 alone applies — the committee raises an abnormally low price by hand.
ABNORMAL_POLICIES: tuple[AbnormalLowPolicy, ...] = (DEFAULT_ABNORMAL,)


def abnormal_policy_on(
    on: dt.date, policies: Sequence[AbnormalLowPolicy] = ABNORMAL_POLICIES
) -> AbnormalLowPolicy | None:
    """The automatic triggers in force on `on` (the latest version started), or None."""
    started = [p for p in policies if p.effective_from <= on]
    return max(started, key=lambda p: p.effective_from) if started else None


def abnormal_snapshot(on: dt.date) -> dict[str, str]:
    """What the evaluation keeps of the triggers in force on the documents' date ({} if none)."""
    ab = abnormal_policy_on(on)
    if ab is None:
        return {}
    return {
        "effective_from": ab.effective_from.isoformat(),
        "average_ratio": str(ab.average_ratio),
        "second_ratio": str(ab.second_ratio),
        "ceiling_ratio": str(ab.ceiling_ratio),
    }


def abnormal_policy_problem(policy: AbnormalLowPolicy) -> Problem | None:
    for ratio in (policy.average_ratio, policy.second_ratio, policy.ceiling_ratio):
        if not ZERO < ratio <= policy.cap:
            return Problem(
                "abnormal_ratio", f"异常低价比例不得超过 {policy.cap:.0%}", "财库〔2026〕2号 ⚠"
            )
    return None


def abnormally_low_flags(
    prices: Mapping[int, Decimal],
    *,
    ceiling: Decimal | None,
    budget: Decimal,
    on: dt.date,
    policy: AbnormalLowPolicy = DEFAULT_ABNORMAL,
) -> dict[int, list[str]]:
    """Bids the committee must ask to justify their price (87号令 60), by the 2026 triggers.
    Before the notice took effect only the committee's own judgment applies: returns {}.
    The committee may still flag others; the decision stays with it."""
    if on < policy.effective_from or not prices:
        return {}
    problem = abnormal_policy_problem(policy)
    if problem is not None:
        raise ValueError(problem.message)
    flags: dict[int, list[str]] = {}
    values = sorted(prices.values())
    average = sum(values, ZERO) / len(values)
    limit = ceiling if ceiling is not None else budget
    for bidder, p in prices.items():
        reasons: list[str] = []
        if p < average * policy.average_ratio:
            reasons.append("average")
        if len(values) >= 2 and p == values[0] and p < values[1] * policy.second_ratio:
            reasons.append("second_lowest")
        if p < limit * policy.ceiling_ratio:
            reasons.append("ceiling")
        if reasons:
            flags[bidder] = reasons
    return flags


# --- §4.4 ranking and ties -----------------------------------------------------------------------


@dataclass(frozen=True)
class ScoreEntry:
    bidder_id: int
    score: Decimal
    price: Decimal  # 投标报价 (87号令 57), or final quote under 磋商
    technical: Decimal = ZERO  # 214号 25 third key


@dataclass(frozen=True)
class Ranked:
    bidder_id: int
    rank: int  # competition ranking: equals share a rank (1, 1, 3)
    tied: bool


def _rank(keys: Sequence[tuple[int, tuple[Decimal, ...]]]) -> list[Ranked]:
    ordered = sorted(keys, key=lambda kv: (kv[1], kv[0]))
    out: list[Ranked] = []
    counts: dict[tuple[Decimal, ...], int] = {}
    for _, k in ordered:
        counts[k] = counts.get(k, 0) + 1
    rank = 0
    prev: tuple[Decimal, ...] | None = None
    for i, (bidder, k) in enumerate(ordered, start=1):
        if k != prev:
            rank, prev = i, k
        out.append(Ranked(bidder, rank, counts[k] > 1))
    return out


def rank_lowest_price(evaluated: Mapping[int, Decimal]) -> list[Ranked]:
    """最低评标价法: evaluated price, lowest first; equal prices rank equal (87号令 56)."""
    return _rank([(b, (p,)) for b, p in evaluated.items()])


def rank_comprehensive(
    entries: Sequence[ScoreEntry], *, technical_tiebreak: bool = False
) -> list[Ranked]:
    """综合评分法: score high→low, then price low→high; equal in both rank equal (87号令 57).
    磋商: then technical score high→low (214号 25)."""
    keys: list[tuple[int, tuple[Decimal, ...]]] = []
    for e in entries:
        k = (-e.score, e.price) + ((-e.technical,) if technical_tiebreak else ())
        keys.append((e.bidder_id, k))
    return _rank(keys)


def rank_life_cycle(costs: Mapping[int, Decimal]) -> list[Ranked]:
    """全生命周期成本法: lowest life-cycle cost first; equal costs rank equal."""
    return rank_lowest_price(costs)


def break_ties(ranked: Sequence[Ranked], *, seed: str) -> list[int]:
    """A total order: equal ranks are settled by lot (87号令 68 when the documents set no
    other rule), with a committed seed so anyone can re-run it (experts.rules.seeded_order)."""
    groups: dict[int, list[int]] = {}
    for r in ranked:
        groups.setdefault(r.rank, []).append(r.bidder_id)
    out: list[int] = []
    for rank in sorted(groups):
        members = groups[rank]
        out.extend(members if len(members) == 1 else seeded_order(seed, members, salt=rank))
    return out


# --- §4.3 score deviations between members (87号令 64) -------------------------------------------


@dataclass(frozen=True)
class DeviationFlag:
    bidder_id: int
    factor: str
    low: Decimal
    high: Decimal
    reason: str  # "spread" | "objective"


def score_deviation_flags(
    scores: Mapping[int, Mapping[int, Mapping[str, Decimal]]],
    *,
    spread: Decimal,
    objective_factors: Iterable[str] = (),
) -> list[DeviationFlag]:
    """`scores[member][bidder][factor]`. Flags a factor when members differ by more than the
    configured `spread` (87号令 64: scores abnormally high or low), and any difference on an
    objective factor (87号令 64: members scoring an objective item differently)."""
    objective = set(objective_factors)
    by_key: dict[tuple[int, str], list[Decimal]] = {}
    for per_bidder in scores.values():
        for bidder, per_factor in per_bidder.items():
            for factor, value in per_factor.items():
                by_key.setdefault((bidder, factor), []).append(value)
    flags: list[DeviationFlag] = []
    for (bidder, factor), values in sorted(by_key.items()):
        low, high = min(values), max(values)
        if factor in objective and high != low:
            flags.append(DeviationFlag(bidder, factor, low, high, "objective"))
        elif high - low > spread:
            flags.append(DeviationFlag(bidder, factor, low, high, "spread"))
    return flags


# --- seed 001: 合理定价评审抽签法 ----------------------------------------------------------------


def reasonable_price(reviewed_budget: Decimal, discount: Decimal) -> Decimal:
    """合理价 = 审定预算 × (1 − 公布的下浮率), to 分 (敖政办发78号; seed 001)."""
    if not ZERO <= discount < ONE:
        raise ValueError("下浮率应在 0 与 1 之间")
    if reviewed_budget <= 0:
        raise ValueError("审定预算必须大于 0")
    return _fen(reviewed_budget * (ONE - discount))


@dataclass(frozen=True)
class LotteryResult:
    price: Decimal
    order: tuple[int, ...]  # the drawing order; first = winner

    @property
    def winner(self) -> int | None:
        return self.order[0] if self.order else None


def reasonable_price_lottery(
    *, reviewed_budget: Decimal, discount: Decimal, accepting_ids: Iterable[int], seed: str
) -> LotteryResult:
    """Qualified bidders that accept the published reasonable price enter a lottery; the seed's
    hash is published before and the seed after, so the order can be re-run by anyone.
    The contract price is the reasonable price itself."""
    price = reasonable_price(reviewed_budget, discount)
    return LotteryResult(price, tuple(seeded_order(seed, accepting_ids, salt="001")))


# --- seed 004: 全生命周期成本法 ------------------------------------------------------------------


@dataclass(frozen=True)
class LifeCycle:
    purchase: Decimal
    annual_running: Sequence[Decimal]  # one cost per year of service life
    disposal: Decimal = ZERO  # negative = residual value recovered
    discount_rate: Decimal = ZERO  # 0 = undiscounted sum


def life_cycle_cost(lc: LifeCycle) -> Decimal:
    """LCC = purchase + Σ_t running_t / (1 + r)^t + disposal / (1 + r)^n, to 分."""
    if lc.purchase <= 0:
        raise ValueError("采购价格必须大于 0")
    if lc.discount_rate < 0:
        raise ValueError("折现率不能为负")
    factor = ONE + lc.discount_rate
    total = lc.purchase
    for t, cost in enumerate(lc.annual_running, start=1):
        total += cost / factor**t
    total += lc.disposal / factor ** len(lc.annual_running)
    return _fen(total)


def life_cycle_from_schedule(
    schedule: object, *, purchase: Decimal, service_life: int | None, discount_rate: Decimal | None
) -> tuple[Decimal | None, str]:
    """(LCC, "") from the bid's cost schedule, or (None, why the bid does not conform).

    The service life and the discount rate are those published in the documents (seed 004;
    `ProjectDocument.service_life_years`, `life_cycle_discount_rate`), never the bidder's own; a
    bid without the required schedule, or with another number of years, does not meet a
    substantive requirement of the documents (87号令 63) — it is not scored on price alone."""
    if not isinstance(schedule, dict) or not schedule.get("annual_running"):
        return None, "未按采购文件提交全生命周期成本报价表"
    try:
        running = [Decimal(str(x)) for x in schedule["annual_running"]]
        disposal = Decimal(str(schedule.get("disposal", "0")))
    except (ArithmeticError, TypeError, ValueError):
        return None, "全生命周期成本报价表的金额无效"
    if service_life and len(running) != service_life:
        years = f"{service_life} 年（现为 {len(running)} 年）"
        return None, f"运行成本应按采购文件规定的使用寿命逐年报价 {years}"
    if any(x < 0 for x in running):
        return None, "运行成本不能为负"
    lc = LifeCycle(purchase, running, disposal, discount_rate or ZERO)
    return life_cycle_cost(lc), ""
