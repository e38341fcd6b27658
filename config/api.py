"""The REST API at /api/v1/ (design §4 rule 10). Every 4xx answers `{code, message, detail}`."""

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from zhengcai.accounts.api import router as accounts_router
from zhengcai.accounts.auth import api_auth
from zhengcai.archives.api import router as archives_router
from zhengcai.awards.api import router as awards_router
from zhengcai.bidding.api import router as bidding_router
from zhengcai.catalog.api import router as catalog_router
from zhengcai.contracts.api import router as contracts_router
from zhengcai.core.api import router as core_router
from zhengcai.core.errors import DomainError
from zhengcai.credit.api import router as credit_router
from zhengcai.evaluation.api import router as evaluation_router
from zhengcai.experts.api import router as experts_router
from zhengcai.plans.api import router as plans_router
from zhengcai.supervision.api import router as supervision_router
from zhengcai.tenders.api import router as tenders_router


class ZhengcaiAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation: Any) -> str:
        """`zhengcai_<app>_api_<function>` whichever topic module of the app's api package the
        handler lives in, so splitting an api.py into a package keeps the published ids."""
        module = operation.view_func.__module__
        parts = module.split(".")
        if len(parts) > 3 and parts[0] == "zhengcai" and parts[2] == "api":
            module = ".".join(parts[:3])
        return (module + "_" + operation.view_func.__name__).replace(".", "_")


api = ZhengcaiAPI(
    title="政采 zhengcai API",
    version="1",
    description=(
        "政府采购管理交易平台 REST API. Authenticate with `Authorization: Bearer <token>` "
        "(create one at POST /api/v1/auth/tokens) or the browser session (with CSRF token). "
        "Every 4xx answers `{code, message, detail}`; `code` is stable, `message` is Chinese. "
        "POST accepts `Idempotency-Key`; edits require `If-Match` with the ETag last read."
    ),
    urls_namespace="api-v1",
    docs_url="/docs",
)

HTTP_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    429: "throttled",
}
HTTP_MESSAGES = {
    400: "请求无效",
    401: "请先登录或提供有效的 API 令牌",
    403: "您无权进行此操作",
    404: "对象不存在或您无权查看",
    405: "不支持该请求方法",
    429: "请求过于频繁",
}


def error(
    request: HttpRequest, status: int, code: str, message: str, detail: Any = None
) -> HttpResponse:
    return api.create_response(
        request, {"code": code, "message": message, "detail": detail}, status=status
    )


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return error(request, exc.status, exc.code, exc.message, exc.detail)


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    fields = []
    for e in exc.errors:
        loc = [str(p) for p in e.get("loc", ()) if p not in ("body", "payload")]
        fields.append(
            {"field": ".".join(loc), "type": str(e.get("type")), "msg": str(e.get("msg"))}
        )
    unknown = [f["field"] for f in fields if f["type"] == "extra_forbidden"]
    message = (
        f"包含不允许的字段：{', '.join(unknown)}"
        if unknown
        else "提交的数据不符合要求：" + "；".join(f"{f['field']} {f['msg']}" for f in fields)
    )
    return error(request, 422, "unknown_field" if unknown else "validation_error", message, fields)


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return error(request, 401, "not_authenticated", HTTP_MESSAGES[401])


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    status = exc.status_code
    if status == 400 and str(exc).startswith("Cannot parse request body"):
        return error(request, 400, "malformed_json", "请求体不是有效的 JSON")
    return error(
        request,
        status,
        HTTP_CODES.get(status, "error"),
        HTTP_MESSAGES.get(status, str(exc)),
        str(exc),
    )


@api.exception_handler(Http404)
def on_404(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error(request, 404, "not_found", HTTP_MESSAGES[404])


@api.exception_handler(DjangoPermissionDenied)
def on_403(request: HttpRequest, exc: DjangoPermissionDenied) -> HttpResponse:
    return error(request, 403, "permission_denied", HTTP_MESSAGES[403])


api.add_router("/", core_router, auth=api_auth())  # core names no app's authenticator
api.add_router("/", accounts_router)
api.add_router("/credit", credit_router)
api.add_router("/catalog", catalog_router)
api.add_router("/plans", plans_router)
api.add_router("/tenders", tenders_router)
api.add_router("/bidding", bidding_router)
api.add_router("/experts", experts_router)
api.add_router("/evaluation", evaluation_router)
api.add_router("/awards", awards_router)
api.add_router("/contracts", contracts_router)
api.add_router("/archives", archives_router)
api.add_router("/supervision", supervision_router)
