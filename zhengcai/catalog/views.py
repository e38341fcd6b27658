"""Web pages of the catalogue. Thin: parse, check through catalog.access, call one service,
render. Management pages are for regulators, supervisors and administrators; the public page
of this year's 集中采购目录 and 限额标准 needs no login."""

from __future__ import annotations

from functools import wraps
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from zhengcai.accounts.models import Region, User
from zhengcai.catalog import access, excel, forms, selectors, services
from zhengcai.catalog.constants import Category, ThresholdKind
from zhengcai.catalog.models import CatalogItem
from zhengcai.core import clock
from zhengcai.core.errors import DomainError

View = Any


def _me(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return render(request, "error.html", {"error": exc}, status=exc.status)


def manage_page(view: View) -> View:
    """Login, then the manage-pages role check; DomainErrors become the error page."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            access.require_manage_pages(_me(request))
            response: HttpResponse = view(request, *args, **kwargs)
        except DomainError as exc:
            return _error(request, exc)
        return response

    return wrapper


def _default_region(user: User | None) -> Region | None:
    if user is not None and user.is_authenticated and user.region is not None:
        return user.region
    return Region.objects.filter(parent__isnull=True).order_by("path").first()


def _chosen_region(request: HttpRequest) -> Region | None:
    code = (request.GET.get("region") or "").strip()[:12]
    if code:
        region = Region.objects.filter(code=code).first()
        if region is None:
            raise Http404("区划不存在")
        return region
    user = request.user if request.user.is_authenticated else None
    return _default_region(user if isinstance(user, User) else None)


def _year(request: HttpRequest) -> int:
    try:
        year = int(request.GET.get("year") or clock.now().year)
    except ValueError:
        raise Http404("年度无效") from None
    if not 2000 <= year <= 2100:
        raise Http404("年度无效")
    return year


def _regions() -> list[Region]:
    return list(Region.objects.order_by("path"))


def _base(request: HttpRequest, region: Region | None, **extra: Any) -> dict[str, Any]:
    user = _me(request)
    return {
        "region": region,
        "regions": _regions(),
        "can_edit": region is not None and access.can_edit_region(user, region),
        "can_edit_items": access.can_edit_items(user),
        **extra,
    }


def _report(request: HttpRequest, form: Any, message: str) -> None:
    """Show an error on a bound form, or as a page message when the form was not submitted."""
    if form.is_bound:
        form.add_error(None, message)
    else:
        messages.error(request, message)


def _done(request: HttpRequest, text: str, url: str) -> HttpResponse:
    messages.success(request, text)
    return redirect(url)


# --- index / public ---------------------------------------------------------------------


def index(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user.is_authenticated and getattr(user, "role", None) in access.MANAGE_PAGE_ROLES:
        return redirect("catalog:thresholds")
    return redirect("catalog:public")


def public(request: HttpRequest) -> HttpResponse:
    region = _chosen_region(request)
    year = clock.now().year
    today = clock.today()
    rows: list[dict[str, Any]] = []
    entries: list[Any] = []
    if region is not None:
        chain = selectors.region_chain(region)
        for level in sorted({r.level for r in chain} | {region.level}):
            applies = selectors.threshold_for_region_level(
                region=region, unit_level=level, on=today
            )
            rows.append({"level": level, "applies": applies})
        entries = list(
            selectors.centralized_list(year=year).filter(region__in=chain).order_by("item__code")
        )
    return render(
        request,
        "catalog/public.html",
        {
            "region": region,
            "regions": Region.objects.order_by("path"),
            "year": year,
            "today": today,
            "rows": rows,
            "entries": entries,
            "kinds": ThresholdKind.choices,
            "categories": Category.choices,
        },
    )


# --- thresholds -------------------------------------------------------------------------


@manage_page
def thresholds(request: HttpRequest) -> HttpResponse:
    region = _chosen_region(request)
    form = forms.ThresholdForm(request.POST or None)
    status = 200
    if request.method == "POST" and region is not None:
        status = 400
        if form.is_valid():
            try:
                row = services.threshold_set(actor=_me(request), region=region, **form.cleaned_data)
            except DomainError as exc:
                form.add_error(None, exc.message)
                status = exc.status
            else:
                return _done(request, "已发布新版本", reverse("catalog:threshold", args=[row.pk]))
    qs = selectors.threshold_list(region=region) if region else []
    template = (
        "catalog/_threshold_rows.html"
        if request.headers.get("HX-Request")
        else "catalog/thresholds.html"
    )
    return render(
        request,
        template,
        _base(request, region, rows=qs, form=form, today=clock.today()),
        status=status,
    )


@manage_page
def threshold_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _me(request)
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
                return _done(request, "已保存", request.path)
    return render(
        request,
        "catalog/threshold_detail.html",
        _base(request, row.region, row=row, form=form, history=selectors.history(row)[:100]),
        status=status,
    )


# --- 集中采购目录 ---------------------------------------------------------------------------


@manage_page
def centralized(request: HttpRequest) -> HttpResponse:
    user = _me(request)
    region = _chosen_region(request)
    year = _year(request)
    form = forms.EntryForm(request.POST if request.POST.get("op") == "add" else None)
    copy_form = forms.CopyYearForm(
        request.POST if request.POST.get("op") == "copy" else None,
        initial={"from_year": year - 1, "to_year": year},
    )
    status = 200
    here = f"{reverse('catalog:centralized')}?region={region.code if region else ''}&year={year}"
    if request.method == "POST" and region is not None:
        status = 400
        op = request.POST.get("op")
        try:
            if op == "add" and form.is_valid():
                data = dict(form.cleaned_data)
                item = selectors.item_get(data.pop("item_code"))
                if item is None:
                    form.add_error("item_code", "品目编码不存在")
                else:
                    services.centralized_entry_create(
                        actor=user, region=region, year=year, item=item, **data
                    )
                    return _done(request, "已加入目录", here)
            elif op == "copy" and copy_form.is_valid():
                created = services.centralized_copy_year(
                    actor=user, region=region, **copy_form.cleaned_data
                )
                to_year = copy_form.cleaned_data["to_year"]
                return _done(
                    request,
                    f"已复制 {len(created)} 条",
                    f"{reverse('catalog:centralized')}?region={region.code}&year={to_year}",
                )
            elif op == "delete":
                entry = access.access_centralized_entry(
                    user=user, pk=int(request.POST.get("id") or 0), action="manage"
                )
                services.centralized_entry_delete(
                    actor=user,
                    entry=entry,
                    expected_version=int(request.POST.get("version") or 0),
                )
                return _done(request, "已移出目录", here)
        except DomainError as exc:
            messages.error(request, exc.message)
            status = exc.status
        except ValueError:
            messages.error(request, "提交的数据不完整")
    entries = selectors.centralized_list(region=region, year=year) if region else []
    years = selectors.centralized_years(region=region) if region else []
    return render(
        request,
        "catalog/centralized.html",
        _base(
            request,
            region,
            year=year,
            years=years,
            entries=entries,
            form=form,
            copy_form=copy_form,
        ),
        status=status,
    )


@manage_page
def centralized_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _me(request)
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
                return _done(request, "已保存", request.path)
    return render(
        request,
        "catalog/centralized_detail.html",
        _base(request, row.region, row=row, form=form, history=selectors.history(row)[:100]),
        status=status,
    )


# --- 资产配置标准 ---------------------------------------------------------------------------


@manage_page
def standards(request: HttpRequest) -> HttpResponse:
    region = _chosen_region(request)
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
                        actor=_me(request), region=region, item=item, **data
                    )
                except DomainError as exc:
                    form.add_error(None, exc.message)
                    status = exc.status
                else:
                    return _done(request, "已发布", reverse("catalog:standard", args=[row.pk]))
    rows = selectors.config_standard_list(region=region) if region else []
    return render(
        request,
        "catalog/standards.html",
        _base(request, region, rows=rows, form=form, today=clock.today()),
        status=status,
    )


@manage_page
def standard_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _me(request)
    row = access.access_config_standard(user=user, pk=pk)
    initial = {
        "version": row.version,
        "max_unit_price": row.max_unit_price,
        "max_quantity": row.max_quantity,
        "quantity_basis": row.quantity_basis,
        "min_service_years": row.min_service_years,
        "effective_to": row.effective_to,
        "basis": row.basis,
    }
    form = forms.StandardEditForm(
        request.POST if request.POST.get("op") == "edit" else None, initial=initial
    )
    status = 200
    if request.method == "POST":
        status = 400
        try:
            row = access.access_config_standard(user=user, pk=pk, action="manage")
            if request.POST.get("op") == "delete":
                services.config_standard_delete(
                    actor=user,
                    standard=row,
                    expected_version=int(request.POST.get("version") or 0),
                )
                return _done(
                    request,
                    "已删除",
                    f"{reverse('catalog:standards')}?region={row.region.code}",
                )
            if form.is_valid():
                data = dict(form.cleaned_data)
                version = data.pop("version")
                services.config_standard_update(
                    actor=user, standard=row, expected_version=version, changes=data
                )
                return _done(request, "已保存", request.path)
        except DomainError as exc:
            _report(request, form, exc.message)
            status = exc.status
        except ValueError:
            _report(request, form, "提交的数据不完整")
    return render(
        request,
        "catalog/standard_detail.html",
        _base(request, row.region, row=row, form=form, history=selectors.history(row)[:100]),
        status=status,
    )


# --- 品目 -----------------------------------------------------------------------------------


@manage_page
def items(request: HttpRequest) -> HttpResponse:
    q = (request.GET.get("q") or "").strip()[:60]
    parent = (request.GET.get("parent") or "").strip()[:9]
    form = forms.ItemForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                item = services.item_create(actor=_me(request), **form.cleaned_data)
            except DomainError as exc:
                form.add_error(None, exc.message)
                status = exc.status
            else:
                return _done(request, "已新增品目", reverse("catalog:item", args=[item.code]))
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
        _base(
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


@manage_page
def item_detail(request: HttpRequest, code: str) -> HttpResponse:
    user = _me(request)
    item = access.access_item(user=user, code=code)
    form = forms.ItemForm(
        request.POST if request.POST.get("op") == "edit" else None,
        initial={"code": item.code, "name": item.name, "note": item.note},
    )
    status = 200
    if request.method == "POST":
        status = 400
        try:
            item = access.access_item(user=user, code=code, action="manage")
            version = int(request.POST.get("version") or 0)
            op = request.POST.get("op")
            if op in ("deactivate", "activate"):
                services.item_set_active(
                    actor=user, item=item, active=op == "activate", expected_version=version
                )
                return _done(request, "已更新状态", request.path)
            if form.is_valid():
                services.item_update(
                    actor=user,
                    item=item,
                    expected_version=version,
                    changes={"name": form.cleaned_data["name"], "note": form.cleaned_data["note"]},
                )
                return _done(request, "已保存", request.path)
        except DomainError as exc:
            _report(request, form, exc.message)
            status = exc.status
        except ValueError:
            _report(request, form, "提交的数据不完整")
    ancestors: list[CatalogItem] = []
    node = item.parent
    while node is not None:
        ancestors.insert(0, node)
        node = node.parent
    return render(
        request,
        "catalog/item_detail.html",
        _base(
            request,
            None,
            item=item,
            ancestors=ancestors,
            children=item.children.order_by("code"),
            form=form,
            history=selectors.history(item)[:100],
        ),
        status=status,
    )


# --- Excel ----------------------------------------------------------------------------------


@manage_page
def import_view(request: HttpRequest) -> HttpResponse:
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    report = None
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > 5 * 1024 * 1024:
                form.add_error("file", "文件超过 5 MB")
            else:
                report = excel.import_workbook(
                    form.cleaned_data["kind"], upload.read(), actor=_me(request)
                )
                status = 200 if report.ok else 422
    return render(
        request,
        "catalog/import.html",
        _base(request, None, form=form, report=report, kind_labels=list(excel.KIND_LABELS.items())),
        status=status,
    )


def export_view(request: HttpRequest, kind: str) -> HttpResponse:
    """Download (public: the catalogue and standards are published policy)."""
    if kind not in excel.SPECS:
        raise Http404("未知的导出内容")
    region = None
    if request.GET.get("region"):
        region = Region.objects.filter(code=request.GET["region"].strip()[:12]).first()
        if region is None:
            raise Http404("区划不存在")
    year = _year(request) if request.GET.get("year") else None
    data = excel.export_workbook(kind, region=region, year=year)
    name = excel.export_filename(kind, region=region, year=year)
    response = HttpResponse(data, content_type=excel.XLSX_MIME)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response
