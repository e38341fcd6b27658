"""Web pages of accounts (and the public portal) through django.test.Client."""

from __future__ import annotations

import re
from typing import Any

import pyotp
import pytest
from django.test import Client

from zhengcai.accounts import services
from zhengcai.accounts.auth import hash_token
from zhengcai.accounts.models import ApiToken, User
from zhengcai.accounts.tests.factories import PASSWORD, World
from zhengcai.core.audit import chain_head

CJK = re.compile(r"[\u4e00-\u9fff]")


def logged_in(w: World, key: str) -> Client:
    c = Client()
    c.force_login(w.users[key])
    return c


def template_names(response: Any) -> list[str]:
    return [t.name for t in response.templates if t.name]


# --- public portal -----------------------------------------------------------------------------


def test_home_is_public_chinese_and_shows_chain_head(w: World) -> None:
    head = chain_head()
    assert head.seq > 0
    r = Client().get("/")
    assert r.status_code == 200
    html = r.content.decode()
    assert "审计链" in html
    assert head.hash in html
    assert f"<strong>{head.seq}</strong>" in html


@pytest.mark.parametrize(
    "query", ["", "?y=2026&m=10", "?start=2026-09-28&days=5&unit=workday", "?y=3000&m=13"]
)
def test_calendar_page(db: None, clock: Any, query: str) -> None:
    r = Client().get("/calendar/" + query)
    assert r.status_code == 200
    assert CJK.search(r.content.decode())


def test_calendar_page_bad_input_is_400(db: None, clock: Any) -> None:
    r = Client().get("/calendar/?start=not-a-date&days=5")
    assert r.status_code == 400


# --- login --------------------------------------------------------------------------------------


def test_login_page(db: None) -> None:
    r = Client().get("/accounts/login/")
    assert r.status_code == 200
    assert "用户名" in r.content.decode() and "密码" in r.content.decode()


def test_login_wrong_password(w: World, clock: Any) -> None:
    c = Client()
    r = c.post("/accounts/login/", {"username": "pur_user", "password": "wrong-password"})
    assert r.status_code == 401
    assert "用户名或密码错误" in r.content.decode()
    assert "_auth_user_id" not in c.session
    assert User.objects.get(username="pur_user").failed_logins == 1


def test_login_unknown_user_same_message(w: World) -> None:
    c = Client()
    r = c.post("/accounts/login/", {"username": "nobody", "password": "wrong-password"})
    assert r.status_code == 401
    assert "用户名或密码错误" in r.content.decode()


def test_login_empty_form_is_400(w: World) -> None:
    r = Client().post("/accounts/login/", {"username": "", "password": ""})
    assert r.status_code == 400


def test_login_success_redirects_to_workbench(w: World, clock: Any) -> None:
    c = Client()
    r = c.post("/accounts/login/", {"username": "pur_user", "password": PASSWORD})
    assert r.status_code == 302
    assert r["Location"] == "/accounts/workbench/"
    assert c.session["_auth_user_id"] == str(w.users["pur_user"].pk)
    assert c.get("/accounts/workbench/").status_code == 200


@pytest.mark.parametrize(
    ("nxt", "location"),
    [
        ("/accounts/audit/", "/accounts/audit/"),
        ("https://evil.example.com/", "/accounts/workbench/"),
        ("//evil.example.com/", "/accounts/workbench/"),
    ],
)
def test_login_next_only_to_own_site(w: World, clock: Any, nxt: str, location: str) -> None:
    r = Client().post(
        "/accounts/login/", {"username": "pur_user", "password": PASSWORD, "next": nxt}
    )
    assert r.status_code == 302
    assert r["Location"] == location


def test_login_locked_account(w: World, clock: Any) -> None:
    c = Client()
    for _ in range(5):
        r = c.post("/accounts/login/", {"username": "pur_user", "password": "bad-password"})
    assert r.status_code == 403
    assert "锁定" in r.content.decode()
    r = c.post("/accounts/login/", {"username": "pur_user", "password": PASSWORD})
    assert r.status_code == 403
    assert "_auth_user_id" not in c.session


def test_login_with_second_factor(w: World, clock: Any) -> None:
    u = w.users["spl_user"]
    services.totp_begin(actor=u)
    secret = User.objects.get(pk=u.pk).totp_secret
    services.totp_confirm(actor=u, otp=pyotp.TOTP(secret).at(clock.now()))
    c = Client()
    r = c.post("/accounts/login/", {"username": "spl_user", "password": PASSWORD})
    assert r.status_code == 302
    assert r["Location"] == "/accounts/login/otp/"
    assert "_auth_user_id" not in c.session
    assert c.get("/accounts/login/otp/").status_code == 200
    r = c.post("/accounts/login/otp/", {"otp": "12345"})
    assert r.status_code == 400
    assert "_auth_user_id" not in c.session
    r = c.post("/accounts/login/otp/", {"otp": pyotp.TOTP(secret).at(clock.now())})
    assert r.status_code == 302
    assert r["Location"] == "/accounts/workbench/"
    assert c.session["_auth_user_id"] == str(u.pk)


