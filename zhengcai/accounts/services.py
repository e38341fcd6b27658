"""Writes of the accounts app. Every state change writes its audit entry in the same
transaction (core.audit.audit_record)."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

import pyotp
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from zhengcai.accounts import constants as c
from zhengcai.accounts.auth import TOKEN_PREFIX, hash_token
from zhengcai.accounts.models import ApiToken, Organization, Region, User
from zhengcai.accounts.rules import credit_code_problem
from zhengcai.core import clock, transitions
from zhengcai.core.audit import audit_record
from zhengcai.core.errors import (
    Conflict,
    DomainError,
    InvalidInput,
    NotAuthenticated,
    PermissionDenied,
    PreconditionFailed,
)

OTP_ISSUER = "zhengcai"


def _policy(name: str) -> Any:
    return settings.ZHENGCAI[name]


# --- login -----------------------------------------------------------------------------


class OtpRequired(DomainError):
    status = 401
    code = c.ERR_OTP_REQUIRED
    default_message = "请输入动态口令（二次验证）"


def _login_failed() -> NotAuthenticated:
    return NotAuthenticated("用户名或密码错误", code=c.ERR_LOGIN_FAILED)


def _register_failure(user: User, *, ip: str | None, reason: str) -> DomainError:
    """Count one failed attempt (committed even though the caller then raises)."""
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if locked.locked_until is not None and locked.locked_until <= clock.now():
            # An expired lock the periodic task has not lifted yet: start counting afresh.
            locked.failed_logins, locked.locked_until = 0, None
        locked.failed_logins += 1
        after: dict[str, Any] = {"failed_logins": locked.failed_logins, "reason": reason}
        if locked.failed_logins >= _policy("LOGIN_MAX_FAILURES"):
            locked.locked_until = clock.now() + dt.timedelta(minutes=_policy("LOCKOUT_MINUTES"))
            locked.next_check = locked.locked_until
            after["locked_until"] = locked.locked_until
            audit_record(
                actor=None,
                action="account.locked",
                obj=locked,
                organization=locked.organization,
                after=after,
                ip=ip,
            )
        else:
            audit_record(
                actor=None,
                action="login.failed",
                obj=locked,
                organization=locked.organization,
                after=after,
                ip=ip,
            )
        locked.save(update_fields=["failed_logins", "locked_until", "next_check"])
    if locked.locked_until:
        return _locked_error(locked)
    if reason == "otp":
        return NotAuthenticated("动态口令错误", code=c.ERR_OTP_INVALID)
    return _login_failed()


def _locked_error(user: User) -> DomainError:
    until = user.locked_until.astimezone(clock.SHANGHAI) if user.locked_until else None
    when = until.strftime("%H:%M") if until else ""
    return PermissionDenied(
        f"连续登录失败次数过多，账号已锁定至 {when}，请稍后再试或联系单位管理员解锁",
        code=c.ERR_ACCOUNT_LOCKED,
        detail={"locked_until": until.isoformat() if until else None},
    )


def login_check_password(*, username: str, password: str, ip: str | None = None) -> User:
    """First factor. Raises login_failed / account_locked / account_inactive; on success with a
    second factor enabled raises OtpRequired (detail carries nothing secret)."""
    user = (
        User.objects.select_related("organization").filter(username=username).first()
        if username
        else None
    )
    if user is None:
        make_password(password)  # same work as a real check: do not reveal unknown names
        raise _login_failed()
    if user.locked_until is not None and user.locked_until > clock.now():
        raise _locked_error(user)
    if not user.check_password(password):
        raise _register_failure(user, ip=ip, reason="password")
    if not user.is_active:
        raise PermissionDenied("账号已停用，请联系单位管理员", code=c.ERR_ACCOUNT_INACTIVE)
    if user.totp_enabled:
        raise OtpRequired(detail={"user": user.pk})
    return _login_succeeded(user, ip=ip)


def login_check_otp(*, user: User, otp: str, ip: str | None = None) -> User:
    """Second factor, after `login_check_password` raised OtpRequired for this user."""
    if user.locked_until is not None and user.locked_until > clock.now():
        raise _locked_error(user)
    if not user.totp_enabled or not pyotp.TOTP(user.totp_secret).verify(
        otp.strip(), for_time=clock.now(), valid_window=1
    ):
        raise _register_failure(user, ip=ip, reason="otp")
    return _login_succeeded(user, ip=ip)


def login_full(*, username: str, password: str, otp: str | None, ip: str | None) -> User:
    """Both factors in one call (API token creation)."""
    try:
        return login_check_password(username=username, password=password, ip=ip)
    except OtpRequired:
        if not otp:
            raise
        user = User.objects.get(username=username)
        return login_check_otp(user=user, otp=otp, ip=ip)


@transaction.atomic
def _login_succeeded(user: User, *, ip: str | None) -> User:
    locked = User.objects.select_for_update().get(pk=user.pk)
    locked.failed_logins = 0
    locked.locked_until = None
    locked.next_check = None
    locked.last_login = clock.now()
    locked.save(update_fields=["failed_logins", "locked_until", "next_check", "last_login"])
    audit_record(actor=locked, action="login.succeeded", obj=locked, ip=ip)
    return locked


def account_lock_expire(user: Any) -> None:
    """Timed handler (core.timed): a lock whose time has passed is lifted."""
    assert isinstance(user, User)
    if user.locked_until is not None and user.locked_until <= clock.now():
        user.locked_until = None
        user.failed_logins = 0
        audit_record(
            actor=None,
            action="account.unlocked",
            obj=user,
            organization=user.organization,
            after={"by": "timeout"},
        )
    user.next_check = None
    user.save(update_fields=["locked_until", "failed_logins", "next_check"])


@transaction.atomic
def account_unlock(*, actor: User, user: User) -> User:
    locked = User.objects.select_for_update().get(pk=user.pk)
    before = {"failed_logins": locked.failed_logins, "locked_until": locked.locked_until}
    locked.failed_logins, locked.locked_until, locked.next_check = 0, None, None
    locked.save(update_fields=["failed_logins", "locked_until", "next_check"])
    audit_record(
        actor=actor,
        action="account.unlocked",
        obj=locked,
        organization=locked.organization,
        before=before,
        after={"by": "admin"},
    )
    return locked


# --- second factor -----------------------------------------------------------------------


@transaction.atomic
def totp_begin(*, actor: User) -> str:
    """Generate a new secret (not active until confirmed). Returns the otpauth:// URI."""
    user = User.objects.select_for_update().get(pk=actor.pk)
    if user.totp_enabled:
        raise Conflict("动态口令已启用；如需更换请先停用", code="otp_already_enabled")
    user.totp_secret = pyotp.random_base32()
    user.save(update_fields=["totp_secret"])
    audit_record(actor=actor, action="otp.secret_generated", obj=user)
    return pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.username, issuer_name=OTP_ISSUER)


