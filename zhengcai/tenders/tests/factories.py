"""Test world of the tenders app: the plans world plus accepted commissions, templates and
helpers that go through the services."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from zhengcai.plans import services as plan_services
from zhengcai.plans.models import Commission
from zhengcai.plans.tests.factories import PlansWorld, approved_line, make_plan
from zhengcai.tenders import services
from zhengcai.tenders.models import DocumentTemplate, Project

CLEAN_QUALIFICATIONS = "具有ISO9001质量管理体系认证证书"
CLEAN_FACTORS: list[dict[str, Any]] = [
    {"name": "价格", "points": "40", "objective": True, "is_price": True, "criteria": "低价优先"},
    {"name": "技术方案", "points": "45", "objective": False, "is_price": False, "criteria": "优劣"},
    {"name": "售后服务", "points": "15", "objective": False, "is_price": False, "criteria": "响应"},
]


def accepted_commission(
    w: PlansWorld,
    *,
    org: str = "pur_hz",
    agency: str = "agc_hz",
    item_code: str = "A02010105",
    amount: str = "1500000.00",
) -> Commission:
    line = approved_line(w, org, item_code=item_code, amount=amount, quantity=Decimal("100"))
    plan = make_plan(
        w,
        line,
        org,
        is_urgent=True,
        urgent_reason="不可预见的紧急需要（测试）",
        name="便携式计算机采购",
    )
    plan = plan_services.plan_submit(actor=w.users[org], plan=plan)
    decider = "reg_prov" if org == "pur_prov" else "reg_hz"
    plan = plan_services.plan_approve(actor=w.users[decider], plan=plan)
    plan_services.intention_publish(actor=w.users[org], plan=plan)
    com = plan_services.commission_create(actor=w.users[org], plan=plan, agency=w.orgs[agency])
    return plan_services.commission_accept(actor=w.users[agency], commission=com)


def template(w: PlansWorld, agency: str = "agc_hz", **kw: Any) -> DocumentTemplate:
    values: dict[str, Any] = {
        "name": "货物类公开招标范本",
        "requirements": "便携式计算机100台，处理器不低于8核，内存16GB，三年原厂保修",
        "qualifications": CLEAN_QUALIFICATIONS,
        "evaluation_method": "comprehensive",
        "factors": CLEAN_FACTORS,
        "contract_terms": "交货期30日；验收合格后付款",
        "bid_bond_percent": "1",
    }
    values.update(kw)
    return services.template_save(actor=w.users[agency], values=values)


def project(
    w: PlansWorld,
    *,
    agency: str = "agc_hz",
    method: str | None = "open_tender",
    variant: str = "",
    with_document: bool = True,
    sme: str = "whole",
    **kw: Any,
) -> Project:
    com = accepted_commission(w, agency=agency, **kw)
    if method is not None:  # the plans rules pick the method; tests try every one
        com.plan.method = method
        com.plan.save(update_fields=["method"])
    p = services.project_create_from_commission(
        actor=w.users[agency], commission=com, method_variant=variant
    )
    p = services.project_update(
        actor=w.users[agency],
        project=p,
        values={"sme_reservation": sme, "sme_reserved_percent": "100", "opening_place": "开标室"},
    )
    if with_document:
        tpl = template(w, agency)
        services.document_build(actor=w.users[agency], project=p, template=tpl)
        if p.method_config.allows("comprehensive"):
            values: dict[str, Any] = {"evaluation_method": "comprehensive"}
            if p.object_kind == "services":  # price 20%: within 10–30% (214号 24)
                values["factors"] = [
                    {**CLEAN_FACTORS[0], "points": "20"},
                    {**CLEAN_FACTORS[1], "points": "65"},
                    CLEAN_FACTORS[2],
                ]
            services.document_update(actor=w.users[agency], project=p, values=values)
    p.refresh_from_db()
    return p


def ready_project(w: PlansWorld, **kw: Any) -> Project:
    p = project(w, **kw)
    agency = w.users[kw.get("agency", "agc_hz")]
    services.compliance_check(actor=agency, project=p)
    services.document_finalize(actor=agency, project=p)
    p.refresh_from_db()
    return p
