"""Demo data of the tenders app: the agency's document templates and published projects of
different methods — the plans demo's commission (询价) plus a 公开招标 and a 竞争性磋商 grown
from commissions made here through the plans services — all with future deadlines, made
through the services (audited like real ones). Runs after the plans demo (INSTALLED_APPS
order); the bidding demo then adds sealed bids and one project already opened."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from zhengcai.accounts.models import User
from zhengcai.core import clock
from zhengcai.core.workdays import WorkCalendar
from zhengcai.plans import services as plan_services
from zhengcai.plans.constants import BudgetStatus, CommissionStatus, OrgForm
from zhengcai.plans.models import Commission
from zhengcai.tenders import rules, services
from zhengcai.tenders.models import DocumentTemplate, Project

GOODS_TEMPLATE: dict[str, Any] = {
    "name": "货物类采购文件范本（综合评分法）",
    "object_kind": "goods",
    "requirements": "",
    "qualifications": "具有履行合同所必需的设备和专业技术能力；\n"
    "投标产品具有国家强制性认证（CCC）证书（如适用）",
    "evaluation_method": "comprehensive",
    "factors": [
        {
            "name": "价格",
            "points": "40",
            "objective": True,
            "is_price": True,
            "criteria": "满足要求且价格最低的为评标基准价，得满分；其余按（基准价/投标报价）×40",
        },
        {
            "name": "技术参数响应",
            "points": "35",
            "objective": True,
            "is_price": False,
            "criteria": "全部满足得35分，每项负偏离扣2分",
        },
        {
            "name": "售后服务方案",
            "points": "15",
            "objective": False,
            "is_price": False,
            "criteria": "响应时间、备品备件、培训方案",
        },
        {
            "name": "供货与实施方案",
            "points": "10",
            "objective": False,
            "is_price": False,
            "criteria": "进度安排合理、措施可行",
        },
    ],
    "contract_terms": "交货期：合同签订后30日内；\n付款：验收合格后15个工作日内支付合同全款；\n"
    "质保：三年原厂保修",
    "bid_bond_percent": "1",
}


SERVICES_TEMPLATE: dict[str, Any] = {
    **GOODS_TEMPLATE,
    "name": "服务类采购文件范本（综合评分法）",
    "object_kind": "services",
    "qualifications": "具有履行合同所必需的设备和专业技术能力",
    "factors": [
        {
            "name": "价格",
            "points": "20",
            "objective": True,
            "is_price": True,
            "criteria": "满足要求且价格最低的为基准价，得满分；其余按（基准价/报价）×20",
        },
        {
            "name": "服务方案",
            "points": "50",
            "objective": False,
            "is_price": False,
            "criteria": "人员配置、作业标准、应急预案",
        },
        {
            "name": "类似项目业绩",
            "points": "15",
            "objective": True,
            "is_price": False,
            "criteria": "近三年每个类似项目得5分，最多15分",
        },
        {
            "name": "质量保证措施",
            "points": "15",
            "objective": False,
            "is_price": False,
            "criteria": "考核办法与整改机制",
        },
    ],
    "contract_terms": "服务期：一年；\n付款：按季度考核合格后支付",
}

# (item code, description, amount, quantity, unit, method) of the commissions made
# here; all under the province's 公开招标数额标准, so no method-change approval is needed.
EXTRA_PROJECTS: list[tuple[str, str, Decimal, int, str, str]] = [
    ("A02061804", "教学楼空调机更新", Decimal("860000.00"), 120, "台", "open_tender"),
    ("C21040000", "实验楼物业管理服务", Decimal("900000.00"), 1, "项", "consultation"),
]


def accepted_commission(
    *,
    item_code: str,
    description: str,
    amount: Decimal,
    quantity: int,
    unit: str,
    method: str,
    tag: str,
) -> Commission | None:
    """An urgent plan of the named purchaser, approved, commissioned to the named agency and
    accepted — through the plans services."""
    purchaser = User.objects.filter(username="purchaser").select_related("organization").first()
    regulator = User.objects.filter(username="regulator").first()
    agency_user = User.objects.filter(username="agency").select_related("organization").first()
    if (
        purchaser is None
        or purchaser.organization is None
        or regulator is None
        or agency_user is None
        or agency_user.organization is None
    ):
        return None
    year = clock.today().year
    line = plan_services.budget_line_create(
        actor=purchaser,
        organization=purchaser.organization,
        data={
            "fiscal_year": year,
            "project_code": f"{year}-XM-{tag}",
            "project_name": description[:4] + "项目",
            "item_code": item_code,
            "description": description,
            "quantity": Decimal(quantity),
            "unit": unit,
            "amount": amount,
            "funding_source": "general",
            "org_form": OrgForm.CENTRAL,
            "is_import": False,
        },
    )
    plan_services.budget_line_transition(
        actor=purchaser, line=line, to_status=BudgetStatus.SUBMITTED
    )
    line = plan_services.budget_line_transition(
        actor=regulator, line=line, to_status=BudgetStatus.APPROVED, note="同意"
    )
    plan = plan_services.plan_create(
        actor=purchaser,
        budget_line=line,
        values={
            "name": f"{description}采购",
            "amount": amount,
            "quantity": Decimal(quantity),
            "expected_month": clock.today(),
            "requirements": f"{description}，{quantity}{unit}。",
            "method": method,
            "is_urgent": True,
            "urgent_reason": "开学前须完成（不可预见的紧急需要）",
        },
    )
    plan = plan_services.plan_submit(actor=purchaser, plan=plan)
    plan = plan_services.plan_approve(actor=regulator, plan=plan, note="同意备案")
    plan_services.intention_publish(actor=purchaser, plan=plan)
    com = plan_services.commission_create(
        actor=purchaser, plan=plan, agency=agency_user.organization, note="紧急采购"
    )
    return plan_services.commission_accept(actor=agency_user, commission=com)


def template_for(agency_user: User, object_kind: str) -> DocumentTemplate:
    """The agency's demo template for goods or services (made on first use)."""
    values = GOODS_TEMPLATE if object_kind == "goods" else SERVICES_TEMPLATE
    found = DocumentTemplate.objects.filter(
        agency_id=agency_user.organization_id, name=values["name"]
    ).first()
    return found or services.template_save(actor=agency_user, values=values)


