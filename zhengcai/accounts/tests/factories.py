"""Test data built through the same services users go through."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from dataclasses import dataclass, field

from django.db import transaction

from zhengcai.accounts import services
from zhengcai.accounts.constants import OrgKind, RegionLevel, Role
from zhengcai.accounts.models import Organization, Region, User
from zhengcai.accounts.rules import CREDIT_CODE_ALPHABET, credit_code_check_char

PASSWORD = "Zc-test-2026!"
_seq = itertools.count(1)


def credit_code(rng: random.Random | None = None) -> str:
    rng = rng or random.Random(next(_seq) * 7919)
    body = "91" + "330100" + "".join(rng.choice(CREDIT_CODE_ALPHABET[:10]) for _ in range(9))
    return body + credit_code_check_char(body)


def region(code: str, name: str, parent: Region | None = None) -> Region:
    level = (
        RegionLevel.PROVINCE
        if parent is None
        else (RegionLevel.CITY if parent.level == RegionLevel.PROVINCE else RegionLevel.COUNTY)
    )
    path = (parent.path if parent else "/") + code + "/"
    return Region.objects.get_or_create(
        code=code, defaults={"name": name, "level": level, "parent": parent, "path": path}
    )[0]


def region_tree() -> dict[str, Region]:
    prov = region("330000", "浙江省")
    hz = region("330100", "杭州市", prov)
    nb = region("330200", "宁波市", prov)
    xh = region("330106", "西湖区", hz)
    return {"province": prov, "hz": hz, "nb": nb, "xh": xh}


@transaction.atomic
def organization(kind: str, reg: Region, name: str | None = None) -> Organization:
    n = next(_seq)
    org = Organization.objects.create(
        name=name or f"{reg.name}{OrgKind(kind).label}{n}",
        kind=kind,
        credit_code=credit_code(),
        region=reg,
    )
    return org


def user(
    org: Organization | None,
    *,
    username: str | None = None,
    role: str | None = None,
    is_org_admin: bool = False,
    password: str = PASSWORD,
) -> User:
    return services.user_create(
        actor=None,
        username=username or f"u{next(_seq)}",
        password=password,
        display_name="测试用户",
        organization=org,
        role=role,
        is_org_admin=is_org_admin,
    )


# --- the access-matrix world ------------------------------------------------------------------


@dataclass
class World:
    """Regions, organizations of every kind in several places, and one user per role variant.

    Each user has a Bearer token in `tokens` and each organization a locked `staff` user (for
    the unlock endpoint)."""

    regions: dict[str, Region]
    orgs: dict[str, Organization]
    users: dict[str, User]
    staff: dict[str, User] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)


# org key -> (kind, region key, name)
WORLD_ORGS: dict[str, tuple[str, str, str]] = {
    "platform": (OrgKind.PLATFORM, "province", "浙江省政府采购平台运营中心"),
    "fin_prov": (OrgKind.FINANCE, "province", "浙江省财政厅"),
    "fin_hz": (OrgKind.FINANCE, "hz", "杭州市财政局"),
    "fin_nb": (OrgKind.FINANCE, "nb", "宁波市财政局"),
    "supv_hz": (OrgKind.SUPERVISION, "hz", "杭州市政府采购监督办公室"),
    "supv_nb": (OrgKind.SUPERVISION, "nb", "宁波市政府采购监督办公室"),
    "pur_hz": (OrgKind.PURCHASER, "hz", "杭州市第一人民医院"),
    "pur_xh": (OrgKind.PURCHASER, "xh", "西湖区教育局"),
    "pur_nb": (OrgKind.PURCHASER, "nb", "宁波市交通运输局"),
    "agc_hz": (OrgKind.CENTRAL_AGENCY, "hz", "杭州市政府采购中心"),
    "agc_nb": (OrgKind.CENTRAL_AGENCY, "nb", "宁波市政府采购中心"),
    "spl_hz": (OrgKind.SUPPLIER, "hz", "杭州某某信息技术有限公司"),
    "spl_nb": (OrgKind.SUPPLIER, "nb", "宁波某某设备有限公司"),
    "pur_js": (OrgKind.PURCHASER, "js", "南京市卫生健康委员会"),
}

# user key -> (org key or None, role or None (follows the org), is_org_admin)
WORLD_USERS: dict[str, tuple[str | None, str | None, bool]] = {
    "admin": ("platform", None, False),
    "admin_solo": (None, Role.ADMIN, False),  # a platform admin need not have an organization
    "reg_prov": ("fin_prov", None, False),
    "reg_hz": ("fin_hz", None, False),
    "reg_admin": ("fin_hz", None, True),
    "supv_hz": ("supv_hz", None, False),
    "supv_admin": ("supv_hz", None, True),
    "pur_admin": ("pur_hz", None, True),
    "pur_user": ("pur_hz", None, False),
    "agc_admin": ("agc_hz", None, True),
    "agc_user": ("agc_hz", None, False),
    "spl_admin": ("spl_hz", None, True),
    "spl_user": ("spl_hz", None, False),
    "expert": (None, Role.EXPERT, False),
    # An expert employed by a purchaser (and even marked its admin): the employer is not
    # used for access (constants.ROLE_FOR_KIND).
    "expert_emp": ("pur_hz", Role.EXPERT, True),
}


def build_world() -> World:
    regions = region_tree()
    regions["js"] = region("320000", "江苏省")
    orgs = {
        key: organization(kind, regions[reg], name) for key, (kind, reg, name) in WORLD_ORGS.items()
    }
    users = {
        key: user(orgs[o] if o else None, username=key, role=role, is_org_admin=adm)
        for key, (o, role, adm) in WORLD_USERS.items()
    }
    world = World(regions=regions, orgs=orgs, users=users)
    for key, org in orgs.items():
        staff = user(org, username=f"staff_{key}")
        User.objects.filter(pk=staff.pk).update(failed_logins=5, locked_until=LOCKED_UNTIL)
        world.staff[key] = staff
    for key, u in users.items():
        world.tokens[key] = services.api_token_create(actor=u, name="matrix", expires_days=None)[1]
    return world


LOCKED_UNTIL = dt.datetime(2099, 1, 1, tzinfo=dt.UTC)
