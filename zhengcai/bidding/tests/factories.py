"""Test world of the bidding app: the plans world plus suppliers and a supervisor, and
published projects made with the ORM (the tenders services are being written alongside)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import count
from typing import Any

from zhengcai.accounts.constants import OrgKind, Role
from zhengcai.accounts.models import Organization, User
from zhengcai.accounts.tests.factories import organization, user
from zhengcai.bidding import client, services
from zhengcai.bidding.models import Participation, SupplierKey
from zhengcai.core import clock
from zhengcai.plans.models import Commission
from zhengcai.plans.tests.factories import approved_line, build_world, make_plan
from zhengcai.tenders.models import Lot, Project

NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=clock.SHANGHAI)
DEADLINE = dt.datetime(2026, 12, 14, 9, 30, tzinfo=clock.SHANGHAI)
_n = count(1)


@dataclass
class World:
    orgs: dict[str, Organization]
    users: dict[str, User]
    tokens: dict[str, str]
    signers: dict[str, client.Signer] = field(default_factory=dict)
    keys: dict[str, SupplierKey] = field(default_factory=dict)


SUPPLIERS = ("s1", "s2", "s3", "s4")


def build(*, tokens: bool = True) -> World:
    from zhengcai.accounts import services as account_services

    pw = build_world(tokens=tokens)
    orgs = dict(pw.orgs)
    users = dict(pw.users)
    toks = dict(pw.tokens)
    for i, key in enumerate(SUPPLIERS):
        orgs[key] = organization(OrgKind.SUPPLIER, pw.regions["hz"], f"杭州供应商{i + 1}有限公司")
        users[key] = user(orgs[key], username=f"b_{key}")
    orgs["supv_nb"] = organization(OrgKind.SUPERVISION, pw.regions["nb"], "宁波监督组")
    users["supv_nb"] = user(orgs["supv_nb"], username="b_supv_nb")
    users["admin"] = pw.users["admin"]
    if tokens:
        for k in (*SUPPLIERS, "supv_nb"):
            toks[k] = account_services.api_token_create(
                actor=users[k], name="t", expires_days=None
            )[1]
    world = World(orgs=orgs, users=users, tokens=toks)
    for i, k in enumerate(SUPPLIERS):
        signer = client.generate("sm2" if i == 1 else "ecdsa-p256")
        world.signers[k] = signer
        world.keys[k] = services.key_register(actor=users[k], public_key=signer.public_key)
    return world


def project(
    w: World,
    *,
    method: str = "open_tender",
    deadline: dt.datetime = DEADLINE,
    budget: Decimal = Decimal("1000000.00"),
    lots: int = 1,
) -> Project:
    from zhengcai.plans.tests.factories import PlansWorld

    pw = PlansWorld(regions={}, orgs=w.orgs, users=w.users)
    plan = make_plan(pw, approved_line(pw))
    now = clock.now()
    com = Commission.objects.create(
        plan=plan,
        purchaser=w.orgs["pur_hz"],
        agency=w.orgs["agc_hz"],
        handed_at=now,
        holder=w.orgs["agc_hz"],
        holder_since=now,
        status="accepted",
    )
    n = next(_n)
    p = Project.objects.create(
        commission=com,
        plan=plan,
        purchaser=w.orgs["pur_hz"],
        agency=w.orgs["agc_hz"],
        project_no=f"ZC-T-{n:05d}",
        name=f"测试项目{n}",
        method=method,
        object_kind="goods",
        item_code="A02010105",
        budget=budget,
        status="published",
        bid_deadline=deadline,
        opening_at=deadline,
        created_at=now,
        updated_at=now,
    )
    for i in range(lots):
        Lot.objects.create(
            project=p,
            number=i + 1,
            name=f"包{i + 1}",
            budget=budget / lots,
            quantity=Decimal("10"),
            bid_bond_amount=Decimal("10000.00"),
        )
    return p


def schedule(price: str, **kw: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "total_price": price,
        "discount": "0",
        "items": [{"name": "便携式计算机", "quantity": "10", "unit_price": price}],
        "declarations": {
            **client.sme_declarations("small", name="供应商", item="便携式计算机"),
            "prison_enterprise": False,
            "disabled_welfare": False,
        },
        "nonce": client.new_nonce(),
    }
    data.update(kw)
    return data


def register(w: World, p: Project, who: str, lot_no: int = 1) -> Participation:
    return services.participation_register(actor=w.users[who], lot=p.lots.get(number=lot_no))


def submit(
    w: World,
    part: Participation,
    who: str,
    price: str,
    files: dict[str, bytes] | None = None,
    window: Any = None,
    evidence: services.EvidenceIn | None = None,
) -> services.Submitted:
    window = window or services.bid_window(part.project)
    body = client.bid_payload(
        window_uid=window.uid,
        signer=w.signers[who],
        key_id=w.keys[who].key_id,
        schedule=schedule(price),
        files=files if files is not None else {"技术响应.pdf": b"%PDF-1.4 tech " + who.encode()},
    )
    return services.bid_submit(
        actor=w.users[who],
        participation=part,
        window=window,
        key_id=body["key_id"],
        schedule=body["schedule"],
        schedule_signature=body["schedule_signature"],
        files=[
            services.FileIn(
                f["name"], __import__("base64").b64decode(f["content_b64"]), f["signature"]
            )
            for f in body["files"]
        ],
        evidence_in=evidence,
    )


ROLE_USERS = {
    "agency": "agc_hz",
    "purchaser": "pur_hz",
    "supervisor": "supv_hz",
    "regulator": "reg_hz",
    "admin": "admin",
    "other_agency": "agc_nb",
}
_ = Role
