"""THE access matrix (design §4 rule 6): every endpoint × role × own / other organization in the
same region subtree / organization outside the user's region.

The world (factories.build_world): 浙江省 with 杭州市 (and its 西湖区) and 宁波市, an organization
of every kind in 杭州 and 宁波, a finance department at province level, a platform operator, and
江苏省 with one purchaser (outside everyone's region but the admin's). Every user reaches the API
with a Bearer token, so unsafe methods need no CSRF token.

Expected outcomes are written out below, not derived from the code under test.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from zhengcai.accounts import access, services
from zhengcai.accounts.models import Organization, User
from zhengcai.accounts.tests.factories import PASSWORD, World, credit_code
from zhengcai.core.errors import NotFound, PermissionDenied
from zhengcai.core.models import AuditEntry

# actor -> the organization that is its own / another one in its region subtree / outside it.
# fmt: off
# actor -> the organization that is its own / another one in its region subtree / outside it.
TARGETS: dict[str, tuple[str | None, str, str]] = {
    "admin":      ("platform", "pur_hz", "pur_js"),
    "admin_solo": (None,       "pur_hz", "pur_js"),  # platform admin without an organization
    "reg_prov":   ("fin_prov", "pur_hz", "pur_js"),
    "reg_hz":     ("fin_hz",   "pur_xh", "pur_nb"),
    "reg_admin":  ("fin_hz",   "pur_xh", "pur_nb"),  # regulator, admin of the finance bureau
    "supv_hz":    ("supv_hz",  "pur_xh", "pur_nb"),
    "supv_admin": ("supv_hz",  "pur_xh", "pur_nb"),  # supervisor, admin of the supervision office
    "pur_admin":  ("pur_hz",   "pur_xh", "pur_nb"),
    "pur_user":   ("pur_hz",   "pur_xh", "pur_nb"),
    "agc_admin":  ("agc_hz",   "pur_hz", "agc_nb"),
    "agc_user":   ("agc_hz",   "pur_hz", "agc_nb"),
    "spl_admin":  ("spl_hz",   "pur_hz", "spl_nb"),
    "spl_user":   ("spl_hz",   "pur_hz", "spl_nb"),
    "expert":     (None,       "pur_hz", "pur_nb"),  # no organization at all
    "expert_emp": ("pur_hz",   "pur_xh", "pur_nb"),  # "own" = employer: not used for access
}
SCOPES = ("own", "other", "outside")

# GET /organizations/{id}, GET /organizations/{id}/users, access_organization(action="view").
# Admins see all; regulators and supervisors their region subtree; others their own unit.
VIEW: dict[str, tuple[int, int, int]] = {
    #              own  other outside
    "admin":      (200, 200, 200),
    "admin_solo": (200, 200, 200),
    "reg_prov":   (200, 200, 404),
    "reg_hz":     (200, 200, 404),
    "reg_admin":  (200, 200, 404),
    "supv_hz":    (200, 200, 404),
    "supv_admin": (200, 200, 404),
    "pur_admin":  (200, 404, 404),
    "pur_user":   (200, 404, 404),
    "agc_admin":  (200, 404, 404),
    "agc_user":   (200, 404, 404),
    "spl_admin":  (200, 404, 404),
    "spl_user":   (200, 404, 404),
    "expert":     (404, 404, 404),
    "expert_emp": (404, 404, 404),
}
# PATCH /organizations/{id}, access_organization(action="manage").
# Regulators manage their region; an organization's admin manages that organization.
MANAGE: dict[str, tuple[int, int, int]] = {
    #              own  other outside
    "admin":      (200, 200, 200),
    "admin_solo": (200, 200, 200),
    "reg_prov":   (200, 200, 404),
    "reg_hz":     (200, 200, 404),
    "reg_admin":  (200, 200, 404),
    "supv_hz":    (403, 403, 404),
    "supv_admin": (200, 403, 404),
    "pur_admin":  (200, 404, 404),
    "pur_user":   (403, 404, 404),
    "agc_admin":  (200, 404, 404),
    "agc_user":   (403, 404, 404),
    "spl_admin":  (200, 404, 404),
    "spl_user":   (403, 404, 404),
    "expert":     (404, 404, 404),
    "expert_emp": (404, 404, 404),
}
# POST /organizations/{id}/status: regulators and admins only (the role is checked first,
# so other roles get 403 whatever the organization).
ROLE_403 = (403, 403, 403)
STATUS: dict[str, tuple[int, int, int]] = {
    #              own  other outside
    "admin":      (200, 200, 200),
    "admin_solo": (200, 200, 200),
    "reg_prov":   (200, 200, 404),
    "reg_hz":     (200, 200, 404),
    "reg_admin":  (200, 200, 404),
    "supv_hz":    ROLE_403,
    "supv_admin": ROLE_403,
    "pur_admin":  ROLE_403,
    "pur_user":   ROLE_403,
    "agc_admin":  ROLE_403,
    "agc_user":   ROLE_403,
    "spl_admin":  ROLE_403,
    "spl_user":   ROLE_403,
    "expert":     ROLE_403,
    "expert_emp": ROLE_403,
}
# POST /organizations/{id}/users and POST /users/{id}/unlock: the organization's own admin
# (is_org_admin) or a platform admin. Regulators see the users of their region, manage none.
USERS_MANAGE: dict[str, tuple[int, int, int]] = {
    #              own  other outside
    "admin":      (200, 200, 200),
    "admin_solo": (200, 200, 200),
    "reg_prov":   (403, 403, 404),
    "reg_hz":     (403, 403, 404),
    "reg_admin":  (200, 403, 404),
    "supv_hz":    (403, 403, 404),
    "supv_admin": (200, 403, 404),
    "pur_admin":  (200, 404, 404),
    "pur_user":   (403, 404, 404),
    "agc_admin":  (200, 404, 404),
    "agc_user":   (403, 404, 404),
    "spl_admin":  (200, 404, 404),
    "spl_user":   (403, 404, 404),
    "expert":     (404, 404, 404),
    "expert_emp": (404, 404, 404),
}
# fmt: on

assert set(VIEW) == set(MANAGE) == set(STATUS) == set(USERS_MANAGE) == set(TARGETS)

ERROR_CODES = {401: "not_authenticated", 403: "permission_denied", 404: "not_found"}
CJK = re.compile(r"[\u4e00-\u9fff]")


def cases(table: dict[str, tuple[int, int, int]]) -> list[Any]:
    out = []
    for actor, expected in table.items():
        for scope, status in zip(SCOPES, expected, strict=True):
            if TARGETS[actor][SCOPES.index(scope)] is None:
                continue
            out.append(pytest.param(actor, scope, status, id=f"{actor}-{scope}-{status}"))
    return out


def target(w: World, actor: str, scope: str) -> Organization:
    key = TARGETS[actor][SCOPES.index(scope)]
    assert key is not None
    return w.orgs[key]


def api(w: World, actor: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {w.tokens[actor]}"})


def assert_error(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.content.decode()
    body = response.json()
    assert set(body) == {"code", "message", "detail"}
    assert body["code"] == (code or ERROR_CODES[status])
    assert CJK.search(body["message"]), body["message"]
    return body


def snapshot(org: Organization) -> tuple[Any, ...]:
    o = Organization.objects.get(pk=org.pk)
    return (o.name, o.status, o.version, o.contact_name, o.users.count())


def etag_of(w: World, org: Organization) -> str:
    r = api(w, "admin").get(f"/api/v1/organizations/{org.pk}")
    assert r.status_code == 200
    return r.headers["ETag"]


# --- access_organization (the function every edge goes through) ------------------------------


@pytest.mark.parametrize(("actor", "scope", "status"), cases(VIEW))
def test_access_organization_view(w: World, actor: str, scope: str, status: int) -> None:
    org = target(w, actor, scope)
    if status == 200:
        assert access.access_organization(user=w.users[actor], pk=org.pk) == org
    else:
        with pytest.raises(NotFound):
            access.access_organization(user=w.users[actor], pk=org.pk)


@pytest.mark.parametrize(("actor", "scope", "status"), cases(MANAGE))
def test_access_organization_manage(w: World, actor: str, scope: str, status: int) -> None:
    org = target(w, actor, scope)
    expected_exc = {403: PermissionDenied, 404: NotFound}
    if status == 200:
        assert access.access_organization(user=w.users[actor], pk=org.pk, action="manage") == org
        assert access.can_manage_organization(w.users[actor], org)
    else:
        with pytest.raises(expected_exc[status]):
            access.access_organization(user=w.users[actor], pk=org.pk, action="manage")


def test_access_organization_unknown_pk_is_404_for_admin(w: World) -> None:
    with pytest.raises(NotFound):
        access.access_organization(user=w.users["admin"], pk=10**9)


def test_access_organization_inactive_user_is_401(w: World) -> None:
    u = User.objects.get(pk=w.users["admin"].pk)
    u.is_active = False
    with pytest.raises(services.NotAuthenticated):
        access.access_organization(user=u, pk=w.orgs["pur_hz"].pk)


# --- GET /api/v1/organizations/{id} ------------------------------------------------------------


@pytest.mark.parametrize(("actor", "scope", "status"), cases(VIEW))
def test_api_organization_get(w: World, actor: str, scope: str, status: int) -> None:
    org = target(w, actor, scope)
    r = api(w, actor).get(f"/api/v1/organizations/{org.pk}")
    if status == 200:
        assert r.status_code == 200
        assert r.json()["id"] == org.pk
        assert r.json()["credit_code"] == org.credit_code
        assert r.headers["ETag"] == f'"org-{org.pk}-v1"'
    else:
        assert_error(r, status)
        assert "ETag" not in r.headers


# --- PATCH /api/v1/organizations/{id} -----------------------------------------------------------


@pytest.mark.parametrize(("actor", "scope", "status"), cases(MANAGE))
def test_api_organization_patch(w: World, actor: str, scope: str, status: int) -> None:
    org = target(w, actor, scope)
    etag = etag_of(w, org)
    before, audits = snapshot(org), AuditEntry.objects.count()
    r = api(w, actor).patch(
        f"/api/v1/organizations/{org.pk}",
        {"contact_name": "王五", "address": "新地址"},
        content_type="application/json",
        headers={"If-Match": etag},
    )
    if status == 200:
        assert r.status_code == 200, r.content
        assert r.json()["contact_name"] == "王五"
        assert r.json()["version"] == 2
        assert r.headers["ETag"] == f'"org-{org.pk}-v2"'
        assert Organization.objects.get(pk=org.pk).contact_name == "王五"
        assert AuditEntry.objects.count() == audits + 1
    else:
        assert_error(r, status)
        assert snapshot(org) == before
        assert AuditEntry.objects.count() == audits


# --- POST /api/v1/organizations/{id}/status ---------------------------------------------------


@pytest.mark.parametrize(("actor", "scope", "status"), cases(STATUS))
def test_api_organization_status(w: World, actor: str, scope: str, status: int) -> None:
    org = target(w, actor, scope)
    before, audits = snapshot(org), AuditEntry.objects.count()
    r = api(w, actor).post(
        f"/api/v1/organizations/{org.pk}/status",
        {"status": "suspended", "reason": "年检未通过"},
        content_type="application/json",
    )
    if status == 200:
        assert r.status_code == 200, r.content
        assert r.json()["status"] == "suspended"
        assert Organization.objects.get(pk=org.pk).status == "suspended"
        assert AuditEntry.objects.count() == audits + 1
    else:
        body = assert_error(r, status)
        if STATUS[actor] == ROLE_403:
            assert body["detail"] == {"required": ["regulator", "admin"]}
        assert snapshot(org) == before
        assert AuditEntry.objects.count() == audits


# --- GET /api/v1/organizations/{id}/users -------------------------------------------------------


@pytest.mark.parametrize(("actor", "scope", "status"), cases(VIEW))
def test_api_organization_users(w: World, actor: str, scope: str, status: int) -> None:
    org = target(w, actor, scope)
    r = api(w, actor).get(f"/api/v1/organizations/{org.pk}/users")
    if status == 200:
        assert r.status_code == 200
        rows = r.json()
        names = [u["username"] for u in rows]
        assert f"staff_{TARGETS[actor][SCOPES.index(scope)]}" in names
        assert names == sorted(names)
        assert {u["organization_id"] for u in rows} == {org.pk}
        assert set(names) == set(org.users.values_list("username", flat=True))
        assert all("password" not in u and "totp_secret" not in u for u in rows)
    else:
        assert_error(r, status)


# --- POST /api/v1/organizations/{id}/users --------------------------------------------------------


@pytest.mark.parametrize(("actor", "scope", "status"), cases(USERS_MANAGE))
def test_api_organization_user_create(w: World, actor: str, scope: str, status: int) -> None:
    org = target(w, actor, scope)
    before, audits = snapshot(org), AuditEntry.objects.count()
    username = f"new_{actor}_{scope}"
    r = api(w, actor).post(
        f"/api/v1/organizations/{org.pk}/users",
        {"username": username, "password": PASSWORD, "display_name": "新同事"},
        content_type="application/json",
    )
    if status == 200:
        assert r.status_code == 201, r.content
        created = User.objects.get(username=username)
        assert created.organization_id == org.pk
        assert r.json()["id"] == created.pk
        assert r.json()["is_org_admin"] is False
        assert AuditEntry.objects.count() == audits + 1
    else:
        assert_error(r, status)
        assert not User.objects.filter(username=username).exists()
        assert snapshot(org) == before
        assert AuditEntry.objects.count() == audits


# --- POST /api/v1/users/{id}/unlock ---------------------------------------------------------------


@pytest.mark.parametrize(("actor", "scope", "status"), cases(USERS_MANAGE))
def test_api_user_unlock(w: World, actor: str, scope: str, status: int) -> None:
    key = TARGETS[actor][SCOPES.index(scope)]
    assert key is not None
    locked = w.staff[key]
    audits = AuditEntry.objects.count()
    r = api(w, actor).post(f"/api/v1/users/{locked.pk}/unlock")
    after = User.objects.get(pk=locked.pk)
    if status == 200:
        assert r.status_code == 200, r.content
        assert r.json()["id"] == locked.pk
        assert (after.failed_logins, after.locked_until) == (0, None)
        assert AuditEntry.objects.count() == audits + 1
    else:
        assert_error(r, status)
        assert after.failed_logins == 5 and after.locked_until is not None
        assert AuditEntry.objects.count() == audits


# --- GET /api/v1/audit/entries --------------------------------------------------------------------

# Whose audit trail each actor reads: organizations (by key), or only the actor's own actions.
# fmt: off
REGION_HZ = {"fin_hz", "supv_hz", "pur_hz", "pur_xh", "agc_hz", "spl_hz"}
REGION_ZJ = REGION_HZ | {  # every organization of 浙江省 (not the one in 江苏省)
    "platform", "fin_prov", "fin_nb", "supv_nb", "pur_nb", "agc_nb", "spl_nb"}
EVERYWHERE = REGION_ZJ | {"pur_js"}
OWN_ACTIONS = None  # only the entries the user wrote themselves

# Whose audit trail each actor reads: these organizations' entries, or OWN_ACTIONS.
AUDIT_SCOPE: dict[str, set[str] | None] = {
    "reg_prov":   REGION_ZJ,
    "reg_hz":     REGION_HZ,
    "reg_admin":  REGION_HZ,
    "supv_hz":    REGION_HZ,
    "supv_admin": REGION_HZ,
    "pur_admin":  {"pur_hz"},
    "agc_admin":  {"agc_hz"},
    "spl_admin":  {"spl_hz"},
    "pur_user":   OWN_ACTIONS,
    "agc_user":   OWN_ACTIONS,
    "spl_user":   OWN_ACTIONS,
    "expert":     OWN_ACTIONS,
    "expert_emp": OWN_ACTIONS,
}
# Which organizations GET /api/v1/organizations lists.
LIST_SCOPE: dict[str, set[str]] = {
    "admin":      EVERYWHERE,
    "admin_solo": EVERYWHERE,
    "reg_prov":   REGION_ZJ,
    "reg_hz":     REGION_HZ,
    "reg_admin":  REGION_HZ,
    "supv_hz":    REGION_HZ,
    "supv_admin": REGION_HZ,
    "pur_admin":  {"pur_hz"},
    "pur_user":   {"pur_hz"},
    "agc_admin":  {"agc_hz"},
    "agc_user":   {"agc_hz"},
    "spl_admin":  {"spl_hz"},
    "spl_user":   {"spl_hz"},
    "expert":     set(),
    "expert_emp": set(),
}
# fmt: on
assert set(LIST_SCOPE) == set(TARGETS) == set(AUDIT_SCOPE) | {"admin", "admin_solo"}


def audit_page(w: World, actor: str, **params: Any) -> dict[str, Any]:
    r = api(w, actor).get("/api/v1/audit/entries", {"limit": 200, **params})
    assert r.status_code == 200, r.content
    return r.json()


@pytest.mark.parametrize("actor", ["admin", "admin_solo"])
def test_audit_entries_admin_sees_everything(w: World, actor: str) -> None:
    page = audit_page(w, actor)
    assert page["count"] == AuditEntry.objects.count()
    seqs = [e["seq"] for e in page["items"]]
    assert seqs == sorted(seqs, reverse=True)


@pytest.mark.parametrize("actor", sorted(AUDIT_SCOPE))
def test_audit_entries_scope(w: World, actor: str) -> None:
    page = audit_page(w, actor)
    scope = AUDIT_SCOPE[actor]
    seqs = {e["seq"] for e in page["items"]}
    assert page["count"] == len(seqs)
    if scope is None:
        expected = set(
            AuditEntry.objects.filter(actor=w.users[actor]).values_list("seq", flat=True)
        )
        assert len(expected) == 1  # the user's own api_token.created
    else:
        ids = [w.orgs[k].pk for k in scope]
        expected = set(
            AuditEntry.objects.filter(organization_id__in=ids).values_list("seq", flat=True)
        )
        assert {e["organization_id"] for e in page["items"]} == set(ids)
    assert seqs == expected


def test_audit_entries_regulator_sees_new_entry_in_region_only(w: World) -> None:
    api(w, "admin").post(
        f"/api/v1/organizations/{w.orgs['pur_nb'].pk}/status",
        {"status": "suspended", "reason": "x"},
        content_type="application/json",
    )
    params = {"action": "organization.status_changed"}
    assert audit_page(w, "reg_prov", **params)["count"] == 1
    assert audit_page(w, "supv_hz", **params)["count"] == 0
    assert audit_page(w, "reg_hz", **params)["count"] == 0
    assert audit_page(w, "pur_admin", **params)["count"] == 0


def test_audit_entries_filters(w: World) -> None:
    org = w.orgs["pur_hz"]
    page = audit_page(w, "pur_admin", object_type="accounts.user", action="user.created")
    assert page["count"] == org.users.count()
    assert all(e["action"] == "user.created" for e in page["items"])


# --- named cases from the brief (readable duplicates of matrix rows) -----------------------------


def test_province_regulator_manages_hangzhou_org(w: World) -> None:
    org = w.orgs["pur_hz"]
    r = api(w, "reg_prov").patch(
        f"/api/v1/organizations/{org.pk}",
        {"name": "杭州市第一医院"},
        content_type="application/json",
        headers={"If-Match": etag_of(w, org)},
    )
    assert r.status_code == 200
    assert Organization.objects.get(pk=org.pk).name == "杭州市第一医院"


def test_hangzhou_regulator_cannot_see_ningbo_org(w: World) -> None:
    r = api(w, "reg_hz").get(f"/api/v1/organizations/{w.orgs['pur_nb'].pk}")
    body = assert_error(r, 404)
    assert body["detail"] is None


def test_denials_do_not_reveal_existence(w: World) -> None:
    """An organization outside one's scope and one that does not exist answer the same."""
    c = api(w, "pur_user")
    hidden = c.get(f"/api/v1/organizations/{w.orgs['pur_nb'].pk}")
    missing = c.get("/api/v1/organizations/999999999")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()


