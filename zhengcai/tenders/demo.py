"""Demo data of the tenders app: the agency's document templates and a published project
grown from the plans demo's commission, made through the services (audited like real ones).
Runs after the plans demo (INSTALLED_APPS order)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from zhengcai.accounts.models import User
from zhengcai.core import clock
from zhengcai.core.workdays import WorkCalendar
from zhengcai.plans import services as plan_services
from zhengcai.plans.constants import CommissionStatus
from zhengcai.plans.models import Commission
from zhengcai.tenders import rules, services

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


def seed(ctx: Any) -> None:
    agency_user = User.objects.filter(username="agency").first()
    if agency_user is None or agency_user.organization is None:
        return
    made = {"templates": 0, "projects": 0, "notices": 0}
    template = services.template_save(actor=agency_user, values=GOODS_TEMPLATE)
    made["templates"] += 1
    cal = WorkCalendar.load()
    for com in Commission.objects.filter(agency=agency_user.organization).order_by("pk")[:3]:
        if com.status == CommissionStatus.SENT:
            com = plan_services.commission_accept(actor=agency_user, commission=com)
        if com.status != CommissionStatus.ACCEPTED or hasattr(com, "project"):
            continue
        project = services.project_create_from_commission(actor=agency_user, commission=com)
        made["projects"] += 1
        services.project_update(
            actor=agency_user,
            project=project,
            values={
                "sme_reservation": "whole",
                "sme_reserved_percent": "100",
                "contract_period": "合同签订后30日内交货",
                "opening_place": "本平台不见面开标大厅",
            },
        )
        services.document_build(actor=agency_user, project=project, template=template)
        services.compliance_check(actor=agency_user, project=project)
        services.document_finalize(actor=agency_user, project=project)
        earliest = rules.timeline(cal, project.method_config, clock.today()).earliest_deadline
        day = earliest or cal.add_working_days(clock.today(), 5)
        project = services.project_publish(
            actor=agency_user,
            project=project,
            bid_deadline=dt.datetime.combine(day, dt.time(9, 30), tzinfo=clock.SHANGHAI),
        )
        made["notices"] += project.notices.count()
    for key, value in made.items():
        ctx.counts[f"tenders:{key}"] = value
