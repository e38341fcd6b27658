"""The Excel import page (the row-by-row report)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from zhengcai.catalog import excel, forms
from zhengcai.catalog.views.base import context, manage_page, me

MAX_UPLOAD = 5 * 1024 * 1024


@manage_page
def import_view(request: HttpRequest) -> HttpResponse:
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    report = None
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > MAX_UPLOAD:
                form.add_error("file", "文件超过 5 MB")
            else:
                report = excel.import_workbook(
                    form.cleaned_data["kind"], upload.read(), actor=me(request)
                )
                status = 200 if report.ok else 422
    return render(
        request,
        "catalog/import.html",
        context(
            request, None, form=form, report=report, kind_labels=list(excel.KIND_LABELS.items())
        ),
        status=status,
    )
