"""Demo data: two decided penalties of the city finance department — a supplier banned for a
year after false material (法 77), and a warning and fine for another (法 77 fine range) —
so the credit desk, the public list and the refusing doors have something to show. Through
the services, so each is checked and audited."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from zhengcai.accounts.models import Organization, User
from zhengcai.credit import services


def seed(ctx: Any) -> None:
    regulator = User.objects.filter(username="regulator_hz").select_related("organization").first()
    demo_supplier = User.objects.filter(username="supplier").values_list(
        "organization_id", flat=True
    )
    region = regulator.region if regulator is not None else None
    if regulator is None or region is None:
        return
    suppliers = list(
        Organization.objects.filter(kind="supplier", region__path__startswith=region.path)
        .exclude(pk__in=list(demo_supplier))
        .order_by("pk")[:40]
    )
    if len(suppliers) < 2:
        return
    banned, fined = ctx.rng.sample(suppliers, 2)
    p = services.penalty_create(
        actor=regulator,
        subject_kind="supplier",
        organization=banned,
        decision_no="杭财采监〔2026〕17号",
        basis="《中华人民共和国政府采购法》第七十七条第一款第（一）项",
        facts="在教学设备采购项目中提供虚假的检测报告谋取中标，经调查属实。",
        fine=Decimal("4800.00"),
        procurement_amount=Decimal("860000.00"),
        ban_scope="participate",
        ban_months=12,
        adverse_record=True,
        project_ref="ZJCG-2026-0412",
    )
    services.penalty_decide(actor=regulator, penalty=p)
    q = services.penalty_create(
        actor=regulator,
        subject_kind="supplier",
        organization=fined,
        decision_no="杭财采监〔2026〕21号",
        basis="《中华人民共和国政府采购法》第七十七条第一款第（五）项",
        facts="中标后无正当理由拒不与采购人签订政府采购合同。",
        warning=True,
        adverse_record=True,
    )
    services.penalty_decide(actor=regulator, penalty=q)
    ctx.counts["penalties"] = 2