# --- the organization list is scoped the same way ---------------------------------------------


@pytest.mark.parametrize("actor", sorted(LIST_SCOPE))
def test_api_organization_list_scope(w: World, actor: str) -> None:
    r = api(w, actor).get("/api/v1/organizations", {"limit": 200})
    assert r.status_code == 200
    ids = {o["id"] for o in r.json()["items"]}
    assert ids == {w.orgs[k].pk for k in LIST_SCOPE[actor]}
    assert r.json()["count"] == len(ids)


def test_api_organization_list_filters(w: World) -> None:
    c = api(w, "reg_prov")
    r = c.get("/api/v1/organizations", {"kind": "purchaser", "region": "330100"})
    assert {o["id"] for o in r.json()["items"]} == {w.orgs["pur_hz"].pk, w.orgs["pur_xh"].pk}
    r = c.get("/api/v1/organizations", {"q": "宁波"})
    assert {o["name"] for o in r.json()["items"]} == {
        w.orgs[k].name for k in ("fin_nb", "supv_nb", "pur_nb", "agc_nb", "spl_nb")
    }
    r = c.get("/api/v1/organizations", {"region": "999999"})
    assert r.json() == {"count": 0, "items": []}
    r = c.get("/api/v1/organizations", {"limit": 2, "offset": 1})
    assert len(r.json()["items"]) == 2
    assert r.json()["count"] == len(REGION_ZJ)