def test_login_otp_page_without_pending_login_redirects(db: None) -> None:
    r = Client().get("/accounts/login/otp/")
    assert r.status_code == 302
    assert r["Location"] == "/accounts/login/"


def test_logout(w: World) -> None:
    c = logged_in(w, "pur_user")
    assert c.get("/accounts/logout/").status_code == 405
    r = c.post("/accounts/logout/")
    assert r.status_code == 302
    assert r["Location"] == "/"
    assert "_auth_user_id" not in c.session


# --- workbench ---------------------------------------------------------------------------------

ROLE_USERS = {
    "admin": "admin",
    "regulator": "reg_hz",
    "supervisor": "supv_hz",
    "purchaser": "pur_user",
    "agency": "agc_user",
    "supplier": "spl_user",
    "expert": "expert",
}


@pytest.mark.parametrize(("role", "key"), sorted(ROLE_USERS.items()))
def test_workbench_for_each_role(w: World, clock: Any, role: str, key: str) -> None:
    assert w.users[key].role == role
    r = logged_in(w, key).get("/accounts/workbench/")
    assert r.status_code == 200
    assert f"accounts/workbench/{role}.html" in template_names(r)
    assert "工作台" in r.content.decode()


def test_workbench_for_admin_without_organization(w: World, clock: Any) -> None:
    r = logged_in(w, "admin_solo").get("/accounts/workbench/")
    assert r.status_code == 200
    assert "accounts/workbench/admin.html" in template_names(r)


def test_workbench_for_employed_expert(w: World, clock: Any) -> None:
    r = logged_in(w, "expert_emp").get("/accounts/workbench/")
    assert r.status_code == 200
    assert "accounts/workbench/expert.html" in template_names(r)
    # The employer's staff are not the expert's colleagues.
    assert [u.pk for u in r.context["colleagues"]] == [w.users["expert_emp"].pk]


@pytest.mark.parametrize(
    "path",
    ["/accounts/workbench/", "/accounts/organizations/", "/accounts/audit/", "/accounts/security/"],
)
def test_pages_need_login(db: None, path: str) -> None:
    r = Client().get(path)
    assert r.status_code == 302
    assert r["Location"].startswith("/accounts/login/?next=")


# --- organizations ------------------------------------------------------------------------------

ORG_PAGE = {
    "admin": ({"pur_hz", "pur_nb", "pur_js"}, set()),
    "reg_hz": ({"pur_hz", "pur_xh", "fin_hz"}, {"pur_nb", "fin_nb", "pur_js", "fin_prov"}),
    "reg_prov": ({"pur_hz", "pur_nb", "fin_prov"}, {"pur_js"}),
    "supv_hz": ({"pur_hz", "pur_xh"}, {"pur_nb"}),
    "pur_user": ({"pur_hz"}, {"pur_xh", "pur_nb", "fin_hz"}),
    "spl_admin": ({"spl_hz"}, {"pur_hz", "spl_nb"}),
    "expert": (set(), {"pur_hz", "pur_nb"}),
    "expert_emp": (set(), {"pur_hz"}),
}


@pytest.mark.parametrize("key", sorted(ORG_PAGE))
def test_organization_list_is_scoped(w: World, key: str) -> None:
    r = logged_in(w, key).get("/accounts/organizations/", {"page": 1})
    assert r.status_code == 200
    html = r.content.decode()
    shown, hidden = ORG_PAGE[key]
    for org_key in shown:
        assert w.orgs[org_key].name in html, org_key
    for org_key in hidden:
        assert w.orgs[org_key].name not in html, org_key


def test_organization_list_filter_and_htmx_partial(w: World) -> None:
    c = logged_in(w, "reg_prov")
    r = c.get(
        "/accounts/organizations/",
        {"q": "宁波", "kind": "purchaser"},
        headers={"HX-Request": "true"},
    )
    assert r.status_code == 200
    assert template_names(r)[0] == "accounts/_org_rows.html"
    html = r.content.decode()
    assert w.orgs["pur_nb"].name in html
    assert w.orgs["spl_nb"].name not in html
    assert w.orgs["pur_hz"].name not in html


