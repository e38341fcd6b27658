"""Demo data for accounts: regions, organizations and people, deterministic from a seed.

Bulk rows are inserted with bulk_create (one audit entry records the whole batch); the named
demo accounts — one per role — go through `services.user_create`, like any real account.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import make_password
from faker import Faker

from zhengcai.accounts import services
from zhengcai.accounts.constants import ROLE_FOR_KIND, OrgKind, RegionLevel, Role
from zhengcai.accounts.demo_regions import (
    AGENCY_TRADES,
    CITIES,
    LOCAL_UNITS,
    PROVINCE,
    PROVINCIAL_UNITS,
    SCALE_CITIES,
    SUPPLIER_TRADES,
    SUPPLIER_WORDS,
)
from zhengcai.accounts.models import Organization, Region, User
from zhengcai.accounts.rules import CREDIT_CODE_ALPHABET, credit_code_check_char

DEMO_PASSWORD = "Zhengcai#2026"

# How many of each party a scale creates (province ≈ seed 004's Zhejiang figures).
SIZES: dict[str, dict[str, int]] = {
    "small": {"purchasers": 40, "suppliers": 150, "experts": 60, "social_agencies": 6},
    "city": {"purchasers": 200, "suppliers": 1200, "experts": 200, "social_agencies": 20},
    "province": {"purchasers": 820, "suppliers": 8440, "experts": 860, "social_agencies": 138},
}

# The named accounts printed by `make demo`: (username, role, display name, where).
DEMO_ACCOUNTS = [
    ("admin", Role.ADMIN, "平台管理员", "platform"),
    ("regulator", Role.REGULATOR, "王建国", "finance:330000"),
    ("regulator_hz", Role.REGULATOR, "陈丽华", "finance:330100"),
    ("purchaser", Role.PURCHASER, "李明", "purchaser:first"),
    ("agency", Role.AGENCY, "赵敏", "central_agency:330000"),
    ("supplier", Role.SUPPLIER, "周强", "supplier:first"),
    ("expert", Role.EXPERT, "孙教授", "expert"),
    ("supervisor", Role.SUPERVISOR, "吴刚", "supervision:330000"),
]


@dataclass
class DemoContext:
    rng: random.Random
    fake: Any
    scale: str
    regions: dict[str, Region] = field(default_factory=dict)
    counties: list[Region] = field(default_factory=list)
    used_codes: set[str] = field(default_factory=set)
    used_names: set[str] = field(default_factory=set)
    counts: dict[str, int] = field(default_factory=dict)


def _credit_code(ctx: DemoContext, kind: str, region: Region) -> str:
    prefix = {
        "finance": "11",
        "purchaser": "12",
        "central_agency": "12",
        "supervision": "11",
        "platform": "12",
    }.get(kind, "91")
    while True:
        body = (
            prefix
            + region.code[:6]
            + "".join(ctx.rng.choice(CREDIT_CODE_ALPHABET) for _ in range(9))
        )
        code = body + credit_code_check_char(body)
        if code not in ctx.used_codes:
            ctx.used_codes.add(code)
            return code


def _unique(ctx: DemoContext, name: str) -> str:
    candidate, n = name, 2
    while candidate in ctx.used_names:
        candidate = f"{name}（{n}）"
        n += 1
    ctx.used_names.add(candidate)
    return candidate


def _region(code: str, name: str, parent: Region | None) -> Region:
    level = (
        RegionLevel.PROVINCE
        if parent is None
        else (RegionLevel.CITY if parent.level == RegionLevel.PROVINCE else RegionLevel.COUNTY)
    )
    return Region.objects.create(
        code=code,
        name=name,
        level=level,
        parent=parent,
        path=(parent.path if parent else "/") + code + "/",
    )


def seed_regions(ctx: DemoContext) -> None:
    prov = _region(*PROVINCE, None)
    ctx.regions[prov.code] = prov
    wanted = SCALE_CITIES[ctx.scale]
    for code, name, counties in CITIES:
        if code not in wanted:
            continue
        city = _region(code, name, prov)
        ctx.regions[code] = city
        keep = wanted[code]
        for ccode, cname in counties:
            if keep is None or ccode in keep:
                county = _region(ccode, cname, city)
                ctx.regions[ccode] = county
                ctx.counties.append(county)


def _org(ctx: DemoContext, kind: str, region: Region, name: str, **extra: Any) -> Organization:
    return Organization(
        name=_unique(ctx, name),
        kind=kind,
        credit_code=_credit_code(ctx, kind, region),
        region=region,
        contact_name=ctx.fake.name(),
        contact_phone=ctx.fake.phone_number(),
        address=f"{region.full_name()}{ctx.fake.street_address()}",
        **extra,
    )


def _finance_name(region: Region) -> str:
    if region.level == RegionLevel.PROVINCE:
        return f"{region.name}财政厅"
    return (
        f"{region.parent.name if region.level == RegionLevel.COUNTY and region.parent else ''}"
        f"{region.name}财政局"
    )


def seed_organizations(ctx: DemoContext) -> None:
    sizes = SIZES[ctx.scale]
    orgs: list[Organization] = []
    prov = ctx.regions[PROVINCE[0]]
    every_region = list(ctx.regions.values())
    for region in every_region:
        orgs.append(_org(ctx, OrgKind.FINANCE, region, _finance_name(region)))
        center = (
            "浙江省政府采购中心"
            if region.level == RegionLevel.PROVINCE
            else f"{region.name}公共资源交易中心（政府采购中心）"
        )
        orgs.append(_org(ctx, OrgKind.CENTRAL_AGENCY, region, center))
        if region.level <= RegionLevel.CITY:
            orgs.append(
                _org(
                    ctx,
                    OrgKind.SUPERVISION,
                    region,
                    f"{region.name}纪委监委驻{_finance_name(region)}纪检监察组",
                )
            )
    orgs.append(_org(ctx, OrgKind.PLATFORM, prov, "浙江省政府采购平台运营中心"))
    # Purchasing units: provincial departments first, then city/county units.
    places = [r for r in every_region if r.level >= RegionLevel.CITY]
    for i in range(sizes["purchasers"]):
        if i < len(PROVINCIAL_UNITS):
            orgs.append(
                _org(
                    ctx,
                    OrgKind.PURCHASER,
                    prov,
                    PROVINCIAL_UNITS[i],
                    staff_count=ctx.rng.randint(60, 900),
                )
            )
            continue
        region = ctx.rng.choice(places)
        unit = ctx.rng.choice(LOCAL_UNITS)
        orgs.append(
            _org(
                ctx,
                OrgKind.PURCHASER,
                region,
                f"{region.full_name()[3:]}{unit}",
                staff_count=ctx.rng.randint(15, 400),
            )
        )
    cities = [r for r in every_region if r.level == RegionLevel.CITY]
    for _ in range(sizes["social_agencies"]):
        region = ctx.rng.choice([*cities, prov])
        word = ctx.rng.choice(SUPPLIER_WORDS) + ctx.rng.choice(SUPPLIER_WORDS)
        orgs.append(
            _org(
                ctx,
                OrgKind.SOCIAL_AGENCY,
                region,
                f"浙江{word}{ctx.rng.choice(AGENCY_TRADES)}有限公司",
            )
        )
    for _ in range(sizes["suppliers"]):
        region = ctx.rng.choice(places)
        city = region if region.level == RegionLevel.CITY else region.parent
        assert city is not None
        word = ctx.rng.choice(SUPPLIER_WORDS) + ctx.rng.choice(SUPPLIER_WORDS)
        name = f"{city.name[:-1]}{word}{ctx.rng.choice(SUPPLIER_TRADES)}有限公司"
        # Seed 004: SMEs took 83.5% of the contracts; most registered suppliers are SMEs.
        orgs.append(_org(ctx, OrgKind.SUPPLIER, region, name, is_sme=ctx.rng.random() < 0.85))
    Organization.objects.bulk_create(orgs, batch_size=1000)
    for kind in OrgKind.values:
        ctx.counts[f"org:{kind}"] = sum(1 for o in orgs if o.kind == kind)


def seed_people(ctx: DemoContext) -> None:
    """One user per organization (its administrator) plus the experts, sharing one hash."""
    shared_hash = make_password(DEMO_PASSWORD)
    users: list[User] = []
    n = 0
    for org in Organization.objects.order_by("pk").iterator():
        n += 1
        users.append(
            User(
                username=f"u{org.kind[:3]}{n:05d}",
                display_name=ctx.fake.name(),
                organization=org,
                role=ROLE_FOR_KIND[org.kind],
                phone=ctx.fake.phone_number(),
                is_org_admin=True,
                password=shared_hash,
            )
        )
    employers = list(
        Organization.objects.filter(kind=OrgKind.PURCHASER).values_list("pk", flat=True)
    )
    for i in range(SIZES[ctx.scale]["experts"]):
        users.append(
            User(
                username=f"expert{i + 1:05d}",
                display_name=ctx.fake.name(),
                organization_id=ctx.rng.choice(employers) if ctx.rng.random() < 0.3 else None,
                role=Role.EXPERT,
                phone=ctx.fake.phone_number(),
                password=shared_hash,
            )
        )
    User.objects.bulk_create(users, batch_size=1000)
    ctx.counts["users"] = len(users)


def seed_demo_accounts(ctx: DemoContext) -> list[tuple[str, str, str, str]]:
    """The named accounts, created through the service (audited like any account)."""
    printed = []
    prov = ctx.regions[PROVINCE[0]]
    for username, role, display, where in DEMO_ACCOUNTS:
        kind, _, code = where.partition(":")
        org: Organization | None
        if kind == "expert":
            org = None
        elif kind == "platform":
            org = Organization.objects.get(kind=OrgKind.PLATFORM)
        elif code == "first":
            org = (
                Organization.objects.filter(kind=kind, region=prov).order_by("pk").first()
                or Organization.objects.filter(kind=kind).order_by("pk").first()
            )
        else:
            org = Organization.objects.get(kind=kind, region__code=code)
        services.user_create(
            actor=None,
            username=username,
            password=DEMO_PASSWORD,
            display_name=display,
            organization=org,
            role=role,
            is_org_admin=role != Role.EXPERT,
        )
        printed.append(
            (str(Role(role).label), username, DEMO_PASSWORD, org.name if org else "个人")
        )
    return printed


def seed(ctx: DemoContext) -> list[tuple[str, str, str, str]]:
    seed_regions(ctx)
    seed_organizations(ctx)
    seed_people(ctx)
    return seed_demo_accounts(ctx)


def make_context(scale: str, seed_value: int) -> DemoContext:
    fake = Faker("zh_CN")
    fake.seed_instance(seed_value)
    return DemoContext(rng=random.Random(seed_value), fake=fake, scale=scale)
