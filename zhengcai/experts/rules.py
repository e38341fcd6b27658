"""Pure rules of the expert database and the random draw (no database, no clock).

Citations: 条例 = 政府采购法实施条例; 87号令 = 政府采购货物和服务招标投标管理办法;
198号 = 政府采购评审专家管理办法 (财库〔2016〕198号). ⚠ marks points that are configuration
or local practice rather than national text (rules.md Appendix B).

The draw is reproducible by anyone holding the revealed seed and the published list of
eligible candidate ids:

    key(id)  = SHA-256( f"{seed}:{round}:{id}" )        (hex, compared as strings)
    drawn    = the n ids with the smallest key           (ties impossible: ids are distinct)

It does not depend on the order of the list, on Python's `random` module, or on the database.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import heapq
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from zhengcai.methods.config import PanelRule

# --- identity ------------------------------------------------------------------------------------

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_RE = re.compile(r"^\d{17}[\dX]$")


def id_number_problem(value: str) -> str | None:
    """居民身份证号码 (GB 11643-1999): 18 characters, a valid birth date, ISO 7064 check digit.
    Returns a message, or None when the number is valid."""
    v = value.strip().upper()
    if not _ID_RE.match(v):
        return "身份证号码应为 18 位（最后一位可为 X）"
    if birth_date_from_id(v) is None:
        return "身份证号码中的出生日期无效"
    total = sum(int(ch) * w for ch, w in zip(v[:17], _ID_WEIGHTS, strict=True))
    if _ID_CHECK[total % 11] != v[17]:
        return "身份证号码校验位不正确"
    return None


def id_check_char(first17: str) -> str:
    total = sum(int(ch) * w for ch, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def birth_date_from_id(value: str) -> dt.date | None:
    try:
        return dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return None


def mask_id_number(value: str) -> str:
    """Display form: first 3 and last 4 characters (330***********123X)."""
    if len(value) < 8:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def age_on(birth: dt.date, on: dt.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def registration_problems(
    *,
    title_level: str,
    years_in_field: int,
    birth_date: dt.date | None,
    today: dt.date,
    max_age: int = 70,
) -> list[str]:
    """198号 6: a senior title, or an intermediate title with at least 8 years in the field;
    under 70 (the adverse-record condition is checked by the regulator)."""
    out: list[str] = []
    senior = title_level in ("senior", "associate")
    if not senior and not (title_level == "intermediate" and years_in_field >= 8):
        out.append("须具有高级职称，或中级职称且从事相关工作满 8 年（198号 6）")
    if birth_date is not None and age_on(birth_date, today) >= max_age:
        out.append(f"年龄须在 {max_age} 周岁以下（198号 6）")
    return out


# --- specialties (品目 codes) --------------------------------------------------------------------

# 政府采购品目分类目录: A (goods) / B (works) / C (services) + two digits per level.
SPECIALTY_RE = re.compile(r"^[ABC]\d{2}(?:\d{2}){0,3}$")


def specialty_code_problem(code: str) -> str | None:
    if not SPECIALTY_RE.match(code):
        return f"评审专业「{code}」不是有效的品目编码（A/B/C 加 2、4、6 或 8 位数字）"
    return None


def code_prefixes(code: str) -> list[str]:
    """The code and every ancestor: A02010104 → [A02, A0201, A020101, A02010104]."""
    return [code[:k] for k in range(3, len(code) + 1, 2)]


def specialty_matches(expert_codes: Iterable[str], requested: Iterable[str]) -> bool:
    """An expert fits a requested 品目 when one code is an ancestor of (or equal to) the other:
    a 计算机设备 (A0201) expert fits a 台式计算机 (A02010104) request and vice versa."""
    wanted = list(requested)
    return any(e.startswith(r) or r.startswith(e) for e in expert_codes for r in wanted)


# --- commit-reveal and the draw -------------------------------------------------------------- ---

SEED_RE = re.compile(r"^[0-9a-f]{64}$")


def seed_commitment(seed: str) -> str:
    """The published hash of a seed (SHA-256 of its ASCII hex form)."""
    return hashlib.sha256(seed.encode("ascii")).hexdigest()


def eligible_digest(ids: Iterable[int]) -> str:
    """Digest of a candidate list, independent of its order."""
    return hashlib.sha256(",".join(str(i) for i in sorted(set(ids))).encode("ascii")).hexdigest()


def draw_key(seed: str, round_no: int, candidate_id: int) -> str:
    return hashlib.sha256(f"{seed}:{round_no}:{candidate_id}".encode("ascii")).hexdigest()


def seeded_order(seed: str, ids: Iterable[int], *, salt: str | int = 0) -> list[int]:
    """Every id, ordered by its key: a lottery anyone can re-run from the revealed seed."""
    return [i for _, i in sorted((draw_key(seed, int(salt), i), i) for i in set(ids))]


def draw(seed: str, round_no: int, eligible_ids: Iterable[int], n: int) -> list[int]:
    """Draw `n` distinct ids (fewer if the pool is smaller), in draw order. Pure and
    reproducible: same (seed, round, set of ids, n) → same list (条例 39; 198号 12 随机抽取)."""
    if n <= 0:
        return []
    keyed = ((draw_key(seed, round_no, i), i) for i in set(eligible_ids))
    return [i for _, i in heapq.nsmallest(n, keyed)]


# --- eligibility ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConflictFact:
    """A declared or recorded relationship with an organization (条例 9)."""

    organization_id: int
    kind: str  # constants.ConflictKind
    until: dt.date | None  # when the relationship ended; None = ongoing


@dataclass(frozen=True)
class Candidate:
    """What the eligibility rules need to know about one expert, as of the draw."""

    id: int
    status: str
    region_path: str
    specialties: tuple[str, ...]
    certificate_expires: dt.date | None
    training_status: str
    birth_date: dt.date | None
    employer_id: int | None = None
    employer_kind: str | None = None
    conflicts: tuple[ConflictFact, ...] = ()
    unavailable: tuple[tuple[dt.date, dt.date], ...] = ()
    purchaser_services: int = 0  # confirmed evaluations for this purchaser in the window
    busy_dates: frozenset[dt.date] = frozenset()
    appointment_ends: dt.date | None = None
    credit_ban: str = ""  # credit.selectors.refusal's message, today or on the evaluation day


@dataclass(frozen=True)
class DrawContext:
    purchaser_id: int
    agency_id: int
    bidder_ids: frozenset[int]
    evaluation_date: dt.date
    specialty_codes: tuple[str, ...]
    region_paths: tuple[str, ...]
    same_purchaser_max: int = 3
    max_age: int = 70
    require_exam_passed: bool = False
    # 条例 9 (一): employment, directorship or control within the last 3 years.
    lookback_years: int = 3


@dataclass(frozen=True)
class Reason:
    code: str
    message: str
    citation: str


@dataclass(frozen=True)
class Exclusion:
    candidate_id: int
    reasons: tuple[Reason, ...] = field(default_factory=tuple)


# Relationship kinds that bar an expert for 3 years after they end (条例 9 (一)).
_PAST_RELATIONS = {"employment", "director", "shareholder"}


def _years_before(d: dt.date, years: int) -> dt.date:
    try:
        return d.replace(year=d.year - years)
    except ValueError:  # 29 February
        return d.replace(year=d.year - years, day=28)


def ineligibility(c: Candidate, ctx: DrawContext) -> list[Reason]:
    """Every reason this candidate may not be drawn for this evaluation; empty = eligible."""
    out: list[Reason] = []
    on = ctx.evaluation_date
    if c.status != "active":
        out.append(
            Reason(
                "status",
                "专家状态不是「正常」（暂停、禁止、解聘或待审核）",
                "198号 10、29；条例 75",
            )
        )
    if c.certificate_expires is None or c.certificate_expires < on:
        out.append(
            Reason("certificate_expired", "专家证已过期或未发证", "平台规则 ⚠（专家证有效期）")
        )
    if c.appointment_ends is not None and c.appointment_ends < on:
        out.append(Reason("appointment_ended", "评审专家聘期已满", "198号 10"))
    if c.credit_ban:
        out.append(Reason("credit_banned", c.credit_ban, "条例 75；法 77"))
    trained = {"passed"} if ctx.require_exam_passed else {"trained", "passed"}
    if c.training_status not in trained:
        out.append(Reason("training", "未完成培训或考核", "省级规定 ⚠（专家培训考核）"))
    if c.birth_date is not None and age_on(c.birth_date, on) >= ctx.max_age:
        out.append(Reason("age", f"评审日已满 {ctx.max_age} 周岁", "198号 6"))
    if not any(c.region_path.startswith(p) for p in ctx.region_paths):
        out.append(Reason("region", "不在本次抽取的专家库范围内", "条例 39；198号 12"))
    if not specialty_matches(c.specialties, ctx.specialty_codes):
        out.append(Reason("specialty", "评审专业与采购品目不符", "87号令 48；198号 12"))
    if c.employer_id is not None:
        if c.employer_id == ctx.purchaser_id:
            out.append(
                Reason(
                    "own_unit",
                    "本单位项目只能作为采购人代表参加评审",
                    "87号令 47；198号 16",
                )
            )
        if c.employer_id == ctx.agency_id:
            out.append(Reason("agency_staff", "代理机构工作人员不得评审本机构项目", "87号令 47"))
        if c.employer_id in ctx.bidder_ids:
            out.append(Reason("bidder_employee", "现任职于参加采购活动的供应商", "条例 9（一）"))
        if c.employer_kind == "finance":
            out.append(Reason("finance_staff", "财政部门监管人员不得担任评审专家", "198号 16"))
    parties = {ctx.purchaser_id, ctx.agency_id, *ctx.bidder_ids}
    since = _years_before(on, ctx.lookback_years)
    for f in c.conflicts:
        if f.organization_id not in parties:
            continue
        ended_long_ago = f.until is not None and (
            f.until < since if f.kind in _PAST_RELATIONS else f.until < on
        )
        if not ended_long_ago:
            out.append(
                Reason("conflict", "与采购人、代理机构或供应商存在利害关系", "条例 9；198号 16")
            )
            break
    if any(start <= on <= end for start, end in c.unavailable):
        out.append(
            Reason(
                "unavailable",
                "评审日在专家登记的不可参加期间内",
                "平台规则（专家登记的可评审时间）",
            )
        )
    if on in c.busy_dates:
        out.append(Reason("busy", "评审日已确认参加其他项目评审", "平台规则 ⚠"))
    if c.purchaser_services >= ctx.same_purchaser_max:
        out.append(
            Reason(
                "same_purchaser",
                f"近期为同一采购人评审已达 {ctx.same_purchaser_max} 次",
                "地方规定 ⚠（可配置）",
            )
        )
    return out


def split_eligible(
    candidates: Iterable[Candidate], ctx: DrawContext
) -> tuple[list[int], list[Exclusion]]:
    """(ids of eligible candidates, exclusions with reasons)."""
    ok: list[int] = []
    excluded: list[Exclusion] = []
    for c in candidates:
        reasons = ineligibility(c, ctx)
        if reasons:
            excluded.append(Exclusion(c.id, tuple(reasons)))
        else:
            ok.append(c.id)
    return ok, excluded


# --- timing --------------------------------------------------------------------------------------


def draw_window_problem(
    *, today: dt.date, evaluation_date: dt.date, earliest: dt.date
) -> str | None:
    """198号 14: the draw takes place no earlier than 2 working days before the evaluation
    (`earliest` = evaluation date minus that many working days, from core.workdays)."""
    if evaluation_date < today:
        return "评审时间已过"
    if today < earliest:
        return f"抽取时间不得早于评审开始前 2 个工作日（最早 {earliest.isoformat()}）（198号 14）"
    return None


def replacement_needed(seats: int, holding: int, pending: int) -> int:
    """How many more experts to draw so that seats = confirmed/holding + pending."""
    return max(0, seats - holding - pending)


def draw_rounds_consistent(
    seed: str, rounds: Sequence[tuple[int, Sequence[int], Sequence[int], int]]
) -> list[int]:
    """Re-run recorded rounds (number, eligible ids, picked ids, n); returns the numbers of the
    rounds whose picks differ from a fresh draw (empty = all reproduced)."""
    return [
        number
        for number, eligible, picked, n in rounds
        if draw(seed, number, eligible, n) != list(picked)
    ]


# --- performance records (198号 21; 条例 62) ---------------------------------------------------


def rater_side(*, role: str, org_id: int | None, agency_id: int, purchaser_id: int) -> str | None:
    """Who records an expert's performance (198号 21; 条例 62): a user of the draw's agency
    (side "agency") or of its purchaser (side "purchaser"). Anyone else: None."""
    if org_id is None:
        return None
    if role == "agency" and org_id == agency_id:
        return "agency"
    if role == "purchaser" and org_id == purchaser_id:
        return "purchaser"
    return None


def rating_window_problem(
    *, now: dt.datetime, evaluation_at: dt.datetime, today: dt.date, last_day: dt.date
) -> tuple[str, str] | None:
    """(code, message) when a rating cannot be recorded now, else None. Opens when the
    evaluation starts; closes after `last_day`, the Nth working day after the evaluation day
    (198号 21: within 5 working days)."""
    if now < evaluation_at:
        return "rating_not_open", "评审开始后方可记录专家履职情况"
    if today > last_day:
        return (
            "rating_window_closed",
            f"已超过评审结束后的记录期限（截至 {last_day.isoformat()}，198号 21）",
        )
    return None


def rating_input_problem(
    *, attendance: str, quality: int | None, flags: Iterable[str]
) -> str | None:
    """Shape of one rating: quality 1–5 unless the expert was absent (then none)."""
    if attendance not in ("on_time", "late", "absent", "left_early"):
        return "到场情况无效"
    unknown = set(flags) - {"outlier", "discipline", "disclosure", "other"}
    if unknown:
        return f"问题类型无效：{', '.join(sorted(unknown))}"
    if attendance == "absent":
        return "缺席的专家不评评审质量" if quality is not None else None
    if quality is None or not 1 <= quality <= 5:
        return "评审质量应为 1–5 分的整数"
    return None


@dataclass(frozen=True)
class RatingFact:
    draw_id: int
    attendance: str
    quality: int | None
    flags: frozenset[str] = frozenset()


@dataclass(frozen=True)
class RecordSummary:
    """An expert's record over a period. Attendance and flags count evaluations (draws), not
    ratings: an absence reported by both the agency and the purchaser is one absence, and an
    evaluation counts as late when any rater reported it late. The quality average is over
    every scored rating. Incidents are those the regulator recorded."""

    ratings: int = 0
    evaluations: int = 0
    on_time: int = 0
    late: int = 0
    absent: int = 0
    left_early: int = 0
    quality_count: int = 0
    quality_sum: int = 0
    outlier: int = 0
    discipline: int = 0
    disclosure: int = 0
    other_flags: int = 0
    complaints_upheld: int = 0
    other_incidents: int = 0

    @property
    def quality_avg(self) -> Decimal | None:
        """Average 评审质量 (two places, half up); None without a scored rating."""
        if not self.quality_count:
            return None
        return (Decimal(self.quality_sum) / Decimal(self.quality_count)).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP
        )

    @property
    def serious_flags(self) -> int:
        return self.discipline + self.disclosure


def record_summary(ratings: Iterable[RatingFact], incident_kinds: Iterable[str]) -> RecordSummary:
    draws: dict[str, set[int]] = defaultdict(set)
    n = q_count = q_sum = 0
    for r in ratings:
        n += 1
        draws["all"].add(r.draw_id)
        draws[r.attendance].add(r.draw_id)
        if r.quality is not None:
            q_count += 1
            q_sum += r.quality
        for f in r.flags:
            draws["other_flags" if f == "other" else f].add(r.draw_id)
    kinds = Counter(incident_kinds)
    return RecordSummary(
        ratings=n,
        evaluations=len(draws["all"]),
        on_time=len(draws["on_time"]),
        late=len(draws["late"]),
        absent=len(draws["absent"]),
        left_early=len(draws["left_early"]),
        quality_count=q_count,
        quality_sum=q_sum,
        outlier=len(draws["outlier"]),
        discipline=len(draws["discipline"]),
        disclosure=len(draws["disclosure"]),
        other_flags=len(draws["other_flags"]),
        complaints_upheld=kinds["complaint_upheld"],
        other_incidents=sum(n for k, n in kinds.items() if k != "complaint_upheld"),
    )


@dataclass(frozen=True)
class SuggestionPolicy:
    """Thresholds (⚠ local practice, configured in POLICY_DEFAULTS / settings)."""

    window_days: int = 365
    absent_min: int = 2
    late_min: int = 3
    left_early_min: int = 2
    serious_flags_min: int = 1
    complaints_min: int = 1
    quality_below: Decimal = Decimal("2.5")
    quality_min_ratings: int = 3


def suspension_suggestion(summary: RecordSummary, policy: SuggestionPolicy) -> list[str] | None:
    """Reasons the regulator might suspend the expert (条例 62; 198号 29), or None. A
    suggestion only: the regulator decides, through the expert status service."""
    months = round(policy.window_days / 30.4)
    period = f"近 {months} 个月" if months else f"近 {policy.window_days} 天"
    out: list[str] = []
    if policy.absent_min and summary.absent >= policy.absent_min:
        out.append(f"{period}缺席评审 {summary.absent} 次（≥{policy.absent_min}）")
    if policy.late_min and summary.late >= policy.late_min:
        out.append(f"{period}迟到 {summary.late} 次（≥{policy.late_min}）")
    if policy.left_early_min and summary.left_early >= policy.left_early_min:
        out.append(f"{period}中途退出 {summary.left_early} 次（≥{policy.left_early_min}）")
    if policy.serious_flags_min and summary.serious_flags >= policy.serious_flags_min:
        out.append(
            f"{period}被记录违反评审纪律或泄露评审情况 {summary.serious_flags} 次（198号 29）"
        )
    if policy.complaints_min and summary.complaints_upheld >= policy.complaints_min:
        out.append(f"{period}涉及该专家的投诉成立 {summary.complaints_upheld} 件")
    avg = summary.quality_avg
    if (
        avg is not None
        and summary.quality_count >= policy.quality_min_ratings
        and avg < policy.quality_below
    ):
        out.append(
            f"{period}评审质量平均 {avg} 分（{summary.quality_count} 次评价，低于 "
            f"{policy.quality_below} 分）"
        )
    return out or None


def suggestion_reason_text(reasons: Sequence[str]) -> str:
    """The status-change reason prefilled for the regulator."""
    return ("根据专家履职记录暂停评审资格（条例 62；198号 29）：" + "；".join(reasons))[:500]


# --- committee composition (87号令 47; 74号令 7; 法 38、40) ---------------------------------------

EXPERT_SHARE = Fraction(2, 3)


def committee_problems(
    *,
    members: int,
    experts: int,
    panel: PanelRule,
    budget: Decimal,
    threshold: Decimal | None,
    technically_complex: bool = False,
    expert_share: Fraction = EXPERT_SHARE,
) -> list[Reason]:
    """Everything wrong with a panel of `members`, `experts` of them experts and the rest
    purchaser representatives: an odd number, at least `panel.min_size(...)` (the one size
    rule: 87号令 47; 74号令 7 — at or above the 公开招标数额标准 `threshold` a 谈判 or 询价 panel
    needs 5), and at least 2/3 experts."""
    cite = panel.citation
    if experts < 0 or experts > members:
        return [Reason("committee_counts", "专家人数不能超过成员总数", cite)]
    out: list[Reason] = []
    if members % 2 == 0:
        out.append(Reason("committee_even", f"{panel.name}成员应为单数（现为 {members} 人）", cite))
    minimum = panel.min_size(
        budget=budget, threshold=threshold, technically_complex=technically_complex
    )
    if members < minimum:
        above = threshold is not None and budget >= threshold
        why = f"，预算达到公开招标数额标准 {threshold} 元" if above else ""
        out.append(
            Reason(
                "committee_too_small",
                f"{panel.name}应不少于 {minimum} 人（现为 {members} 人{why}）",
                cite,
            )
        )
    if Fraction(experts, max(members, 1)) < expert_share:
        out.append(
            Reason(
                "committee_expert_share",
                f"评审专家应不少于成员总数的 {expert_share}（现为 {experts}/{members}）",
                "87号令 47；法 38、40",
            )
        )
    return out


# --- standing: certificate and appointment (198号 10) --------------------------------------------


def standing_lapse(
    *, certificate_expires: dt.date | None, appointment_ends: dt.date | None, on: dt.date
) -> str | None:
    """Why an expert may no longer be active on `on`, or None. Both dates are the last valid
    day (有效期至 / 聘期至): the expert lapses the day after (198号 10; 专家证有效期 ⚠)."""
    if certificate_expires is None or certificate_expires < on:
        return f"专家证有效期至 {certificate_expires}，已到期" if certificate_expires else "未发证"
    if appointment_ends is not None and appointment_ends < on:
        return f"聘期至 {appointment_ends}，已届满（198号 10）"
    return None


def standing_lapses_on(
    *, certificate_expires: dt.date | None, appointment_ends: dt.date | None
) -> dt.date | None:
    """The first day the expert is no longer active (the day after the earlier last day)."""
    last = [d for d in (certificate_expires, appointment_ends) if d is not None]
    return min(last) + dt.timedelta(days=1) if last else None
