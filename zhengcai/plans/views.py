"""Web pages of budgets, plans, approvals, commissions and the public intentions list.
Thin: parse, fetch through plans.access, call one service, render."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from zhengcai.accounts.models import User
from zhengcai.core import clock
from zhengcai.core.errors import DomainError, InvalidInput, PermissionDenied
from zhengcai.core.models import AuditEntry
from zhengcai.core.workdays import WorkCalendar
from zhengcai.plans import access, excel, forms, rules, selectors, services
from zhengcai.plans import constants as c
from zhengcai.plans.models import ProcurementPlan

PAGE = 20


def _me(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return render(request, "error.html", {"error": exc}, status=exc.status)


def _act(request: HttpRequest, fn: Callable[[], Any], success: str, back: str) -> HttpResponse:
    """Run one service call; show its message (or the rule it broke) and go back."""
    try:
        fn()
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)
    return redirect(back)


def _page(request: HttpRequest, qs: Any) -> Any:
    return Paginator(qs, PAGE).get_page(request.GET.get("page") or 1)


def _timeline(obj: Any) -> Any:
    return AuditEntry.objects.filter(
        object_type=obj._meta.label_lower, object_id=str(obj.pk)
    ).order_by("seq")


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


# --- budgets ---------------------------------------------------------------------------------


@login_required
def budgets(request: HttpRequest) -> HttpResponse:
    user = _me(request)
    status = request.GET.get("status", "")
    status = status if status in c.BudgetStatus.values else ""
    year = _int(request.GET.get("year"))
    q = request.GET.get("q", "").strip()[:100]
    try:
        qs = selectors.budget_line_list(user=user, status=status or None, year=year, q=q or None)
        totals = selectors.execution_totals(qs)
    except DomainError as exc:
        return _error(request, exc)
    return render(
        request,
        "plans/budgets.html",
        {
            "page": _page(request, qs),
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
    user = _me(request)
    if user.role != "purchaser" or user.organization is None:
        return _error(request, PermissionDenied("只有采购人可以录入预算"))
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
    user = _me(request)
    if user.role != "purchaser" or user.organization is None:
        return _error(request, PermissionDenied("只有采购人可以导入预算"))
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
                return _error(request, exc)
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
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = "attachment; filename*=UTF-8''budget-template.xlsx"
    return response


@login_required
def budget_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _me(request)
    try:
        line = access.access_budget_line(user=user, pk=pk)
    except DomainError as exc:
        return _error(request, exc)
    return render(
        request,
        "plans/budget_detail.html",
        {
            "line": line,
            "execution": selectors.budget_execution(line),
            "plans": line.plans.order_by("-created_at"),
            "approvals": line.approvals.order_by("-created_at"),
            "config_problems": services._line_config_problems(line),
            "can_edit": access.can_edit(user, line.organization_id),
            "can_decide": access.can_decide(user, line.organization),
            "note_form": forms.NoteForm(),
            "timeline": _timeline(line),
        },
    )


BUDGET_OPS = {
    "submit": (c.BudgetStatus.SUBMITTED, "edit", "预算已报送财政部门审核"),
    "cancel": (c.BudgetStatus.CANCELLED, "edit", "预算已作废"),
    "approve": (c.BudgetStatus.APPROVED, "decide", "预算已批复"),
    "return": (c.BudgetStatus.RETURNED, "decide", "预算已退回采购人"),
}


@login_required
@require_POST
def budget_act(request: HttpRequest, pk: int) -> HttpResponse:
    user = _me(request)
    op = BUDGET_OPS.get(request.POST.get("op", ""))
    if op is None:
        return _error(request, InvalidInput("未知操作"))
    to_status, action, success = op
    try:
        line = access.access_budget_line(user=user, pk=pk, action=action)  # type: ignore[arg-type]
    except DomainError as exc:
        return _error(request, exc)
    return _act(
        request,
        lambda: services.budget_line_transition(
            actor=user, line=line, to_status=to_status, note=request.POST.get("note", "")
        ),
        success,
        reverse("plans:budget", args=[pk]),
    )


# --- plans -----------------------------------------------------------------------------------


@login_required
def plans(request: HttpRequest) -> HttpResponse:
    user = _me(request)
    status = request.GET.get("status", "")
    status = status if status in c.PlanStatus.values else ""
    q = request.GET.get("q", "").strip()[:100]
    try:
        qs = selectors.plan_list(user=user, status=status or None, q=q or None)
    except DomainError as exc:
        return _error(request, exc)
    return render(
        request,
        "plans/plans.html",
        {
            "page": _page(request, qs),
            "status": status,
            "q": q,
            "statuses": c.PlanStatus.choices,
            "pending": selectors.pending_counts(user=user),
        },
    )


@login_required
def plan_new(request: HttpRequest) -> HttpResponse:
    user = _me(request)
    try:
        line = access.access_budget_line(
            user=user, pk=_int(request.GET.get("budget")) or 0, action="edit"
        )
    except DomainError as exc:
        return _error(request, exc)
    execution = selectors.budget_execution(line)
    today = clock.today()
    next_month = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    form = forms.PlanForm(
        request.POST or None,
        initial={
            "name": f"{line.project_name}—{line.description}",
            "amount": execution.remaining,
            "quantity": line.quantity,
            "expected_month": next_month,
            "requirements": line.description,
        },
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                plan = services.plan_create(actor=user, budget_line=line, values=form.cleaned_data)
            except DomainError as exc:
                form.add_error(None, exc.message)
                status = exc.status
            else:
                messages.success(request, "采购计划已保存；请核对采购方式后报送备案")
                return redirect("plans:plan", pk=plan.pk)
    preview = None
    if execution.remaining > 0:
        preview = selectors.determination_for(
            organization=line.organization,
            fiscal_year=line.fiscal_year,
            item_code=line.item_code,
            amount=execution.remaining,
        )
    return render(
        request,
        "plans/plan_form.html",
        {
            "form": form,
            "line": line,
            "execution": execution,
            "preview": preview,
            "preview_form": c.OrgForm(preview.org_form).label if preview else "",
            "preview_method": c.Method(preview.default_method).label if preview else "",
        },
        status=status,
    )


def _plan_context(user: User, plan: ProcurementPlan) -> dict[str, Any]:
    intention = selectors.current_intention(plan)
    earliest = None
    if intention is not None:
        policy = selectors.policy_for(region=plan.organization.region, on=clock.today())
        earliest = rules.intention_earliest_start(
            WorkCalendar.load(),
            intention.published_at.astimezone(clock.SHANGHAI).date(),
            policy.intention_lead_days,
        )
    can_edit = access.can_edit(user, plan.organization_id)
    commission = selectors.active_commission(plan)
    agencies = access.agencies_for(
        plan.organization, central_only=plan.org_form == c.OrgForm.CENTRAL
    ).order_by("kind", "region__path", "name")
    return {
        "plan": plan,
        "line": plan.budget_line,
        "needs": selectors.plan_needs(plan),
        "approvals": plan.approvals.order_by("-created_at"),
        "intention": intention,
        "earliest": earliest,
        "commission": commission,
        "commissions": plan.commissions.select_related("agency").order_by("-handed_at"),
        "can_edit": can_edit,
        "can_decide": access.can_decide(user, plan.organization),
        "intention_form": forms.IntentionForm(
            initial={
                "project_name": plan.name,
                "requirements": plan.requirements,
                "expected_month": plan.expected_month,
            }
        ),
        "commission_form": forms.CommissionForm(agencies=agencies),
        "note_form": forms.NoteForm(),
        "split_cases": plan.split_cases.order_by("-created_at"),
        "reasons": plan.determination.get("reasons", []),
        "timeline": _timeline(plan),
        "today": clock.today(),
    }


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _me(request)
    try:
        plan = access.access_plan(user=user, pk=pk)
    except DomainError as exc:
        return _error(request, exc)
    return render(request, "plans/plan_detail.html", _plan_context(user, plan))


@login_required
@require_POST
def plan_act(request: HttpRequest, pk: int) -> HttpResponse:
    user = _me(request)
    op = request.POST.get("op", "")
    action = "decide" if op in ("approve", "return") else "edit"
    try:
        plan = access.access_plan(user=user, pk=pk, action=action)  # type: ignore[arg-type]
    except DomainError as exc:
        return _error(request, exc)
    back = reverse("plans:plan", args=[pk])
    note = request.POST.get("note", "")
    if op == "submit":
        return _act(
            request, lambda: services.plan_submit(actor=user, plan=plan), "计划已报送备案", back
        )
    if op == "approve":
        return _act(
            request,
            lambda: services.plan_approve(actor=user, plan=plan, note=note),
            "计划已备案",
            back,
        )
    if op == "return":
        return _act(
            request,
            lambda: services.plan_return(actor=user, plan=plan, note=note),
            "计划已退回",
            back,
        )
    if op == "cancel":
        return _act(
            request,
            lambda: services.plan_cancel(actor=user, plan=plan, note=note),
            "计划已撤销",
            back,
        )
    if op == "intention":
        form = forms.IntentionForm(request.POST)
        if not form.is_valid():
            messages.error(request, "请完整填写采购意向：项目名称、需求概况和预计采购时间")
            return redirect(back)
        return _act(
            request,
            lambda: services.intention_publish(actor=user, plan=plan, values=form.cleaned_data),
            "采购意向已在门户公开",
            back,
        )
    if op == "commission":
        agencies = access.agencies_for(
            plan.organization, central_only=plan.org_form == c.OrgForm.CENTRAL
        )
        cform = forms.CommissionForm(request.POST, agencies=agencies)
        if not cform.is_valid():
            messages.error(request, "请选择可委托的代理机构")
            return redirect(back)
        return _act(
            request,
            lambda: services.commission_create(
                actor=user,
                plan=plan,
                agency=cform.cleaned_data["agency"],
                note=cform.cleaned_data["note"],
            ),
            "已委托代理机构",
            back,
        )
    return _error(request, InvalidInput("未知操作"))


# --- approvals -------------------------------------------------------------------------------


@login_required
def approvals(request: HttpRequest) -> HttpResponse:
    user = _me(request)
    status = request.GET.get("status", "")
    status = status if status in c.ApprovalStatus.values else ""
    kind = request.GET.get("kind", "")
    kind = kind if kind in c.ApprovalKind.values else ""
    try:
        qs = selectors.approval_list(user=user, status=status or None, kind=kind or None)
    except DomainError as exc:
        return _error(request, exc)
    return render(
        request,
        "plans/approvals.html",
        {
            "page": _page(request, qs),
            "status": status,
            "kind": kind,
            "statuses": c.ApprovalStatus.choices,
            "kinds": c.ApprovalKind.choices,
        },
    )


@login_required
def approval_new(request: HttpRequest) -> HttpResponse:
    user = _me(request)
    kind = request.GET.get("kind", "")
    if kind not in c.ApprovalKind.values:
        return _error(request, InvalidInput("未知的申请类型"))
    plan = line = None
    try:
        if kind == c.ApprovalKind.CONFIG_EXCEPTION:
            line = access.access_budget_line(
                user=user, pk=_int(request.GET.get("budget")) or 0, action="edit"
            )
        else:
            plan = access.access_plan(
                user=user, pk=_int(request.GET.get("plan")) or 0, action="edit"
            )
    except DomainError as exc:
        return _error(request, exc)
    form = forms.ApprovalForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                req = services.approval_create(
                    actor=user,
                    kind=kind,
                    reasons=form.cleaned_data["reasons"],
                    plan=plan,
                    budget_line=line,
                    values=form.cleaned_data,
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
                status = exc.status
            else:
                messages.success(request, "申请已保存；可上传附件后报送")
                return redirect("plans:approval", pk=req.pk)
    return render(
        request,
        "plans/approval_form.html",
        {"form": form, "kind": c.ApprovalKind(kind), "plan": plan, "line": line},
        status=status,
    )


@login_required
def approval_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _me(request)
    try:
        req = access.access_approval(user=user, pk=pk)
    except DomainError as exc:
        return _error(request, exc)
    return render(
        request,
        "plans/approval_detail.html",
        {
            "req": req,
            "attachments": req.attachments.all(),
            "objections": req.objections.all(),
            "can_edit": access.can_edit(user, req.organization_id),
            "can_decide": access.can_decide(user, req.organization, kind=req.kind),
            "can_consent": access.can_consent(user, req.organization),
            "attach_form": forms.AttachmentForm(),
            "review_form": forms.ReviewForm(),
            "note_form": forms.NoteForm(),
            "today": clock.today(),
            "timeline": _timeline(req),
        },
    )


@login_required
@require_POST
def approval_act(request: HttpRequest, pk: int) -> HttpResponse:
    user = _me(request)
    op = request.POST.get("op", "")
    action = (
        "decide"
        if op in ("approve", "refuse")
        else "consent"
        if op in ("consent", "dissent")
        else "edit"
    )
    try:
        req = access.access_approval(user=user, pk=pk, action=action)  # type: ignore[arg-type]
    except DomainError as exc:
        return _error(request, exc)
    back = reverse("plans:approval", args=[pk])
    if op == "attach":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, "请选择要上传的文件")
            return redirect(back)
        return _act(
            request,
            lambda: services.approval_attach(actor=user, request=req, upload=upload),
            "附件已上传",
            back,
        )
    if op == "submit":
        return _act(
            request,
            lambda: services.approval_submit(
                actor=user,
                request=req,
                review_conclusion=request.POST.get("review_conclusion", ""),
                review_note=request.POST.get("review_note", ""),
            ),
            "申请已报送（单一来源项目先行公示）",
            back,
        )
    if op == "withdraw":
        return _act(
            request,
            lambda: services.approval_withdraw(
                actor=user, request=req, reason=request.POST.get("note", "")
            ),
            "申请已撤回",
            back,
        )
    if op in ("consent", "dissent"):
        return _act(
            request,
            lambda: services.approval_consent(
                actor=user, request=req, agree=op == "consent", note=request.POST.get("note", "")
            ),
            "已同意，报财政部门审批" if op == "consent" else "已出具不同意意见",
            back,
        )
    if op in ("approve", "refuse"):
        return _act(
            request,
            lambda: services.approval_decide(
                actor=user, request=req, approve=op == "approve", note=request.POST.get("note", "")
            ),
            "已批准" if op == "approve" else "已作出不予批准决定",
            back,
        )
    return _error(request, InvalidInput("未知操作"))


@login_required
def approval_attachment(request: HttpRequest, pk: int, att: int) -> HttpResponseBase:
    try:
        req = access.access_approval(user=_me(request), pk=pk)
    except DomainError as exc:
        return _error(request, exc)
    attachment = req.attachments.filter(pk=att).first()
    if attachment is None:
        return _error(request, InvalidInput("附件不存在", status=404, code="not_found"))
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name)


# --- commissions (网上委托, 业务跟踪) -----------------------------------------------------------


@login_required
def commissions(request: HttpRequest) -> HttpResponse:
    user = _me(request)
    status = request.GET.get("status", "")
    status = status if status in c.CommissionStatus.values else ""
    overdue = True if request.GET.get("overdue") == "1" else None
    try:
        qs = selectors.commission_list(user=user, status=status or None, overdue=overdue)
    except DomainError as exc:
        return _error(request, exc)
    return render(
        request,
        "plans/commissions.html",
        {
            "page": _page(request, qs),
            "status": status,
            "overdue": overdue,
            "statuses": c.CommissionStatus.choices,
            "now": clock.now(),
        },
    )


@login_required
def commission_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _me(request)
    try:
        com = access.access_commission(user=user, pk=pk)
    except DomainError as exc:
        return _error(request, exc)
    return render(
        request,
        "plans/commission_detail.html",
        {
            "com": com,
            "plan": com.plan,
            "can_handle": user.role == "agency" and user.organization_id == com.agency_id,
            "note_form": forms.NoteForm(),
            "timeline": _timeline(com),
            "now": clock.now(),
        },
    )


@login_required
@require_POST
def commission_act(request: HttpRequest, pk: int) -> HttpResponse:
    user = _me(request)
    op = request.POST.get("op", "")
    try:
        com = access.access_commission(user=user, pk=pk, action="handle")
    except DomainError as exc:
        return _error(request, exc)
    back = reverse("plans:commission", args=[pk])
    if op == "accept":
        return _act(
            request,
            lambda: services.commission_accept(actor=user, commission=com),
            "已接收委托",
            back,
        )
    if op == "decline":
        return _act(
            request,
            lambda: services.commission_decline(
                actor=user, commission=com, reason=request.POST.get("note", "")
            ),
            "已退回委托",
            back,
        )
    return _error(request, InvalidInput("未知操作"))


@login_required
def split_cases(request: HttpRequest) -> HttpResponse:
    try:
        qs = selectors.split_case_list(user=_me(request))
    except DomainError as exc:
        return _error(request, exc)
    return render(request, "plans/split_cases.html", {"page": _page(request, qs)})


# --- public portal (no login) ----------------------------------------------------------------


def public_intentions(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:100]
    qs = selectors.public_intentions(q=q or None)
    return render(request, "plans/public_intentions.html", {"page": _page(request, qs), "q": q})


def public_single_source(request: HttpRequest) -> HttpResponse:
    """单一来源公示 (条例 38), with objections recorded during the period (74号令 39)."""
    form = forms.ObjectionForm(request.POST or None)
    if request.method == "POST":
        req = (
            selectors.public_single_source_notices()
            .filter(pk=_int(request.POST.get("id")) or 0)
            .first()
        )
        user = request.user if isinstance(request.user, User) else None
        if req is None:
            messages.error(request, "公示不存在")
        elif form.is_valid():
            try:
                services.approval_object(
                    actor=user,
                    request=req,
                    objector_name=form.cleaned_data["objector_name"],
                    content=form.cleaned_data["content"],
                )
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, "异议已提交，采购人将组织补充论证")
        else:
            messages.error(request, "请填写异议内容")
        return redirect("plans:public_single_source")
    return render(
        request,
        "plans/public_single_source.html",
        {
            "page": _page(request, selectors.public_single_source_notices()),
            "form": form,
            "today": clock.today(),
        },
    )
