"""Local evaluation methods: dated, per-jurisdiction configuration (issue 10 item 8).

87号令 53 and 条例 34 allow only 最低评标价法 and 综合评分法 for the tendering of goods and
services. A local rule such as 合理定价评审抽签法 (seed 001: 敖汉旗人民政府 敖政办发78号, for
工程) is a form of them a region has adopted for works: it is allowed only for works
(`MethodConfig.works_only_evaluation`) and only where a rule below enables it for the
purchaser's region (or a region above it) on the day, with its legal basis.

Regions add rows through the setting `ZHENGCAI["LOCAL_EVALUATION_RULES"]` (a list of dicts with
the fields of `LocalEvaluationRule`; dates as ISO strings)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from zhengcai.methods.codes import EvaluationMethod as Eval


@dataclass(frozen=True)
class LocalEvaluationRule:
    region_code: str  # the region that adopted it; applies to the regions below it too
    evaluation_method: str
    object_kinds: tuple[str, ...]
    basis: str  # the document that adopted it
    effective_from: dt.date
    effective_to: dt.date | None = None

    def applies(
        self, method: str, object_kind: str, region_codes: Sequence[str], on: dt.date
    ) -> bool:
        return (
            self.evaluation_method == method
            and object_kind in self.object_kinds
            and self.region_code in region_codes
            and self.effective_from <= on
            and (self.effective_to is None or on <= self.effective_to)
        )


# ⚠ The seed names the document (敖政办发78号) but not its year or commencement date: the
# date below is to be checked against the official text before relying on it.
LOCAL_EVALUATION_RULES: tuple[LocalEvaluationRule, ...] = (
    LocalEvaluationRule(
        region_code="150430",  # 内蒙古自治区赤峰市敖汉旗
        evaluation_method=Eval.REASONABLE_PRICE_LOTTERY,
        object_kinds=("works",),
        basis="敖汉旗人民政府 敖政办发78号（合理定价评审抽签法，工程类）⚠",
        effective_from=dt.date(2020, 1, 1),
    ),
)


def _from_setting(row: dict[str, Any]) -> LocalEvaluationRule:
    def day(v: Any) -> dt.date | None:
        return (
            None if v in (None, "") else v if isinstance(v, dt.date) else dt.date.fromisoformat(v)
        )

    return LocalEvaluationRule(
        region_code=str(row["region_code"]),
        evaluation_method=str(row["evaluation_method"]),
        object_kinds=tuple(row.get("object_kinds", ("works",))),
        basis=str(row["basis"]),
        effective_from=day(row["effective_from"]) or dt.date.min,
        effective_to=day(row.get("effective_to")),
    )


def local_rules() -> tuple[LocalEvaluationRule, ...]:
    extra = getattr(settings, "ZHENGCAI", {}).get("LOCAL_EVALUATION_RULES", ())
    return LOCAL_EVALUATION_RULES + tuple(_from_setting(r) for r in extra)


def local_basis(
    method: str, object_kind: str, region_codes: Sequence[str], on: dt.date
) -> LocalEvaluationRule | None:
    """The rule that enables `method` for `object_kind` in one of `region_codes` (the
    purchaser's region and those above it) on `on`, or None."""
    return next(
        (r for r in local_rules() if r.applies(method, object_kind, region_codes, on)), None
    )