# --- POST /api/v1/organizations (create) --------------------------------------------------------


def org_payload(region_code: str, **kw: Any) -> dict[str, Any]:
    return {
        "name": "杭州市新单位",
        "kind": "purchaser",
        "credit_code": credit_code(),
        "region_code": region_code,
        **kw,
    }


@pytest.mark.parametrize(
    ("actor", "region_code", "status", "code"),
    [
        ("admin", "320000", 201, None),
        ("reg_prov", "330106", 201, None),
        ("reg_hz", "330106", 201, None),
        ("reg_hz", "330200", 403, "outside_region"),
        ("reg_hz", "330000", 403, "outside_region"),
        ("reg_prov", "320000", 403, "outside_region"),
        ("supv_hz", "330100", 403, "permission_denied"),
        ("pur_admin", "330100", 403, "permission_denied"),
        ("spl_admin", "330100", 403, "permission_denied"),
        ("expert", "330100", 403, "permission_denied"),
    ],
)
def test_api_organization_create(
    w: World, actor: str, region_code: str, status: int, code: str | None
) -> None:
    before = Organization.objects.count()
    r = api(w, actor).post(
        "/api/v1/organizations", org_payload(region_code), content_type="application/json"
    )
    if status == 201:
        assert r.status_code == 201, r.content
        assert r.json()["region_code"] == region_code
        assert r.headers["ETag"] == f'"org-{r.json()["id"]}-v1"'
        assert Organization.objects.count() == before + 1
    else:
        assert_error(r, status, code)
        assert Organization.objects.count() == before


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({"credit_code": "91350100M000100Y44"}, 422, "credit_code_invalid"),
        ({"credit_code": "91350100M000100Y4"}, 422, "validation_error"),
        ({"region_code": "000000"}, 422, "region_unknown"),
        ({"kind": "bank"}, 422, "validation_error"),
        ({"status": "active"}, 422, "unknown_field"),
    ],
)
def test_api_organization_create_invalid(
    w: World, change: dict[str, Any], status: int, code: str
) -> None:
    r = api(w, "reg_prov").post(
        "/api/v1/organizations",
        {**org_payload("330100"), **change},
        content_type="application/json",
    )
    assert_error(r, status, code)


