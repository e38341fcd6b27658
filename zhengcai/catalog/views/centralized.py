"""集中采购目录 pages: the region's year with the form to add an item (one view each for
adding, copying a year and removing an entry), and one entry."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from zhengcai.accounts.models import Region
from zhengcai.catalog import access, forms, selectors, services
from zhengcai.catalog.views.base import (
    chosen_region,
    chosen_year,
    context,
    done,
    manage_page,
    me,
    posted_int,
)
from zhengcai.core.errors import DomainError


def _here(region: Region | None, year: int) -> str:
    return f"{reverse('catalog:centralized')}?region={region.code if region else ''}&year={year}"


def _page(
    request: HttpRequest,
    region: Region | None,
    year: int,
    *,
    form: Any = None,
    copy_form: Any = None,
    status: int = 200,
) -> HttpResponse:
    entries = selectors.centralized_list(region=region, year=year) if region else []
    years = selectors.centralized_years(region=region) if region else []
    return render(
        request,
        "catalog/centralized.html",
        context(
            request,
            region,
            year=year,
            years=years,
            entries=entries,
            form=form if form is not None else forms.EntryForm(),
            copy_form=copy_form
            if copy_form is not None
            else forms.CopyYearForm(initial={"from_year": year - 1, "to_year": year}),
        ),
        status=status,
    )


@manage_page
def centralized(request: HttpRequest) -> HttpResponse:
    """The year's catalogue (GET) and an item added to it (POST)."""
    region = chosen_region(request)
    year = chosen_year(request)
    form = forms.EntryForm(request.POST or None)
    if request.method != "POST" or region is None:
        return _page(request, region, year, form=form)
    status = 400
    if form.is_valid():
        data = dict(form.cleaned_data)
        item = selectors.item_get(data.pop("item_code"))
        if item is None:
            form.add_error("item_code", "品目编码不存在")
        else:
            try:
                services.centralized_entry_create(
                    actor=me(request), region=region, year=year, item=item, **data
                )
            except DomainError as exc:
                messages.error(request, exc.message)
                status = exc.status
            else:
                return done(request, "已加入目录", _here(region, year))
    return _page(request, region, year, form=form, status=status)


@manage_page
@require_POST
def centralized_copy(request: HttpRequest) -> HttpResponse:
    """Start a year's catalogue from another year's."""
    region = chosen_region(request)
    year = chosen_year(request)
    copy_form = forms.CopyYearForm(request.POST)
    if region is None or not copy_form.is_valid():
        return _page(request, region, year, copy_form=copy_form, status=400)
    try:
        created = services.centralized_copy_year(
            actor=me(request), region=region, **copy_form.cleaned_data
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return _page(request, region, year, copy_form=copy_form, status=exc.status)
    return done(
        request,
        f"已复制 {len(created)} 条",
        _here(region, copy_form.cleaned_data["to_year"]),
    )


@manage_page
@require_POST
def centralized_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Take an entry out of the catalogue (with the version last read)."""
    user = me(request)
    entry = access.access_centralized_entry(user=user, pk=pk, action="manage")
    here = _here(entry.region, entry.year)
    try:
        services.centralized_entry_delete(
            actor=user, entry=entry, expected_version=posted_int(request, "version")
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return _page(request, entry.region, entry.year, status=exc.status)
    except ValueError:
        messages.error(request, "提交的数据不完整")
        return _page(request, entry.region, entry.year, status=400)
    return done(request, "已移出目录", here)


@manage_page
def centralized_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One entry (GET) and its change (POST)."""
    user = me(request)
    row = access.access_centralized_entry(user=user, pk=pk)
    initial = {
        "version": row.version,
        "scope": row.scope,
        "min_amount": row.min_amount,
        "note": row.note,
    }
    form = forms.EntryEditForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = dict(form.cleaned_data)
            version = data.pop("version")
            try:
                row = access.access_centralized_entry(user=user, pk=pk, action="manage")
                services.centralized_entry_update(
                    actor=user, entry=row, expected_version=version, changes=data
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
                status = exc.status
            else:
                return done(request, "已保存", request.path)
    return render(
        request,
        "catalog/centralized_detail.html",
        context(request, row.region, row=row, form=form, history=selectors.history(row)[:100]),
        status=status,
    )
