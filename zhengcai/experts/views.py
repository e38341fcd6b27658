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
from zhengcai.core import clock
from zhengcai.core.errors import DomainError, NotFound
from zhengcai.experts import access, imports, selectors, services
from zhengcai.experts.constants import ExpertStatus
from zhengcai.experts.forms import (
    ConflictForm,
    DrawForm,
    ExpertFilterForm,
    ImportForm,
    IncidentForm,
    RatingForm,
    ReplyForm,
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
            if op == "reply":
                reply_form = ReplyForm(request.POST)
                if reply_form.is_valid():
                    rating = access.access_own_rating(
                        user=user, pk=reply_form.cleaned_data["rating"]
                    )
                    services.rating_reply(
                        actor=user, rating=rating, text=reply_form.cleaned_data["text"]
                    )
                    messages.success(request, "您的说明已记录")
                    return redirect("experts:me")
                messages.error(request, "请填写说明内容")
            elif op == "unavailable":
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
            "ratings": access.own_ratings(user).order_by("-created_at", "-pk")[:50],
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
    op = request.POST.get("op") if request.method == "POST" else None
    form: StatusForm | None = None
    incident_form: IncidentForm | None = None
    if can_manage:
        form = StatusForm(request.POST if request.method == "POST" and op != "incident" else None)
        incident_form = IncidentForm(request.POST if op == "incident" else None, prefix="i")
    status = 200
    if request.method == "POST":
        if form is None or incident_form is None:
            return _error(request, DomainError("您无权管理该专家", status=403))
        if op == "incident":
            if incident_form.is_valid():
                try:
                    services.incident_record(
                        actor=user, profile=profile, **incident_form.cleaned_data
                    )
                except DomainError as exc:
                    incident_form.add_error(None, exc.message)
                    status = exc.status
                else:
                    messages.success(request, "不良行为已记录")
                    return redirect("experts:detail", pk=pk)
            else:
                status = 400
        elif form.is_valid():
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
    record = selectors.expert_record(profile)
    return render(
        request,
        "experts/detail.html",
        {
            "profile": profile,
            "form": form,
            "incident_form": incident_form,
            "record": record,
            "can_suspend": can_manage
            and profile.status == ExpertStatus.ACTIVE
            and bool(record.suggestion),
            "history": profile.status_history.select_related("actor")[:50],
            "conflicts": profile.conflicts.select_related("organization"),
        },
        status=status,
    )


@login_required
def suggestion_list(request: HttpRequest) -> HttpResponse:
    """建议处理的专家: active experts of the regulator's region whose record triggers a
    suspension suggestion (条例 62; 198号 29). The regulator decides on the expert's page."""
    try:
        user = require_role(_me(request), Role.ADMIN, Role.REGULATOR, Role.SUPERVISOR)
    except DomainError as exc:
        return _error(request, exc)
    return render(
        request,
        "experts/suggestions.html",
        {
            "items": selectors.suggested_experts(access.profiles_visible(user)),
            "policy": selectors.suggestion_policy(),
        },
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
    side = access.rating_side(user, draw)
    rating_form = RatingForm(request.POST if request.POST.get("op") == "rate" else None)
    if request.method == "POST" and request.POST.get("op") == "rate":
        if side is None:
            return _error(request, DomainError("只有该项目的采购人或代理机构可以评价", status=403))
        if not rating_form.is_valid():
            messages.error(request, "评价内容不完整")
            return redirect("experts:draw", pk=pk)
        data = rating_form.cleaned_data
        try:
            expert = selectors.drawn_profile(draw, data["expert"])
            if expert is None:
                raise NotFound("该专家不在本次抽取名单中")
            services.rating_create(
                actor=user,
                draw=draw,
                expert=expert,
                attendance=data["attendance"],
                quality=data["quality"],
                flags=data["flags"],
                note=data["note"],
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "专家履职情况已记录")
        return redirect("experts:draw", pk=pk)
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
    names_visible = access.draw_names_visible(user, draw)
    ratings = list(selectors.ratings_for_draw(draw)) if names_visible else []
    last_day = selectors.rating_last_day(draw)
    to_rate = []
    if side is not None and names_visible and clock.today() <= last_day:
        org = user.acting_organization
        mine = {r.expert_id for r in ratings if org is not None and r.rater_org_id == org.pk}
        to_rate = [e for e in selectors.confirmed_experts(draw) if e.pk not in mine]
    return render(
        request,
        "experts/draw_detail.html",
        {
            "draw": draw,
            "rounds": draw.rounds.order_by("number"),
            "invitations": draw.invitations.select_related("expert__user").order_by("position"),
            "names_visible": names_visible,
            "can_manage": can_manage,
            "verify": verify,
            "rating_side": side,
            "ratings": ratings,
            "to_rate": to_rate,
            "rating_form": RatingForm(),
            "rating_last_day": last_day,
        },
    )
