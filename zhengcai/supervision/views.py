"""Pages of supervision: the parties' surveys and the agency assessment."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from zhengcai.accounts.models import User
from zhengcai.core.errors import DomainError
from zhengcai.supervision import access, selectors, services
from zhengcai.supervision import constants as c
from zhengcai.tenders import access as tender_access


def _me(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@login_required
def surveys(request: HttpRequest) -> HttpResponse:
    user = _me(request)
    pending = (
        selectors.surveys_to_give(user, tender_access.projects_visible(user))
        if user.role in ("purchaser", "supplier")
        else []
    )
    return render(
        request,
        "supervision/surveys.html",
        {
            "pending": pending,
            "given": selectors.surveys_given(user)[:100],
            "aspects": c.ASPECTS,
            "scores": sorted(c.SCORE_LABELS.items(), reverse=True),
        },
    )


@login_required
@require_POST
def survey_submit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _me(request)
    try:
        project = access.access_project_for_survey(user=user, pk=pk)
        services.survey_submit(
            actor=user,
            project=project,
            scores={k: request.POST.get(k, "") for k, _ in c.ASPECTS},
            comment=request.POST.get("comment", ""),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "感谢您的评价")
    return redirect("supervision:surveys")


@login_required
def agencies(request: HttpRequest) -> HttpResponse:
    figures = selectors.agency_figures(access.agencies_visible(_me(request)))
    chart = {
        "cities": [f.agency.name for f in figures],
        "percent": True,
        "series": [
            {"name": "采购单位满意率", "data": [float(f.purchaser.percent or 0) for f in figures]},
            {"name": "供应商满意率", "data": [float(f.supplier.percent or 0) for f in figures]},
            {"name": "采购成功率", "data": [float(f.success.percent or 0) for f in figures]},
        ],
    }
    return render(
        request,
        "supervision/agencies.html",
        {"figures": figures, "chart": chart, "aspects": c.ASPECTS},
    )
