"""The API edge (design §4 rule 10): every 4xx is `{code, message, detail}`, bodies are bounded,
POSTs are idempotent under `Idempotency-Key`, bearer tokens authenticate, OpenAPI documents it.

Each refused request is checked to leave the data as it was (audit entries, tokens, counters)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from types import ModuleType
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.http import HttpResponse
from django.test import Client

from zhengcai.accounts import services
from zhengcai.accounts.constants import OrgKind
from zhengcai.accounts.models import ApiToken, User
from zhengcai.accounts.tests import factories
from zhengcai.core import clock as core_clock
from zhengcai.core.audit import chain_head
from zhengcai.core.models import AuditEntry, IdempotencyRecord

pytestmark = pytest.mark.django_db

TOKENS = "/api/v1/auth/tokens"
ME = "/api/v1/me"
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def user() -> User:
    org = factories.organization(OrgKind.PURCHASER, factories.region_tree()["hz"])
    return factories.user(org, username="lisi")


@pytest.fixture
def admin() -> User:
    org = factories.organization(OrgKind.PLATFORM, factories.region_tree()["province"])
    return factories.user(org, username="admin1")


def post(client: Client, path: str, body: Any, **headers: str) -> HttpResponse:
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(path, data=data, content_type="application/json", headers=headers)


def bearer(raw: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {raw}"}


def assert_error(response: HttpResponse, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"code", "message", "detail"}
    assert body["code"] == code
    assert CJK.search(body["message"]), body["message"]  # a message a person reads, in Chinese
    return body


def snapshot(user: User | None = None) -> tuple[object, ...]:
    state: tuple[object, ...] = (
        AuditEntry.objects.count(),
        ApiToken.objects.count(),
        IdempotencyRecord.objects.count(),
        chain_head().hash,
    )
    if user is not None:
        user.refresh_from_db()
        state += (user.failed_logins, user.locked_until, user.last_login)
    return state


def login_body(user: User, **extra: Any) -> dict[str, Any]:
    return {"username": user.username, "password": factories.PASSWORD, "name": "ERP", **extra}


# --- login failures and malformed requests ---------------------------------------------------


def test_wrong_password(client: Client, user: User) -> None:
    audit_before, tokens_before = AuditEntry.objects.count(), ApiToken.objects.count()
    r = post(client, TOKENS, {"username": "lisi", "password": "not-the-password"})
    body = assert_error(r, 401, "login_failed")
    assert body == {"code": "login_failed", "message": "用户名或密码错误", "detail": None}
    # A wrong password is recorded on purpose: one login.failed entry, one more failure counted.
    assert ApiToken.objects.count() == tokens_before
    assert AuditEntry.objects.count() == audit_before + 1
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry is not None
    assert entry.action == "login.failed"
    assert entry.object_type == "accounts.user" and entry.object_id == str(user.pk)
    assert entry.actor_id is None
    assert entry.organization_id == user.organization_id
    assert entry.after == {"failed_logins": 1, "reason": "password"}
    assert entry.ip == "127.0.0.1"
    user.refresh_from_db()
    assert user.failed_logins == 1
    assert user.locked_until is None


def test_unknown_username_writes_nothing(client: Client, user: User) -> None:
    before = snapshot(user)
    r = post(client, TOKENS, {"username": "nobody", "password": "whatever-1"})
    body = assert_error(r, 401, "login_failed")
    assert body["message"] == "用户名或密码错误"  # same answer as a wrong password
    assert snapshot(user) == before


def test_lockout_through_the_api(client: Client, user: User, clock: ModuleType) -> None:
    limit = settings.ZHENGCAI["LOGIN_MAX_FAILURES"]
    for _ in range(limit - 1):
        assert_error(
            post(client, TOKENS, {"username": "lisi", "password": "x" * 9}), 401, "login_failed"
        )
    body = assert_error(
        post(client, TOKENS, {"username": "lisi", "password": "x" * 9}), 403, "account_locked"
    )
    assert body["detail"]["locked_until"].startswith("2026-11-23T09:15:00")
    before = snapshot(user)
    assert_error(post(client, TOKENS, login_body(user)), 403, "account_locked")
    assert snapshot(user) == before


def test_malformed_json(client: Client, user: User) -> None:
    before = snapshot(user)
    body = assert_error(
        post(client, TOKENS, '{"username": "lisi", "password": '), 400, "malformed_json"
    )
    assert body["message"] == "请求体不是有效的 JSON"
    assert snapshot(user) == before


def test_unknown_field(client: Client, user: User) -> None:
    before = snapshot(user)
    r = post(client, TOKENS, {**login_body(user), "is_superuser": True})
    body = assert_error(r, 422, "unknown_field")
    assert "is_superuser" in body["message"]
    assert {"field": "is_superuser", "type": "extra_forbidden"}.items() <= body["detail"][0].items()
    assert snapshot(user) == before  # refused before the password was even checked


def test_missing_and_invalid_fields(client: Client, user: User) -> None:
    before = snapshot(user)
    body = assert_error(post(client, TOKENS, {"username": "lisi"}), 422, "validation_error")
    assert [f["field"] for f in body["detail"]] == ["password"]
    body = assert_error(
        post(client, TOKENS, {**login_body(user), "expires_days": 1000}), 422, "validation_error"
    )
    assert body["detail"][0]["field"] == "expires_days"
    assert_error(post(client, TOKENS, ["not", "an", "object"]), 422, "validation_error")
    assert snapshot(user) == before


def test_oversize_body(client: Client, user: User) -> None:
    limit = settings.API_MAX_BODY_BYTES
    payload = json.dumps({**login_body(user), "name": "x" * limit})
    assert len(payload.encode()) > limit
    before = snapshot(user)
    r = post(client, TOKENS, payload, **{"Idempotency-Key": "big-1"})
    body = assert_error(r, 413, "payload_too_large")
    assert body["detail"] == {"limit": limit, "received": len(payload.encode())}
    assert snapshot(user) == before  # not even an idempotency record


def test_body_limit_boundary(client: Client, user: User, settings: Any) -> None:
    payload = json.dumps(login_body(user))
    settings.API_MAX_BODY_BYTES = len(payload.encode())
    assert post(client, TOKENS, payload).status_code == 201  # exactly at the limit is fine
    assert_error(post(client, TOKENS, payload + " "), 413, "payload_too_large")


def test_bad_content_length(client: Client) -> None:
    r = client.post(TOKENS, data="{}", content_type="application/json", CONTENT_LENGTH="many")
    assert_error(r, 400, "bad_content_length")


def test_unauthenticated(client: Client) -> None:
    body = assert_error(client.get(ME), 401, "not_authenticated")
    assert body["message"] == "请先登录或提供有效的 API 令牌"
    assert_error(client.get(TOKENS), 401, "not_authenticated")


def test_unknown_endpoint(client: Client) -> None:
    assert_error(client.get("/api/v1/nope"), 404, "not_found")
    assert_error(post(client, "/api/v1/nope/deeper", {}), 404, "not_found")


def test_method_not_allowed(client: Client) -> None:
    r = client.put(ME, data="{}", content_type="application/json")
    body = assert_error(r, 405, "method_not_allowed")
    assert body["detail"] == {"allowed": ["GET"]}
    assert r["Allow"] == "GET"
    body = assert_error(client.get(f"{TOKENS}/1"), 405, "method_not_allowed")
    assert body["detail"] == {"allowed": ["DELETE"]}


# --- bearer tokens ---------------------------------------------------------------------------


def test_token_create_and_use(client: Client, user: User) -> None:
    r = post(client, TOKENS, login_body(user, expires_days=30))
    assert r.status_code == 201, r.content
    data = r.json()
    raw = data["token"]
    assert raw.startswith("zc_")
    assert data["prefix"] == raw[:10] and data["name"] == "ERP"
    token = ApiToken.objects.get(pk=data["id"])
    assert token.key_hash != raw and raw not in token.key_hash  # only the hash is stored
    assert list(AuditEntry.objects.order_by("-seq").values_list("action", flat=True)[:2]) == [
        "api_token.created",
        "login.succeeded",
    ]

    r = client.get(ME, headers=bearer(raw))
    assert r.status_code == 200
    assert r.json()["username"] == "lisi"
    assert r.json()["role"] == "purchaser"
    token.refresh_from_db()
    assert token.last_used_at is not None

    assert_error(client.get(ME, headers=bearer(raw + "x")), 401, "not_authenticated")
    assert_error(client.get(ME, headers=bearer("not-a-token")), 401, "not_authenticated")
    assert_error(
        client.get(ME, headers={"Authorization": f"Basic {raw}"}), 401, "not_authenticated"
    )


def test_revoked_token_refused(client: Client, user: User) -> None:
    token, raw = services.api_token_create(actor=user, name="cli")
    assert client.get(ME, headers=bearer(raw)).status_code == 200
    r = client.delete(f"{TOKENS}/{token.pk}", headers=bearer(raw))
    assert r.status_code == 200 and r.json()["revoked_at"] is not None
    assert AuditEntry.objects.filter(action="api_token.revoked").count() == 1
    assert_error(client.get(ME, headers=bearer(raw)), 401, "not_authenticated")


def test_other_users_token_cannot_be_revoked(client: Client, user: User, admin: User) -> None:
    _, raw = services.api_token_create(actor=user, name="cli")
    other, _ = services.api_token_create(actor=admin, name="cli")
    before = snapshot()
    r = client.delete(f"{TOKENS}/{other.pk}", headers=bearer(raw))
    assert_error(r, 404, "not_found")  # someone else's token does not exist for you
    other.refresh_from_db()
    assert other.revoked_at is None
    assert snapshot() == before


def test_expired_token_refused(client: Client, user: User, clock: ModuleType) -> None:
    _, raw = services.api_token_create(actor=user, name="cli", expires_days=1)
    clock.advance(dt.timedelta(days=1) - dt.timedelta(seconds=1))
    assert client.get(ME, headers=bearer(raw)).status_code == 200
    clock.advance(dt.timedelta(seconds=1))
    assert_error(client.get(ME, headers=bearer(raw)), 401, "not_authenticated")


def test_token_of_deactivated_user_refused(client: Client, user: User, admin: User) -> None:
    _, raw = services.api_token_create(actor=user, name="cli")
    services.user_set_active(actor=admin, user=user, active=False, reason="离职")
    assert_error(client.get(ME, headers=bearer(raw)), 401, "not_authenticated")


# --- Idempotency-Key -------------------------------------------------------------------------


def test_idempotent_retry_gets_the_same_token(client: Client, user: User) -> None:
    key = {"Idempotency-Key": "erp-2026-0001"}
    first = post(client, TOKENS, login_body(user), **key)
    assert first.status_code == 201
    assert "Idempotent-Replayed" not in first
    after_first = snapshot(user)

    second = post(client, TOKENS, login_body(user), **key)
    assert second.status_code == 201
    assert second["Idempotent-Replayed"] == "true"
    assert second.json() == first.json()
    assert second.json()["token"] == first.json()["token"]
    assert ApiToken.objects.count() == 1
    assert snapshot(user) == after_first  # the retry ran nothing: no second login, no audit

    # The replayed token is a working token.
    assert client.get(ME, headers=bearer(second.json()["token"])).status_code == 200


def test_stored_answer_is_sealed_and_purged(client: Client, user: User, clock: Any) -> None:
    """A replayable answer that holds a new token must not sit readable in the database."""
    from zhengcai.core.tasks import tick

    first = post(client, TOKENS, login_body(user), **{"Idempotency-Key": "erp-sealed"})
    raw = first.json()["token"]
    record = IdempotencyRecord.objects.get(key="erp-sealed")
    stored = bytes(record.response_body)
    assert raw.encode() not in stored and b"token" not in stored
    clock.advance(dt.timedelta(hours=23))
    tick.enqueue()
    assert IdempotencyRecord.objects.filter(key="erp-sealed").exists()
    clock.advance(dt.timedelta(hours=2))
    tick.enqueue()
    assert not IdempotencyRecord.objects.filter(key="erp-sealed").exists()


def test_same_key_different_body_refused(client: Client, user: User) -> None:
    key = {"Idempotency-Key": "erp-2026-0002"}
    assert post(client, TOKENS, login_body(user), **key).status_code == 201
    before = snapshot(user)
    r = post(client, TOKENS, login_body(user, name="another"), **key)
    assert_error(r, 422, "idempotency_key_reused")
    assert "Idempotent-Replayed" not in r
    assert snapshot(user) == before
    # A new key is a new request.
    r = post(client, TOKENS, login_body(user, name="another"), **{"Idempotency-Key": "erp-3"})
    assert r.status_code == 201
    assert ApiToken.objects.count() == 2


def test_failed_request_is_replayed_not_rerun(client: Client, user: User) -> None:
    key = {"Idempotency-Key": "retry-bad-password"}
    body = {"username": "lisi", "password": "wrong-password"}
    first = post(client, TOKENS, body, **key)
    assert_error(first, 401, "login_failed")
    before = snapshot(user)
    assert before[-3] == 1  # failed_logins
    second = post(client, TOKENS, body, **key)
    assert_error(second, 401, "login_failed")
    assert second["Idempotent-Replayed"] == "true"
    assert snapshot(user) == before  # the retry did not count a second failure


def test_keys_are_scoped_to_the_caller(client: Client, user: User) -> None:
    key = {"Idempotency-Key": "shared-key"}
    first = post(client, TOKENS, login_body(user), **key)
    other = Client(REMOTE_ADDR="10.9.9.9")
    second = post(other, TOKENS, login_body(user), **key)
    assert second.status_code == 201
    assert "Idempotent-Replayed" not in second
    assert second.json()["token"] != first.json()["token"]
    assert set(IdempotencyRecord.objects.values_list("principal", flat=True)) == {
        "anon:127.0.0.1",
        "anon:10.9.9.9",
    }


def test_invalid_idempotency_key(client: Client, user: User) -> None:
    before = snapshot(user)
    assert_error(
        post(client, TOKENS, login_body(user), **{"Idempotency-Key": "k" * 129}),
        400,
        "invalid_idempotency_key",
    )
    assert snapshot(user) == before


def test_key_ignored_on_get(client: Client) -> None:
    r = client.get("/api/v1/calendar/day", {"date": "2026-10-10"}, headers={"Idempotency-Key": "g"})
    assert r.status_code == 200
    assert IdempotencyRecord.objects.count() == 0


def _pending(path: str, body: bytes, key: str) -> IdempotencyRecord:
    return IdempotencyRecord.objects.create(
        key=key,
        principal="anon:127.0.0.1",
        method="POST",
        path=path,
        request_hash=hashlib.sha256(path.encode() + b"\n" + body).hexdigest(),
        created_at=core_clock.now(),
    )


def test_retry_while_first_still_running(client: Client, user: User) -> None:
    payload = json.dumps(login_body(user))
    _pending(TOKENS, payload.encode(), "in-flight")
    before = snapshot(user)
    assert_error(
        post(client, TOKENS, payload, **{"Idempotency-Key": "in-flight"}),
        409,
        "idempotency_in_progress",
    )
    assert snapshot(user) == before
    # A pending record older than five minutes is taken as abandoned: the request runs.
    from zhengcai.core import clock

    clock.advance(dt.timedelta(minutes=6))
    r = post(client, TOKENS, payload, **{"Idempotency-Key": "in-flight"})
    assert r.status_code == 201
    assert IdempotencyRecord.objects.get(key="in-flight").status_code == 201


def test_server_error_is_not_remembered(user: User, monkeypatch: pytest.MonkeyPatch) -> None:
    client = Client(raise_request_exception=False)
    key = {"Idempotency-Key": "flaky"}

    def boom(**kwargs: Any) -> Any:
        raise RuntimeError("database went away")

    with monkeypatch.context() as m:
        m.setattr(services, "api_token_create", boom)
        assert post(client, TOKENS, login_body(user), **key).status_code == 500
    assert IdempotencyRecord.objects.count() == 0
    r = post(client, TOKENS, login_body(user), **key)  # the client may retry with the same key
    assert r.status_code == 201
    assert "Idempotent-Replayed" not in r


# --- the audit endpoints ---------------------------------------------------------------------


def test_audit_head_is_public(client: Client, user: User) -> None:
    r = client.get("/api/v1/audit/head")
    assert r.status_code == 200
    head = chain_head()
    assert r.json()["seq"] == head.seq and r.json()["hash"] == head.hash
    assert r.json()["server_time"]


def test_audit_verify_needs_a_role_and_reports_breaks(
    client: Client, user: User, admin: User
) -> None:
    _, user_raw = services.api_token_create(actor=user, name="cli")
    _, admin_raw = services.api_token_create(actor=admin, name="cli")
    assert_error(post(client, "/api/v1/audit/verify", {}), 401, "not_authenticated")
    assert_error(
        client.post("/api/v1/audit/verify", headers=bearer(user_raw)), 403, "permission_denied"
    )
    r = client.post("/api/v1/audit/verify", headers=bearer(admin_raw))
    assert r.status_code == 200
    assert r.json()["ok"] is True and r.json()["checked"] == chain_head().seq

    last = chain_head().seq
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":  # lift the guard as a database superuser could
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cur.execute("ALTER TABLE core_auditentry DISABLE TRIGGER core_auditentry_no_update")
        cur.execute("DELETE FROM core_auditentry WHERE seq = %s", [last])
    r = client.post("/api/v1/audit/verify", headers=bearer(admin_raw))
    assert r.json()["ok"] is False
    assert r.json()["broken_seq"] == last
    assert "链头" in r.json()["reason"]


def test_calendar_override_via_api(client: Client, user: User, admin: User) -> None:
    _, user_raw = services.api_token_create(actor=user, name="cli")
    _, admin_raw = services.api_token_create(actor=admin, name="cli")
    body = {"date": "2027-01-01", "is_workday": False, "name": "元旦"}
    before = snapshot()
    assert_error(
        post(client, "/api/v1/calendar/overrides", body, **bearer(user_raw)),
        403,
        "permission_denied",
    )
    assert_error(
        post(client, "/api/v1/calendar/overrides", {**body, "extra": 1}, **bearer(admin_raw)),
        422,
        "unknown_field",
    )
    assert snapshot() == before
    r = post(client, "/api/v1/calendar/overrides", body, **bearer(admin_raw))
    assert r.status_code == 200
    assert r.json() == {
        "date": "2027-01-01",
        "is_workday": False,
        "name": "元旦",
        "source": "override",
    }
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry is not None and entry.action == "calendar.override_set"
    assert entry.actor_id == admin.pk


# --- OpenAPI ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def openapi() -> dict[str, Any]:
    r = Client().get("/api/v1/openapi.json")  # no database needed: generate once per module
    assert r.status_code == 200
    assert r["Content-Type"].startswith("application/json")
    return r.json()


def _operations(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, op) for path, ops in schema["paths"].items() for method, op in ops.items()
    ]


def _error_ref(response: dict[str, Any]) -> str | None:
    return response.get("content", {}).get("application/json", {}).get("schema", {}).get("$ref")


def test_openapi_version_and_error_schema(openapi: dict[str, Any]) -> None:
    assert openapi["openapi"].startswith("3.")
    assert openapi["info"]["version"] == "1"
    error = openapi["components"]["schemas"]["ErrorOut"]
    assert set(error["properties"]) == {"code", "message", "detail"}
    assert set(error["required"]) == {"code", "message"}
    assert {"TokenAuth", "SessionAuth"} <= set(openapi["components"]["securitySchemes"])


def test_openapi_every_authenticated_operation_documents_errors(openapi: dict[str, Any]) -> None:
    operations = _operations(openapi)
    assert ("/api/v1/me", "get") in {(p, m) for p, m, _ in operations}
    authed = [(p, m, op) for p, m, op in operations if op.get("security")]
    assert len(authed) >= 5
    for path, method, op in authed:
        errors = {code: resp for code, resp in op["responses"].items() if code.startswith("4")}
        assert errors, f"{method.upper()} {path} documents no 4xx"
        for code in ("400", "401", "403", "404"):
            assert _error_ref(errors[code]) == "#/components/schemas/ErrorOut", (path, code)


def test_openapi_every_documented_4xx_is_error_out(openapi: dict[str, Any]) -> None:
    for path, method, op in _operations(openapi):
        for code, resp in op["responses"].items():
            if code.startswith("4"):
                assert _error_ref(resp) == "#/components/schemas/ErrorOut", (method, path, code)


def test_openapi_documents_422_on_operations_with_a_body(openapi: dict[str, Any]) -> None:
    for path, method, op in _operations(openapi):
        if "requestBody" in op:
            assert {"413", "422"} <= set(op["responses"]), (method, path)
