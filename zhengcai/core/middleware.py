"""API edge middleware: body-size limit (413) and `Idempotency-Key` replay (design §4 rule 10)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
from collections.abc import Callable

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.module_loading import import_string

from zhengcai.core.models import IdempotencyRecord

API_PREFIX = "/api/"
STALE_PENDING = dt.timedelta(minutes=5)


def error_json(status: int, code: str, message: str, detail: object = None) -> JsonResponse:
    return JsonResponse(
        {"code": code, "message": message, "detail": detail},
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )


class ApiBodyLimitMiddleware:
    """Refuse oversize API bodies before anything reads them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(API_PREFIX):
            limit = settings.API_MAX_BODY_BYTES
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                return error_json(400, "bad_content_length", "Content-Length 无效")
            if length > limit:
                return error_json(
                    413,
                    "payload_too_large",
                    f"请求体过大：{length} 字节，上限 {limit} 字节",
                    {"limit": limit, "received": length},
                )
        response = self.get_response(request)
        if (
            response.status_code == 405
            and request.path.startswith(API_PREFIX)
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            # ninja answers an unsupported method in plain text; keep the {code, message} contract.
            allowed = response.get("Allow", "")
            methods = sorted(m.strip() for m in allowed.split(",") if m.strip())
            response = error_json(
                405, "method_not_allowed", "不支持该请求方法", {"allowed": methods}
            )
            response["Allow"] = allowed
        return response


def _principal(request: HttpRequest) -> str:
    # The accounts app resolves tokens; core names it only through settings (it depends on
    # no app): ZHENGCAI["TOKEN_USER"] is the dotted path of `user_from_authorization`.
    user_from_authorization = import_string(settings.ZHENGCAI["TOKEN_USER"])
    user = user_from_authorization(request.headers.get("Authorization", ""))
    if user is None and request.user.is_authenticated:
        user = request.user
    if user is not None:
        return f"user:{user.pk}"
    return f"anon:{request.META.get('REMOTE_ADDR', '')}"


def _response_key(principal: str, path: str, body: bytes) -> bytes:
    """Key that seals a stored response: derivable only from the original request itself
    (which may hold a password) and the server secret, neither of which is stored. So a
    stored answer that contains a secret (a new API token) is unreadable from the database."""
    message = principal.encode() + b"\n" + path.encode() + b"\n" + body
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).digest()


def _seal(key: bytes, plaintext: bytes) -> bytes:
    nonce = os.urandom(12)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, None)


def _open(key: bytes, sealed: bytes) -> bytes:
    return AESGCM(key).decrypt(sealed[:12], sealed[12:], None)


def idempotency_purge() -> int:
    """Forget answers older than the retention period (settings.ZHENGCAI IDEMPOTENCY_TTL_HOURS)."""
    from zhengcai.core import clock

    cutoff = clock.now() - dt.timedelta(hours=settings.ZHENGCAI["IDEMPOTENCY_TTL_HOURS"])
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted


class IdempotencyMiddleware:
    """A POST with `Idempotency-Key` runs once; a retry with the same key gets the same answer.

    The same key with a different body is refused (422); a retry while the first is still
    running gets 409. Server errors (5xx) are not remembered, so the client may retry.
    Stored answers are sealed with AES-GCM under `_response_key` and purged after the TTL."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = request.headers.get("Idempotency-Key")
        if request.method != "POST" or key is None or not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        if not (1 <= len(key) <= 128) or not key.isprintable():
            return error_json(
                400, "invalid_idempotency_key", "Idempotency-Key 须为 1–128 个可见字符"
            )
        from zhengcai.core import clock

        principal = _principal(request)
        digest = hashlib.sha256(request.path.encode() + b"\n" + request.body).hexdigest()
        sealing_key = _response_key(principal, request.path, request.body)
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(
                    key=key,
                    principal=principal,
                    method="POST",
                    path=request.path,
                    request_hash=digest,
                    created_at=clock.now(),
                )
        except IntegrityError:
            existing = IdempotencyRecord.objects.get(principal=principal, key=key)
            if existing.request_hash != digest:
                return error_json(
                    422, "idempotency_key_reused", "该 Idempotency-Key 已用于另一个请求"
                )
            if existing.status_code is None:
                if clock.now() - existing.created_at < STALE_PENDING:
                    return error_json(
                        409, "idempotency_in_progress", "同一请求正在处理中，请稍后重试"
                    )
                existing.delete()
                return self(request)
            replay = HttpResponse(
                _open(sealing_key, bytes(existing.response_body or b"")),
                status=existing.status_code,
                content_type=existing.content_type or "application/json",
            )
            replay["Idempotent-Replayed"] = "true"
            return replay
        response = self.get_response(request)
        if response.status_code >= 500 or getattr(response, "streaming", False):
            record.delete()
        else:
            record.status_code = response.status_code
            record.response_body = _seal(sealing_key, response.content)
            record.content_type = response.get("Content-Type", "")
            record.save(update_fields=["status_code", "response_body", "content_type"])
        return response


class ChineseFirstLocaleMiddleware:
    """Chinese unless the person chose otherwise: the language cookie (set by the switch in
    the page header) decides; the browser's Accept-Language does not."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.utils import translation

        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        supported = {code for code, _ in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class DomainErrorPageMiddleware:
    """A rule a web page's service refused and the view did not catch: the error page with the
    Chinese message, the stable code and the status (the API answers JSON on its own)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from django.shortcuts import render

        from zhengcai.core.errors import DomainError

        if request.path.startswith("/api/") or not isinstance(exception, DomainError):
            return None
        return render(request, "error.html", {"error": exception}, status=exception.status)