def test_api_organization_create_duplicate(w: World) -> None:
    payload = org_payload("330100", credit_code=w.orgs["pur_nb"].credit_code)
    r = api(w, "reg_prov").post("/api/v1/organizations", payload, content_type="application/json")
    body = assert_error(r, 409, "duplicate")
    assert body["detail"] == {"field": "credit_code"}


# --- If-Match / ETag ---------------------------------------------------------------------------


def patch(w: World, actor: str, org: Organization, data: Any, **headers: str) -> Any:
    return api(w, actor).patch(
        f"/api/v1/organizations/{org.pk}", data, content_type="application/json", headers=headers
    )


def test_patch_without_if_match_is_428(w: World) -> None:
    org = w.orgs["pur_hz"]
    before = snapshot(org)
    body = assert_error(patch(w, "reg_hz", org, {"name": "x"}), 428, "precondition_required")
    assert "If-Match" in body["message"]
    assert snapshot(org) == before


def test_patch_with_stale_etag_is_412_and_changes_nothing(w: World) -> None:
    org = w.orgs["pur_hz"]
    etag = etag_of(w, org)
    first = patch(w, "reg_hz", org, {"contact_name": "甲"}, **{"If-Match": etag})
    assert first.status_code == 200
    before, audits = snapshot(org), AuditEntry.objects.count()
    second = patch(w, "reg_prov", org, {"contact_name": "乙"}, **{"If-Match": etag})
    body = assert_error(second, 412, "precondition_failed")
    assert body["detail"] == {"current_version": 2}
    assert snapshot(org) == before
    assert Organization.objects.get(pk=org.pk).contact_name == "甲"
    assert AuditEntry.objects.count() == audits
    # With the new ETag it goes through.
    third = patch(w, "reg_prov", org, {"contact_name": "乙"}, **{"If-Match": first.headers["ETag"]})
    assert third.status_code == 200
    assert third.json()["version"] == 3


