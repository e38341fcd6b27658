"""Web views of accounts: login (with second factor), workbench, organizations, audit trail,
account security. Thin: parse, fetch through access_*, call one service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from zhengcai.accounts import access, selectors, services
from zhengcai.accounts.constants import Role
from zhengcai.accounts.forms import LoginForm, OrgFilterForm, OtpForm, TokenForm
from zhengcai.accounts.models import User
from zhengcai.accounts.workbench import workbench_context
from zhengcai.core import clock
from zhengcai.core.audit import verify_chain
from zhengcai.core.errors import DomainError

PENDING_KEY = "zc_pending_otp"
PENDING_SECONDS = 300


def _ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR")


def _me(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _finish_login(request: HttpRequest, user: User) -> HttpResponse:
    nxt = request.POST.get("next") or request.GET.get("next") or ""
    auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    if nxt and url_has_allowed_host_and_scheme(nxt, {request.get_host()}):
        return redirect(nxt)
    return redirect("accounts:workbench")


def login_view(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                user = services.login_check_password(
                    username=form.cleaned_data["username"],
                    password=form.cleaned_data["password"],
                    ip=_ip(request),
                )
            except services.OtpRequired as exc:
                request.session[PENDING_KEY] = {
                    "user": exc.detail["user"],
                    "at": clock.now().timestamp(),
                    "next": request.POST.get("next", ""),
                }
                return redirect("accounts:login_otp")
            except DomainError as exc:
                form.add_error(None, exc.message)
                status = exc.status
            else:
                return _finish_login(request, user)
    return render(
        request,
        "accounts/login.html",
        {"form": form, "next": request.GET.get("next", "")},
        status=status,
    )


def login_otp_view(request: HttpRequest) -> HttpResponse:
    pending = request.session.get(PENDING_KEY)
    if not pending or clock.now().timestamp() - pending["at"] > PENDING_SECONDS:
        request.session.pop(PENDING_KEY, None)
        messages.error(request, "请重新输入用户名和密码")
        return redirect("accounts:login")
    form = OtpForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            user = User.objects.get(pk=pending["user"])
            try:
                user = services.login_check_otp(
                    user=user, otp=form.cleaned_data["otp"], ip=_ip(request)
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
                status = exc.status
            else:
                request.session.pop(PENDING_KEY, None)
                return _finish_login(request, user)
    return render(request, "accounts/login_otp.html", {"form": form}, status=status)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    auth_logout(request)
    return redirect("publishing:home")


@login_required
def workbench(request: HttpRequest) -> HttpResponse:
    user = _me(request)
    return render(request, "accounts/workbench.html", workbench_context(user))


@login_required
def organizations(request: HttpRequest) -> HttpResponse:
    user = _me(request)
    form = OrgFilterForm(request.GET or None)
    filters: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    qs = selectors.organization_list(
        user=user, kind=filters.get("kind") or None, q=filters.get("q") or None
    )
    page = Paginator(qs, 20).get_page(filters.get("page") or 1)
    template = (
        "accounts/_org_rows.html"
        if request.headers.get("HX-Request")
        else "accounts/organizations.html"
    )
    return render(request, template, {"form": form, "page": page})


@login_required
def organization_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _me(request)
    try:
        org = access.access_organization(user=user, pk=pk)
    except DomainError as exc:
        return render(request, "error.html", {"error": exc}, status=exc.status)
    users = access.users_visible(user).filter(organization=org).order_by("username")
    return render(
        request,
        "accounts/organization_detail.html",
        {"org": org, "users": users, "can_manage": access.can_manage_organization(user, org)},
    )


@login_required
def audit(request: HttpRequest) -> HttpResponse:
    user = _me(request)
    qs = access.audit_entries_visible(user).order_by("-seq")
    action = request.GET.get("action", "").strip()[:80]
    if action:
        qs = qs.filter(action__startswith=action)
    page = Paginator(qs, 25).get_page(request.GET.get("page") or 1)
    template = (
        "accounts/_audit_rows.html" if request.headers.get("HX-Request") else "accounts/audit.html"
    )
    return render(
        request,
        template,
        {"page": page, "action": action, "can_verify": user.role in (Role.ADMIN, Role.SUPERVISOR)},
    )


@login_required
@require_POST
def audit_verify(request: HttpRequest) -> HttpResponse:
    try:
        access.require_role(_me(request), Role.ADMIN, Role.SUPERVISOR)
    except DomainError as exc:
        return render(request, "error.html", {"error": exc}, status=exc.status)
    report = verify_chain()
    return render(request, "accounts/_verify_result.html", {"report": report})


@login_required
def security(request: HttpRequest) -> HttpResponse:
    user = _me(request)
    token_form = TokenForm(prefix="token")
    otp_form = OtpForm(prefix="otp")
    new_token = None
    otp_uri = None
    status = 200
    if request.method == "POST":
        op = request.POST.get("op")
        try:
            if op == "token_create":
                token_form = TokenForm(request.POST, prefix="token")
                if token_form.is_valid():
                    _, new_token = services.api_token_create(
                        actor=user,
                        name=token_form.cleaned_data["name"],
                        expires_days=token_form.cleaned_data["expires_days"],
                    )
                else:
                    status = 400
            elif op == "token_revoke":
                token = access.access_api_token(user=user, pk=int(request.POST.get("id", 0)))
                services.api_token_revoke(actor=user, token=token)
                messages.success(request, "令牌已吊销")
                return redirect("accounts:security")
            elif op == "otp_begin":
                otp_uri = services.totp_begin(actor=user)
            elif op in ("otp_confirm", "otp_disable"):
                otp_form = OtpForm(request.POST, prefix="otp")
                if otp_form.is_valid():
                    fn = services.totp_confirm if op == "otp_confirm" else services.totp_disable
                    fn(actor=user, otp=otp_form.cleaned_data["otp"])
                    messages.success(
                        request, "动态口令已启用" if op == "otp_confirm" else "动态口令已停用"
                    )
                    return redirect("accounts:security")
                status = 400
        except (DomainError, ValueError) as exc:
            messages.error(request, getattr(exc, "message", "请求无效"))
            status = getattr(exc, "status", 400)
        user.refresh_from_db()
    return render(
        request,
        "accounts/security.html",
        {
            "tokens": user.api_tokens.all(),
            "token_form": token_form,
            "otp_form": otp_form,
            "new_token": new_token,
            "otp_uri": otp_uri,
            "otp_secret": user.totp_secret if otp_uri else None,
        },
        status=status,
    )
