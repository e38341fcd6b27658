"""品目分类目录, 集中采购目录, thresholds and asset configuration standards.

Every rule-bearing row is keyed by jurisdiction (a region) and by time (a year or an
effective date), because they change by province and by year (rules.md §0 "Versioning").
History: every change goes through `catalog.services`, which writes the audit chain with the
row's before/after, so the history of any row is its audit trail.
"""

from __future__ import annotations

from django.db import models

from zhengcai.accounts.constants import RegionLevel
from zhengcai.catalog.constants import Category, CentralizedScope, QuantityBasis, ThresholdKind


class CatalogItem(models.Model):
    """One node of the 政府采购品目分类目录: 9-character code, A/B/C + 8 digits, two per level."""

    code = models.CharField(max_length=9, unique=True, verbose_name="品目编码")
    name = models.CharField(max_length=120, verbose_name="品目名称")
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name="上级品目",
    )
    level = models.PositiveSmallIntegerField(verbose_name="层级")
    category = models.CharField(max_length=1, choices=Category.choices, verbose_name="类别")
    is_active = models.BooleanField(default=True, verbose_name="启用")
    note = models.CharField(max_length=300, blank=True, verbose_name="说明")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["code"]
        verbose_name = "品目"
        verbose_name_plural = "品目"

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Threshold(models.Model):
    """采购限额标准 or 公开招标数额标准 for one region, unit level and category, from a date.

    Provinces may set different values for provincial, city and county units (条例 5), so a
    row applies to purchasing units of `unit_level` in `region` and the regions below it."""

    region = models.ForeignKey(
        "accounts.Region",
        on_delete=models.PROTECT,
        related_name="thresholds",
        verbose_name="制定区划",
    )
    unit_level = models.PositiveSmallIntegerField(
        choices=RegionLevel.choices, verbose_name="适用预算单位级次"
    )
    category = models.CharField(max_length=1, choices=Category.choices, verbose_name="类别")
    kind = models.CharField(max_length=12, choices=ThresholdKind.choices, verbose_name="标准类型")
    amount = models.DecimalField(max_digits=16, decimal_places=2, verbose_name="金额（元）")
    effective_from = models.DateField(verbose_name="生效日期")
    effective_to = models.DateField(null=True, blank=True, verbose_name="失效日期")
    basis = models.CharField(max_length=200, blank=True, verbose_name="依据文件")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["region__path", "kind", "category", "unit_level", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "unit_level", "category", "kind", "effective_from"],
                name="uniq_threshold_version",
            ),
        ]
        verbose_name = "限额标准"
        verbose_name_plural = "限额标准"

    def __str__(self) -> str:
        return (
            f"{self.region} {self.get_kind_display()} {self.get_category_display()} {self.amount}"
        )


class CentralizedCatalogEntry(models.Model):
    """An item of a region's 集中采购目录 for one year (applies to the item and its children)."""

    region = models.ForeignKey(
        "accounts.Region",
        on_delete=models.PROTECT,
        related_name="centralized_entries",
        verbose_name="区划",
    )
    year = models.PositiveSmallIntegerField(verbose_name="年度")
    item = models.ForeignKey(
        CatalogItem, on_delete=models.PROTECT, related_name="+", verbose_name="品目"
    )
    scope = models.CharField(
        max_length=12, choices=CentralizedScope.choices, verbose_name="组织形式"
    )
    # Some catalogues only cover a purchase from an amount (seed 003: 校服单价500元以上 …).
    min_amount = models.DecimalField(
        max_digits=16, decimal_places=2, null=True, blank=True, verbose_name="起点金额（元）"
    )
    note = models.CharField(max_length=300, blank=True, verbose_name="说明")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["region__path", "year", "item__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "year", "item"], name="uniq_centralized_item"
            ),
        ]
        verbose_name = "集中采购目录"
        verbose_name_plural = "集中采购目录"

    def __str__(self) -> str:
        return f"{self.region} {self.year} {self.item}"


class ConfigurationStandard(models.Model):
    """资产配置标准: limits on what a unit may buy of an item (seed 003: 盲目消费、攀比)."""

    region = models.ForeignKey(
        "accounts.Region",
        on_delete=models.PROTECT,
        related_name="configuration_standards",
        verbose_name="区划",
    )
    item = models.ForeignKey(
        CatalogItem, on_delete=models.PROTECT, related_name="+", verbose_name="品目"
    )
    max_unit_price = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True, verbose_name="单价上限（元）"
    )
    max_quantity = models.DecimalField(
        max_digits=10, decimal_places=2, null=True, blank=True, verbose_name="数量上限"
    )
    quantity_basis = models.CharField(
        max_length=10,
        choices=QuantityBasis.choices,
        default=QuantityBasis.PER_STAFF,
        verbose_name="数量计算口径",
    )
    min_service_years = models.PositiveSmallIntegerField(
        null=True, blank=True, verbose_name="最低使用年限"
    )
    effective_from = models.DateField(verbose_name="生效日期")
    effective_to = models.DateField(null=True, blank=True, verbose_name="失效日期")
    basis = models.CharField(max_length=200, blank=True, verbose_name="依据文件")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["region__path", "item__code", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "item", "effective_from"], name="uniq_config_standard_version"
            ),
        ]
        verbose_name = "资产配置标准"
        verbose_name_plural = "资产配置标准"

    def __str__(self) -> str:
        return f"{self.region} {self.item}"
