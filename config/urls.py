from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, include, path
from django.views.defaults import page_not_found

from config.api import api
from zhengcai.core.middleware import error_json

admin.site.site_header = "政采 · 系统管理"
admin.site.site_title = "政采系统管理"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("zhengcai.publishing.urls")),
    path("accounts/", include("zhengcai.accounts.urls")),
    path("credit/", include("zhengcai.credit.urls")),
    path("catalog/", include("zhengcai.catalog.urls")),
    path("plans/", include("zhengcai.plans.urls")),
    path("tenders/", include("zhengcai.tenders.urls")),
    path("bidding/", include("zhengcai.bidding.urls")),
    path("experts/", include("zhengcai.experts.urls")),
    path("evaluation/", include("zhengcai.evaluation.urls")),
    path("awards/", include("zhengcai.awards.urls")),
    path("contracts/", include("zhengcai.contracts.urls")),
    path("archives/", include("zhengcai.archives.urls")),
    path("supervision/", include("zhengcai.supervision.urls")),
    path("system/", include("zhengcai.core.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]


def handler404(request: HttpRequest, exception: Exception) -> HttpResponse:
    if request.path.startswith("/api/"):
        return error_json(404, "not_found", "接口不存在")
    return page_not_found(request, exception)


if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