@transaction.atomic
def totp_confirm(*, actor: User, otp: str) -> User:
    user = User.objects.select_for_update().get(pk=actor.pk)
    if not user.totp_secret:
        raise Conflict("请先生成动态口令密钥", code="otp_not_started")
    if not pyotp.TOTP(user.totp_secret).verify(otp.strip(), for_time=clock.now(), valid_window=1):
        raise InvalidInput("动态口令错误，请核对手机上的 6 位数字", code=c.ERR_OTP_INVALID)
    user.totp_enabled = True
    user.save(update_fields=["totp_enabled"])
    audit_record(actor=actor, action="otp.enabled", obj=user)
    return user


@transaction.atomic
def totp_disable(*, actor: User, otp: str) -> User:
    user = User.objects.select_for_update().get(pk=actor.pk)
    if not user.totp_enabled or not pyotp.TOTP(user.totp_secret).verify(
        otp.strip(), for_time=clock.now(), valid_window=1
    ):
        raise InvalidInput("动态口令错误", code=c.ERR_OTP_INVALID)
    user.totp_enabled, user.totp_secret = False, ""
    user.save(update_fields=["totp_enabled", "totp_secret"])
    audit_record(actor=actor, action="otp.disabled", obj=user)
    return user


# --- API tokens --------------------------------------------------------------------------