def publish(agency_user: User, com: Commission, *, variant: str = "") -> Project:
    """Project → documents from the template → compliance check → finalise → notice, with the
    earliest deadline the method allows (at 09:30)."""
    project = services.project_create_from_commission(
        actor=agency_user, commission=com, method_variant=variant
    )
    services.project_update(
        actor=agency_user,
        project=project,
        values={
            "sme_reservation": "whole",
            "sme_reserved_percent": "100",
            "contract_period": "合同签订后30日内交货" if project.object_kind == "goods" else "一年",
            "opening_place": "本平台不见面开标大厅",
        },
    )
    template = template_for(agency_user, project.object_kind)
    services.document_build(actor=agency_user, project=project, template=template)
    services.compliance_check(actor=agency_user, project=project)
    services.document_finalize(actor=agency_user, project=project)
    cal = WorkCalendar.load()
    earliest = rules.timeline(cal, project.method_config, clock.today()).earliest_deadline
    day = earliest or cal.add_working_days(clock.today(), 5)
    return services.project_publish(
        actor=agency_user,
        project=project,
        bid_deadline=dt.datetime.combine(day, dt.time(9, 30), tzinfo=clock.SHANGHAI),
    )


def seed(ctx: Any) -> None:
    agency_user = User.objects.filter(username="agency").first()
    if agency_user is None or agency_user.organization is None:
        return
    made = {"templates": 0, "projects": 0, "notices": 0}
    template_for(agency_user, "goods")
    made["templates"] += 1
    commissions = list(
        Commission.objects.filter(agency=agency_user.organization).order_by("pk")[:3]
    )
    if commissions:  # the plans demo ran: add commissions of other methods
        for i, (code, desc, amount, qty, unit, method) in enumerate(EXTRA_PROJECTS):
            com = accepted_commission(
                item_code=code,
                description=desc,
                amount=amount,
                quantity=qty,
                unit=unit,
                method=method,
                tag=f"ZB{i + 1:02d}",
            )
            if com is not None:
                commissions.append(com)
    for com in commissions:
        if com.status == CommissionStatus.SENT:
            com = plan_services.commission_accept(actor=agency_user, commission=com)
        if (
            com.status != CommissionStatus.ACCEPTED
            or Project.objects.filter(commission=com).exists()
        ):
            continue
        project = publish(agency_user, com)
        made["projects"] += 1
        made["notices"] += project.notices.count()
    made["templates"] = DocumentTemplate.objects.filter(agency=agency_user.organization).count()
    for key, value in made.items():
        ctx.counts[f"tenders:{key}"] = value
