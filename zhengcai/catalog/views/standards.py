"""资产配置标准 pages: the region's standards with the form for a new version, one standard
(with its correction) and its removal."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from zhengcai.catalog import access, forms, selectors, services
from zhengcai.catalog.views.base import (
    chosen_region,
    context,
    done,
    manage_page,
    me,
    posted_int,
    report,
)
from zhengcai.core import clock
from zhengcai.core.errors import DomainError


@manage_page
def standards(request: HttpRequest) -> HttpResponse:
    """The list (GET) and a new dated version (POST)."""
    region = chosen_region(request)
    form = forms.StandardForm(request.POST or None)
    status = 200
    if request.method == "POST" and region is not None:
        status = 400
        if form.is_valid():
            data = dict(form.cleaned_data)
            item = selectors.item_get(data.pop("item_code"))
            if item is None:
                form.add_error("item_code", "品目编码不存在")
            else:
                try:
                    row = services.config_standard_set(
                        actor=me(request), region=region, item=item, **data
                    )
                except DomainError as exc:
                    form.add_error(None, exc.message)
                    status = exc.status
                else:
                    return done(request, "已发布", reverse("catalog:standard", args=[row.pk]))
    rows = selectors.config_standard_list(region=region) if region else []
    return render(
        request,
        "catalog/standards.html",
        context(request, region, rows=rows, form=form, today=clock.today()),
        status=status,
    )


def _initial(row: object) -> dict[str, object]:
    return {
        name: getattr(row, name)
        for name in (
            "version",
            "max_unit_price",
            "max_quantity",
            "quantity_basis",
            "min_service_years",
            "effective_to",
            "basis",
        )
    }


@manage_page
def standard_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One standard (GET) and its correction (POST)."""
    user = me(request)
    row = access.access_config_standard(user=user, pk=pk)
    form = forms.StandardEditForm(request.POST or None, initial=_initial(row))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = dict(form.cleaned_data)
            version = data.pop("version")
            try:
                row = access.access_config_standard(user=user, pk=pk, action="manage")
                services.config_standard_update(
                    actor=user, standard=row, expected_version=version, changes=data
                )
            except DomainError as exc:
                report(request, form, exc.message)
                status = exc.status
            else:
                return done(request, "已保存", request.path)
    return render(
        request,
        "catalog/standard_detail.html",
        context(request, row.region, row=row, form=form, history=selectors.history(row)[:100]),
        status=status,
    )


@manage_page
@require_POST
def standard_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove a standard (with the version last read)."""
    user = me(request)
    row = access.access_config_standard(user=user, pk=pk, action="manage")
    try:
        services.config_standard_delete(
            actor=user, standard=row, expected_version=posted_int(request, "version")
        )
    except (DomainError, ValueError) as exc:
        report(request, None, getattr(exc, "message", "提交的数据不完整"))
        return render(
            request,
            "catalog/standard_detail.html",
            context(
                request,
                row.region,
                row=row,
                form=forms.StandardEditForm(initial=_initial(row)),
                history=selectors.history(row)[:100],
            ),
            status=getattr(exc, "status", 400),
        )
    return done(request, "已删除", f"{reverse('catalog:standards')}?region={row.region.code}")
