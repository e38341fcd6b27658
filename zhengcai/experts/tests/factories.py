"""Test data for the experts app, built through the services users go through."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field
from decimal import Decimal

from zhengcai.accounts.constants import OrgKind, Role
from zhengcai.accounts.models import Organization, Region, User
from zhengcai.accounts.services import api_token_create
from zhengcai.accounts.tests.factories import organization, region, region_tree, user
from zhengcai.core import clock
from zhengcai.experts import services
from zhengcai.experts.constants import ConflictKind, ExpertStatus
from zhengcai.experts.models import DrawRequest, ExpertProfile
from zhengcai.experts.rules import id_check_char

_seq = itertools.count(1)

# The clock fixture freezes 2026-11-23 09:00 (Monday); the evaluation is the next morning.
EVAL_AT = dt.datetime(2026, 11, 24, 9, 0, tzinfo=clock.SHANGHAI)


def id_number(birth: dt.date = dt.date(1975, 6, 1)) -> str:
    first = f"330106{birth:%Y%m%d}{next(_seq) % 1000:03d}"
    return first + id_check_char(first)


def expert(
    reg: Region,
    *,
    specialties: tuple[str, ...] = ("A0201",),
    employer: Organization | None = None,
    status: str = ExpertStatus.ACTIVE,
    certificate_expires: dt.date = dt.date(2028, 12, 31),
    training: str = "passed",
    username: str | None = None,
) -> ExpertProfile:
    n = next(_seq)
    u = user(employer, username=username or f"exp{n}", role=Role.EXPERT)
    profile = services.expert_register(
        actor=None,
        user=u,
        id_number=id_number(),
        region=reg,
        certificate_no=f"ZJ-{n:06d}",
        specialties=list(specialties),
        title="高级工程师",
        title_level="associate",
        years_in_field=12,
        certificate_expires=certificate_expires,
        training_status=training,
    )
    if status != ExpertStatus.PENDING:
        profile = services.expert_set_status(
            actor=None, profile=profile, status=ExpertStatus.ACTIVE, reason="审核通过"
        )
    if status not in (ExpertStatus.PENDING, ExpertStatus.ACTIVE):
        profile = services.expert_set_status(
            actor=None, profile=profile, status=status, reason="测试"
        )
    return profile


@dataclass
class ExpertWorld:
    regions: dict[str, Region]
    orgs: dict[str, Organization]
    users: dict[str, User]
    clean: list[ExpertProfile]  # eligible for a hz A0201 draw for pur_hz with bidders spl_a/b
    tainted: dict[str, ExpertProfile]  # one per exclusion reason
    nb: list[ExpertProfile] = field(default_factory=list)
    tokens: dict[str, str] = field(default_factory=dict)


ORGS = {
    "fin_prov": (OrgKind.FINANCE, "province"),
    "fin_hz": (OrgKind.FINANCE, "hz"),
    "fin_nb": (OrgKind.FINANCE, "nb"),
    "supv_hz": (OrgKind.SUPERVISION, "hz"),
    "agc_hz": (OrgKind.CENTRAL_AGENCY, "hz"),
    "agc_nb": (OrgKind.CENTRAL_AGENCY, "nb"),
    "pur_hz": (OrgKind.PURCHASER, "hz"),
    "pur_nb": (OrgKind.PURCHASER, "nb"),
    "spl_a": (OrgKind.SUPPLIER, "hz"),
    "spl_b": (OrgKind.SUPPLIER, "hz"),
    "spl_c": (OrgKind.SUPPLIER, "nb"),
}
USERS = {
    "reg_prov": "fin_prov",
    "reg_hz": "fin_hz",
    "reg_nb": "fin_nb",
    "supv_hz": "supv_hz",
    "agc": "agc_hz",
    "agc_nb": "agc_nb",
    "pur": "pur_hz",
    "pur_nb": "pur_nb",
    "spl": "spl_a",
}


def build_world() -> ExpertWorld:
    regions = region_tree()
    regions["js"] = region("320000", "江苏省")
    orgs = {k: organization(kind, regions[r]) for k, (kind, r) in ORGS.items()}
    users = {k: user(orgs[o], username=k) for k, o in USERS.items()}
    users["admin"] = user(None, username="admin_x", role=Role.ADMIN)
    hz, xh = regions["hz"], regions["xh"]
    clean = [expert(hz if i % 2 else xh, specialties=("A0201", "C01")) for i in range(10)]
    clean += [expert(hz, specialties=("A02",)), expert(hz, specialties=("A02010104",))]
    tainted = {
        "own_unit": expert(hz, employer=orgs["pur_hz"]),
        "agency_staff": expert(hz, employer=orgs["agc_hz"]),
        "bidder_employee": expert(hz, employer=orgs["spl_a"]),
        "finance_staff": expert(hz, employer=orgs["fin_hz"]),
        "suspended": expert(hz, status=ExpertStatus.SUSPENDED),
        "banned": expert(hz, status=ExpertStatus.BANNED),
        "pending": expert(hz, status=ExpertStatus.PENDING),
        "expired": expert(hz, certificate_expires=dt.date(2026, 11, 1)),
        "untrained": expert(hz, training="none"),
        "specialty": expert(hz, specialties=("C0101",)),
        "relative": expert(hz),
        "former_employee": expert(hz),
        "unavailable": expert(hz),
    }
    services.conflict_add(
        actor=tainted["relative"].user,
        profile=tainted["relative"],
        organization=orgs["spl_b"],
        kind=ConflictKind.RELATIVE,
    )
    services.conflict_add(
        actor=users["reg_hz"],
        profile=tainted["former_employee"],
        organization=orgs["spl_b"],
        kind=ConflictKind.EMPLOYMENT,
        until=dt.date(2025, 6, 30),
    )
    services.unavailability_add(
        actor=tainted["unavailable"].user,
        profile=tainted["unavailable"],
        start=dt.date(2026, 11, 20),
        end=dt.date(2026, 11, 30),
    )
    nb = [expert(regions["nb"]) for _ in range(3)]
    world = ExpertWorld(regions, orgs, users, clean, tainted, nb)
    for key, u in [*users.items(), ("expert0", clean[0].user)]:
        world.tokens[key] = api_token_create(actor=u, name="t", expires_days=None)[1]
    return world


def draw_request(w: ExpertWorld, **kw: object) -> DrawRequest:
    args: dict[str, object] = {
        "actor": w.users["agc"],
        "purchaser": w.orgs["pur_hz"],
        "project_name": "杭州市第一人民医院计算机设备采购",
        "specialty_codes": ["A02010104"],
        "evaluation_at": EVAL_AT,
        "count": 5,
        "budget": Decimal("3000000.00"),
        "bidder_ids": [w.orgs["spl_a"].pk, w.orgs["spl_b"].pk],
        "place": "杭州市政府采购中心评标室",
    }
    args.update(kw)
    return services.draw_request_create(**args)  # type: ignore[arg-type]
