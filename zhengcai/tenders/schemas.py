"""Request and response schemas of the tenders API for templates and procurement documents
(kept beside `api.py` so the handlers module stays one topic)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ninja import Schema
from pydantic import Field

from zhengcai.core.schemas import StrictIn
from zhengcai.tenders import constants as c


class FactorIn(StrictIn):
    name: str = Field(min_length=1, max_length=100)
    points: Decimal = Field(gt=0, le=100)
    objective: bool = False
    is_price: bool = False
    criteria: str = Field(default="", max_length=2000)


class TemplateIn(StrictIn):
    name: str = Field(min_length=1, max_length=200)
    method: str = Field(default="", max_length=16)
    object_kind: str = Field(default="", max_length=10)
    requirements: str = Field(default="", max_length=50000)
    qualifications: str = Field(default="", max_length=20000)
    evaluation_method: c.EvaluationMethod = c.EvaluationMethod.COMPREHENSIVE
    factors: list[FactorIn] = Field(default_factory=list)
    contract_terms: str = Field(default="", max_length=50000)
    bid_bond_percent: Decimal = Field(default=Decimal("1.00"), ge=0)


class TemplatePatch(StrictIn):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    requirements: str | None = Field(default=None, max_length=50000)
    qualifications: str | None = Field(default=None, max_length=20000)
    evaluation_method: c.EvaluationMethod | None = None
    factors: list[FactorIn] | None = None
    contract_terms: str | None = Field(default=None, max_length=50000)
    bid_bond_percent: Decimal | None = Field(default=None, ge=0)


class TemplateOut(Schema):
    id: int
    name: str
    method: str
    object_kind: str
    requirements: str
    qualifications: str
    evaluation_method: str
    factors: list[dict[str, Any]]
    contract_terms: str
    bid_bond_percent: Decimal
    version: int


class DocumentBuildIn(StrictIn):
    template_id: int
    # default: the template's; one the procurement method does not allow → 422
    evaluation_method: c.EvaluationMethod | None = None


class ReviewedBudgetIn(StrictIn):
    lot_id: int
    reviewed_budget: Decimal | None = Field(default=None, gt=0, max_digits=16, decimal_places=2)


class LotTermsOut(Schema):
    lot_id: int
    number: int
    budget: Decimal
    reviewed_budget: Decimal | None
    reasonable_price: Decimal | None


class TwoSupplierIn(StrictIn):
    basis: c.TwoSupplierBasis
    justification: str = Field(default="", max_length=4000)


class DocumentPatch(StrictIn):
    requirements: str | None = Field(default=None, max_length=50000)
    qualifications: str | None = Field(default=None, max_length=20000)
    evaluation_method: c.EvaluationMethod | None = None
    factors: list[FactorIn] | None = None
    contract_terms: str | None = Field(default=None, max_length=50000)
    bid_bond_percent: Decimal | None = Field(default=None, ge=0)
    # 46号 9; 19号: the SME price deductions, fractions inside the band in force (0.10 = 10 %)
    sme_rate: Decimal | None = Field(default=None, ge=0, lt=1, decimal_places=4)
    sme_partial_rate: Decimal | None = Field(default=None, ge=0, lt=1, decimal_places=4)
    # 合理定价评审抽签法 (seed 001): 0 < lottery_discount < 1; reviewed budgets per lot, ≤ budget
    lottery_discount: Decimal | None = Field(default=None, gt=0, lt=1, decimal_places=4)
    reviewed_budgets: list[ReviewedBudgetIn] | None = None
    # 全生命周期成本法 (seed 004)
    service_life_years: int | None = Field(default=None, ge=1, le=c.MAX_SERVICE_LIFE_YEARS)
    life_cycle_costs: str | None = Field(default=None, max_length=4000)
    life_cycle_discount_rate: Decimal | None = Field(default=None, ge=0, lt=1, decimal_places=4)


# The terms of one method that may be cleared by sending null (the others refuse null).
NULLABLE_TERMS = {"lottery_discount", "service_life_years", "life_cycle_discount_rate"}


class DocumentOut(Schema):
    id: int
    project_id: int
    status: str
    requirements: str
    qualifications: str
    evaluation_method: str
    factors: list[dict[str, Any]]
    contract_terms: str
    bid_bond_percent: Decimal
    sme_rate: Decimal | None
    sme_partial_rate: Decimal | None
    lottery_discount: Decimal | None
    service_life_years: int | None
    life_cycle_costs: str
    life_cycle_discount_rate: Decimal | None
    lots: list[LotTermsOut]
    terms_missing: list[str]
    checked_version: int
    pdf_sha256: str
    pdf_size: int
    version: int
