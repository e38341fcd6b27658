"""Pages of the archives app: the list, one archive, seal, download. A DomainError raised
by access becomes the error page (core.middleware.DomainErrorPageMiddleware)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from zhengcai.accounts.models import User
from zhengcai.archives import access, selectors, services
from zhengcai.core.errors import DomainError
from zhengcai.core.http import attachment


def _me(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@login_required
def archives(request: HttpRequest) -> HttpResponse:
    qs = selectors.archives_of(access.archives_visible(_me(request)))
    return render(
        request,
        "archives/archives.html",
        {"archives": qs[:200], "to_archive": access.projects_to_archive(_me(request))},
    )


@login_required
def archive(request: HttpRequest, pk: int) -> HttpResponse:
    a = access.access_archive(user=_me(request), pk=pk)  # DomainErrorPageMiddleware answers
    return render(request, "archives/archive.html", {"archive": a, "items": selectors.items_of(a)})


@login_required
def archive_download(request: HttpRequest, pk: int) -> HttpResponse:
    a = access.access_archive(user=_me(request), pk=pk)  # DomainErrorPageMiddleware answers
    return attachment(services.archive_file(a), services.download_name(a), "application/zip")


@login_required
@require_POST
def archive_seal(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        project = access.access_project_for_archive(user=_me(request), pk=pk)
        a = services.archive_seal(actor=_me(request), project=project)  # type: ignore[arg-type]
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("archives:archives")
    messages.success(request, f"档案已封存：{a.item_count} 个条目，保存至 {a.retain_until}")
    return redirect("archives:archive", pk=a.pk)
