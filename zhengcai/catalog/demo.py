"""Demo data of the catalogue: the 品目 tree, 浙江省 thresholds, this year's 集中采购目录 and a
few 资产配置标准. Thresholds use the local guideline figures of 财库〔2019〕69号 ⚠ as demo
configuration (rules.md §9); real deployments enter their province's own figures.
Deterministic (no randomness) and written through the services by the provincial regulator.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from zhengcai.accounts.constants import RegionLevel
from zhengcai.accounts.models import User
from zhengcai.catalog import services
from zhengcai.catalog.constants import Category, CentralizedScope, QuantityBasis, ThresholdKind
from zhengcai.catalog.data_file import shipped_items
from zhengcai.catalog.models import CatalogItem
from zhengcai.core import clock

BASIS = "演示配置（参照财库〔2019〕69号指引）"
GUIDELINE_FROM = dt.date(2020, 1, 1)
PROVINCE = "330000"

# (kind, category, unit level, amount): 69号 guideline ⚠ — 限额标准 goods/services 50万 at
# provincial level, 30万 at city and county level; works 60万; 公开招标 goods/services 200万.
THRESHOLDS: list[tuple[str, str, int, Decimal]] = [
    *[
        (ThresholdKind.PROCUREMENT_LIMIT, cat, RegionLevel.PROVINCE, Decimal("500000.00"))
        for cat in (Category.GOODS, Category.SERVICES)
    ],
    *[
        (ThresholdKind.PROCUREMENT_LIMIT, cat, level, Decimal("300000.00"))
        for cat in (Category.GOODS, Category.SERVICES)
        for level in (RegionLevel.CITY, RegionLevel.COUNTY)
    ],
    *[
        (ThresholdKind.PROCUREMENT_LIMIT, Category.WORKS, level, Decimal("600000.00"))
        for level in RegionLevel.values
    ],
    *[
        (ThresholdKind.OPEN_TENDER, cat, level, Decimal("2000000.00"))
        for cat in (Category.GOODS, Category.SERVICES)
        for level in RegionLevel.values
    ],
]

C, D = CentralizedScope.CENTRAL, CentralizedScope.DEPARTMENT
# (item code, scope, starting amount, note). Seed 003 (Xifeng): uniforms over 500 yuan, office
# supplies and consumables over 100 yuan, books over 1,000 yuan, building repairs over 10,000.
CENTRALIZED: list[tuple[str, str, str | None, str]] = [
    ("A02010104", C, None, "服务器"),
    ("A02010105", C, None, "台式计算机"),
    ("A02010108", C, None, "便携式计算机"),
    ("A02020100", C, None, "复印机"),
    ("A02020400", C, None, "多功能一体机"),
    ("A02021000", C, None, "打印机"),
    ("A02030500", C, None, "乘用车（公务用车）"),
    ("A02061804", C, None, "空调机"),
    ("A05010000", C, None, "办公家具"),
    ("A05030000", C, "500.00", "标志服装、校服（单价500元以上）"),
    ("A05040000", C, "100.00", "办公用品、电脑耗材（100元以上）"),
    ("A04010000", D, "1000.00", "图书资料（1000元以上）"),
    ("C18040102", C, None, "公务用车保险（定点）"),
    ("C23120100", C, None, "公务用车维修保养（定点）"),
    ("C22010000", C, None, "会议服务（定点）"),
    ("C22030000", C, None, "住宿服务（定点）"),
    ("C23160000", D, None, "培训服务"),
    ("C21040000", C, None, "物业管理服务"),
    ("C23090100", C, None, "印刷服务"),
    ("B08000000", D, "10000.00", "房屋维修（1万元以上）"),
]

# (item code, max unit price, max quantity, basis, min service years)
STANDARDS: list[tuple[str, str | None, str | None, str, int | None]] = [
    ("A02010105", "6000.00", "1", QuantityBasis.PER_STAFF, 6),
    ("A02010108", "7000.00", "1", QuantityBasis.PER_STAFF, 6),
    ("A02021000", "3000.00", "0.5", QuantityBasis.PER_STAFF, 6),
    ("A02020100", "20000.00", "1", QuantityBasis.PER_UNIT, 6),
    ("A05010301", "800.00", "1", QuantityBasis.PER_STAFF, 15),
    ("A05010502", "1500.00", "2", QuantityBasis.PER_STAFF, 15),
    ("A02030501", "180000.00", None, QuantityBasis.PER_UNIT, 8),
]


def seed(ctx: Any) -> None:
    services.items_load(actor=None, rows=shipped_items(), source="pinmu.csv")
    ctx.counts["catalog_items"] = CatalogItem.objects.count()
    province = ctx.regions.get(PROVINCE)
    if province is None:
        return
    actor = User.objects.filter(username="regulator").first()
    for kind, category, level, amount in THRESHOLDS:
        services.threshold_set(
            actor=actor,
            region=province,
            unit_level=level,
            category=category,
            kind=kind,
            amount=amount,
            effective_from=GUIDELINE_FROM,
            basis=BASIS,
        )
    year = clock.now().year
    items = {i.code: i for i in CatalogItem.objects.all()}
    for code, scope, min_amount, note in CENTRALIZED:
        services.centralized_entry_create(
            actor=actor,
            region=province,
            year=year,
            item=items[code],
            scope=scope,
            min_amount=min_amount,
            note=note,
        )
    for code, price, qty, qbasis, years in STANDARDS:
        services.config_standard_set(
            actor=actor,
            region=province,
            item=items[code],
            max_unit_price=price,
            max_quantity=qty,
            quantity_basis=qbasis,
            min_service_years=years,
            effective_from=GUIDELINE_FROM,
            basis="演示配置（参照省级通用办公设备家具配置标准）",
        )
    ctx.counts["catalog_thresholds"] = len(THRESHOLDS)
    ctx.counts["catalog_centralized"] = len(CENTRALIZED)
    ctx.counts["catalog_standards"] = len(STANDARDS)
