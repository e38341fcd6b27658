"""Pure rules of the agency assessment's satisfaction figures (seed 000: 采购单位满意率、供应商
满意率 among the agency's indicators; seed 002: 服务态度、服务质量、服务效果)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

SCORE_MIN, SCORE_MAX = 1, 5
# A response counts as satisfied when its mean score is at least 4 (满意 or 非常满意).
SATISFIED_AT = Decimal(4)


def score_problems(scores: dict[str, Any], aspects: Iterable[str]) -> list[str]:
    """The aspects without a whole score from 1 to 5."""
    problems = []
    for a in aspects:
        v = scores.get(a)
        if not isinstance(v, int) or isinstance(v, bool) or not SCORE_MIN <= v <= SCORE_MAX:
            problems.append(a)
    return problems


def mean(scores: Iterable[int]) -> Decimal:
    values = list(scores)
    return (Decimal(sum(values)) / Decimal(len(values))).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )


def satisfied(scores: Iterable[int]) -> bool:
    return mean(scores) >= SATISFIED_AT


@dataclass(frozen=True)
class Rate:
    responses: int
    satisfied: int

    @property
    def percent(self) -> Decimal | None:
        """满意率 = satisfied responses / responses × 100, to one decimal; None without any."""
        if not self.responses:
            return None
        return (Decimal(100 * self.satisfied) / Decimal(self.responses)).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )
