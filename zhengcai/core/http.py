"""Small helpers every API router shares: the authenticated user, ETags and If-Match."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse

from zhengcai.core.errors import (
    InvalidInput,
    NotAuthenticated,
    PermissionDenied,
    PreconditionRequired,
)

if TYPE_CHECKING:
    from zhengcai.accounts.models import User

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def request_user(request: HttpRequest) -> User:
    """The user an authenticated API operation runs for (token or session)."""
    user = request.user
    assert isinstance(user, get_user_model())
    return user  # type: ignore[return-value]


def require_role(user: Any, *roles: str) -> User:
    """The user, if signed in with one of `roles` (role codes of settings.AUTH_USER_MODEL)."""
    if user is None or not getattr(user, "is_authenticated", False):
        raise NotAuthenticated()
    if getattr(user, "role", None) not in roles:
        raise PermissionDenied("您的角色无权进行此操作", detail={"required": list(roles)})
    return user  # type: ignore[no-any-return]


def etag(prefix: str, obj: Any) -> str:
    """`"<prefix>-<pk>-v<version>"`: the version a client read (design §4 rule 10)."""
    return f'"{prefix}-{obj.pk}-v{obj.version}"'


def if_match_version(
    request: HttpRequest, prefix: str, pk: int | str, *, required: bool = True
) -> int | None:
    """The version in `If-Match`; 428 when required and missing, 422 when malformed."""
    header = request.headers.get("If-Match")
    if not header:
        if required:
            raise PreconditionRequired()
        return None
    m = re.fullmatch(rf'(?:W/)?"{prefix}-{re.escape(str(pk))}-v(\d+)"', header.strip())
    if m is None:
        raise InvalidInput("If-Match 格式不正确，应为读取时得到的 ETag", code="if_match_invalid")
    return int(m.group(1))


def content_disposition(filename: str) -> str:
    """`attachment` with `filename` for every browser (RFC 6266): an ASCII fallback name and,
    when the name is not plain ASCII (e.g. 采购目录2026.xlsx), the UTF-8 `filename*`."""
    fallback = re.sub(r"[^A-Za-z0-9._-]+", "_", filename).strip("_") or "download"
    if fallback == filename:
        return f'attachment; filename="{filename}"'
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"


def attachment(data: bytes | str, filename: str, content_type: str) -> HttpResponse:
    """A download: `data` served as `filename`; the pages and the API share it."""
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition(filename)
    return response