@transaction.atomic
def api_token_create(
    *, actor: User, name: str, expires_days: int | None = 90
) -> tuple[ApiToken, str]:
    """Returns the token row and the raw key, shown once; only its hash is stored."""
    name = name.strip()
    if not name or len(name) > 80:
        raise InvalidInput("请填写令牌用途（1–80 字）", code="token_name_invalid")
    if expires_days is not None and not (1 <= expires_days <= 366):
        raise InvalidInput("有效期须为 1–366 天", code="token_expiry_invalid")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = clock.now()
    token = ApiToken.objects.create(
        user=actor,
        name=name,
        prefix=raw[:10],
        key_hash=hash_token(raw),
        created_at=now,
        expires_at=now + dt.timedelta(days=expires_days) if expires_days else None,
    )
    audit_record(
        actor=actor,
        action="api_token.created",
        obj=token,
        after={"name": name, "prefix": token.prefix, "expires_at": token.expires_at},
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    if token.revoked_at is not None:
        raise Conflict("令牌已吊销", code="token_already_revoked")
    token.revoked_at = clock.now()
    token.save(update_fields=["revoked_at"])
    audit_record(
        actor=actor, action="api_token.revoked", obj=token, organization=token.user.organization
    )
    return token


# --- organizations -----------------------------------------------------------------------

ORG_EDITABLE = ("name", "contact_name", "contact_phone", "address", "is_sme", "staff_count")


def _org_summary(org: Organization) -> dict[str, Any]:
    return {
        "name": org.name,
        "kind": org.kind,
        "credit_code": org.credit_code,
        "region": org.region.code,
        "status": org.status,
        "contact_name": org.contact_name,
        "contact_phone": org.contact_phone,
        "address": org.address,
        "is_sme": org.is_sme,
        "staff_count": org.staff_count,
        "version": org.version,
    }


def _check_region_scope(actor: User, region: Region) -> None:
    if actor.role == c.Role.ADMIN:
        return
    own = actor.region
    if actor.role != c.Role.REGULATOR or own is None or not own.contains(region):
        raise PermissionDenied("只能在本级及下级区划内登记单位", code=c.ERR_OUTSIDE_REGION)


@transaction.atomic
def organization_create(
    *,
    actor: User,
    name: str,
    kind: str,
    credit_code: str,
    region: Region,
    parent: Organization | None = None,
    contact_name: str = "",
    contact_phone: str = "",
    address: str = "",
    is_sme: bool = False,
) -> Organization:
    _check_region_scope(actor, region)
    name = name.strip()
    if not name:
        raise InvalidInput("请填写单位名称", code="name_required")
    if kind not in c.OrgKind.values:
        raise InvalidInput(f"未知的单位类型：{kind}", code="kind_invalid")
    credit_code = credit_code.strip().upper()
    problem = credit_code_problem(credit_code)
    if problem:
        raise InvalidInput(problem, code=c.ERR_CREDIT_CODE_INVALID, detail={"field": "credit_code"})
    if Organization.objects.filter(credit_code=credit_code).exists():
        raise Conflict(
            "该统一社会信用代码已登记", code=c.ERR_DUPLICATE, detail={"field": "credit_code"}
        )
    org = Organization.objects.create(
        name=name,
        kind=kind,
        credit_code=credit_code,
        region=region,
        parent=parent,
        contact_name=contact_name,
        contact_phone=contact_phone,
        address=address,
        is_sme=is_sme,
    )
    audit_record(
        actor=actor,
        action="organization.created",
        obj=org,
        organization=org,
        after=_org_summary(org),
    )
    return org


@transaction.atomic
def organization_update(
    *, actor: User, org: Organization, expected_version: int | None, changes: dict[str, Any]
) -> Organization:
    """Edit the editable fields. `expected_version` comes from If-Match (optimistic lock)."""
    unknown = set(changes) - set(ORG_EDITABLE)
    if unknown:
        raise InvalidInput(
            f"这些字段不可修改：{', '.join(sorted(unknown))}", code="field_not_editable"
        )
    locked = Organization.objects.select_for_update().select_related("region").get(pk=org.pk)
    if expected_version is not None and locked.version != expected_version:
        raise PreconditionFailed(detail={"current_version": locked.version})
    if "name" in changes and not str(changes["name"]).strip():
        raise InvalidInput("单位名称不能为空", code="name_required")
    before = _org_summary(locked)
    for field, value in changes.items():
        setattr(locked, field, value.strip() if isinstance(value, str) else value)
    locked.version += 1
    locked.save()
    audit_record(
        actor=actor,
        action="organization.updated",
        obj=locked,
        organization=locked,
        before=before,
        after=_org_summary(locked),
    )
    return locked


ORGANIZATION = transitions.register(
    transitions.Machine(
        Organization,
        c.ORG_TRANSITIONS,
        what="单位",
        action="organization",
        labels=c.OrgStatus,
        organization=lambda o: o,
    )
)


@transaction.atomic
def organization_transition(
    *, actor: User, org: Organization, to_status: str, reason: str
) -> Organization:
    locked = ORGANIZATION.lock(org)
    ORGANIZATION.check(locked, to_status)
    if not reason.strip():
        raise InvalidInput("请填写变更原因", code="reason_required")
    return ORGANIZATION.move(
        locked,
        to=to_status,
        actor=actor,
        reason=reason.strip(),
        action="organization.status_changed",
    )


# --- users -------------------------------------------------------------------------------


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    username: str,
    password: str,
    display_name: str,
    organization: Organization | None,
    role: str | None = None,
    phone: str = "",
    is_org_admin: bool = False,
) -> User:
    """Create a person's account. The role follows the organization's kind; experts are
    individuals (organization optional, it is their employer)."""
    username = username.strip()
    if not username or len(username) > 150:
        raise InvalidInput("请填写用户名（1–150 个字符）", code="username_invalid")
    if User.objects.filter(username=username).exists():
        raise Conflict("用户名已被使用", code=c.ERR_DUPLICATE, detail={"field": "username"})
    expected = c.ROLE_FOR_KIND.get(organization.kind) if organization else None
    role = role or expected
    if role is None or role not in c.Role.values:
        raise InvalidInput("请指定角色", code="role_invalid")
    # Experts are individuals; a platform administrator may have no organization.
    individual_ok = role == c.Role.EXPERT or (role == c.Role.ADMIN and organization is None)
    if not individual_ok and role != expected:
        raise InvalidInput(
            f"「{c.OrgKind(organization.kind).label if organization else '无单位'}」的用户"
            f"不能担任「{c.Role(role).label}」",
            code=c.ERR_ROLE_KIND_MISMATCH,
        )
    user = User(
        username=username,
        display_name=display_name.strip(),
        organization=organization,
        role=role,
        phone=phone.strip(),
        is_org_admin=is_org_admin,
        is_staff=role == c.Role.ADMIN,
        is_superuser=role == c.Role.ADMIN,
    )
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise InvalidInput(
            "密码不符合要求：" + "；".join(exc.messages),
            code="password_weak",
            detail={"field": "password"},
        ) from exc
    user.set_password(password)
    user.save()
    audit_record(
        actor=actor,
        action="user.created",
        obj=user,
        organization=organization,
        after={"username": username, "role": role, "is_org_admin": is_org_admin},
    )
    return user


@transaction.atomic
def user_set_active(*, actor: User, user: User, active: bool, reason: str) -> User:
    if actor.pk == user.pk:
        raise Conflict("不能停用自己的账号", code="cannot_deactivate_self")
    locked = User.objects.select_for_update().get(pk=user.pk)
    if locked.is_active == active:
        return locked
    locked.is_active = active
    locked.save(update_fields=["is_active"])
    audit_record(
        actor=actor,
        action="user.activated" if active else "user.deactivated",
        obj=locked,
        organization=locked.organization,
        after={"reason": reason},
    )
    return locked
