"""品目 pages: search and the form for a new item, one item (with its correction), and one
view each for deactivating (with everything below it) and reactivating."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from zhengcai.catalog import access, forms, selectors, services
from zhengcai.catalog.models import CatalogItem
from zhengcai.catalog.views.base import context, done, manage_page, me, posted_int, report
from zhengcai.core.errors import DomainError


@manage_page
def items(request: HttpRequest) -> HttpResponse:
    """Search (GET) and a new item (POST)."""
    q = (request.GET.get("q") or "").strip()[:60]
    parent = (request.GET.get("parent") or "").strip()[:9]
    form = forms.ItemForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                item = services.item_create(actor=me(request), **form.cleaned_data)
            except DomainError as exc:
                form.add_error(None, exc.message)
                status = exc.status
            else:
                return done(request, "已新增品目", reverse("catalog:item", args=[item.code]))
    qs = selectors.item_search(q=q or None, parent_code=parent or None, roots=not (q or parent))
    rows = list(qs[:300])
    counts = selectors.item_children_counts([i.code for i in rows])
    parent_item = selectors.item_get(parent) if parent else None
    template = (
        "catalog/_item_rows.html" if request.headers.get("HX-Request") else "catalog/items.html"
    )
    return render(
        request,
        template,
        context(
            request,
            None,
            rows=rows,
            total=qs.count(),
            counts=counts,
            q=q,
            parent=parent_item,
            form=form,
        ),
        status=status,
    )


def _item_page(
    request: HttpRequest, item: CatalogItem, form: forms.ItemForm, status: int
) -> HttpResponse:
    return render(
        request,
        "catalog/item_detail.html",
        context(
            request,
            None,
            item=item,
            ancestors=selectors.item_ancestors(item),
            children=selectors.item_children(item),
            form=form,
            history=selectors.history(item)[:100],
        ),
        status=status,
    )


def _item_form(item: CatalogItem, data: Any = None) -> forms.ItemForm:
    return forms.ItemForm(data, initial={"code": item.code, "name": item.name, "note": item.note})


@manage_page
def item_detail(request: HttpRequest, code: str) -> HttpResponse:
    """One item (GET) and its new name or note (POST)."""
    user = me(request)
    item = access.access_item(user=user, code=code)
    form = _item_form(item, request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        try:
            item = access.access_item(user=user, code=code, action="manage")
            version = posted_int(request, "version")
            if form.is_valid():
                services.item_update(
                    actor=user,
                    item=item,
                    expected_version=version,
                    changes={"name": form.cleaned_data["name"], "note": form.cleaned_data["note"]},
                )
                return done(request, "已保存", request.path)
        except DomainError as exc:
            report(request, form, exc.message)
            status = exc.status
        except ValueError:
            report(request, form, "提交的数据不完整")
    return _item_page(request, item, form, status)


def _set_active(request: HttpRequest, code: str, *, active: bool) -> HttpResponse:
    user = me(request)
    item = access.access_item(user=user, code=code, action="manage")
    try:
        services.item_set_active(
            actor=user, item=item, active=active, expected_version=posted_int(request, "version")
        )
    except (DomainError, ValueError) as exc:
        report(request, None, getattr(exc, "message", "提交的数据不完整"))
        return _item_page(request, item, _item_form(item), getattr(exc, "status", 400))
    return done(request, "已更新状态", reverse("catalog:item", args=[item.code]))


@manage_page
@require_POST
def item_deactivate(request: HttpRequest, code: str) -> HttpResponse:
    """Deactivate an item with every item below it."""
    return _set_active(request, code, active=False)


@manage_page
@require_POST
def item_activate(request: HttpRequest, code: str) -> HttpResponse:
    """Reactivate an item (its parent must be active)."""
    return _set_active(request, code, active=True)