@pytest.mark.parametrize(
    ("key", "org_key", "status"),
    [
        ("reg_hz", "pur_xh", 200),
        ("reg_hz", "pur_nb", 404),
        ("pur_user", "pur_hz", 200),
        ("pur_user", "pur_xh", 404),
        ("expert", "pur_hz", 404),
        ("admin", "pur_js", 200),
    ],
)
def test_organization_detail_is_scoped(w: World, key: str, org_key: str, status: int) -> None:
    org = w.orgs[org_key]
    r = logged_in(w, key).get(f"/accounts/organizations/{org.pk}/")
    assert r.status_code == status
    html = r.content.decode()
    if status == 200:
        assert org.credit_code in html
        assert f"staff_{org_key}" in html
    else:
        assert org.name not in html
        assert "not_found" in html


# --- audit trail --------------------------------------------------------------------------------


def test_audit_page_for_supervisor(w: World) -> None:
    c = logged_in(w, "supv_hz")
    r = c.get("/accounts/audit/")
    assert r.status_code == 200
    assert r.context["can_verify"] is True
    seqs = [e.seq for e in r.context["page"].object_list]
    assert seqs and seqs == sorted(seqs, reverse=True)
    org_ids = {e.organization_id for e in r.context["page"].object_list}
    assert w.orgs["pur_nb"].pk not in org_ids
    assert w.orgs["pur_xh"].pk in org_ids or r.context["page"].has_next()


def test_audit_page_filter_and_partial(w: World) -> None:
    r = logged_in(w, "admin").get(
        "/accounts/audit/", {"action": "api_token"}, headers={"HX-Request": "true"}
    )
    assert r.status_code == 200
    assert template_names(r)[0] == "accounts/_audit_rows.html"
    assert {e.action for e in r.context["page"].object_list} == {"api_token.created"}


def test_audit_page_for_plain_user_shows_own_actions_only(w: World) -> None:
    r = logged_in(w, "pur_user").get("/accounts/audit/")
    assert r.status_code == 200
    assert r.context["can_verify"] is False
    assert {e.actor_id for e in r.context["page"].object_list} == {w.users["pur_user"].pk}


@pytest.mark.parametrize(
    ("key", "status"), [("supv_hz", 200), ("admin", 200), ("reg_hz", 403), ("pur_admin", 403)]
)
def test_audit_verify(w: World, key: str, status: int) -> None:
    r = logged_in(w, key).post("/accounts/audit/verify/")
    assert r.status_code == status
    if status == 200:
        assert r.context["report"].ok


# --- account security ----------------------------------------------------------------------------


def test_security_token_create_shows_raw_token_once(w: World, clock: Any) -> None:
    c = logged_in(w, "pur_user")
    r = c.post(
        "/accounts/security/tokens/new/",
        {"token-name": "ERP 对接", "token-expires_days": "30"},
    )
    assert r.status_code == 200
    raw = r.context["new_token"]
    assert raw.startswith("zc_")
    assert raw in r.content.decode()
    token = ApiToken.objects.get(user=w.users["pur_user"], name="ERP 对接")
    assert token.key_hash == hash_token(raw)
    again = c.get("/accounts/security/")
    assert again.status_code == 200
    assert raw not in again.content.decode()
    assert token.prefix in again.content.decode()


def test_security_token_create_invalid_form(w: World) -> None:
    r = logged_in(w, "pur_user").post(
        "/accounts/security/tokens/new/", {"token-name": "", "token-expires_days": "999"}
    )
    assert r.status_code == 400
    assert r.context["new_token"] is None


def test_security_token_revoke(w: World, clock: Any) -> None:
    c = logged_in(w, "pur_user")
    token = w.users["pur_user"].api_tokens.get()
    r = c.post(f"/accounts/security/tokens/{token.pk}/revoke/")
    assert r.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_security_cannot_revoke_someone_elses_token(w: World) -> None:
    token = w.users["pur_admin"].api_tokens.get()
    r = logged_in(w, "pur_user").post(f"/accounts/security/tokens/{token.pk}/revoke/")
    assert r.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_security_enable_otp(w: World, clock: Any) -> None:
    c = logged_in(w, "agc_user")
    r = c.post("/accounts/security/otp/begin/")
    assert r.status_code == 200
    secret = r.context["otp_secret"]
    assert secret and secret in r.content.decode()
    r = c.post("/accounts/security/otp/confirm/", {"otp-otp": "abc"})
    assert r.status_code == 400
    r = c.post("/accounts/security/otp/confirm/", {"otp-otp": pyotp.TOTP(secret).at(clock.now())})
    assert r.status_code == 302
    assert User.objects.get(pk=w.users["agc_user"].pk).totp_enabled


# --- language -------------------------------------------------------------------------------


def test_language_switch(w: World, clock: Any) -> None:
    c = Client()
    r = c.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert r.status_code == 302
    assert c.cookies["django_language"].value == "en"
    assert c.get("/").status_code == 200
    c.force_login(w.users["reg_hz"])
    assert c.get("/accounts/workbench/").status_code == 200
    c.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert "审计链" in c.get("/").content.decode()