def test_patch_accepts_weak_etag(w: World) -> None:
    org = w.orgs["pur_hz"]
    r = patch(w, "pur_admin", org, {"is_sme": True}, **{"If-Match": "W/" + etag_of(w, org)})
    assert r.status_code == 200
    assert r.json()["is_sme"] is True


@pytest.mark.parametrize("header", ["*", "org-1-v1", '"org-x-v1"', "garbage"])
def test_patch_with_malformed_if_match(w: World, header: str) -> None:
    org = w.orgs["pur_hz"]
    before = snapshot(org)
    assert_error(
        patch(w, "reg_hz", org, {"name": "x"}, **{"If-Match": header}), 422, "if_match_invalid"
    )
    assert snapshot(org) == before


def test_patch_with_etag_of_another_organization(w: World) -> None:
    org = w.orgs["pur_hz"]
    other_etag = etag_of(w, w.orgs["pur_xh"])
    assert_error(
        patch(w, "reg_hz", org, {"name": "x"}, **{"If-Match": other_etag}), 422, "if_match_invalid"
    )


@pytest.mark.parametrize(
    ("data", "code"),
    [
        ({"credit_code": "91350100M000100Y43"}, "unknown_field"),
        ({"status": "cancelled"}, "unknown_field"),
        ({"name": None}, "null_not_allowed"),
        ({"name": ""}, "validation_error"),
        ({"name": "   "}, "name_required"),
    ],
)
def test_patch_invalid_body(w: World, data: dict[str, Any], code: str) -> None:
    org = w.orgs["pur_hz"]
    before = snapshot(org)
    assert_error(patch(w, "reg_hz", org, data, **{"If-Match": etag_of(w, org)}), 422, code)
    assert snapshot(org) == before


