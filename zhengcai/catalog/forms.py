"""Forms of the catalogue pages (parsing only; the services validate the rules)."""

from __future__ import annotations

from django import forms

from zhengcai.accounts.constants import RegionLevel
from zhengcai.catalog.constants import Category, CentralizedScope, QuantityBasis, ThresholdKind

KIND_CHOICES = [
    ("thresholds", "限额标准"),
    ("centralized", "集中采购目录"),
    ("standards", "资产配置标准"),
    ("items", "品目分类目录"),
]
DATE = forms.DateInput(attrs={"type": "date"})


class ThresholdForm(forms.Form):
    unit_level = forms.TypedChoiceField(
        label="预算单位级次", choices=RegionLevel.choices, coerce=int
    )
    category = forms.ChoiceField(label="类别", choices=Category.choices)
    kind = forms.ChoiceField(label="标准类型", choices=ThresholdKind.choices)
    amount = forms.DecimalField(label="金额（元）", max_digits=16, decimal_places=2)
    effective_from = forms.DateField(label="生效日期", widget=DATE)
    basis = forms.CharField(label="依据文件", max_length=200, required=False)


class ThresholdEditForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    amount = forms.DecimalField(label="金额（元）", max_digits=16, decimal_places=2)
    effective_to = forms.DateField(label="失效日期", widget=DATE, required=False)
    basis = forms.CharField(label="依据文件", max_length=200, required=False)


class EntryForm(forms.Form):
    item_code = forms.CharField(label="品目编码", max_length=9)
    scope = forms.ChoiceField(label="组织形式", choices=CentralizedScope.choices)
    min_amount = forms.DecimalField(
        label="起点金额（元，可空）", max_digits=16, decimal_places=2, required=False
    )
    note = forms.CharField(label="说明", max_length=300, required=False)


class EntryEditForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    scope = forms.ChoiceField(label="组织形式", choices=CentralizedScope.choices)
    min_amount = forms.DecimalField(
        label="起点金额（元，可空）", max_digits=16, decimal_places=2, required=False
    )
    note = forms.CharField(label="说明", max_length=300, required=False)


class CopyYearForm(forms.Form):
    from_year = forms.IntegerField(label="源年度", min_value=2000, max_value=2100)
    to_year = forms.IntegerField(label="目标年度", min_value=2000, max_value=2100)


class StandardForm(forms.Form):
    item_code = forms.CharField(label="品目编码", max_length=9)
    max_unit_price = forms.DecimalField(
        label="单价上限（元）", max_digits=14, decimal_places=2, required=False
    )
    max_quantity = forms.DecimalField(
        label="数量上限", max_digits=10, decimal_places=2, required=False
    )
    quantity_basis = forms.ChoiceField(label="数量计算口径", choices=QuantityBasis.choices)
    min_service_years = forms.IntegerField(
        label="最低使用年限", min_value=1, max_value=50, required=False
    )
    effective_from = forms.DateField(label="生效日期", widget=DATE)
    basis = forms.CharField(label="依据文件", max_length=200, required=False)


class StandardEditForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    max_unit_price = forms.DecimalField(
        label="单价上限（元）", max_digits=14, decimal_places=2, required=False
    )
    max_quantity = forms.DecimalField(
        label="数量上限", max_digits=10, decimal_places=2, required=False
    )
    quantity_basis = forms.ChoiceField(label="数量计算口径", choices=QuantityBasis.choices)
    min_service_years = forms.IntegerField(
        label="最低使用年限", min_value=1, max_value=50, required=False
    )
    effective_to = forms.DateField(label="失效日期", widget=DATE, required=False)
    basis = forms.CharField(label="依据文件", max_length=200, required=False)


class ItemForm(forms.Form):
    code = forms.CharField(label="品目编码", max_length=9)
    name = forms.CharField(label="品目名称", max_length=120)
    note = forms.CharField(label="说明", max_length=300, required=False)


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label="导入内容", choices=KIND_CHOICES)
    file = forms.FileField(label="Excel 文件（.xlsx）")
