"""Budget pages: list, entry, Excel import and template, detail, and one view per status step
(submit, cancel, approve, return)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from zhengcai.core import clock
from zhengcai.core.errors import DomainError, PermissionDenied
from zhengcai.core.http import XLSX_MIME, attachment
from zhengcai.plans import access, excel, forms, selectors, services
from zhengcai.plans import constants as c
from zhengcai.plans.views.base import act, error_page, int_or_none, me, page_of


@login_required
def budgets(request: HttpRequest) -> HttpResponse:
    user = me(request)
    status = request.GET.get("status", "")
    status = status if status in c.BudgetStatus.values else ""
    year = int_or_none(request.GET.get("year"))
    q = request.GET.get("q", "").strip()[:100]
    try:
        qs = selectors.budget_line_list(user=user, status=status or None, year=year, q=q or None)
        totals = selectors.execution_totals(qs)
    except DomainError as exc:
        return error_page(request, exc)
    return render(
        request,
        "plans/budgets.html",
        {
            "page": page_of(request, qs),
            "status": status,
            "year": year or "",
            "q": q,
            "statuses": c.BudgetStatus.choices,
            "totals": totals,
            "pending": selectors.pending_counts(user=user),
            "can_enter": user.role == "purchaser",
        },
    )


@login_required
def budget_new(request: HttpRequest) -> HttpResponse:
    user = me(request)
    if user.role != "purchaser" or user.organization is None:
        return error_page(request, PermissionDenied("只有采购人可以录入预算"))
    form = forms.BudgetLineForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = dict(form.cleaned_data)
            reason = data.pop("exception_reason", "")
            try:
                line = services.budget_line_create(
                    actor=user, organization=user.organization, data=data, exception_reason=reason
                )
            except DomainError as exc:
                if isinstance(exc.detail, list):
                    for p in exc.detail:
                        field = p.get("field")
                        form.add_error(field if field in form.fields else None, p["message"])
                else:
                    form.add_error(None, exc.message)
                status = exc.status
            else:
                messages.success(request, "预算已保存为草稿，请核对后报送财政部门审核")
                return redirect("plans:budget", pk=line.pk)
    return render(request, "plans/budget_form.html", {"form": form}, status=status)


@login_required
def budget_import(request: HttpRequest) -> HttpResponse:
    user = me(request)
    if user.role != "purchaser" or user.organization is None:
        return error_page(request, PermissionDenied("只有采购人可以导入预算"))
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    result = None
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                result = services.budget_lines_import(
                    actor=user, organization=user.organization, fileobj=form.cleaned_data["file"]
                )
            except DomainError as exc:
                return error_page(request, exc)
            if result.ok:
                messages.success(request, f"已导入 {len(result.created)} 条预算（草稿）")
                return redirect("plans:budgets")
            status = 422
    return render(
        request,
        "plans/budget_import.html",
        {"form": form, "result": result, "columns": excel.COLUMNS, "sheet": excel.SHEET},
        status=status,
    )


def budget_template(request: HttpRequest) -> HttpResponse:
    data = excel.template_bytes(fiscal_year=clock.today().year)
    return attachment(data, "budget-template.xlsx", XLSX_MIME)


@login_required
def budget_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = me(request)
    try:
        line = access.access_budget_line(user=user, pk=pk)
    except DomainError as exc:
        return error_page(request, exc)
    return render(
        request,
        "plans/budget_detail.html",
        {
            "line": line,
            "execution": selectors.budget_execution(line),
            "plans": selectors.budget_line_plans(line),
            "approvals": selectors.budget_line_approvals(line),
            "config_problems": selectors.line_config_problems(line),
            "can_edit": access.can_edit(user, line.organization_id),
            "can_decide": access.can_decide(user, line.organization),
            "note_form": forms.NoteForm(),
            "timeline": selectors.timeline(line),
        },
    )


def _budget_step(
    request: HttpRequest, pk: int, *, to_status: str, deciding: bool, success: str
) -> HttpResponse:
    user = me(request)
    try:
        line = access.access_budget_line(user=user, pk=pk, action="decide" if deciding else "edit")
    except DomainError as exc:
        return error_page(request, exc)
    return act(
        request,
        lambda: services.budget_line_transition(
            actor=user, line=line, to_status=to_status, note=request.POST.get("note", "")
        ),
        success,
        reverse("plans:budget", args=[pk]),
    )


@login_required
@require_POST
def budget_submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _budget_step(
        request,
        pk,
        to_status=c.BudgetStatus.SUBMITTED,
        deciding=False,
        success="预算已报送财政部门审核",
    )


@login_required
@require_POST
def budget_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return _budget_step(
        request, pk, to_status=c.BudgetStatus.CANCELLED, deciding=False, success="预算已作废"
    )


@login_required
@require_POST
def budget_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _budget_step(
        request, pk, to_status=c.BudgetStatus.APPROVED, deciding=True, success="预算已批复"
    )


@login_required
@require_POST
def budget_return(request: HttpRequest, pk: int) -> HttpResponse:
    return _budget_step(
        request, pk, to_status=c.BudgetStatus.RETURNED, deciding=True, success="预算已退回采购人"
    )
