"""The SME price deduction bands (46号 9; 财库〔2022〕19号): the purchaser fixes one rate per
project inside the band in force and publishes it in the documents; evaluation applies that
rate. One definition, read by tenders (the documents) and evaluation (the deduction)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any


@dataclass(frozen=True)
class RateBand:
    start: dt.date
    end: dt.date | None  # inclusive; None = still in force
    works: bool
    partial: bool  # consortium / subcontract with a small-and-micro share ≥ 30%
    lo: Decimal
    hi: Decimal
    citation: str


# ⚠ keyed by effective date (rules.md §0 Versioning); pre-2021 works rates unknown.
SME_RATES: tuple[RateBand, ...] = (
    RateBand(dt.date(2012, 1, 1), dt.date(2020, 12, 31), False, False, Decimal("0.06"),
             Decimal("0.10"), "财库〔2011〕181号"),
    RateBand(dt.date(2012, 1, 1), dt.date(2020, 12, 31), False, True, Decimal("0.02"),
             Decimal("0.03"), "财库〔2011〕181号"),
    RateBand(dt.date(2021, 1, 1), dt.date(2022, 6, 30), False, False, Decimal("0.06"),
             Decimal("0.10"), "46号 9"),
    RateBand(dt.date(2021, 1, 1), dt.date(2022, 6, 30), False, True, Decimal("0.02"),
             Decimal("0.03"), "46号 9"),
    RateBand(dt.date(2021, 1, 1), None, True, False, Decimal("0.03"), Decimal("0.05"), "46号 9"),
    RateBand(dt.date(2021, 1, 1), None, True, True, Decimal("0.01"), Decimal("0.02"), "46号 9"),
    RateBand(dt.date(2022, 7, 1), None, False, False, Decimal("0.10"), Decimal("0.20"), "19号"),
    RateBand(dt.date(2022, 7, 1), None, False, True, Decimal("0.04"), Decimal("0.06"), "19号"),
)  # fmt: skip


def sme_rate_band(on: dt.date, *, works: bool, partial: bool) -> RateBand | None:
    for band in SME_RATES:
        current = band.start <= on and (band.end is None or on <= band.end)
        if band.works == works and band.partial == partial and current:
            return band
    return None


def sme_rate_error(rate: Decimal, on: dt.date, *, works: bool, partial: bool) -> str | None:
    """Why `rate` cannot be the documents' rate on `on`, or None (46号 9; 19号)."""
    band = sme_rate_band(on, works=works, partial=partial)
    if band is None:
        return "该日期没有已知的价格扣除比例（请核对）"
    if not band.lo <= rate <= band.hi:
        return f"价格扣除比例应在 {band.lo:.0%}–{band.hi:.0%} 之间（{band.citation}）"
    return None


# --- the rates the documents publish --------------------------------------------------------

FIELDS = ("sme_rate", "sme_partial_rate")  # small & micro bidders; ≥ 30 % small & micro share
ERR_SME_RATE = "sme_rate_invalid"


def _facts(project: Any) -> tuple[dt.date, bool]:
    """The day whose band applies (the project's creation: the documents' date) and whether
    the procurement is works."""
    from zhengcai.core import clock

    return project.created_at.astimezone(clock.SHANGHAI).date(), project.object_kind == "works"


def set_defaults(project: Any, doc: Any) -> None:
    """A new document starts at the band's floor; the purchaser may choose any rate in it."""
    on, works = _facts(project)
    full = sme_rate_band(on, works=works, partial=False)
    part = sme_rate_band(on, works=works, partial=True)
    doc.sme_rate = full.lo if full else None
    doc.sme_partial_rate = part.lo if part else None


def checked(project: Any, key: str, value: Any) -> Decimal | None:
    """The rate `value` for field `key` (a fraction: 0.15 = 15 %), inside the band in force
    (46号 9; 19号); refused with InvalidInput `sme_rate_invalid` otherwise."""
    from zhengcai.core.errors import InvalidInput

    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        rate = Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise InvalidInput("价格扣除比例不是有效数字", code=ERR_SME_RATE) from exc
    on, works = _facts(project)
    error = (
        sme_rate_error(rate, on, works=works, partial=key == "sme_partial_rate")
        if rate.is_finite()
        else "价格扣除比例不是有效数字"
    )
    if error:
        what = "联合体/分包小微企业份额" if key == "sme_partial_rate" else "小微企业"
        raise InvalidInput(f"{what}价格扣除比例：{error}", code=ERR_SME_RATE, detail={"field": key})
    return rate.quantize(Decimal("0.0001"))


def published(project: Any) -> tuple[Decimal, Decimal]:
    """(small & micro rate, partial rate) the project's documents publish; the band's floor
    where a document predates the fields (or there is none)."""
    on, works = _facts(project)
    doc = getattr(project, "document", None)
    out = []
    for field, partial in (("sme_rate", False), ("sme_partial_rate", True)):
        value = getattr(doc, field, None) if doc is not None else None
        band = sme_rate_band(on, works=works, partial=partial)
        out.append(value if value is not None else (band.lo if band else Decimal("0")))
    return out[0], out[1]
