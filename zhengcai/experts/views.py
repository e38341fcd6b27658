"""Web pages of the experts app. Thin: parse, fetch through access_*, call one service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from zhengcai.accounts.access import require_role
from zhengcai.accounts.constants import Role
from zhengcai.accounts.models import User
from zhengcai.core.errors import DomainError
from zhengcai.experts import access, imports, selectors, services
from zhengcai.experts.forms import (
    ConflictForm,
    DrawForm,
    ExpertFilterForm,
    ImportForm,
    StatusForm,
    UnavailabilityForm,
)


def _me(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return render(request, "error.html", {"error": exc}, status=exc.status)


# --- the expert's own page -----------------------------------------------------------------------


@login_required
def me(request: HttpRequest) -> HttpResponse:
    user = _me(request)
    try:
        profile = access.own_profile(user)
    except DomainError as exc:
        return _error(request, exc)
    unavailable_form = UnavailabilityForm(prefix="u")
    conflict_form = ConflictForm(prefix="c")
    status = 200
    if request.method == "POST":
        op = request.POST.get("op")
        try:
            if op == "unavailable":
                unavailable_form = UnavailabilityForm(request.POST, prefix="u")
                if unavailable_form.is_valid():
                    services.unavailability_add(
                        actor=user, profile=profile, **unavailable_form.cleaned_data
                    )
                    messages.success(request, "已登记不可参加评审的日期")
                    return redirect("experts:me")
            elif op == "unavailable_remove":
                row = profile.unavailable.filter(pk=int(request.POST.get("id", 0))).first()
                if row is not None:
                    services.unavailability_remove(actor=user, row=row)
                return redirect("experts:me")
            elif op == "conflict":
                conflict_form = ConflictForm(request.POST, prefix="c")
                if conflict_form.is_valid():
                    services.conflict_add(actor=user, profile=profile, **conflict_form.cleaned_data)
                    messages.success(request, "回避关系已申报")
                    return redirect("experts:me")
            status = 400
        except (DomainError, ValueError) as exc:
            messages.error(request, getattr(exc, "message", "请求无效"))
            status = getattr(exc, "status", 400)
    return render(
        request,
        "experts/me.html",
        {
            "profile": profile,
            "invitations": selectors.invitations_for_expert(profile)[:50],
            "unavailable_form": unavailable_form,
            "conflict_form": conflict_form,
        },
        status=status,
    )


@login_required
@require_POST
def invitation_respond(request: HttpRequest, pk: int) -> HttpResponse:
    user = _me(request)
    try:
        inv = access.access_invitation(user=user, pk=pk)
        accept = request.POST.get("accept") == "1"
        if request.POST.get("withdraw") == "1":
            services.invitation_withdraw(
                actor=user, invitation=inv, note=request.POST.get("note", "")
            )
        else:
            services.invitation_respond(
                actor=user, invitation=inv, accept=accept, note=request.POST.get("note", "")
            )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已确认参加评审" if accept else "已记录您的答复")
    return redirect("experts:me")


# --- the regulator's expert database -------------------------------------------------------------


@login_required
def expert_list(request: HttpRequest) -> HttpResponse:
    try:
        user = require_role(_me(request), Role.ADMIN, Role.REGULATOR, Role.SUPERVISOR)
    except DomainError as exc:
        return _error(request, exc)
    form = ExpertFilterForm(request.GET or None)
    filters: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    qs = access.profiles_visible(user).order_by("pk")
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("q"):
        qs = qs.filter(user__display_name__contains=filters["q"])
    if filters.get("specialty"):
        qs = qs.filter(specialties__code__startswith=filters["specialty"].upper()).distinct()
    page = Paginator(qs, 25).get_page(filters.get("page") or 1)
    template = (
        "experts/_expert_rows.html" if request.headers.get("HX-Request") else "experts/list.html"
    )
    return render(
        request,
        template,
        {"form": form, "page": page, "can_import": user.role in (Role.ADMIN, Role.REGULATOR)},
    )


@login_required
def expert_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _me(request)
    try:
        profile = access.access_profile(user=user, pk=pk)
    except DomainError as exc:
        return _error(request, exc)
    can_manage = access.can_manage_profile(user, profile)
    form = StatusForm(request.POST or None) if can_manage else None
    status = 200
    if request.method == "POST":
        if form is None:
            return _error(request, DomainError("您无权管理该专家", status=403))
        if form.is_valid():
            try:
                services.expert_set_status(actor=user, profile=profile, **form.cleaned_data)
            except DomainError as exc:
                form.add_error(None, exc.message)
                status = exc.status
            else:
                messages.success(request, "专家状态已更新")
                return redirect("experts:detail", pk=pk)
        else:
            status = 400
    return render(
        request,
        "experts/detail.html",
        {
            "profile": profile,
            "form": form,
            "history": profile.status_history.select_related("actor")[:50],
            "conflicts": profile.conflicts.select_related("organization"),
        },
        status=status,
    )


@login_required
def expert_import(request: HttpRequest) -> HttpResponse:
    try:
        user = require_role(_me(request), Role.ADMIN, Role.REGULATOR)
    except DomainError as exc:
        return _error(request, exc)
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                result = imports.expert_import_xlsx(
                    actor=user, data=form.cleaned_data["file"].read()
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
                status = exc.status
            else:
                if result.ok:
                    messages.success(request, f"已导入 {result.created} 名专家")
                    return redirect("experts:list")
                status = 422
    return render(request, "experts/import.html", {"form": form, "result": result}, status=status)


@login_required
def import_template(request: HttpRequest) -> HttpResponse:
    try:
        require_role(_me(request), Role.ADMIN, Role.REGULATOR)
    except DomainError as exc:
        return _error(request, exc)
    response = HttpResponse(
        imports.template_xlsx(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="expert-import-template.xlsx"'
    return response


# --- draws (agency) ------------------------------------------------------------------------------


@login_required
def draw_list(request: HttpRequest) -> HttpResponse:
    user = _me(request)
    try:
        draws = access.draws_visible(user)[:100]
    except DomainError as exc:
        return _error(request, exc)
    can_request = user.role == Role.AGENCY
    form = DrawForm(request.POST or None) if can_request else None
    status = 200
    if request.method == "POST":
        if form is None:
            return _error(request, DomainError("只有代理机构可以申请抽取专家", status=403))
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                draw = services.draw_request_create(actor=user, **data)
            except DomainError as exc:
                form.add_error(None, exc.message)
                status = exc.status
            else:
                messages.success(request, "抽取申请已建立，随机种子的哈希值已公布")
                return redirect("experts:draw", pk=draw.pk)
    return render(request, "experts/draws.html", {"draws": draws, "form": form}, status=status)


@login_required
def draw_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _me(request)
    try:
        draw = access.access_draw(user=user, pk=pk)
    except DomainError as exc:
        return _error(request, exc)
    can_manage = user.role == Role.ADMIN or (
        user.role == Role.AGENCY and user.acting_organization == draw.agency
    )
    if request.method == "POST":
        if not can_manage:
            return _error(request, DomainError("只有申请抽取的代理机构可以操作", status=403))
        try:
            if request.POST.get("op") == "execute":
                services.draw_execute(actor=user, draw=draw)
                messages.success(request, "已抽取并通知专家，等待专家确认")
            elif request.POST.get("op") == "cancel":
                services.draw_cancel(actor=user, draw=draw, reason=request.POST.get("reason", ""))
                messages.success(request, "抽取已取消，随机种子已公开")
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("experts:draw", pk=pk)
    draw.refresh_from_db()
    verify = services.draw_verify(draw) if draw.revealed_seed else None
    return render(
        request,
        "experts/draw_detail.html",
        {
            "draw": draw,
            "rounds": draw.rounds.order_by("number"),
            "invitations": draw.invitations.select_related("expert__user").order_by("position"),
            "names_visible": access.draw_names_visible(user, draw),
            "can_manage": can_manage,
            "verify": verify,
        },
    )
