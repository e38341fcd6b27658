"""Input and output schemas of the plans API (one per endpoint where they differ)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from ninja import Schema
from pydantic import Field

from zhengcai.core.schemas import StrictIn
from zhengcai.plans import constants as c
from zhengcai.plans.api.router import MAX_PAGE


class PageIn(Schema):
    limit: int = Field(default=50, ge=1, le=MAX_PAGE)
    offset: int = Field(default=0, ge=0)


class BudgetLineIn(StrictIn):
    fiscal_year: int = Field(ge=2000, le=2100)
    project_code: str = Field(min_length=1, max_length=40)
    project_name: str = Field(min_length=1, max_length=200)
    item_code: str = Field(min_length=1, max_length=9)
    description: str = Field(min_length=1, max_length=300)
    quantity: Decimal
    unit: str = Field(default="", max_length=20)
    amount: Decimal = Field(description="元，最多两位小数；可用字符串避免浮点误差")
    funding_source: c.FundingSource
    org_form: c.OrgForm | None = Field(default=None, description="留空按集中采购目录确定")
    is_import: bool = False
    exception_reason: str = Field(
        default="", max_length=1000, description="超资产配置标准时的例外申请理由"
    )


class BudgetLinePatch(StrictIn):
    fiscal_year: int | None = Field(default=None, ge=2000, le=2100)
    project_code: str | None = Field(default=None, min_length=1, max_length=40)
    project_name: str | None = Field(default=None, min_length=1, max_length=200)
    item_code: str | None = Field(default=None, min_length=1, max_length=9)
    description: str | None = Field(default=None, min_length=1, max_length=300)
    quantity: Decimal | None = None
    unit: str | None = Field(default=None, max_length=20)
    amount: Decimal | None = None
    funding_source: c.FundingSource | None = None
    org_form: c.OrgForm | None = None
    is_import: bool | None = None


class BudgetLineOut(Schema):
    id: int
    organization_id: int
    organization_name: str
    fiscal_year: int
    project_code: str
    project_name: str
    item_code: str
    item_name: str
    description: str
    quantity: Decimal
    unit: str
    amount: Decimal
    funding_source: str
    org_form: str
    is_import: bool
    status: str
    status_label: str
    decision_note: str
    version: int


class BudgetPage(Schema):
    count: int
    items: list[BudgetLineOut]


class BudgetFilter(PageIn):
    status: c.BudgetStatus | None = None
    year: int | None = None
    q: str | None = Field(default=None, max_length=100)


class TransitionIn(StrictIn):
    status: str = Field(max_length=20)
    note: str = Field(default="", max_length=1000)


class NoteIn(StrictIn):
    note: str = Field(default="", max_length=1000)


class ExecutionOut(Schema):
    budgeted: Decimal
    planned: Decimal
    committed: Decimal
    contracted: Decimal
    paid: Decimal
    remaining: Decimal


class ImportProblemOut(Schema):
    row: int
    column: str
    field: str
    message: str


class ImportOut(Schema):
    rows: int
    created: list[int]


class DeterminationOut(Schema):
    org_form: str
    default_method: str
    is_government_procurement: bool
    open_tender_required: bool
    open_tender_threshold: Decimal | None
    limit_threshold: Decimal | None
    reasons: list[str]
    works: str = Field(
        description="construction（工程施工）/ related（与工程建设有关的货物、服务）/ 空"
    )
    bidding_law_required: bool = Field(
        description="依法必须招标（招标投标法）：不适用政府采购方式，也无审批途径（法4；条例7）"
    )
    bidding_law_threshold: Decimal | None
    bidding_law_basis: str


class PlanIn(StrictIn):
    budget_line_id: int
    name: str = Field(min_length=1, max_length=200)
    amount: Decimal
    quantity: Decimal | None = None
    expected_month: str = Field(pattern=r"^\d{4}-\d{2}(-\d{2})?$", description="YYYY-MM")
    requirements: str = Field(default="", max_length=5000)
    method: c.PlanMethod | None = None
    single_source_ground: c.SingleSourceGround | None = None
    is_urgent: bool = False
    urgent_reason: str = Field(default="", max_length=500)
    works_related: bool = Field(
        default=False,
        description="与工程建设有关的货物或服务（条例7）：达到依法必须招标规模标准的依照招标投标法招标",
    )
    original_contract_no: str = Field(
        default="", max_length=60, description="添购（法31③）：原合同编号"
    )
    original_supplier: str = Field(default="", max_length=200, description="添购：原合同供应商")
    original_contract_amount: Decimal | None = Field(
        default=None, description="添购：原合同金额（元）"
    )
    original_contract_signed_on: dt.date | None = Field(
        default=None, description="添购：原合同签订日期"
    )


class PlanPatch(StrictIn):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    amount: Decimal | None = None
    quantity: Decimal | None = None
    expected_month: str | None = Field(default=None, pattern=r"^\d{4}-\d{2}(-\d{2})?$")
    requirements: str | None = Field(default=None, max_length=5000)
    method: c.PlanMethod | None = None
    single_source_ground: c.SingleSourceGround | None = None
    is_urgent: bool | None = None
    urgent_reason: str | None = Field(default=None, max_length=500)
    works_related: bool | None = None
    original_contract_no: str | None = Field(default=None, max_length=60)
    original_supplier: str | None = Field(default=None, max_length=200)
    original_contract_amount: Decimal | None = None
    original_contract_signed_on: dt.date | None = None


class NeedOut(Schema):
    kind: str
    reason: str
    request_id: int | None
    request_status: str | None
    approved: bool


class PlanOut(Schema):
    id: int
    plan_no: str
    budget_line_id: int
    organization_id: int
    organization_name: str
    fiscal_year: int
    name: str
    item_code: str
    quantity: Decimal
    amount: Decimal
    expected_month: dt.date
    requirements: str
    org_form: str
    default_method: str
    method: str
    single_source_ground: str
    is_import: bool
    is_urgent: bool
    urgent_reason: str
    works_related: bool
    original_contract_no: str
    original_supplier: str
    original_contract_amount: Decimal | None
    original_contract_signed_on: dt.date | None
    bidding_law_required: bool
    open_tender_threshold: Decimal | None
    reasons: list[str]
    status: str
    status_label: str
    decision_note: str
    contracted_amount: Decimal
    paid_amount: Decimal
    version: int


class PlanPage(Schema):
    count: int
    items: list[PlanOut]


class PlanFilter(PageIn):
    status: c.PlanStatus | None = None
    year: int | None = None
    q: str | None = Field(default=None, max_length=100)


class IntentionIn(StrictIn):
    project_name: str | None = Field(default=None, max_length=200)
    requirements: str | None = Field(default=None, max_length=5000)
    expected_month: str | None = Field(default=None, pattern=r"^\d{4}-\d{2}(-\d{2})?$")
    notes: str = Field(default="", max_length=500)


class IntentionOut(Schema):
    id: int
    plan_id: int
    organization_name: str
    region_name: str
    project_name: str
    requirements: str
    budget_amount: Decimal
    expected_month: dt.date
    notes: str
    status: str
    published_at: dt.datetime


class IntentionPage(Schema):
    count: int
    items: list[IntentionOut]


class IntentionFilter(PageIn):
    q: str | None = Field(default=None, max_length=100)
    region: str | None = Field(default=None, max_length=12)


class ReasonIn(StrictIn):
    reason: str = Field(min_length=1, max_length=500)


class AmountIn(StrictIn):
    amount: Decimal


class CommissionIn(StrictIn):
    agency_id: int
    note: str = Field(default="", max_length=500)


class CommissionOut(Schema):
    id: int
    project_no: str
    plan_id: int
    plan_name: str
    amount: Decimal
    purchaser_id: int
    purchaser_name: str
    agency_id: int
    agency_name: str
    status: str
    status_label: str
    handed_at: dt.datetime
    received_at: dt.datetime | None
    holder_name: str
    holder_since: dt.datetime
    due_step: str
    due_at: dt.datetime | None
    is_overdue: bool
    urgent_exemption: bool
    decline_reason: str


class CommissionPage(Schema):
    count: int
    items: list[CommissionOut]


class CommissionFilter(PageIn):
    status: c.CommissionStatus | None = None
    overdue: bool | None = None


class ApprovalIn(StrictIn):
    kind: c.ApprovalKind
    plan_id: int | None = None
    budget_line_id: int | None = None
    reasons: str = Field(min_length=1, max_length=5000)
    supplier_name: str = Field(default="", max_length=200)
    supplier_address: str = Field(default="", max_length=200)
    expert_opinion: str = Field(default="", max_length=5000)


class AttachmentOut(Schema):
    id: int
    name: str
    size: int
    sha256: str
    uploaded_at: dt.datetime


class ObjectionOut(Schema):
    id: int
    objector_name: str
    content: str
    created_at: dt.datetime


class ApprovalOut(Schema):
    id: int
    kind: str
    kind_label: str
    organization_id: int
    plan_id: int | None
    budget_line_id: int | None
    proposed_method: str
    single_source_ground: str
    reasons: str
    supplier_name: str
    supplier_address: str
    expert_opinion: str
    status: str
    status_label: str
    publicity_start: dt.datetime | None
    publicity_end: dt.date | None
    review_conclusion: str
    review_note: str
    decision_note: str
    decided_at: dt.datetime | None
    attachments: list[AttachmentOut]
    objections: list[ObjectionOut]
    version: int


class ApprovalPage(Schema):
    count: int
    items: list[ApprovalOut]


class ApprovalFilter(PageIn):
    status: c.ApprovalStatus | None = None
    kind: c.ApprovalKind | None = None


class SubmitApprovalIn(StrictIn):
    review_conclusion: Literal["", "rejected", "upheld"] = ""
    review_note: str = Field(default="", max_length=5000)


class DecideIn(StrictIn):
    approve: bool
    note: str = Field(default="", max_length=1000)


class ObjectionIn(StrictIn):
    objector_name: str = Field(default="", max_length=200)
    content: str = Field(min_length=1, max_length=5000)


class SplitCaseOut(Schema):
    id: int
    organization_id: int
    organization_name: str
    fiscal_year: int
    budget_project_code: str
    category_prefix: str
    plan_id: int | None
    source: str
    amount: Decimal
    total: Decimal
    threshold: Decimal
    parts: list[dict[str, Any]]
    message: str
    status: str
    created_at: dt.datetime


class ConsentIn(StrictIn):
    agree: bool
    note: str = Field(default="", max_length=1000)
