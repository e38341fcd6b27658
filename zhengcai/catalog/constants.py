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
    # 依法必须招标的规模标准 of works (《必须招标的工程项目规定》, 发改委令第16号 五): at or
    # above it a works contract (category B: 施工), the important equipment and materials of works
    # (A) or the survey, design and supervision of works (C) must be tendered under the
    # 招标投标法 (法 4; 条例 7). Where a region sets no row the national figures of
    # `catalog.rules.WORKS_TENDER_NATIONAL` apply.
    WORKS_TENDER = "works_tender", _("依法必须招标规模标准（工程建设项目）")


# The thresholds of the Government Procurement Law itself (the works standard belongs to the
# 招标投标法 and is shown apart).
PROCUREMENT_THRESHOLD_KINDS = (ThresholdKind.PROCUREMENT_LIMIT, ThresholdKind.OPEN_TENDER)


class CentralizedScope(models.TextChoices):
    """The two parts of the 集中采购目录 (条例 3)."""

    CENTRAL = "central", _("集中采购机构采购")
    DEPARTMENT = "department", _("部门集中采购")


class QuantityBasis(models.TextChoices):
    PER_STAFF = "per_staff", _("每人")
    PER_UNIT = "per_unit", _("每单位")


# Audit object types (AuditEntry.object_type = "<app_label>.<model_name>").
OBJECT_TYPES = {
    "item": "catalog.catalogitem",
    "threshold": "catalog.threshold",
    "centralized": "catalog.centralizedcatalogentry",
    "standard": "catalog.configurationstandard",
}

# Stable error codes of this app (API contract).
ERR_CODE_INVALID = "item_code_invalid"
ERR_ITEM_UNKNOWN = "item_unknown"
ERR_ITEM_INACTIVE = "item_inactive"
ERR_PARENT_MISSING = "item_parent_missing"
ERR_REGION_UNKNOWN = "region_unknown"
ERR_OUTSIDE_REGION = "outside_region"
ERR_AMOUNT_INVALID = "amount_invalid"
ERR_DATE_INVALID = "date_invalid"
ERR_YEAR_INVALID = "year_invalid"
ERR_LEVEL_INVALID = "unit_level_invalid"
ERR_DUPLICATE = "duplicate"
ERR_VERSION_ORDER = "version_order"
ERR_STANDARD_EMPTY = "standard_empty"
ERR_STANDARD_NOT_GOODS = "standard_not_goods"
ERR_TARGET_YEAR_NOT_EMPTY = "target_year_not_empty"
ERR_SOURCE_YEAR_EMPTY = "source_year_empty"
ERR_IMPORT_INVALID = "import_invalid"
