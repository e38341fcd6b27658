"""Catalogue vocabularies."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    """The first letter of a 品目 code (rules.md §9): goods, works, services."""

    GOODS = "A", _("货物")
    WORKS = "B", _("工程")
    SERVICES = "C", _("服务")


class ThresholdKind(models.TextChoices):
    # 采购限额标准: below it (and outside the 集中采购目录) the Government Procurement Law's
    # procedures do not apply (法 2, 8).
    PROCUREMENT_LIMIT = "limit", _("采购限额标准")
    # 公开招标数额标准: at or above it goods and services must be openly tendered (法 27).
    OPEN_TENDER = "open_tender", _("公开招标数额标准")


class CentralizedScope(models.TextChoices):
    """The two parts of the 集中采购目录 (条例 3)."""

    CENTRAL = "central", _("集中采购机构采购")
    DEPARTMENT = "department", _("部门集中采购")


class QuantityBasis(models.TextChoices):
    PER_STAFF = "per_staff", _("每人")
    PER_UNIT = "per_unit", _("每单位")
