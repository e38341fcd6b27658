"""Forms of the expert pages (parsing only; rules live in services and rules)."""

from __future__ import annotations

from django import forms

from zhengcai.accounts.constants import OrgKind
from zhengcai.accounts.models import Organization
from zhengcai.experts.constants import (
    Attendance,
    ConflictKind,
    ExpertStatus,
    IncidentKind,
    Procedure,
    RatingFlag,
)
from zhengcai.methods.codes import Method


class ExpertFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=60, label="姓名")
    status = forms.ChoiceField(
        required=False, choices=[("", "全部状态"), *ExpertStatus.choices], label="状态"
    )
    specialty = forms.CharField(required=False, max_length=9, label="评审专业")
    page = forms.IntegerField(required=False, min_value=1)


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=ExpertStatus.choices, label="新状态")
    reason = forms.CharField(max_length=500, label="原因")


class UnavailabilityForm(forms.Form):
    start = forms.DateField(label="开始日期", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="结束日期", widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(required=False, max_length=200, label="原因")


class ConflictForm(forms.Form):
    organization = forms.CharField(max_length=18, label="单位统一社会信用代码")
    kind = forms.ChoiceField(choices=ConflictKind.choices, label="关系")
    until = forms.DateField(
        required=False, label="关系终止日期", widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(required=False, max_length=200, label="说明")

    def clean_organization(self) -> Organization:
        org = Organization.objects.filter(credit_code=self.cleaned_data["organization"]).first()
        if org is None:
            raise forms.ValidationError("平台上没有该统一社会信用代码的单位")
        return org


class ImportForm(forms.Form):
    file = forms.FileField(label="Excel 文件（.xlsx）")


class DrawForm(forms.Form):
    purchaser = forms.ModelChoiceField(
        queryset=Organization.objects.filter(kind=OrgKind.PURCHASER).order_by("name"),
        label="采购人",
    )
    project_name = forms.CharField(max_length=200, label="项目名称")
    project_code = forms.CharField(required=False, max_length=60, label="项目编号")
    specialty_codes = forms.CharField(
        max_length=200, label="评审专业（品目编码，逗号分隔）", initial="A0201"
    )
    evaluation_at = forms.DateTimeField(
        label="评审开始时间", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    place = forms.CharField(required=False, max_length=200, label="评审地点")
    count = forms.IntegerField(min_value=1, max_value=49, initial=5, label="抽取专家人数")
    purchaser_reps = forms.IntegerField(min_value=0, max_value=10, initial=0, label="采购人代表")
    procedure = forms.ChoiceField(choices=Procedure.choices, label="采购程序")
    budget = forms.DecimalField(max_digits=16, decimal_places=2, min_value=0, label="预算（元）")
    technically_complex = forms.BooleanField(required=False, label="技术复杂或社会影响较大")
    method = forms.ChoiceField(
        choices=[("", "—（按采购程序）"), *Method.choices], required=False, label="采购方式"
    )
    item_code = forms.CharField(required=False, max_length=9, label="采购品目（数额标准）")
    urgent_exception = forms.CharField(
        required=False, max_length=200, label="提前抽取的理由（例外情形，可空）"
    )

    def clean_specialty_codes(self) -> list[str]:
        raw = self.cleaned_data["specialty_codes"].replace("，", ",")
        return [c.strip().upper() for c in raw.split(",") if c.strip()]


class RatingForm(forms.Form):
    expert = forms.IntegerField(widget=forms.HiddenInput)
    attendance = forms.ChoiceField(choices=Attendance.choices, label="到场情况")
    quality = forms.TypedChoiceField(
        choices=[("", "—（缺席不评）"), *[(str(i), f"{i} 分") for i in range(5, 0, -1)]],
        coerce=int,
        empty_value=None,
        required=False,
        label="评审质量",
    )
    flags = forms.MultipleChoiceField(
        choices=RatingFlag.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="问题",
    )
    note = forms.CharField(required=False, max_length=500, label="说明")


class ReplyForm(forms.Form):
    rating = forms.IntegerField(widget=forms.HiddenInput)
    text = forms.CharField(max_length=1000, label="说明", widget=forms.Textarea(attrs={"rows": 2}))


class IncidentForm(forms.Form):
    kind = forms.ChoiceField(choices=IncidentKind.choices, label="类型")
    reference = forms.CharField(max_length=200, label="文号/依据")
    occurred_on = forms.DateField(label="决定日期", widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(required=False, max_length=500, label="说明")