def test_status_bad_transition_via_api(w: World) -> None:
    org = w.orgs["pur_hz"]
    c = api(w, "reg_hz")
    url = f"/api/v1/organizations/{org.pk}/status"
    assert (
        c.post(
            url, {"status": "cancelled", "reason": "注销"}, content_type="application/json"
        ).status_code
        == 200
    )
    r = c.post(url, {"status": "active", "reason": "恢复"}, content_type="application/json")
    body = assert_error(r, 409, "bad_transition")
    assert body["detail"] == {"from": "cancelled", "to": "active"}


def test_status_change_bumps_version_so_old_etag_is_stale(w: World) -> None:
    org = w.orgs["pur_hz"]
    etag = etag_of(w, org)
    api(w, "reg_hz").post(
        f"/api/v1/organizations/{org.pk}/status",
        {"status": "suspended", "reason": "x"},
        content_type="application/json",
    )
    assert_error(
        patch(w, "reg_hz", org, {"name": "x"}, **{"If-Match": etag}), 412, "precondition_failed"
    )


# --- authentication ---------------------------------------------------------------------------

ENDPOINTS = [
    ("get", "/api/v1/organizations/{org}"),
    ("patch", "/api/v1/organizations/{org}"),
    ("post", "/api/v1/organizations/{org}/status"),
    ("get", "/api/v1/organizations/{org}/users"),
    ("post", "/api/v1/organizations/{org}/users"),
    ("post", "/api/v1/users/{user}/unlock"),
    ("get", "/api/v1/audit/entries"),
    ("get", "/api/v1/organizations"),
    ("get", "/api/v1/me"),
    ("get", "/api/v1/auth/tokens"),
]


