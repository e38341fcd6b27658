"""Forms of the plans pages: they parse input only; every rule is checked by the services."""

from __future__ import annotations

from typing import Any

from django import forms

from zhengcai.core import clock
from zhengcai.plans import constants as c


class MonthInput(forms.DateInput):
    input_type = "month"

    def format_value(self, value: Any) -> str | None:
        if hasattr(value, "strftime"):
            return str(value.strftime("%Y-%m"))
        return super().format_value(value)


class MonthField(forms.DateField):
    widget = MonthInput
    input_formats = ["%Y-%m", "%Y-%m-%d"]


class BudgetLineForm(forms.Form):
    fiscal_year = forms.IntegerField(label="预算年度", min_value=2000, max_value=2100)
    project_code = forms.CharField(label="预算项目编码", max_length=40)
    project_name = forms.CharField(label="预算项目名称", max_length=200)
    item_code = forms.CharField(
        label="品目编码",
        max_length=9,
        help_text="《政府采购品目分类目录》9 位编码，如 A02010104",
    )
    description = forms.CharField(label="采购内容", max_length=300)
    quantity = forms.DecimalField(label="数量", max_digits=12, decimal_places=2)
    unit = forms.CharField(label="计量单位", max_length=20, required=False)
    amount = forms.DecimalField(label="预算金额（元）", max_digits=16, decimal_places=2)
    funding_source = forms.ChoiceField(label="资金来源", choices=c.FundingSource.choices)
    org_form = forms.ChoiceField(
        label="组织形式",
        choices=[("", "按集中采购目录自动确定"), *c.OrgForm.choices],
        required=False,
    )
    is_import = forms.BooleanField(label="采购进口产品", required=False)
    exception_reason = forms.CharField(
        label="超资产配置标准的理由（仅在超标准时填写，将报财政部门审批）",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=1000,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["fiscal_year"].initial = clock.today().year


class ImportForm(forms.Form):
    file = forms.FileField(label="Excel 文件（.xlsx）")


class NoteForm(forms.Form):
    note = forms.CharField(
        label="意见", widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=1000
    )


class PlanForm(forms.Form):
    name = forms.CharField(label="项目名称", max_length=200)
    amount = forms.DecimalField(label="计划金额（元）", max_digits=16, decimal_places=2)
    quantity = forms.DecimalField(label="数量", max_digits=12, decimal_places=2)
    expected_month = MonthField(label="预计采购时间（年月）")
    requirements = forms.CharField(
        label="需求概况", widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
    method = forms.ChoiceField(
        label="采购方式",
        choices=[("", "按规则默认"), *c.PlanMethod.choices],
        required=False,
    )
    single_source_ground = forms.ChoiceField(
        label="单一来源理由（法31）",
        choices=[("", "—"), *c.SingleSourceGround.choices],
        required=False,
    )
    works_related = forms.BooleanField(
        label="与工程建设有关的货物或服务（构成工程不可分割的设备、材料，或勘察、设计、监理等，条例7）",
        required=False,
    )
    original_contract_no = forms.CharField(
        label="添购：原合同编号（法31③）", max_length=60, required=False
    )
    original_supplier = forms.CharField(label="添购：原合同供应商", max_length=200, required=False)
    original_contract_amount = forms.DecimalField(
        label="添购：原合同金额（元）", max_digits=16, decimal_places=2, required=False
    )
    original_contract_signed_on = forms.DateField(
        label="添购：原合同签订日期",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    is_urgent = forms.BooleanField(label="因不可预见的紧急情况，免于意向公开期", required=False)
    urgent_reason = forms.CharField(label="紧急事由", max_length=500, required=False)


class IntentionForm(forms.Form):
    project_name = forms.CharField(label="采购项目名称", max_length=200)
    requirements = forms.CharField(
        label="采购需求概况", widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
    expected_month = MonthField(label="预计采购时间")
    notes = forms.CharField(label="备注", max_length=500, required=False)


class ApprovalForm(forms.Form):
    reasons = forms.CharField(
        label="申请理由", widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )
    supplier_name = forms.CharField(label="拟定供应商名称", max_length=200, required=False)
    supplier_address = forms.CharField(label="拟定供应商地址", max_length=200, required=False)
    expert_opinion = forms.CharField(
        label="专家论证意见（姓名、单位、职称及意见）",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5000,
    )


class AttachmentForm(forms.Form):
    file = forms.FileField(label="附件")


class ObjectionForm(forms.Form):
    objector_name = forms.CharField(label="异议人", max_length=200, required=False)
    content = forms.CharField(
        label="异议内容", widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )


class ReviewForm(forms.Form):
    review_conclusion = forms.ChoiceField(
        label="补充论证结论", choices=c.ReviewConclusion.choices, required=False
    )
    review_note = forms.CharField(
        label="补充论证意见", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class CommissionForm(forms.Form):
    agency: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label="代理机构",
        queryset=None,  # type: ignore[arg-type]
        empty_label="请选择",
    )
    note = forms.CharField(
        label="委托说明",
        max_length=500,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "委托说明（可选）"}),
    )

    def __init__(self, *args: Any, agencies: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]
