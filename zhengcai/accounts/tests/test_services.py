"""Services of the accounts app: every write checks its rules, writes exactly one audit entry
on success and nothing at all on failure."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pyotp
import pytest

from zhengcai.accounts import services
from zhengcai.accounts.auth import user_from_token
from zhengcai.accounts.constants import OrgKind, OrgStatus, Role
from zhengcai.accounts.models import ApiToken, Organization, Region, User
from zhengcai.accounts.tests.factories import PASSWORD, credit_code, organization, region_tree, user
from zhengcai.core import timed
from zhengcai.core.audit import verify_chain
from zhengcai.core.errors import (
    Conflict,
    DomainError,
    InvalidInput,
    NotAuthenticated,
    PermissionDenied,
    PreconditionFailed,
)
from zhengcai.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@contextmanager
def audits(n: int, *actions: str) -> Iterator[None]:
    """Assert the block writes exactly `n` audit entries (with these actions, in order)."""
    before = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    yield
    new = list(AuditEntry.objects.filter(seq__gt=before).values_list("action", flat=True))
    assert len(new) == n, new
    if actions:
        assert new == list(actions)


@contextmanager
def fails(exc_type: type[DomainError], code: str) -> Iterator[None]:
    """Assert the block raises `exc_type` with `code` and writes no audit entry."""
    with audits(0), pytest.raises(exc_type) as info:
        yield
    assert info.value.code == code, (info.value.code, info.value.message)


def last_audit() -> AuditEntry:
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry is not None
    return entry


@pytest.fixture
def regions() -> dict[str, Region]:
    return region_tree()


@pytest.fixture
def reg_prov(regions: dict[str, Region]) -> User:
    return user(organization(OrgKind.FINANCE, regions["province"]))


@pytest.fixture
def reg_hz(regions: dict[str, Region]) -> User:
    return user(organization(OrgKind.FINANCE, regions["hz"]))


@pytest.fixture
def admin(regions: dict[str, Region]) -> User:
    return user(organization(OrgKind.PLATFORM, regions["province"]))


def create_org(actor: User, reg: Region, **kw: Any) -> Organization:
    args: dict[str, Any] = {
        "name": "杭州市某某中学",
        "kind": OrgKind.PURCHASER,
        "credit_code": credit_code(),
        "region": reg,
    }
    args.update(kw)
    return services.organization_create(actor=actor, **args)


# --- organization_create ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("actor_key", "region_key"),
    [
        ("reg_prov", "province"),
        ("reg_prov", "hz"),
        ("reg_prov", "xh"),
        ("reg_prov", "nb"),
        ("reg_hz", "hz"),
        ("reg_hz", "xh"),
        ("admin", "nb"),
        ("admin", "province"),
    ],
)
def test_organization_create_within_scope(
    request: pytest.FixtureRequest, regions: dict[str, Region], actor_key: str, region_key: str
) -> None:
    actor = request.getfixturevalue(actor_key)
    with audits(1, "organization.created"):
        org = create_org(actor, regions[region_key], contact_name=" 张三 ")
    assert org.region == regions[region_key]
    assert org.status == OrgStatus.ACTIVE
    assert org.version == 1
    entry = last_audit()
    assert entry.actor_id == actor.pk
    assert entry.organization_id == org.pk
    assert entry.object_type == "accounts.organization"
    assert entry.object_id == str(org.pk)
    assert entry.after is not None
    assert entry.after["credit_code"] == org.credit_code
    assert entry.after["region"] == regions[region_key].code


@pytest.mark.parametrize("region_key", ["nb", "province"])
def test_organization_create_outside_region_refused(
    reg_hz: User, regions: dict[str, Region], region_key: str
) -> None:
    before = Organization.objects.count()
    with fails(PermissionDenied, "outside_region"):
        create_org(reg_hz, regions[region_key])
    assert Organization.objects.count() == before


def test_organization_create_in_another_province_refused(reg_prov: User) -> None:
    from zhengcai.accounts.tests.factories import region

    js = region("320000", "江苏省")
    with fails(PermissionDenied, "outside_region"):
        create_org(reg_prov, js)


@pytest.mark.parametrize(
    "kind", [OrgKind.PURCHASER, OrgKind.SUPERVISION, OrgKind.SUPPLIER, OrgKind.CENTRAL_AGENCY]
)
def test_organization_create_by_non_regulator_refused(
    regions: dict[str, Region], kind: str
) -> None:
    actor = user(organization(kind, regions["hz"]), is_org_admin=True)
    before = Organization.objects.count()
    with fails(PermissionDenied, "outside_region"):
        create_org(actor, regions["hz"])
    assert Organization.objects.count() == before


def test_organization_create_by_expert_refused(regions: dict[str, Region]) -> None:
    expert = user(None, role=Role.EXPERT)
    with fails(PermissionDenied, "outside_region"):
        create_org(expert, regions["hz"])


@pytest.mark.parametrize(
    "code",
    ["91350100M000100Y44", "91350100M000100Y4", "91350100M000100YO3", "", "9135010OM000100Y43"],
)
def test_organization_create_bad_credit_code(
    reg_hz: User, regions: dict[str, Region], code: str
) -> None:
    before = Organization.objects.count()
    with fails(InvalidInput, "credit_code_invalid"):
        create_org(reg_hz, regions["hz"], credit_code=code)
    assert Organization.objects.count() == before


def test_organization_create_bad_credit_code_detail(
    reg_hz: User, regions: dict[str, Region]
) -> None:
    with pytest.raises(InvalidInput) as info:
        create_org(reg_hz, regions["hz"], credit_code="91350100M000100Y44")
    assert info.value.status == 422
    assert info.value.detail == {"field": "credit_code"}
    assert "校验位" in info.value.message


def test_organization_create_normalizes_credit_code(
    reg_hz: User, regions: dict[str, Region]
) -> None:
    org = create_org(reg_hz, regions["hz"], credit_code=" 91350100m000100y43 ")
    assert org.credit_code == "91350100M000100Y43"


def test_organization_create_duplicate_credit_code(
    reg_prov: User, regions: dict[str, Region]
) -> None:
    code = credit_code()
    create_org(reg_prov, regions["hz"], credit_code=code)
    before = Organization.objects.count()
    with fails(Conflict, "duplicate"):
        create_org(reg_prov, regions["nb"], name="另一个单位", credit_code=code.lower())
    assert Organization.objects.count() == before


@pytest.mark.parametrize(
    ("field", "value", "code"), [("name", "   ", "name_required"), ("kind", "bank", "kind_invalid")]
)
def test_organization_create_invalid_fields(
    reg_hz: User, regions: dict[str, Region], field: str, value: str, code: str
) -> None:
    before = Organization.objects.count()
    with fails(InvalidInput, code):
        create_org(reg_hz, regions["hz"], **{field: value})
    assert Organization.objects.count() == before


# --- organization_update ---------------------------------------------------------------------


@pytest.fixture
def org(regions: dict[str, Region]) -> Organization:
    return organization(OrgKind.PURCHASER, regions["hz"], name="杭州市第一人民医院")


def test_organization_update_with_current_version(reg_hz: User, org: Organization) -> None:
    with audits(1, "organization.updated"):
        updated = services.organization_update(
            actor=reg_hz,
            org=org,
            expected_version=1,
            changes={
                "name": " 杭州市第一人民医院（总院） ",
                "contact_phone": "0571-1234567",
                "is_sme": True,
            },
        )
    assert updated.version == 2
    org.refresh_from_db()
    assert org.name == "杭州市第一人民医院（总院）"
    assert org.contact_phone == "0571-1234567"
    assert org.is_sme is True
    entry = last_audit()
    assert entry.before is not None and entry.after is not None
    assert entry.before["name"] == "杭州市第一人民医院"
    assert entry.after["name"] == "杭州市第一人民医院（总院）"
    assert entry.before["version"] == 1 and entry.after["version"] == 2


def test_organization_update_without_version_is_allowed_in_service(
    reg_hz: User, org: Organization
) -> None:
    updated = services.organization_update(
        actor=reg_hz, org=org, expected_version=None, changes={"address": "杭州市上城区"}
    )
    assert updated.version == 2


def test_organization_update_stale_version(reg_hz: User, org: Organization) -> None:
    services.organization_update(
        actor=reg_hz, org=org, expected_version=1, changes={"contact_name": "李四"}
    )
    with audits(0), pytest.raises(PreconditionFailed) as info:
        services.organization_update(
            actor=reg_hz, org=org, expected_version=1, changes={"contact_name": "王五"}
        )
    assert info.value.status == 412
    assert info.value.detail == {"current_version": 2}
    org.refresh_from_db()
    assert org.contact_name == "李四"
    assert org.version == 2


@pytest.mark.parametrize("field", ["credit_code", "kind", "region", "status", "version"])
def test_organization_update_non_editable_field(
    reg_hz: User, org: Organization, field: str
) -> None:
    with fails(InvalidInput, "field_not_editable"):
        services.organization_update(
            actor=reg_hz, org=org, expected_version=1, changes={field: "x"}
        )
    org.refresh_from_db()
    assert org.version == 1


def test_organization_update_blank_name(reg_hz: User, org: Organization) -> None:
    with fails(InvalidInput, "name_required"):
        services.organization_update(
            actor=reg_hz, org=org, expected_version=1, changes={"name": "  "}
        )
    org.refresh_from_db()
    assert org.name == "杭州市第一人民医院"
    assert org.version == 1


# --- organization_transition -----------------------------------------------------------------

# (from, to) -> allowed. Written out, not derived from ORG_TRANSITIONS.
TRANSITIONS = {
    ("active", "suspended"): True,
    ("active", "cancelled"): True,
    ("active", "active"): False,
    ("suspended", "active"): True,
    ("suspended", "cancelled"): True,
    ("suspended", "suspended"): False,
    ("cancelled", "active"): False,
    ("cancelled", "suspended"): False,
    ("cancelled", "cancelled"): False,
}


@pytest.mark.parametrize(("frm", "to"), sorted(TRANSITIONS))
def test_organization_transition_table(reg_hz: User, org: Organization, frm: str, to: str) -> None:
    Organization.objects.filter(pk=org.pk).update(status=frm)
    if TRANSITIONS[(frm, to)]:
        with audits(1, "organization.status_changed"):
            done = services.organization_transition(
                actor=reg_hz, org=org, to_status=to, reason=" 年检未通过 "
            )
        assert done.status == to
        assert done.version == 2
        entry = last_audit()
        assert entry.before == {"status": frm}
        assert entry.after == {"status": to, "reason": "年检未通过"}
    else:
        with fails(Conflict, "bad_transition"):
            services.organization_transition(actor=reg_hz, org=org, to_status=to, reason="x")
        org.refresh_from_db()
        assert (org.status, org.version) == (frm, 1)


def test_organization_transition_bad_transition_detail(reg_hz: User, org: Organization) -> None:
    Organization.objects.filter(pk=org.pk).update(status=OrgStatus.CANCELLED)
    with pytest.raises(Conflict) as info:
        services.organization_transition(actor=reg_hz, org=org, to_status="active", reason="x")
    assert info.value.status == 409
    assert info.value.detail == {"from": "cancelled", "to": "active"}
    assert "注销" in info.value.message


def test_organization_transition_unknown_status(reg_hz: User, org: Organization) -> None:
    with fails(Conflict, "bad_transition"):
        services.organization_transition(actor=reg_hz, org=org, to_status="deleted", reason="x")


def test_organization_transition_needs_reason(reg_hz: User, org: Organization) -> None:
    with fails(InvalidInput, "reason_required"):
        services.organization_transition(actor=reg_hz, org=org, to_status="suspended", reason="  ")
    org.refresh_from_db()
    assert org.status == OrgStatus.ACTIVE


def test_organization_transition_uses_current_status_not_stale_object(
    reg_hz: User, org: Organization
) -> None:
    stale = Organization.objects.get(pk=org.pk)
    services.organization_transition(actor=reg_hz, org=org, to_status="cancelled", reason="x")
    with fails(Conflict, "bad_transition"):
        services.organization_transition(actor=reg_hz, org=stale, to_status="suspended", reason="x")


# --- user_create -------------------------------------------------------------------------------

# The one role a user of each kind of organization holds (besides expert, always allowed).
ROLE_OF_KIND = {
    OrgKind.FINANCE: Role.REGULATOR,
    OrgKind.PURCHASER: Role.PURCHASER,
    OrgKind.CENTRAL_AGENCY: Role.AGENCY,
    OrgKind.SOCIAL_AGENCY: Role.AGENCY,
    OrgKind.SUPPLIER: Role.SUPPLIER,
    OrgKind.SUPERVISION: Role.SUPERVISOR,
    OrgKind.PLATFORM: Role.ADMIN,
}


def make_user(org: Organization | None, role: str | None = None, **kw: Any) -> User:
    args: dict[str, Any] = {
        "actor": None,
        "username": "zhangsan",
        "password": PASSWORD,
        "display_name": "张三",
        "organization": org,
        "role": role,
    }
    args.update(kw)
    return services.user_create(**args)


@pytest.mark.parametrize("kind", list(ROLE_OF_KIND))
def test_user_create_role_follows_kind(regions: dict[str, Region], kind: str) -> None:
    org = organization(kind, regions["hz"])
    with audits(1, "user.created"):
        u = make_user(org)
    assert u.role == ROLE_OF_KIND[kind]
    assert u.is_staff == u.is_superuser == (kind == OrgKind.PLATFORM)
    entry = last_audit()
    assert entry.organization_id == org.pk
    assert entry.actor_id is None
    assert entry.after == {"username": "zhangsan", "role": u.role, "is_org_admin": False}


@pytest.mark.parametrize(
    ("kind", "role"),
    [(k, r) for k in ROLE_OF_KIND for r in Role.values if r not in (ROLE_OF_KIND[k], Role.EXPERT)],
)
def test_user_create_role_kind_mismatch(regions: dict[str, Region], kind: str, role: str) -> None:
    org = organization(kind, regions["hz"])
    with fails(InvalidInput, "role_kind_mismatch"):
        make_user(org, role=role)
    assert not User.objects.filter(username="zhangsan").exists()


def test_supplier_user_cannot_be_regulator(regions: dict[str, Region]) -> None:
    org = organization(OrgKind.SUPPLIER, regions["hz"])
    with pytest.raises(InvalidInput) as info:
        make_user(org, role=Role.REGULATOR)
    assert info.value.code == "role_kind_mismatch"
    assert "供应商" in info.value.message and "监管人员" in info.value.message


def test_expert_without_organization(regions: dict[str, Region]) -> None:
    with audits(1, "user.created"):
        u = make_user(None, role=Role.EXPERT)
    assert u.role == Role.EXPERT
    assert u.organization is None
    assert u.region is None


@pytest.mark.parametrize("kind", [OrgKind.SUPPLIER, OrgKind.PURCHASER])
def test_expert_with_employer(regions: dict[str, Region], kind: str) -> None:
    employer = organization(kind, regions["hz"])
    u = make_user(employer, role=Role.EXPERT)
    assert (u.role, u.organization_id) == (Role.EXPERT, employer.pk)


@pytest.mark.parametrize(
    ("role", "code"),
    [
        (None, "role_invalid"),
        ("boss", "role_invalid"),
        (Role.PURCHASER, "role_kind_mismatch"),
        (Role.SUPPLIER, "role_kind_mismatch"),
        (Role.REGULATOR, "role_kind_mismatch"),
        (Role.SUPERVISOR, "role_kind_mismatch"),
    ],
)
def test_user_create_without_organization_needs_individual_role(
    role: str | None, code: str
) -> None:
    with fails(InvalidInput, code):
        make_user(None, role=role)


def test_platform_admin_without_organization() -> None:
    with audits(1, "user.created"):
        u = make_user(None, role=Role.ADMIN)
    assert (u.role, u.organization_id, u.is_staff, u.is_superuser) == (Role.ADMIN, None, True, True)


@pytest.mark.parametrize(
    "password", ["12345678", "password", "Zc-1!", "abc123", "qwertyuiop", "00000000"]
)
def test_user_create_weak_password(regions: dict[str, Region], password: str) -> None:
    org = organization(OrgKind.PURCHASER, regions["hz"])
    with pytest.raises(InvalidInput) as info, audits(0):
        make_user(org, password=password)
    assert info.value.code == "password_weak"
    assert info.value.detail == {"field": "password"}
    assert info.value.message.startswith("密码不符合要求")
    assert not User.objects.filter(username="zhangsan").exists()


def test_user_create_duplicate_username(regions: dict[str, Region]) -> None:
    org = organization(OrgKind.PURCHASER, regions["hz"])
    make_user(org)
    with fails(Conflict, "duplicate"):
        make_user(org, username=" zhangsan ")


@pytest.mark.parametrize("username", ["", "   ", "x" * 151])
def test_user_create_bad_username(username: str) -> None:
    with fails(InvalidInput, "username_invalid"):
        make_user(None, role=Role.EXPERT, username=username)


def test_password_is_hashed_with_argon2(regions: dict[str, Region]) -> None:
    u = make_user(organization(OrgKind.PURCHASER, regions["hz"]))
    assert u.password.startswith("argon2")
    assert PASSWORD not in u.password
    assert u.check_password(PASSWORD)


# --- login: first factor, lockout --------------------------------------------------------------


@pytest.fixture
def person(regions: dict[str, Region]) -> User:
    return user(organization(OrgKind.PURCHASER, regions["hz"]), username="lisi")


def test_login_succeeds_and_resets_failures(clock: Any, person: User) -> None:
    User.objects.filter(pk=person.pk).update(failed_logins=3)
    with audits(1, "login.succeeded"):
        u = services.login_check_password(username="lisi", password=PASSWORD, ip="10.0.0.1")
    assert u.failed_logins == 0
    assert u.last_login == clock.now()
    assert last_audit().ip == "10.0.0.1"


def test_login_wrong_password_counts_a_failure(clock: Any, person: User) -> None:
    with audits(1, "login.failed"), pytest.raises(NotAuthenticated) as info:
        services.login_check_password(username="lisi", password="wrong-password")
    assert info.value.code == "login_failed"
    assert info.value.status == 401
    person.refresh_from_db()
    assert person.failed_logins == 1
    assert last_audit().after == {"failed_logins": 1, "reason": "password"}


@pytest.mark.parametrize("username", ["nobody", ""])
def test_login_unknown_user_same_answer_no_audit(clock: Any, username: str) -> None:
    with fails(NotAuthenticated, "login_failed"):
        services.login_check_password(username=username, password="x")


def test_login_locks_after_five_failures_and_unlocks_after_15_minutes(
    clock: Any, person: User
) -> None:
    for _ in range(4):
        with pytest.raises(NotAuthenticated):
            services.login_check_password(username="lisi", password="bad")
    with audits(1, "account.locked"), pytest.raises(PermissionDenied) as info:
        services.login_check_password(username="lisi", password="bad")
    assert info.value.code == "account_locked"
    person.refresh_from_db()
    assert person.locked_until == clock.now() + dt.timedelta(minutes=15)
    assert person.next_check == person.locked_until
    assert "09:15" in info.value.message
    # Even the right password is refused while locked, and is not counted.
    with fails(PermissionDenied, "account_locked"):
        services.login_check_password(username="lisi", password=PASSWORD)
    clock.advance(dt.timedelta(minutes=14, seconds=59))
    with fails(PermissionDenied, "account_locked"):
        services.login_check_password(username="lisi", password=PASSWORD)
    clock.advance(dt.timedelta(seconds=1))
    u = services.login_check_password(username="lisi", password=PASSWORD)
    assert (u.failed_logins, u.locked_until) == (0, None)


def test_lock_is_lifted_by_the_timed_task(clock: Any, person: User) -> None:
    User.objects.filter(pk=person.pk).update(
        failed_logins=5,
        locked_until=clock.now() + dt.timedelta(minutes=15),
        next_check=clock.now() + dt.timedelta(minutes=15),
    )
    assert timed.process_due() == 0
    clock.advance(dt.timedelta(minutes=15))
    with audits(1, "account.unlocked"):
        assert timed.process_due() == 1
    person.refresh_from_db()
    assert (person.failed_logins, person.locked_until, person.next_check) == (0, None, None)
    assert last_audit().after == {"by": "timeout"}


def test_account_unlock_by_admin(clock: Any, person: User, admin: User) -> None:
    User.objects.filter(pk=person.pk).update(
        failed_logins=5, locked_until=clock.now() + dt.timedelta(minutes=15)
    )
    with audits(1, "account.unlocked"):
        services.account_unlock(actor=admin, user=person)
    assert services.login_check_password(username="lisi", password=PASSWORD).pk == person.pk


def test_login_inactive_account(clock: Any, person: User) -> None:
    User.objects.filter(pk=person.pk).update(is_active=False)
    with fails(PermissionDenied, "account_inactive"):
        services.login_check_password(username="lisi", password=PASSWORD)


# --- second factor ------------------------------------------------------------------------------


def enable_otp(person: User, clock: Any) -> str:
    services.totp_begin(actor=person)
    person.refresh_from_db()
    services.totp_confirm(actor=person, otp=pyotp.TOTP(person.totp_secret).at(clock.now()))
    person.refresh_from_db()
    return person.totp_secret


def test_totp_begin_generates_inactive_secret(clock: Any, person: User) -> None:
    with audits(1, "otp.secret_generated"):
        uri = services.totp_begin(actor=person)
    person.refresh_from_db()
    assert uri.startswith("otpauth://totp/")
    assert "issuer=zhengcai" in uri
    assert person.totp_secret and person.totp_secret in uri
    assert person.totp_enabled is False
    # The secret is never written to the audit trail.
    assert person.totp_secret not in str(last_audit().after)


def test_totp_confirm_with_right_code(clock: Any, person: User) -> None:
    services.totp_begin(actor=person)
    person.refresh_from_db()
    with audits(1, "otp.enabled"):
        services.totp_confirm(actor=person, otp=pyotp.TOTP(person.totp_secret).at(clock.now()))
    person.refresh_from_db()
    assert person.totp_enabled is True


def test_totp_confirm_with_wrong_code(clock: Any, person: User) -> None:
    services.totp_begin(actor=person)
    person.refresh_from_db()
    wrong = pyotp.TOTP(person.totp_secret).at(clock.now() - dt.timedelta(minutes=5))
    with fails(InvalidInput, "otp_invalid"):
        services.totp_confirm(actor=person, otp=wrong)
    person.refresh_from_db()
    assert person.totp_enabled is False


def test_totp_confirm_before_begin(clock: Any, person: User) -> None:
    with fails(Conflict, "otp_not_started"):
        services.totp_confirm(actor=person, otp="123456")


def test_totp_begin_when_enabled(clock: Any, person: User) -> None:
    enable_otp(person, clock)
    with fails(Conflict, "otp_already_enabled"):
        services.totp_begin(actor=person)


def test_login_with_otp_enabled_requires_second_factor(clock: Any, person: User) -> None:
    secret = enable_otp(person, clock)
    with audits(0), pytest.raises(services.OtpRequired) as info:
        services.login_check_password(username="lisi", password=PASSWORD)
    assert info.value.code == "otp_required"
    assert info.value.status == 401
    assert info.value.detail == {"user": person.pk}
    assert secret not in str(info.value.as_dict())


def test_login_check_otp_right_code(clock: Any, person: User) -> None:
    secret = enable_otp(person, clock)
    with audits(1, "login.succeeded"):
        u = services.login_check_otp(user=person, otp=pyotp.TOTP(secret).at(clock.now()))
    assert u.last_login == clock.now()


@pytest.mark.parametrize(
    ("offset", "ok"), [(-60, False), (-30, True), (0, True), (30, True), (60, False)]
)
def test_login_check_otp_accepts_one_step_of_drift(
    clock: Any, person: User, offset: int, ok: bool
) -> None:
    secret = enable_otp(person, clock)
    # At 09:00:00 exactly, the code of 08:59:30-08:59:59 is one step back.
    code = pyotp.TOTP(secret).at(clock.now() + dt.timedelta(seconds=offset))
    if ok:
        assert services.login_check_otp(user=person, otp=f" {code} ").pk == person.pk
    else:
        with pytest.raises(NotAuthenticated):
            services.login_check_otp(user=person, otp=code)


def test_login_check_otp_wrong_code_counts_a_failure(clock: Any, person: User) -> None:
    secret = enable_otp(person, clock)
    good = pyotp.TOTP(secret).at(clock.now())
    wrong = "000000" if good != "000000" else "111111"
    with audits(1, "login.failed"), pytest.raises(NotAuthenticated) as info:
        services.login_check_otp(user=person, otp=wrong)
    assert info.value.code == "otp_invalid"
    person.refresh_from_db()
    assert person.failed_logins == 1
    assert last_audit().after == {"failed_logins": 1, "reason": "otp"}


def test_login_check_otp_when_not_enabled_fails(clock: Any, person: User) -> None:
    with pytest.raises(NotAuthenticated) as info:
        services.login_check_otp(user=person, otp="123456")
    assert info.value.code == "otp_invalid"


def test_login_full_with_and_without_otp(clock: Any, person: User) -> None:
    secret = enable_otp(person, clock)
    with pytest.raises(services.OtpRequired):
        services.login_full(username="lisi", password=PASSWORD, otp=None, ip=None)
    u = services.login_full(
        username="lisi", password=PASSWORD, otp=pyotp.TOTP(secret).at(clock.now()), ip=None
    )
    assert u.pk == person.pk


def test_totp_disable(clock: Any, person: User) -> None:
    secret = enable_otp(person, clock)
    with fails(InvalidInput, "otp_invalid"):
        services.totp_disable(actor=person, otp="000000" if secret else "")
    with audits(1, "otp.disabled"):
        services.totp_disable(actor=person, otp=pyotp.TOTP(secret).at(clock.now()))
    person.refresh_from_db()
    assert (person.totp_enabled, person.totp_secret) == (False, "")
    assert services.login_check_password(username="lisi", password=PASSWORD).pk == person.pk


# --- API tokens ----------------------------------------------------------------------------------


def test_api_token_create(clock: Any, person: User) -> None:
    with audits(1, "api_token.created"):
        token, raw = services.api_token_create(actor=person, name=" 财务系统对接 ")
    assert raw.startswith("zc_")
    assert token.name == "财务系统对接"
    assert token.prefix == raw[:10]
    assert token.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in str(ApiToken.objects.filter(pk=token.pk).values().first())
    assert token.expires_at == clock.now() + dt.timedelta(days=90)
    assert raw not in str(last_audit().after)
    assert user_from_token(raw) == person


def test_api_token_expires(clock: Any, person: User) -> None:
    _, raw = services.api_token_create(actor=person, name="短期", expires_days=1)
    clock.advance(dt.timedelta(hours=23, minutes=59))
    assert user_from_token(raw) == person
    clock.advance(dt.timedelta(minutes=1))
    assert user_from_token(raw) is None


def test_api_token_without_expiry(clock: Any, person: User) -> None:
    token, raw = services.api_token_create(actor=person, name="长期", expires_days=None)
    assert token.expires_at is None
    clock.advance(dt.timedelta(days=3650))
    assert user_from_token(raw) == person


@pytest.mark.parametrize(
    ("name", "days", "code"),
    [
        ("", 90, "token_name_invalid"),
        ("   ", 90, "token_name_invalid"),
        ("x" * 81, 90, "token_name_invalid"),
        ("ok", 0, "token_expiry_invalid"),
        ("ok", 367, "token_expiry_invalid"),
    ],
)
def test_api_token_create_invalid(
    clock: Any, person: User, name: str, days: int, code: str
) -> None:
    with fails(InvalidInput, code):
        services.api_token_create(actor=person, name=name, expires_days=days)
    assert not ApiToken.objects.filter(user=person).exists()


def test_api_token_revoke(clock: Any, person: User) -> None:
    token, raw = services.api_token_create(actor=person, name="对接")
    with audits(1, "api_token.revoked"):
        services.api_token_revoke(actor=person, token=token)
    token.refresh_from_db()
    assert token.revoked_at == clock.now()
    assert user_from_token(raw) is None
    with fails(Conflict, "token_already_revoked"):
        services.api_token_revoke(actor=person, token=token)


def test_api_token_of_inactive_user_is_refused(clock: Any, person: User) -> None:
    _, raw = services.api_token_create(actor=person, name="对接")
    User.objects.filter(pk=person.pk).update(is_active=False)
    assert user_from_token(raw) is None


@pytest.mark.parametrize("raw", ["", "zc_", "zc_nonexistent", "xx_abc", "zc_" + "a" * 200])
def test_unknown_tokens_are_refused(raw: str) -> None:
    assert user_from_token(raw) is None


def test_api_token_last_used_is_throttled(clock: Any, person: User) -> None:
    token, raw = services.api_token_create(actor=person, name="对接")
    user_from_token(raw)
    token.refresh_from_db()
    assert token.last_used_at == clock.now()
    clock.advance(dt.timedelta(seconds=30))
    user_from_token(raw)
    token.refresh_from_db()
    assert token.last_used_at == clock.now() - dt.timedelta(seconds=30)
    clock.advance(dt.timedelta(seconds=31))
    with audits(0):
        user_from_token(raw)
    token.refresh_from_db()
    assert token.last_used_at == clock.now()


# --- user_set_active -----------------------------------------------------------------------------


def test_user_set_active(person: User, admin: User) -> None:
    with audits(1, "user.deactivated"):
        services.user_set_active(actor=admin, user=person, active=False, reason="离职")
    with audits(0):
        services.user_set_active(actor=admin, user=person, active=False, reason="again")
    with audits(1, "user.activated"):
        services.user_set_active(actor=admin, user=person, active=True, reason="返聘")


def test_user_cannot_deactivate_self(admin: User) -> None:
    with fails(Conflict, "cannot_deactivate_self"):
        services.user_set_active(actor=admin, user=admin, active=False, reason="x")


# --- the chain stays valid through all of the above ----------------------------------------------


def test_audit_chain_verifies_after_writes(
    clock: Any, reg_hz: User, org: Organization, person: User
) -> None:
    services.organization_update(
        actor=reg_hz, org=org, expected_version=1, changes={"address": "杭州"}
    )
    services.organization_transition(actor=reg_hz, org=org, to_status="suspended", reason="x")
    with pytest.raises(NotAuthenticated):
        services.login_check_password(username="lisi", password="bad")
    report = verify_chain()
    assert report.ok, report.problem
    assert report.checked == AuditEntry.objects.count()