def url_of(w: World, template: str) -> str:
    return template.format(org=w.orgs["pur_hz"].pk, user=w.staff["pur_hz"].pk)


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
@pytest.mark.parametrize(
    "authorization", [None, "Bearer zc_wrong", "Basic YWRtaW46YWRtaW4=", "Bearer "]
)
def test_unauthenticated_is_401(
    w: World, method: str, path: str, authorization: str | None
) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    r = getattr(Client(headers=headers), method)(
        url_of(w, path), {}, content_type="application/json"
    )
    assert_error(r, 401)


def test_revoked_token_is_401(w: World) -> None:
    c = api(w, "pur_user")
    assert c.get("/api/v1/me").status_code == 200
    token = w.users["pur_user"].api_tokens.get()
    assert c.delete(f"/api/v1/auth/tokens/{token.pk}").status_code == 200
    assert_error(c.get("/api/v1/me"), 401)


def test_cannot_revoke_someone_elses_token(w: World) -> None:
    token = w.users["pur_user"].api_tokens.get()
    assert_error(api(w, "pur_admin").delete(f"/api/v1/auth/tokens/{token.pk}"), 404)
    assert_error(api(w, "admin").delete(f"/api/v1/auth/tokens/{token.pk}"), 404)


def test_me(w: World) -> None:
    r = api(w, "reg_hz").get("/api/v1/me")
    assert r.status_code == 200
    assert r.json()["username"] == "reg_hz"
    assert r.json()["role"] == "regulator"
    assert r.json()["role_label"] == "监管人员"


def test_token_list_shows_own_tokens_without_secret(w: World) -> None:
    r = api(w, "spl_user").get("/api/v1/auth/tokens")
    assert r.status_code == 200
    rows = r.json()
    assert len(rows) == 1
    assert "token" not in rows[0] and "key_hash" not in rows[0]
    assert w.tokens["spl_user"].startswith(rows[0]["prefix"])


