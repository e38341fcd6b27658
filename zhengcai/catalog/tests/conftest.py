"""Fixtures of the catalog tests: a small world (浙江省 › 杭州市 › 西湖区, 宁波市), finance
departments with regulators, a purchaser, a supervisor, a platform admin; the shipped 品目 file
loaded. Built once per module inside a transaction rolled back at the end (as in accounts)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.db import transaction
from django.test import Client

from zhengcai.accounts import services as account_services
from zhengcai.accounts.constants import OrgKind, Role
from zhengcai.accounts.models import Organization, Region, User
from zhengcai.accounts.tests.factories import organization, region_tree, user
from zhengcai.catalog import services
from zhengcai.catalog.data_file import shipped_items
from zhengcai.catalog.models import CatalogItem

D = dt.date


@dataclass
class CatWorld:
    regions: dict[str, Region]
    orgs: dict[str, Organization]
    users: dict[str, User]
    tokens: dict[str, str]

    def item(self, code: str) -> CatalogItem:
        return CatalogItem.objects.get(code=code)

    def client(self, key: str) -> Client:
        c = Client()
        c.force_login(self.users[key])
        return c

    def api(self, key: str) -> Client:
        return Client(HTTP_AUTHORIZATION=f"Bearer {self.tokens[key]}")


def build() -> CatWorld:
    regions = region_tree()
    orgs = {
        "platform": organization(OrgKind.PLATFORM, regions["province"], "平台运营中心"),
        "fin_prov": organization(OrgKind.FINANCE, regions["province"], "浙江省财政厅"),
        "fin_hz": organization(OrgKind.FINANCE, regions["hz"], "杭州市财政局"),
        "fin_nb": organization(OrgKind.FINANCE, regions["nb"], "宁波市财政局"),
        "pur_hz": organization(OrgKind.PURCHASER, regions["hz"], "杭州市某局"),
        "pur_xh": organization(OrgKind.PURCHASER, regions["xh"], "西湖区某局"),
        "supv_hz": organization(OrgKind.SUPERVISION, regions["hz"], "杭州市监督办"),
    }
    users = {
        "admin": user(orgs["platform"], username="c_admin"),
        "reg_prov": user(orgs["fin_prov"], username="c_reg_prov"),
        "reg_hz": user(orgs["fin_hz"], username="c_reg_hz"),
        "reg_nb": user(orgs["fin_nb"], username="c_reg_nb"),
        "pur": user(orgs["pur_hz"], username="c_pur", is_org_admin=True),
        "supv": user(orgs["supv_hz"], username="c_supv"),
        "expert": user(None, username="c_expert", role=Role.EXPERT),
    }
    tokens = {
        k: account_services.api_token_create(actor=u, name="t", expires_days=None)[1]
        for k, u in users.items()
    }
    services.items_load(actor=None, rows=shipped_items(), source="pinmu.csv")
    return CatWorld(regions=regions, orgs=orgs, users=users, tokens=tokens)


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: pytest.FixtureRequest) -> Iterator[CatWorld]:
    with django_db_blocker.unblock(), transaction.atomic():  # type: ignore[attr-defined]
        yield build()
        transaction.set_rollback(True)


@pytest.fixture
def w(world: CatWorld, db: None) -> CatWorld:
    return world
