"""Threshold pages: the region's versions with the form for a new one, and one version."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from zhengcai.catalog import access, forms, selectors, services
from zhengcai.catalog.views.base import chosen_region, context, done, manage_page, me
from zhengcai.core import clock
from zhengcai.core.errors import DomainError


@manage_page
def thresholds(request: HttpRequest) -> HttpResponse:
    """The list (GET) and a new dated version (POST)."""
    region = chosen_region(request)
    form = forms.ThresholdForm(request.POST or None)
    status = 200
    if request.method == "POST" and region is not None:
        status = 400
        if form.is_valid():
            try:
                row = services.threshold_set(actor=me(request), region=region, **form.cleaned_data)
            except DomainError as exc:
                form.add_error(None, exc.message)
                status = exc.status
            else:
                return done(request, "已发布新版本", reverse("catalog:threshold", args=[row.pk]))
    qs = selectors.threshold_list(region=region) if region else []
    template = (
        "catalog/_threshold_rows.html"
        if request.headers.get("HX-Request")
        else "catalog/thresholds.html"
    )
    return render(
        request,
        template,
        context(request, region, rows=qs, form=form, today=clock.today()),
        status=status,
    )


@manage_page
def threshold_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One version (GET) and its correction (POST)."""
    user = me(request)
    row = access.access_threshold(user=user, pk=pk)
    initial = {
        "version": row.version,
        "amount": row.amount,
        "effective_to": row.effective_to,
        "basis": row.basis,
    }
    form = forms.ThresholdEditForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = dict(form.cleaned_data)
            version = data.pop("version")
            try:
                row = access.access_threshold(user=user, pk=pk, action="manage")
                services.threshold_update(
                    actor=user, threshold=row, expected_version=version, changes=data
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
                status = exc.status
            else:
                return done(request, "已保存", request.path)
    return render(
        request,
        "catalog/threshold_detail.html",
        context(request, row.region, row=row, form=form, history=selectors.history(row)[:100]),
        status=status,
    )