def test_token_create_with_password(w: World) -> None:
    r = Client().post(
        "/api/v1/auth/tokens",
        {"username": "pur_user", "password": PASSWORD, "name": "ERP"},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    raw = r.json()["token"]
    me = Client(headers={"Authorization": f"Bearer {raw}"}).get("/api/v1/me")
    assert me.json()["username"] == "pur_user"


@pytest.mark.parametrize(("username", "password"), [("pur_user", "wrong"), ("nobody", PASSWORD)])
def test_token_create_wrong_credentials(w: World, username: str, password: str) -> None:
    r = Client().post(
        "/api/v1/auth/tokens",
        {"username": username, "password": password},
        content_type="application/json",
    )
    assert_error(r, 401, "login_failed")


def test_token_create_needs_otp_when_enabled(w: World, clock: Any) -> None:
    import pyotp

    u = w.users["pur_user"]
    services.totp_begin(actor=u)
    u = User.objects.get(pk=u.pk)
    services.totp_confirm(actor=u, otp=pyotp.TOTP(u.totp_secret).at(clock.now()))
    c = Client()
    body = {"username": "pur_user", "password": PASSWORD}
    r = c.post("/api/v1/auth/tokens", body, content_type="application/json")
    err = assert_error(r, 401, "otp_required")
    assert u.totp_secret not in str(err)
    r = c.post("/api/v1/auth/tokens", {**body, "otp": "000000"}, content_type="application/json")
    if pyotp.TOTP(u.totp_secret).verify("000000", for_time=clock.now(), valid_window=1):
        pytest.skip("000000 happens to be valid")
    assert_error(r, 401, "otp_invalid")
    r = c.post(
        "/api/v1/auth/tokens",
        {**body, "otp": pyotp.TOTP(u.totp_secret).at(clock.now())},
        content_type="application/json",
    )
    assert r.status_code == 201


# --- session authentication (browser) -----------------------------------------------------------


def test_session_auth_reads(w: World) -> None:
    c = Client()
    c.force_login(w.users["reg_hz"])
    assert c.get(f"/api/v1/organizations/{w.orgs['pur_xh'].pk}").status_code == 200
    assert_error(c.get(f"/api/v1/organizations/{w.orgs['pur_nb'].pk}"), 404)


def test_session_auth_unsafe_method_needs_csrf(w: World) -> None:
    org = w.orgs["pur_xh"]
    etag = etag_of(w, org)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(w.users["reg_hz"])
    r = strict.patch(
        f"/api/v1/organizations/{org.pk}",
        {"name": "x"},
        content_type="application/json",
        headers={"If-Match": etag},
    )
    body = assert_error(r, 403)
    assert "CSRF" in str(body["detail"])
    assert snapshot(org)[0] == org.name
    # With the CSRF cookie and header, the session may write.
    strict.get("/accounts/login/")
    csrf = strict.cookies["csrftoken"].value
    r = strict.patch(
        f"/api/v1/organizations/{org.pk}",
        {"name": "西湖区教育局（新）"},
        content_type="application/json",
        headers={"If-Match": etag, "X-CSRFToken": csrf},
    )
    assert r.status_code == 200, r.content


def test_bearer_token_needs_no_csrf(w: World) -> None:
    org = w.orgs["pur_xh"]
    c = Client(enforce_csrf_checks=True, headers={"Authorization": f"Bearer {w.tokens['reg_hz']}"})
    r = c.patch(
        f"/api/v1/organizations/{org.pk}",
        {"name": "x1"},
        content_type="application/json",
        headers={"If-Match": etag_of(w, org)},
    )
    assert r.status_code == 200


# --- Idempotency-Key on a POST of this app ---------------------------------------------------


def test_user_create_is_idempotent_with_key(w: World) -> None:
    c = api(w, "pur_admin")
    url = f"/api/v1/organizations/{w.orgs['pur_hz'].pk}/users"
    payload = {"username": "idem", "password": PASSWORD, "display_name": "幂等"}
    first = c.post(
        url, payload, content_type="application/json", headers={"Idempotency-Key": "k-1"}
    )
    again = c.post(
        url, payload, content_type="application/json", headers={"Idempotency-Key": "k-1"}
    )
    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert first.json() == again.json()
    assert User.objects.filter(username="idem").count() == 1
    other = c.post(
        url,
        {**payload, "username": "idem2"},
        content_type="application/json",
        headers={"Idempotency-Key": "k-1"},
    )
    assert_error(other, 422, "idempotency_key_reused")
