"""Pages of the credit app: the regulator's penalty desk and the public list. Thin: parse,
fetch through credit.access, call one service, render."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from zhengcai.accounts.models import User
from zhengcai.core.errors import DomainError
from zhengcai.credit import access, selectors, services
from zhengcai.credit import constants as c


def _me(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@login_required
def penalties(request: HttpRequest) -> HttpResponse:
    qs = access.penalties_visible(_me(request))
    page = Paginator(qs, 20).get_page(request.GET.get("page") or 1)
    return render(
        request,
        "credit/penalties.html",
        {
            "page": page,
            "kinds": c.SubjectKind.choices,
            "scopes": c.BanScope.choices,
            "can_create": _me(request).role == "regulator",
        },
    )


def _int(value: str | None) -> int | None:
    return int(value) if value and value.strip().isdigit() else None


@login_required
@require_POST
def penalty_create(request: HttpRequest) -> HttpResponse:
    post = request.POST
    kind = post.get("subject_kind", "")
    org, person = selectors.subject_lookup(kind=kind, text=post.get("subject", ""))
    try:
        p = services.penalty_create(
            actor=_me(request),
            subject_kind=kind,
            organization=org,
            person=person,
            decision_no=post.get("decision_no", ""),
            basis=post.get("basis", ""),
            facts=post.get("facts", ""),
            warning=post.get("warning") == "on",
            fine=post.get("fine") or None,
            procurement_amount=post.get("procurement_amount") or None,
            ban_scope=post.get("ban_scope", c.BanScope.NONE),
            ban_months=_int(post.get("ban_months")),
            adverse_record=post.get("adverse_record") == "on",
            blacklist=post.get("blacklist") == "on",
            project_ref=post.get("project_ref", ""),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("credit:penalties")
    messages.success(request, "已登记拟处罚，请核对后作出决定。")
    return redirect("credit:penalty", pk=p.pk)


@login_required
def penalty(request: HttpRequest, pk: int) -> HttpResponse:
    p = access.access_penalty(user=_me(request), pk=pk)
    can_manage = _me(request).role == "regulator" and p.authority_id == _me(request).organization_id
    return render(request, "credit/penalty.html", {"p": p, "can_manage": can_manage})


@login_required
@require_POST
def penalty_decide(request: HttpRequest, pk: int) -> HttpResponse:
    p = access.access_penalty(user=_me(request), pk=pk, action="manage")
    raw = request.POST.get("effective_from", "").strip()
    try:
        start = dt.date.fromisoformat(raw) if raw else None
        services.penalty_decide(
            actor=_me(request),
            penalty=p,
            effective_from=start,
            expected_version=_int(request.POST.get("version")),
        )
    except ValueError:
        messages.error(request, "生效日期格式应为 YYYY-MM-DD")
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "处罚决定已生效并公开。")
    return redirect("credit:penalty", pk=pk)


@login_required
@require_POST
def penalty_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    p = access.access_penalty(user=_me(request), pk=pk, action="manage")
    try:
        services.penalty_revoke(
            actor=_me(request),
            penalty=p,
            reason=request.POST.get("reason", ""),
            expected_version=_int(request.POST.get("version")),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "处罚决定已撤销。")
    return redirect("credit:penalty", pk=pk)


def public_penalties(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.public_penalties(), 20).get_page(request.GET.get("page") or 1)
    return render(request, "credit/public_penalties.html", {"page": page})
