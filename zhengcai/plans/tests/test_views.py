"""Web pages for purchaser, regulator, agency and the public."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import Client

from zhengcai.core import clock
from zhengcai.plans import excel, services
from zhengcai.plans.models import BudgetLine, ProcurementPlan
from zhengcai.plans.tests.factories import PlansWorld, approved_line, make_plan


def as_user(w: PlansWorld, key: str) -> Client:
    c = Client()
    c.force_login(w.users[key])
    return c


def html(r) -> str:
    return r.content.decode()


@pytest.mark.parametrize("who", ["pur_hz", "reg_hz", "reg_prov", "supv_hz", "admin", "agc_hz"])
@pytest.mark.parametrize(
    "url", ["/plans/plans/", "/plans/commissions/", "/plans/public/intentions/"]
)
def test_lists_render_for_each_role(w: PlansWorld, who, url) -> None:
    assert as_user(w, who).get(url).status_code == 200


@pytest.mark.parametrize("url", ["/plans/budgets/", "/plans/approvals/", "/plans/split-cases/"])
@pytest.mark.parametrize("who", ["pur_hz", "reg_hz", "supv_hz"])
def test_management_lists(w: PlansWorld, who, url) -> None:
    assert as_user(w, who).get(url).status_code == 200


def test_login_required(w: PlansWorld) -> None:
    r = Client().get("/plans/budgets/")
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]


def test_purchaser_enters_budget_in_browser_form(w: PlansWorld) -> None:
    c = as_user(w, "pur_hz")
    assert "录入政府采购预算" in html(c.get("/plans/budgets/new/"))
    form = {
        "fiscal_year": 2026,
        "project_code": "WEB-1",
        "project_name": "信息化建设",
        "item_code": "A02010104",
        "description": "办公台式计算机",
        "quantity": "10",
        "unit": "台",
        "amount": "70000.00",
        "funding_source": "general",
        "org_form": "",
    }
    r = c.post("/plans/budgets/new/", form)
    assert r.status_code == 422 and "资产配置标准" in html(r) and "6000" in html(r)
    form["amount"] = "50000.00"
    r = c.post("/plans/budgets/new/", form)
    assert r.status_code == 302
    line = BudgetLine.objects.get(project_code="WEB-1")
    assert line.org_form == "central"
    r = c.post(f"/plans/budgets/{line.pk}/submit/")
    assert r.status_code == 302
    assert BudgetLine.objects.get(pk=line.pk).status == "submitted"


def test_regulator_approves_and_returns(w: PlansWorld) -> None:
    line = services.budget_line_create(
        actor=w.users["pur_hz"],
        organization=w.orgs["pur_hz"],
        data={
            "fiscal_year": 2026,
            "project_code": "WEB-2",
            "project_name": "物业",
            "item_code": "C21040000",
            "description": "物业",
            "quantity": 1,
            "amount": "500000.00",
            "funding_source": "general",
        },
    )
    services.budget_line_transition(actor=w.users["pur_hz"], line=line, to_status="submitted")
    reg = as_user(w, "reg_hz")
    page = html(reg.get(f"/plans/budgets/{line.pk}/"))
    assert 'data-testid="budget-approve"' in page
    r = reg.post(f"/plans/budgets/{line.pk}/return/", {"note": ""}, follow=True)
    assert "退回须填写审核意见" in html(r)
    reg.post(f"/plans/budgets/{line.pk}/approve/", {"note": "同意"})
    assert BudgetLine.objects.get(pk=line.pk).status == "approved"
    # The purchaser cannot decide (403 page); another city's regulator cannot see it (404).
    assert as_user(w, "pur_hz").post(f"/plans/budgets/{line.pk}/approve/").status_code == 403
    assert as_user(w, "reg_nb").get(f"/plans/budgets/{line.pk}/").status_code == 404


def test_plan_pages_and_agency_view(w: PlansWorld) -> None:
    line = approved_line(w)
    pur = as_user(w, "pur_hz")
    assert "编制采购实施计划" in html(pur.get(f"/plans/plans/new/?budget={line.pk}"))
    r = pur.post(
        f"/plans/plans/new/?budget={line.pk}",
        {
            "name": "物业服务",
            "amount": "800000.00",
            "quantity": "1",
            "expected_month": "2026-12",
            "requirements": "保洁",
            "method": "",
        },
    )
    assert r.status_code == 302, html(r)
    plan = ProcurementPlan.objects.get(budget_line=line)
    pur.post(f"/plans/plans/{plan.pk}/submit/")
    as_user(w, "reg_hz").post(f"/plans/plans/{plan.pk}/approve/")
    pur.post(
        f"/plans/plans/{plan.pk}/intention/",
        {
            "project_name": "物业服务",
            "requirements": "保洁",
            "expected_month": "2026-12",
        },
    )
    assert "物业服务" in html(Client().get("/plans/public/intentions/"))
    clock.freeze(dt.datetime(2026, 12, 23, 9, 0, tzinfo=clock.SHANGHAI))
    pur.post(f"/plans/plans/{plan.pk}/commission/", {"agency": w.orgs["agc_hz"].pk})
    assert ProcurementPlan.objects.get(pk=plan.pk).status == "commissioned"
    agency = as_user(w, "agc_hz")
    page = html(agency.get("/plans/commissions/"))
    assert "物业服务" in page
    assert agency.get(f"/plans/plans/{plan.pk}/").status_code == 200
    assert as_user(w, "agc_social").get(f"/plans/plans/{plan.pk}/").status_code == 404


def test_import_page_reports_every_bad_row(w: PlansWorld) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = excel.SHEET
    ws.append([h for _, h in excel.COLUMNS])
    ws.append([2026, "X", "项目", "A00000001", "内容", 1, "项", 100, "一般公共预算资金", "", "否"])
    ws.append([2026, "X", "项目", "C21040000", "内容2", 1, "项", -1, "一般公共预算资金", "", "否"])
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "b.xlsx"
    n = BudgetLine.objects.count()
    r = as_user(w, "pur_hz").post("/plans/budgets/import/", {"file": buf})
    assert r.status_code == 422
    page = html(r)
    assert "第 2 行" in page and "第 3 行" in page and "未导入任何数据" in page
    assert BudgetLine.objects.count() == n


def test_template_download(w: PlansWorld) -> None:
    r = Client().get("/plans/budgets/template.xlsx")
    assert r.status_code == 200 and r.content[:2] == b"PK"


def test_single_source_public_page_and_objection(w: PlansWorld) -> None:
    line = approved_line(w, amount="3500000.00")
    plan = make_plan(w, line, method="single_source", single_source_ground="only_one")
    req = services.approval_create(
        actor=w.users["pur_hz"],
        kind="single_source",
        reasons="唯一供应商",
        plan=plan,
        values={"supplier_name": "某某公司", "expert_opinion": "专家意见"},
    )
    services.approval_submit(actor=w.users["pur_hz"], request=req)
    page = html(Client().get("/plans/public/single-source/"))
    assert "某某公司" in page and "提出异议" in page
    r = Client().post(
        f"/plans/public/single-source/{req.pk}/objections/",
        {"objector_name": "张先生", "content": "本公司也能供货"},
        follow=True,
    )
    assert "异议已提交" in html(r)
    assert req.objections.count() == 1
