"""Plans API: budget lines (with Excel import), method determination, plans, intentions,
approval requests (attachments, single-source publicity, objections, decisions), commissions
and split cases. Handlers are thin: parse, access_*, one service, answer."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from zhengcai.accounts.access import require_role
from zhengcai.accounts.auth import api_auth
from zhengcai.accounts.constants import Role
from zhengcai.accounts.models import Organization, User
from zhengcai.core.errors import InvalidInput, NotFound
from zhengcai.core.http import etag, if_match_version, request_user
from zhengcai.core.schemas import API_ERRORS, ErrorOut, StrictIn
from zhengcai.plans import access, selectors, services
from zhengcai.plans import constants as c
from zhengcai.plans.models import (
    ApprovalAttachment,
    ApprovalRequest,
    BudgetLine,
    Commission,
    ProcurementIntention,
    ProcurementPlan,
    SplitCase,
)

router = Router(auth=api_auth(), tags=["plans"])
MAX_PAGE = 200


# --- schemas -------------------------------------------------------------------------------------


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


class PlanIn(StrictIn):
    budget_line_id: int
    name: str = Field(min_length=1, max_length=200)
    amount: Decimal
    quantity: Decimal | None = None
    expected_month: str = Field(pattern=r"^\d{4}-\d{2}(-\d{2})?$", description="YYYY-MM")
    requirements: str = Field(default="", max_length=5000)
    method: c.Method | None = None
    single_source_ground: c.SingleSourceGround | None = None
    is_urgent: bool = False
    urgent_reason: str = Field(default="", max_length=500)


class PlanPatch(StrictIn):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    amount: Decimal | None = None
    quantity: Decimal | None = None
    expected_month: str | None = Field(default=None, pattern=r"^\d{4}-\d{2}(-\d{2})?$")
    requirements: str | None = Field(default=None, max_length=5000)
    method: c.Method | None = None
    single_source_ground: c.SingleSourceGround | None = None
    is_urgent: bool | None = None
    urgent_reason: str | None = Field(default=None, max_length=500)


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


# --- converters ----------------------------------------------------------------------------------


def _line_out(b: BudgetLine) -> BudgetLineOut:
    return BudgetLineOut(
        id=b.pk,
        organization_id=b.organization_id,
        organization_name=b.organization.name,
        fiscal_year=b.fiscal_year,
        project_code=b.project_code,
        project_name=b.project_name,
        item_code=b.item_code,
        item_name=b.item_name,
        description=b.description,
        quantity=b.quantity,
        unit=b.unit,
        amount=b.amount,
        funding_source=b.funding_source,
        org_form=b.org_form,
        is_import=b.is_import,
        status=b.status,
        status_label=str(c.BudgetStatus(b.status).label),
        decision_note=b.decision_note,
        version=b.version,
    )


def _plan_out(p: ProcurementPlan) -> PlanOut:
    return PlanOut(
        id=p.pk,
        plan_no=p.plan_no,
        budget_line_id=p.budget_line_id,
        organization_id=p.organization_id,
        organization_name=p.organization.name,
        fiscal_year=p.fiscal_year,
        name=p.name,
        item_code=p.item_code,
        quantity=p.quantity,
        amount=p.amount,
        expected_month=p.expected_month,
        requirements=p.requirements,
        org_form=p.org_form,
        default_method=p.default_method,
        method=p.method,
        single_source_ground=p.single_source_ground,
        is_import=p.is_import,
        is_urgent=p.is_urgent,
        urgent_reason=p.urgent_reason,
        open_tender_threshold=p.open_tender_threshold,
        reasons=list(p.determination.get("reasons", [])),
        status=p.status,
        status_label=str(c.PlanStatus(p.status).label),
        decision_note=p.decision_note,
        contracted_amount=p.contracted_amount,
        paid_amount=p.paid_amount,
        version=p.version,
    )


def _intention_out(i: ProcurementIntention) -> IntentionOut:
    return IntentionOut(
        id=i.pk,
        plan_id=i.plan_id,
        organization_name=i.organization.name,
        region_name=i.organization.region.full_name(),
        project_name=i.project_name,
        requirements=i.requirements,
        budget_amount=i.budget_amount,
        expected_month=i.expected_month,
        notes=i.notes,
        status=i.status,
        published_at=i.published_at,
    )


def _commission_out(k: Commission) -> CommissionOut:
    return CommissionOut(
        id=k.pk,
        project_no=k.project_no,
        plan_id=k.plan_id,
        plan_name=k.plan.name,
        amount=k.plan.amount,
        purchaser_id=k.purchaser_id,
        purchaser_name=k.purchaser.name,
        agency_id=k.agency_id,
        agency_name=k.agency.name,
        status=k.status,
        status_label=str(c.CommissionStatus(k.status).label),
        handed_at=k.handed_at,
        received_at=k.received_at,
        holder_name=k.holder.name,
        holder_since=k.holder_since,
        due_step=k.due_step,
        due_at=k.due_at,
        is_overdue=k.is_overdue,
        urgent_exemption=k.urgent_exemption,
        decline_reason=k.decline_reason,
    )


def _attachment_out(a: ApprovalAttachment) -> AttachmentOut:
    return AttachmentOut(
        id=a.pk, name=a.name, size=a.size, sha256=a.sha256, uploaded_at=a.uploaded_at
    )


def _approval_out(r: ApprovalRequest) -> ApprovalOut:
    return ApprovalOut(
        id=r.pk,
        kind=r.kind,
        kind_label=str(c.ApprovalKind(r.kind).label),
        organization_id=r.organization_id,
        plan_id=r.plan_id,
        budget_line_id=r.budget_line_id,
        proposed_method=r.proposed_method,
        single_source_ground=r.single_source_ground,
        reasons=r.reasons,
        supplier_name=r.supplier_name,
        supplier_address=r.supplier_address,
        expert_opinion=r.expert_opinion,
        status=r.status,
        status_label=str(c.ApprovalStatus(r.status).label),
        publicity_start=r.publicity_start,
        publicity_end=r.publicity_end,
        review_conclusion=r.review_conclusion,
        review_note=r.review_note,
        decision_note=r.decision_note,
        decided_at=r.decided_at,
        attachments=[_attachment_out(a) for a in r.attachments.all()],
        objections=[
            ObjectionOut(
                id=o.pk, objector_name=o.objector_name, content=o.content, created_at=o.created_at
            )
            for o in r.objections.all()
        ],
        version=r.version,
    )


def _split_out(s: SplitCase) -> SplitCaseOut:
    return SplitCaseOut(
        id=s.pk,
        organization_id=s.organization_id,
        organization_name=s.organization.name,
        fiscal_year=s.fiscal_year,
        budget_project_code=s.budget_project_code,
        category_prefix=s.category_prefix,
        plan_id=s.plan_id,
        source=s.source,
        amount=s.amount,
        total=s.total,
        threshold=s.threshold,
        parts=list(s.parts),
        message=s.message,
        status=s.status,
        created_at=s.created_at,
    )


def _own_org(user: User) -> Organization:
    require_role(user, Role.PURCHASER)
    if user.organization is None:
        raise InvalidInput("您的账号未关联单位", code="no_organization")
    return user.organization


# --- budget lines --------------------------------------------------------------------------------


@router.get(
    "/budget-lines", response={200: BudgetPage, API_ERRORS: ErrorOut}, summary="采购预算列表"
)
def budget_line_list(request: HttpRequest, filters: Query[BudgetFilter]) -> BudgetPage:
    qs = selectors.budget_line_list(
        user=request_user(request), status=filters.status, year=filters.year, q=filters.q
    )
    page = qs[filters.offset : filters.offset + filters.limit]
    return BudgetPage(count=qs.count(), items=[_line_out(b) for b in page])


@router.post(
    "/budget-lines",
    response={201: BudgetLineOut, API_ERRORS: ErrorOut},
    summary="录入采购预算（采购人；超资产配置标准须填例外理由）",
)
def budget_line_create(
    request: HttpRequest, response: HttpResponse, payload: BudgetLineIn
) -> Status[BudgetLineOut]:
    user = request_user(request)
    org = _own_org(user)
    data = payload.dict()
    reason = data.pop("exception_reason")
    data["org_form"] = data["org_form"] or ""
    line = services.budget_line_create(
        actor=user, organization=org, data=data, exception_reason=reason
    )
    response["ETag"] = etag("bl", line)
    return Status(201, _line_out(line))


@router.post(
    "/budget-lines/import",
    response={201: ImportOut, API_ERRORS: ErrorOut},
    summary="Excel 导入采购预算（任一行有误则全部不导入，detail 列出每个错误）",
)
def budget_line_import(request: HttpRequest, file: File[UploadedFile]) -> Status[ImportOut]:
    user = request_user(request)
    org = _own_org(user)
    result = services.budget_lines_import(actor=user, organization=org, fileobj=file)
    if not result.ok:
        raise InvalidInput(
            f"导入文件有 {len(result.problems)} 处错误，未导入任何数据",
            code=c.ERR_IMPORT_INVALID,
            detail=[p.as_dict() for p in result.problems],
        )
    return Status(201, ImportOut(rows=result.rows, created=[b.pk for b in result.created]))


@router.get(
    "/budget-lines/{line_id}",
    response={200: BudgetLineOut, API_ERRORS: ErrorOut},
    summary="采购预算详情（响应带 ETag）",
)
def budget_line_get(request: HttpRequest, response: HttpResponse, line_id: int) -> BudgetLineOut:
    line = access.access_budget_line(user=request_user(request), pk=line_id)
    response["ETag"] = etag("bl", line)
    return _line_out(line)


@router.patch(
    "/budget-lines/{line_id}",
    response={200: BudgetLineOut, API_ERRORS: ErrorOut},
    summary="修改草稿或退回的预算（须带 If-Match）",
)
def budget_line_update(
    request: HttpRequest, response: HttpResponse, line_id: int, payload: BudgetLinePatch
) -> BudgetLineOut:
    user = request_user(request)
    line = access.access_budget_line(user=user, pk=line_id, action="edit")
    version = if_match_version(request, "bl", line.pk, required=True)
    changes = payload.dict(exclude_unset=True)
    if any(v is None for v in changes.values()):
        raise InvalidInput("字段值不能为 null", code="null_not_allowed")
    line = services.budget_line_update(
        actor=user, line=line, expected_version=version, changes=changes
    )
    response["ETag"] = etag("bl", line)
    return _line_out(line)


@router.post(
    "/budget-lines/{line_id}/transition",
    response={200: BudgetLineOut, API_ERRORS: ErrorOut},
    summary="预算状态变更：submitted / cancelled（采购人）、approved / returned（财政部门）",
)
def budget_line_transition(
    request: HttpRequest, response: HttpResponse, line_id: int, payload: TransitionIn
) -> BudgetLineOut:
    user = request_user(request)
    deciding = payload.status in (c.BudgetStatus.APPROVED, c.BudgetStatus.RETURNED)
    line = access.access_budget_line(user=user, pk=line_id, action="decide" if deciding else "edit")
    line = services.budget_line_transition(
        actor=user,
        line=line,
        to_status=payload.status,
        note=payload.note,
        expected_version=if_match_version(request, "bl", line.pk, required=False),
    )
    response["ETag"] = etag("bl", line)
    return _line_out(line)


@router.get(
    "/budget-lines/{line_id}/execution",
    response={200: ExecutionOut, API_ERRORS: ErrorOut},
    summary="预算执行：预算、已编计划、已备案、已签合同、已支付、余额",
)
def budget_line_execution(request: HttpRequest, line_id: int) -> ExecutionOut:
    line = access.access_budget_line(user=request_user(request), pk=line_id)
    e = selectors.budget_execution(line)
    return ExecutionOut(
        budgeted=e.budgeted,
        planned=e.planned,
        committed=e.committed,
        contracted=e.contracted,
        paid=e.paid,
        remaining=e.remaining,
    )


@router.get(
    "/determination",
    response={200: DeterminationOut, API_ERRORS: ErrorOut},
    summary="按品目、金额、区划、年度确定组织形式与默认采购方式（采购人本单位）",
)
def determination(
    request: HttpRequest, item_code: str, amount: Decimal, fiscal_year: int
) -> DeterminationOut:
    org = _own_org(request_user(request))
    if not 2000 <= fiscal_year <= 2100 or amount <= 0:
        raise InvalidInput("年度或金额无效", code="invalid_input")
    det = selectors.determination_for(
        organization=org, fiscal_year=fiscal_year, item_code=item_code.upper(), amount=amount
    )
    return DeterminationOut(**det.as_dict())  # type: ignore[arg-type]


# --- plans ---------------------------------------------------------------------------------------


@router.get("/plans", response={200: PlanPage, API_ERRORS: ErrorOut}, summary="采购实施计划列表")
def plan_list(request: HttpRequest, filters: Query[PlanFilter]) -> PlanPage:
    qs = selectors.plan_list(
        user=request_user(request), status=filters.status, year=filters.year, q=filters.q
    )
    page = qs[filters.offset : filters.offset + filters.limit]
    return PlanPage(count=qs.count(), items=[_plan_out(p) for p in page])


@router.post(
    "/plans",
    response={201: PlanOut, API_ERRORS: ErrorOut},
    summary="依据已批复预算编制采购实施计划（方式按规则确定，可另选并申请审批）",
)
def plan_create(request: HttpRequest, response: HttpResponse, payload: PlanIn) -> Status[PlanOut]:
    user = request_user(request)
    line = access.access_budget_line(user=user, pk=payload.budget_line_id, action="edit")
    values = payload.dict(exclude={"budget_line_id"})
    plan = services.plan_create(actor=user, budget_line=line, values=values)
    response["ETag"] = etag("plan", plan)
    return Status(201, _plan_out(plan))


@router.get(
    "/plans/{plan_id}", response={200: PlanOut, API_ERRORS: ErrorOut}, summary="计划详情（带 ETag）"
)
def plan_get(request: HttpRequest, response: HttpResponse, plan_id: int) -> PlanOut:
    plan = access.access_plan(user=request_user(request), pk=plan_id)
    response["ETag"] = etag("plan", plan)
    return _plan_out(plan)


@router.patch(
    "/plans/{plan_id}",
    response={200: PlanOut, API_ERRORS: ErrorOut},
    summary="修改草稿或退回的计划（须带 If-Match）",
)
def plan_update(
    request: HttpRequest, response: HttpResponse, plan_id: int, payload: PlanPatch
) -> PlanOut:
    user = request_user(request)
    plan = access.access_plan(user=user, pk=plan_id, action="edit")
    version = if_match_version(request, "plan", plan.pk, required=True)
    changes = payload.dict(exclude_unset=True)
    plan = services.plan_update(actor=user, plan=plan, expected_version=version, changes=changes)
    response["ETag"] = etag("plan", plan)
    return _plan_out(plan)


@router.get(
    "/plans/{plan_id}/needs",
    response={200: list[NeedOut], API_ERRORS: ErrorOut},
    summary="计划须经审批的事项及申请状态",
)
def plan_needs(request: HttpRequest, plan_id: int) -> list[NeedOut]:
    plan = access.access_plan(user=request_user(request), pk=plan_id)
    return [
        NeedOut(
            kind=n.kind,
            reason=n.reason,
            request_id=n.request.pk if n.request else None,
            request_status=n.request.status if n.request else None,
            approved=n.approved,
        )
        for n in selectors.plan_needs(plan)
    ]


def _plan_step(
    request: HttpRequest, response: HttpResponse, plan_id: int, op: str, note: str
) -> PlanOut:
    user = request_user(request)
    action = "decide" if op in ("approve", "return") else "edit"
    plan = access.access_plan(user=user, pk=plan_id, action=action)  # type: ignore[arg-type]
    version = if_match_version(request, "plan", plan.pk, required=False)
    if op == "submit":
        plan = services.plan_submit(actor=user, plan=plan, expected_version=version)
    elif op == "approve":
        plan = services.plan_approve(actor=user, plan=plan, note=note, expected_version=version)
    elif op == "return":
        plan = services.plan_return(actor=user, plan=plan, note=note, expected_version=version)
    else:
        plan = services.plan_cancel(actor=user, plan=plan, note=note, expected_version=version)
    response["ETag"] = etag("plan", plan)
    return _plan_out(plan)


@router.post(
    "/plans/{plan_id}/submit",
    response={200: PlanOut, API_ERRORS: ErrorOut},
    summary="报送备案（含化整为零检查：疑似拆分则拒绝并记录线索）",
)
def plan_submit(request: HttpRequest, response: HttpResponse, plan_id: int) -> PlanOut:
    return _plan_step(request, response, plan_id, "submit", "")


@router.post(
    "/plans/{plan_id}/approve",
    response={200: PlanOut, API_ERRORS: ErrorOut},
    summary="同意备案（财政部门；须先批准所需审批事项）",
)
def plan_approve(
    request: HttpRequest, response: HttpResponse, plan_id: int, payload: NoteIn
) -> PlanOut:
    return _plan_step(request, response, plan_id, "approve", payload.note)


@router.post(
    "/plans/{plan_id}/return",
    response={200: PlanOut, API_ERRORS: ErrorOut},
    summary="退回计划（财政部门，须填意见）",
)
def plan_return(
    request: HttpRequest, response: HttpResponse, plan_id: int, payload: NoteIn
) -> PlanOut:
    return _plan_step(request, response, plan_id, "return", payload.note)


@router.post(
    "/plans/{plan_id}/cancel", response={200: PlanOut, API_ERRORS: ErrorOut}, summary="撤销计划"
)
def plan_cancel(
    request: HttpRequest, response: HttpResponse, plan_id: int, payload: NoteIn
) -> PlanOut:
    return _plan_step(request, response, plan_id, "cancel", payload.note)


@router.post(
    "/plans/{plan_id}/intention",
    response={201: IntentionOut, API_ERRORS: ErrorOut},
    summary="公开采购意向（门户公开）",
)
def intention_publish(
    request: HttpRequest, plan_id: int, payload: IntentionIn
) -> Status[IntentionOut]:
    user = request_user(request)
    plan = access.access_plan(user=user, pk=plan_id, action="edit")
    intention = services.intention_publish(
        actor=user, plan=plan, values=payload.dict(exclude_none=True)
    )
    return Status(201, _intention_out(intention))


@router.post(
    "/plans/{plan_id}/commission",
    response={201: CommissionOut, API_ERRORS: ErrorOut},
    summary="网上委托代理机构（意向公开满期或登记紧急事由后）",
)
def commission_create(
    request: HttpRequest, plan_id: int, payload: CommissionIn
) -> Status[CommissionOut]:
    user = request_user(request)
    plan = access.access_plan(user=user, pk=plan_id, action="edit")
    agency = Organization.objects.filter(pk=payload.agency_id).first()
    if agency is None:
        raise NotFound("代理机构不存在")
    com = services.commission_create(actor=user, plan=plan, agency=agency, note=payload.note)
    return Status(201, _commission_out(com))


@router.post(
    "/plans/{plan_id}/contracted",
    response={200: PlanOut, API_ERRORS: ErrorOut},
    summary="登记合同金额（预算执行；合同模块上线后由其调用）",
)
def plan_contracted(request: HttpRequest, plan_id: int, payload: AmountIn) -> PlanOut:
    user = request_user(request)
    plan = access.access_plan(user=user, pk=plan_id, action="edit")
    return _plan_out(services.plan_record_contracted(actor=user, plan=plan, amount=payload.amount))


@router.post(
    "/plans/{plan_id}/paid",
    response={200: PlanOut, API_ERRORS: ErrorOut},
    summary="登记支付金额（预算执行；支付模块上线后由其调用）",
)
def plan_paid(request: HttpRequest, plan_id: int, payload: AmountIn) -> PlanOut:
    user = request_user(request)
    plan = access.access_plan(user=user, pk=plan_id, action="edit")
    return _plan_out(services.plan_record_paid(actor=user, plan=plan, amount=payload.amount))


# --- intentions (public) -------------------------------------------------------------------------


@router.get(
    "/intentions",
    auth=None,
    response={200: IntentionPage, API_ERRORS: ErrorOut},
    summary="已公开的采购意向（公开，无需登录）",
)
def intention_list(request: HttpRequest, filters: Query[IntentionFilter]) -> IntentionPage:
    qs = selectors.public_intentions(q=filters.q, region_code=filters.region)
    page = qs[filters.offset : filters.offset + filters.limit]
    return IntentionPage(count=qs.count(), items=[_intention_out(i) for i in page])


@router.post(
    "/intentions/{intention_id}/withdraw",
    response={200: IntentionOut, API_ERRORS: ErrorOut},
    summary="撤回采购意向（采购人）",
)
def intention_withdraw(request: HttpRequest, intention_id: int, payload: ReasonIn) -> IntentionOut:
    user = request_user(request)
    intention = ProcurementIntention.objects.filter(pk=intention_id).first()
    if intention is None:
        raise NotFound("采购意向不存在")
    access.access_plan(user=user, pk=intention.plan_id, action="edit")
    return _intention_out(
        services.intention_withdraw(actor=user, intention=intention, reason=payload.reason)
    )


# --- approvals -----------------------------------------------------------------------------------


@router.get(
    "/approvals", response={200: ApprovalPage, API_ERRORS: ErrorOut}, summary="审批申请列表"
)
def approval_list(request: HttpRequest, filters: Query[ApprovalFilter]) -> ApprovalPage:
    qs = selectors.approval_list(
        user=request_user(request), status=filters.status, kind=filters.kind
    )
    page = qs.prefetch_related("attachments", "objections")[
        filters.offset : filters.offset + filters.limit
    ]
    return ApprovalPage(count=qs.count(), items=[_approval_out(r) for r in page])


@router.post(
    "/approvals",
    response={201: ApprovalOut, API_ERRORS: ErrorOut},
    summary="提出申请：变更采购方式、单一来源、进口产品、化整为零例外、超配置标准例外",
)
def approval_create(request: HttpRequest, payload: ApprovalIn) -> Status[ApprovalOut]:
    user = request_user(request)
    plan = line = None
    if payload.plan_id is not None:
        plan = access.access_plan(user=user, pk=payload.plan_id, action="edit")
    if payload.budget_line_id is not None:
        line = access.access_budget_line(user=user, pk=payload.budget_line_id, action="edit")
    req = services.approval_create(
        actor=user,
        kind=payload.kind,
        reasons=payload.reasons,
        plan=plan,
        budget_line=line,
        values=payload.dict(include={"supplier_name", "supplier_address", "expert_opinion"}),
    )
    return Status(201, _approval_out(req))


@router.get(
    "/approvals/{approval_id}",
    response={200: ApprovalOut, API_ERRORS: ErrorOut},
    summary="审批申请详情",
)
def approval_get(request: HttpRequest, approval_id: int) -> ApprovalOut:
    return _approval_out(access.access_approval(user=request_user(request), pk=approval_id))


@router.post(
    "/approvals/{approval_id}/attachments",
    response={201: AttachmentOut, API_ERRORS: ErrorOut},
    summary="上传申请附件（草稿或公示期内）",
)
def approval_attach(
    request: HttpRequest, approval_id: int, file: File[UploadedFile]
) -> Status[AttachmentOut]:
    user = request_user(request)
    req = access.access_approval(user=user, pk=approval_id, action="edit")
    return Status(
        201, _attachment_out(services.approval_attach(actor=user, request=req, upload=file))
    )


@router.post(
    "/approvals/{approval_id}/submit",
    response={200: ApprovalOut, API_ERRORS: ErrorOut},
    summary="报送（单一来源先公示 5 个工作日；公示期满有异议须填补充论证结论）",
)
def approval_submit(
    request: HttpRequest, approval_id: int, payload: SubmitApprovalIn
) -> ApprovalOut:
    user = request_user(request)
    req = access.access_approval(user=user, pk=approval_id, action="edit")
    return _approval_out(
        services.approval_submit(
            actor=user,
            request=req,
            review_conclusion=payload.review_conclusion,
            review_note=payload.review_note,
        )
    )


@router.post(
    "/approvals/{approval_id}/decide",
    response={200: ApprovalOut, API_ERRORS: ErrorOut},
    summary="批准或不予批准（财政部门；方式变更与进口须设区的市级以上）",
)
def approval_decide(request: HttpRequest, approval_id: int, payload: DecideIn) -> ApprovalOut:
    user = request_user(request)
    req = access.access_approval(user=user, pk=approval_id, action="decide")
    return _approval_out(
        services.approval_decide(
            actor=user, request=req, approve=payload.approve, note=payload.note
        )
    )


class ConsentIn(StrictIn):
    agree: bool
    note: str = Field(default="", max_length=1000)


@router.post(
    "/approvals/{approval_id}/consent",
    response={200: ApprovalOut, API_ERRORS: ErrorOut},
    summary="主管预算单位同意或不同意（变更采购方式，74号令4）",
)
def approval_consent(request: HttpRequest, approval_id: int, payload: ConsentIn) -> ApprovalOut:
    user = request_user(request)
    req = access.access_approval(user=user, pk=approval_id, action="consent")
    return _approval_out(
        services.approval_consent(actor=user, request=req, agree=payload.agree, note=payload.note)
    )


@router.post(
    "/approvals/{approval_id}/withdraw",
    response={200: ApprovalOut, API_ERRORS: ErrorOut},
    summary="撤回申请",
)
def approval_withdraw(request: HttpRequest, approval_id: int, payload: NoteIn) -> ApprovalOut:
    user = request_user(request)
    req = access.access_approval(user=user, pk=approval_id, action="edit")
    return _approval_out(services.approval_withdraw(actor=user, request=req, reason=payload.note))


@router.get(
    "/single-source-notices",
    auth=None,
    response={200: list[ApprovalOut], API_ERRORS: ErrorOut},
    summary="单一来源公示（公开）",
)
def single_source_notices(request: HttpRequest, filters: Query[PageIn]) -> list[ApprovalOut]:
    qs = selectors.public_single_source_notices().prefetch_related("attachments", "objections")
    return [_approval_out(r) for r in qs[filters.offset : filters.offset + filters.limit]]


@router.post(
    "/single-source-notices/{approval_id}/objections",
    response={201: ObjectionOut, API_ERRORS: ErrorOut},
    summary="对单一来源公示提出异议（公示期内）",
)
def objection_create(
    request: HttpRequest, approval_id: int, payload: ObjectionIn
) -> Status[ObjectionOut]:
    req = selectors.public_single_source_notices().filter(pk=approval_id).first()
    if req is None:
        raise NotFound("公示不存在")
    o = services.approval_object(
        actor=request_user(request),
        request=req,
        objector_name=payload.objector_name,
        content=payload.content,
    )
    return Status(
        201,
        ObjectionOut(
            id=o.pk, objector_name=o.objector_name, content=o.content, created_at=o.created_at
        ),
    )


# --- commissions ---------------------------------------------------------------------------------


@router.get(
    "/commissions",
    response={200: CommissionPage, API_ERRORS: ErrorOut},
    summary="网上委托与业务跟踪（代理机构看委托给本机构的项目）",
)
def commission_list(request: HttpRequest, filters: Query[CommissionFilter]) -> CommissionPage:
    qs = selectors.commission_list(
        user=request_user(request), status=filters.status, overdue=filters.overdue
    )
    page = qs[filters.offset : filters.offset + filters.limit]
    return CommissionPage(count=qs.count(), items=[_commission_out(k) for k in page])


@router.get(
    "/commissions/{commission_id}",
    response={200: CommissionOut, API_ERRORS: ErrorOut},
    summary="委托详情",
)
def commission_get(request: HttpRequest, commission_id: int) -> CommissionOut:
    return _commission_out(access.access_commission(user=request_user(request), pk=commission_id))


@router.post(
    "/commissions/{commission_id}/accept",
    response={200: CommissionOut, API_ERRORS: ErrorOut},
    summary="接收委托（受托代理机构）",
)
def commission_accept(request: HttpRequest, commission_id: int) -> CommissionOut:
    user = request_user(request)
    com = access.access_commission(user=user, pk=commission_id, action="handle")
    return _commission_out(services.commission_accept(actor=user, commission=com))


@router.post(
    "/commissions/{commission_id}/decline",
    response={200: CommissionOut, API_ERRORS: ErrorOut},
    summary="退回委托（受托代理机构，须填理由；计划回到已备案）",
)
def commission_decline(
    request: HttpRequest, commission_id: int, payload: ReasonIn
) -> CommissionOut:
    user = request_user(request)
    com = access.access_commission(user=user, pk=commission_id, action="handle")
    return _commission_out(
        services.commission_decline(actor=user, commission=com, reason=payload.reason)
    )


@router.get(
    "/split-cases",
    response={200: list[SplitCaseOut], API_ERRORS: ErrorOut},
    summary="化整为零线索（财政、监督人员看本辖区；采购人看本单位）",
)
def split_case_list(request: HttpRequest, filters: Query[PageIn]) -> list[SplitCaseOut]:
    qs = selectors.split_case_list(user=request_user(request))
    return [_split_out(s) for s in qs[filters.offset : filters.offset + filters.limit]]
