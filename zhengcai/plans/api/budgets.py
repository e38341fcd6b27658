"""Budget lines (with Excel import and execution) and the method determination."""

from __future__ import annotations

from decimal import Decimal

from django.http import HttpRequest, HttpResponse
from ninja import File, Query, Status
from ninja.files import UploadedFile

from zhengcai.accounts.access import require_role
from zhengcai.accounts.constants import Role
from zhengcai.accounts.models import Organization, User
from zhengcai.core.errors import InvalidInput
from zhengcai.core.http import etag, if_match_version, request_user
from zhengcai.core.schemas import API_ERRORS, ErrorOut
from zhengcai.plans import access, selectors, services
from zhengcai.plans import constants as c
from zhengcai.plans.api.converters import line_out
from zhengcai.plans.api.router import router
from zhengcai.plans.api.schemas import (
    BudgetFilter,
    BudgetLineIn,
    BudgetLineOut,
    BudgetLinePatch,
    BudgetPage,
    DeterminationOut,
    ExecutionOut,
    ImportOut,
    TransitionIn,
)


def _own_org(user: User) -> Organization:
    require_role(user, Role.PURCHASER)
    if user.organization is None:
        raise InvalidInput("您的账号未关联单位", code="no_organization")
    return user.organization


# --- budget lines --------------------------------------------------------------------------------


@router.get(
    "/budget-lines",
    response={200: BudgetPage, API_ERRORS: ErrorOut},
    summary="采购预算列表",
    operation_id="zhengcai_plans_api_budget_line_list",
)
def budget_line_list(request: HttpRequest, filters: Query[BudgetFilter]) -> BudgetPage:
    qs = selectors.budget_line_list(
        user=request_user(request), status=filters.status, year=filters.year, q=filters.q
    )
    page = qs[filters.offset : filters.offset + filters.limit]
    return BudgetPage(count=qs.count(), items=[line_out(b) for b in page])


@router.post(
    "/budget-lines",
    response={201: BudgetLineOut, API_ERRORS: ErrorOut},
    summary="录入采购预算（采购人；超资产配置标准须填例外理由）",
    operation_id="zhengcai_plans_api_budget_line_create",
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
    return Status(201, line_out(line))


@router.post(
    "/budget-lines/import",
    response={201: ImportOut, API_ERRORS: ErrorOut},
    summary="Excel 导入采购预算（任一行有误则全部不导入，detail 列出每个错误）",
    operation_id="zhengcai_plans_api_budget_line_import",
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
    operation_id="zhengcai_plans_api_budget_line_get",
)
def budget_line_get(request: HttpRequest, response: HttpResponse, line_id: int) -> BudgetLineOut:
    line = access.access_budget_line(user=request_user(request), pk=line_id)
    response["ETag"] = etag("bl", line)
    return line_out(line)


@router.patch(
    "/budget-lines/{line_id}",
    response={200: BudgetLineOut, API_ERRORS: ErrorOut},
    summary="修改草稿或退回的预算（须带 If-Match）",
    operation_id="zhengcai_plans_api_budget_line_update",
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
    return line_out(line)


@router.post(
    "/budget-lines/{line_id}/transition",
    response={200: BudgetLineOut, API_ERRORS: ErrorOut},
    summary="预算状态变更：submitted / cancelled（采购人）、approved / returned（财政部门）",
    operation_id="zhengcai_plans_api_budget_line_transition",
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
    return line_out(line)


@router.get(
    "/budget-lines/{line_id}/execution",
    response={200: ExecutionOut, API_ERRORS: ErrorOut},
    summary="预算执行：预算、已编计划、已备案、已签合同、已支付、余额",
    operation_id="zhengcai_plans_api_budget_line_execution",
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
    operation_id="zhengcai_plans_api_determination",
)
def determination(
    request: HttpRequest,
    item_code: str,
    amount: Decimal,
    fiscal_year: int,
    works_related: bool = False,
) -> DeterminationOut:
    org = _own_org(request_user(request))
    if not 2000 <= fiscal_year <= 2100 or amount <= 0:
        raise InvalidInput("年度或金额无效", code="invalid_input")
    det = selectors.determination_for(
        organization=org,
        fiscal_year=fiscal_year,
        item_code=item_code.upper(),
        amount=amount,
        works_related=works_related,
    )
    return DeterminationOut(**det.as_dict())  # type: ignore[arg-type]
