"""What the catalogue pages share: the manage-page guard, the chosen region and year, the
common context, messages."""

from __future__ import annotations

from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from zhengcai.accounts.models import Region, User
from zhengcai.catalog import access, selectors
from zhengcai.core import clock
from zhengcai.core.errors import DomainError

View = Any


def me(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def error_page(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return render(request, "error.html", {"error": exc}, status=exc.status)


def manage_page(view: View) -> View:
    """Login, then the manage-pages role check; DomainErrors become the error page."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            access.require_manage_pages(me(request))
            response: HttpResponse = view(request, *args, **kwargs)
        except DomainError as exc:
            return error_page(request, exc)
        return response

    return wrapper


def default_region(user: User | None) -> Region | None:
    if user is not None and user.is_authenticated and user.region is not None:
        return user.region
    return selectors.root_region()


def chosen_region(request: HttpRequest) -> Region | None:
    code = (request.GET.get("region") or "").strip()[:12]
    if code:
        region = selectors.region_get(code)
        if region is None:
            raise Http404("区划不存在")
        return region
    user = request.user if request.user.is_authenticated else None
    return default_region(user if isinstance(user, User) else None)


def chosen_year(request: HttpRequest) -> int:
    try:
        year = int(request.GET.get("year") or clock.now().year)
    except ValueError:
        raise Http404("年度无效") from None
    if not 2000 <= year <= 2100:
        raise Http404("年度无效")
    return year


def context(request: HttpRequest, region: Region | None, **extra: Any) -> dict[str, Any]:
    user = me(request)
    return {
        "region": region,
        "regions": selectors.regions(),
        "can_edit": region is not None and access.can_edit_region(user, region),
        "can_edit_items": access.can_edit_items(user),
        **extra,
    }


def report(request: HttpRequest, form: Any, message: str) -> None:
    """Show an error on a bound form, or as a page message when the form was not submitted."""
    if form is not None and form.is_bound:
        form.add_error(None, message)
    else:
        messages.error(request, message)


def done(request: HttpRequest, text: str, url: str) -> HttpResponse:
    messages.success(request, text)
    return redirect(url)


def posted_int(request: HttpRequest, name: str) -> int:
    """An integer field of the POST (ValueError when missing or malformed)."""
    return int(request.POST.get(name) or 0)
