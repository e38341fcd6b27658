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
from django.views.decorators.http import require_POST, require_safe

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
            user = selectors.pending_login_user(pending["user"])
            if user is None:
                request.session.pop(PENDING_KEY, None)
                return redirect("accounts:login")
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
    users = selectors.organization_users(user=user, org=org)
    return render(
        request,
        "accounts/organization_detail.html",
        {"org": org, "users": users, "can_manage": access.can_manage_organization(user, org)},
    )


@login_required
def audit(request: HttpRequest) -> HttpResponse:
    user = _me(request)
    action = request.GET.get("action", "").strip()[:80]
    qs = selectors.audit_list(user=user, action=action)
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


def _security_page(
    request: HttpRequest,
    user: User,
    *,
    token_form: TokenForm | None = None,
    otp_form: OtpForm | None = None,
    new_token: str | None = None,
    otp_uri: str | None = None,
    status: int = 200,
) -> HttpResponse:
    user.refresh_from_db()
    return render(
        request,
        "accounts/security.html",
        {
            "tokens": selectors.api_tokens_of(user),
            "token_form": token_form or TokenForm(prefix="token"),
            "otp_form": otp_form or OtpForm(prefix="otp"),
            "new_token": new_token,
            "otp_uri": otp_uri,
            "otp_secret": user.totp_secret if otp_uri else None,
        },
        status=status,
    )


def _refused(request: HttpRequest, user: User, exc: DomainError) -> HttpResponse:
    messages.error(request, exc.message)
    return _security_page(request, user, status=exc.status)


@login_required
@require_safe
def security(request: HttpRequest) -> HttpResponse:
    """Account security: the second factor and the API tokens."""
    return _security_page(request, _me(request))


@login_required
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    """A new API token, shown once on the page that answers."""
    user = _me(request)
    form = TokenForm(request.POST, prefix="token")
    if not form.is_valid():
        return _security_page(request, user, token_form=form, status=400)
    try:
        _, raw = services.api_token_create(
            actor=user,
            name=form.cleaned_data["name"],
            expires_days=form.cleaned_data["expires_days"],
        )
    except DomainError as exc:
        return _refused(request, user, exc)
    return _security_page(request, user, new_token=raw)


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    user = _me(request)
    try:
        token = access.access_api_token(user=user, pk=pk)
        services.api_token_revoke(actor=user, token=token)
    except DomainError as exc:
        return _refused(request, user, exc)
    messages.success(request, "令牌已吊销")
    return redirect("accounts:security")


@login_required
@require_POST
def otp_begin(request: HttpRequest) -> HttpResponse:
    """Start binding an authenticator: the page shows the secret to enter."""
    user = _me(request)
    try:
        uri = services.totp_begin(actor=user)
    except DomainError as exc:
        return _refused(request, user, exc)
    return _security_page(request, user, otp_uri=uri)


@login_required
@require_POST
def otp_confirm(request: HttpRequest) -> HttpResponse:
    user = _me(request)
    form = OtpForm(request.POST, prefix="otp")
    if not form.is_valid():
        return _security_page(request, user, otp_form=form, status=400)
    try:
        services.totp_confirm(actor=user, otp=form.cleaned_data["otp"])
    except DomainError as exc:
        return _refused(request, user, exc)
    messages.success(request, "动态口令已启用")
    return redirect("accounts:security")


@login_required
@require_POST
def otp_disable(request: HttpRequest) -> HttpResponse:
    user = _me(request)
    form = OtpForm(request.POST, prefix="otp")
    if not form.is_valid():
        return _security_page(request, user, otp_form=form, status=400)
    try:
        services.totp_disable(actor=user, otp=form.cleaned_data["otp"])
    except DomainError as exc:
        return _refused(request, user, exc)
    messages.success(request, "动态口令已停用")
    return redirect("accounts:security")
