"""Public portal pages of the plans app (no login): published intentions (财库〔2020〕10号)
and single-source notices (条例 38) with the objection form (74号令 39)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from zhengcai.accounts.models import User
from zhengcai.core import clock
from zhengcai.core.errors import DomainError
from zhengcai.plans import forms, selectors, services
from zhengcai.plans.views.base import page_of


def public_intentions(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:100]
    qs = selectors.public_intentions(q=q or None)
    return render(request, "plans/public_intentions.html", {"page": page_of(request, qs), "q": q})


@require_safe
def public_single_source(request: HttpRequest) -> HttpResponse:
    """单一来源公示 (条例 38)."""
    return render(
        request,
        "plans/public_single_source.html",
        {
            "page": page_of(request, selectors.public_single_source_notices()),
            "form": forms.ObjectionForm(),
            "today": clock.today(),
        },
    )


@require_POST
def public_single_source_object(request: HttpRequest, pk: int) -> HttpResponse:
    """An objection to a notice during its period (74号令 39)."""
    form = forms.ObjectionForm(request.POST)
    req = selectors.public_single_source_notice_get(pk)
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
