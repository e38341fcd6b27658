"""Demo data of the plans app: budgets, plans, intentions and a commission, made through the
services (so every step is in the audit chain like a real one).

The catalogue rows the rules read (品目, thresholds, 集中采购目录, configuration standards)
come from the catalog app's demo, which runs first (INSTALLED_APPS order).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from zhengcai.accounts.constants import OrgKind
from zhengcai.accounts.models import Organization, Region, User
from zhengcai.catalog.models import CatalogItem
from zhengcai.core import clock
from zhengcai.plans import services
from zhengcai.plans.constants import BudgetStatus, OrgForm

# (code, name, budget amount, quantity, unit, status) per provincial unit.
LINES = [
    ("A02010105", "办公用台式计算机更新", Decimal("72000.00"), 12, "台", "approved"),
    ("C21040000", "办公楼物业管理服务", Decimal("800000.00"), 1, "项", "submitted"),
    ("A05010200", "办公桌椅更新", Decimal("180000.00"), 60, "套", "draft"),
    ("C16010000", "业务管理系统开发", Decimal("3600000.00"), 1, "项", "approved"),
]


def _line_data(year: int, index: int, spec: tuple[Any, ...]) -> dict[str, Any]:
    code, desc, amount, qty, unit, _ = spec
    return {
        "fiscal_year": year,
        "project_code": f"{year}-XM-{index + 1:03d}",
        "project_name": desc[:4] + "项目",
        "item_code": code,
        "description": desc,
        "quantity": Decimal(qty),
        "unit": unit,
        "amount": amount,
        "funding_source": "general",
        "org_form": "",
        "is_import": False,
    }


def seed(ctx: Any) -> None:
    province = Region.objects.filter(level=1).order_by("path").first()
    if province is None or not CatalogItem.objects.exists():
        return
    regulator = User.objects.filter(username="regulator").first()
    agency_user = User.objects.filter(username="agency").first()
    if regulator is None or agency_user is None:
        return
    year = clock.today().year
    units = {"small": 4, "city": 12, "province": 30}.get(ctx.scale, 4)
    purchasers = list(
        Organization.objects.filter(kind=OrgKind.PURCHASER, region=province).order_by("pk")[:units]
    )
    made = {"budget_lines": 0, "plans": 0, "intentions": 0, "commissions": 0}
    for n, org in enumerate(purchasers):
        actor = (
            User.objects.filter(organization=org, username="purchaser").first()
            or User.objects.filter(organization=org).order_by("pk").first()
        )
        if actor is None:
            continue
        for i, spec in enumerate(LINES):
            if n and i == 2:
                continue  # only the named purchaser keeps a draft line
            line = services.budget_line_create(
                actor=actor, organization=org, data=_line_data(year, i, spec)
            )
            made["budget_lines"] += 1
            status = spec[5]
            if status == "draft":
                continue
            line = services.budget_line_transition(
                actor=actor, line=line, to_status=BudgetStatus.SUBMITTED
            )
            if status == "submitted":
                continue
            line = services.budget_line_transition(
                actor=regulator, line=line, to_status=BudgetStatus.APPROVED, note="同意"
            )
            if spec[0] != "C16010000" or n % 2:
                continue
            # A plan with its intention for every other unit: the public list has content.
            plan = services.plan_create(
                actor=actor,
                budget_line=line,
                values={
                    "name": f"{org.name}{spec[1]}",
                    "amount": line.amount,
                    "quantity": line.quantity,
                    "expected_month": (clock.today().replace(day=1) + dt.timedelta(days=62)),
                    "requirements": "建设覆盖主要业务的管理信息系统，含需求分析、开发、部署与"
                    "一年运维。",
                },
            )
            plan = services.plan_submit(actor=actor, plan=plan)
            plan = services.plan_approve(actor=regulator, plan=plan, note="同意备案")
            made["plans"] += 1
            services.intention_publish(actor=actor, plan=plan)
            made["intentions"] += 1
    # One commission the agency can see at once (an urgent plan: the exemption is recorded).
    first = purchasers[0] if purchasers else None
    actor = User.objects.filter(username="purchaser").first()
    if first is not None and actor is not None and actor.organization_id == first.pk:
        line = services.budget_line_create(
            actor=actor,
            organization=first,
            data={
                **_line_data(year, 9, LINES[0]),
                "description": "考场监控用台式计算机",
                "amount": Decimal("600000.00"),
                "quantity": Decimal(120),
                "org_form": OrgForm.CENTRAL,
            },
        )
        services.budget_line_transition(actor=actor, line=line, to_status=BudgetStatus.SUBMITTED)
        line = services.budget_line_transition(
            actor=regulator, line=line, to_status=BudgetStatus.APPROVED, note="同意"
        )
        plan = services.plan_create(
            actor=actor,
            budget_line=line,
            values={
                "name": "考场监控用台式计算机采购",
                "amount": line.amount,
                "quantity": line.quantity,
                "expected_month": clock.today(),
                "requirements": "120 台台式计算机，用于标准化考场监控。",
                "is_urgent": True,
                "urgent_reason": "考试安排提前，考场须在考试前完成设备更新（不可预见）",
            },
        )
        plan = services.plan_submit(actor=actor, plan=plan)
        plan = services.plan_approve(actor=regulator, plan=plan, note="同意备案")
        services.intention_publish(actor=actor, plan=plan)
        central = agency_user.organization
        if central is not None:
            services.commission_create(actor=actor, plan=plan, agency=central, note="紧急采购")
            made["commissions"] += 1
    for key, value in made.items():
        ctx.counts[f"plans:{key}"] = value
