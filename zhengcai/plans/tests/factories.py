"""Test world of the plans app: regions, parties, catalogue rows (created with the ORM, as the
catalog services may not be ready) and helpers that go through the plans services."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from zhengcai.accounts import services as account_services
from zhengcai.accounts.constants import OrgKind, Role
from zhengcai.accounts.models import Organization, Region, User
from zhengcai.accounts.tests.factories import organization, region_tree, user
from zhengcai.catalog.models import (
    CatalogItem,
    CentralizedCatalogEntry,
    ConfigurationStandard,
    Threshold,
)
from zhengcai.plans import services
from zhengcai.plans.models import BudgetLine, ProcurementPlan

Y = 2026
D = Decimal

ITEMS = [
    ("A02000000", "设备", 1),
    ("A02010000", "信息化设备", 2),
    ("A02010100", "计算机", 3),
    ("A02010104", "台式计算机", 4),
    ("A02010105", "便携式计算机", 4),
    ("A02020000", "办公设备", 2),
    ("A02020100", "复印机", 3),
    ("A02060000", "电气设备", 2),
    ("A02061800", "生活用电器", 3),
    ("A02061804", "空调机", 4),
    ("A05000000", "家具和用品", 1),
    ("A05010000", "家具", 2),
    ("A05010200", "台、桌类", 3),
    ("C18000000", "信息技术服务", 1),
    ("C18010000", "软件开发服务", 2),
    ("C21000000", "房地产服务", 1),
    ("C21040000", "物业管理服务", 2),
    ("C20000000", "鉴证咨询服务", 1),
    ("C20020000", "鉴证服务", 2),
    ("C20020600", "工程监理服务", 3),
    # Works (工程): construction is 品目 category B.
    ("B01000000", "房屋施工", 1),
    ("B08000000", "修缮工程", 1),
]

STANDARD_BASIS = "浙财资〔2026〕1号（测试）"


def seed_catalog(regions: dict[str, Region]) -> None:
    items: dict[str, CatalogItem] = {}
    for code, name, level in ITEMS:
        parent_code = None if level == 1 else code[0] + code[1:][: (level - 2) * 2].ljust(8, "0")
        items[code] = CatalogItem.objects.create(
            code=code, name=name, level=level, category=code[0], parent=items.get(parent_code or "")
        )
    prov, hz = regions["province"], regions["hz"]

    def th(reg: Region, level: int, cat: str, kind: str, amount: str, start: dt.date) -> None:
        Threshold.objects.create(
            region=reg,
            unit_level=level,
            category=cat,
            kind=kind,
            amount=D(amount),
            effective_from=start,
        )

    for cat in ("A", "C"):
        for level in (1, 2, 3):
            # 公开招标数额标准: 200万 in 2025, 400万 from 2026 (浙江 raised it).
            th(prov, level, cat, "open_tender", "2000000.00", dt.date(2025, 1, 1))
            th(prov, level, cat, "open_tender", "4000000.00", dt.date(2026, 1, 1))
            th(
                prov,
                level,
                cat,
                "limit",
                "500000.00" if level == 1 else "300000.00",
                dt.date(2025, 1, 1),
            )
        # 杭州 sets its own standard for its city-level units from 2026.
        th(hz, 2, cat, "open_tender", "3000000.00", dt.date(2026, 1, 1))
    for year in (2025, 2026):
        CentralizedCatalogEntry.objects.create(
            region=prov, year=year, item=items["A02010100"], scope="central"
        )
        CentralizedCatalogEntry.objects.create(
            region=prov,
            year=year,
            item=items["A05010000"],
            scope="central",
            min_amount=D("200000.00"),
        )
        CentralizedCatalogEntry.objects.create(
            region=prov,
            year=year,
            item=items["C18010000"],
            scope="department",
            min_amount=D("1000000.00"),
        )
    ConfigurationStandard.objects.create(
        region=prov,
        item=items["A02010104"],
        max_unit_price=D("6000.00"),
        max_quantity=D("1"),
        quantity_basis="per_staff",
        effective_from=dt.date(2025, 1, 1),
        basis=STANDARD_BASIS,
    )
    ConfigurationStandard.objects.create(
        region=prov,
        item=items["A02020100"],
        max_unit_price=D("30000.00"),
        max_quantity=D("5"),
        quantity_basis="per_unit",
        effective_from=dt.date(2025, 1, 1),
        basis=STANDARD_BASIS,
    )


@dataclass
class PlansWorld:
    regions: dict[str, Region]
    orgs: dict[str, Organization]
    users: dict[str, User]
    tokens: dict[str, str] = field(default_factory=dict)


ORGS = {
    "fin_prov": (OrgKind.FINANCE, "province", "浙江省财政厅"),
    "fin_hz": (OrgKind.FINANCE, "hz", "杭州市财政局"),
    "fin_xh": (OrgKind.FINANCE, "xh", "西湖区财政局"),
    "fin_nb": (OrgKind.FINANCE, "nb", "宁波市财政局"),
    "supv_hz": (OrgKind.SUPERVISION, "hz", "杭州市纪检监察组"),
    "pur_prov": (OrgKind.PURCHASER, "province", "浙江省教育厅"),
    "pur_hz": (OrgKind.PURCHASER, "hz", "杭州市第一人民医院"),
    "pur_xh": (OrgKind.PURCHASER, "xh", "西湖区教育局"),
    "pur_nb": (OrgKind.PURCHASER, "nb", "宁波市交通运输局"),
    "agc_prov": (OrgKind.CENTRAL_AGENCY, "province", "浙江省政府采购中心"),
    "agc_hz": (OrgKind.CENTRAL_AGENCY, "hz", "杭州市政府采购中心"),
    "agc_nb": (OrgKind.CENTRAL_AGENCY, "nb", "宁波市政府采购中心"),
    "agc_social": (OrgKind.SOCIAL_AGENCY, "hz", "浙江某某招标代理有限公司"),
    "spl_hz": (OrgKind.SUPPLIER, "hz", "杭州某某信息技术有限公司"),
}
USERS: dict[str, tuple[str | None, str | None]] = {
    "admin": (None, Role.ADMIN),
    "reg_prov": ("fin_prov", None),
    "reg_hz": ("fin_hz", None),
    "reg_xh": ("fin_xh", None),
    "reg_nb": ("fin_nb", None),
    "supv_hz": ("supv_hz", None),
    "pur_prov": ("pur_prov", None),
    "pur_hz": ("pur_hz", None),
    "pur_hz2": ("pur_hz", None),
    "pur_xh": ("pur_xh", None),
    "pur_nb": ("pur_nb", None),
    "agc_prov": ("agc_prov", None),
    "agc_hz": ("agc_hz", None),
    "agc_social": ("agc_social", None),
    "spl_hz": ("spl_hz", None),
    "expert": (None, Role.EXPERT),
}


def build_world(*, tokens: bool = False) -> PlansWorld:
    regions = region_tree()
    seed_catalog(regions)
    orgs = {k: organization(kind, regions[r], name) for k, (kind, r, name) in ORGS.items()}
    for key, org in orgs.items():
        if key.startswith("pur_"):  # 编制人数: per-staff configuration standards need it
            org.staff_count = 120
            org.save(update_fields=["staff_count"])
    users = {
        k: user(orgs[o] if o else None, username=f"p_{k}", role=role)
        for k, (o, role) in USERS.items()
    }
    world = PlansWorld(regions=regions, orgs=orgs, users=users)
    if tokens:
        for k, u in users.items():
            world.tokens[k] = account_services.api_token_create(
                actor=u, name="t", expires_days=None
            )[1]
    return world


_counter = iter(range(1, 1_000_000))


def line_data(item_code: str = "C21040000", amount: str = "800000.00", **kw: Any) -> dict[str, Any]:
    n = next(_counter)
    data: dict[str, Any] = {
        "fiscal_year": Y,
        "project_code": f"P-{n:04d}",
        "project_name": "办公楼运行保障",
        "item_code": item_code,
        "description": f"采购内容{n}",
        "quantity": D("1"),
        "unit": "项",
        "amount": D(amount),
        "funding_source": "general",
        "org_form": "",
        "is_import": False,
    }
    data.update(kw)
    return data


def approved_line(w: PlansWorld, org: str = "pur_hz", **kw: Any) -> BudgetLine:
    actor = w.users[org]
    line = services.budget_line_create(actor=actor, organization=w.orgs[org], data=line_data(**kw))
    line = services.budget_line_transition(actor=actor, line=line, to_status="submitted")
    decider = "reg_prov" if org == "pur_prov" else ("reg_nb" if org == "pur_nb" else "reg_hz")
    return services.budget_line_transition(actor=w.users[decider], line=line, to_status="approved")


def make_plan(w: PlansWorld, line: BudgetLine, org: str = "pur_hz", **kw: Any) -> ProcurementPlan:
    values: dict[str, Any] = {
        "name": "测试项目",
        "amount": line.amount,
        "quantity": line.quantity,
        "expected_month": dt.date(Y, 12, 1),
        "requirements": "需求概况",
    }
    values.update(kw)
    return services.plan_create(actor=w.users[org], budget_line=line, values=values)
