"""Bearer-token and session authentication for the API."""

from __future__ import annotations

import hashlib
from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, django_auth

from zhengcai.accounts.models import ApiToken, User
from zhengcai.core import clock

TOKEN_PREFIX = "zc_"


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def user_from_token(raw: str) -> User | None:
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 100:
        return None
    token = (
        ApiToken.objects.select_related("user", "user__organization__region")
        .filter(key_hash=hash_token(raw), revoked_at__isnull=True)
        .first()
    )
    if token is None:
        return None
    now = clock.now()
    if token.expires_at is not None and token.expires_at <= now:
        return None
    user = token.user
    if not user.is_active:
        return None
    # last_used_at is bookkeeping, not a state change of the token: no audit entry.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return user


def user_from_authorization(header: str) -> User | None:
    scheme, _, raw = header.partition(" ")
    if scheme.lower() != "bearer" or not raw:
        return None
    return user_from_token(raw.strip())


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = user_from_token(token)
        if user is not None:
            request.user = user
        return user


def api_auth() -> list[Any]:
    """Bearer token first, then the browser session (CSRF-checked by ninja)."""
    return [TokenAuth(), django_auth]
