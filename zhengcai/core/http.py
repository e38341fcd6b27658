"""Small helpers every API router shares: the authenticated user, ETags and If-Match."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest

from zhengcai.core.errors import InvalidInput, PreconditionRequired

if TYPE_CHECKING:
    from zhengcai.accounts.models import User


def request_user(request: HttpRequest) -> User:
    """The user an authenticated API operation runs for (token or session)."""
    from zhengcai.accounts.models import User

    user = request.user
    assert isinstance(user, User)
    return user


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
