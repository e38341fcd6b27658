"""Web pages of the catalogue, one view function per operation. Thin: parse, check through
catalog.access, call one service, render; reads come from catalog.selectors. Management pages
are for regulators, supervisors and administrators; the public page of this year's 集中采购目录
and 限额标准 needs no login."""

from zhengcai.catalog.views.centralized import (
    centralized,
    centralized_copy,
    centralized_delete,
    centralized_detail,
)
from zhengcai.catalog.views.items import item_activate, item_deactivate, item_detail, items
from zhengcai.catalog.views.public import export_view, index, public
from zhengcai.catalog.views.standards import standard_delete, standard_detail, standards
from zhengcai.catalog.views.thresholds import threshold_detail, thresholds
from zhengcai.catalog.views.workbooks import import_view

__all__ = [
    "centralized",
    "centralized_copy",
    "centralized_delete",
    "centralized_detail",
    "export_view",
    "import_view",
    "index",
    "item_activate",
    "item_deactivate",
    "item_detail",
    "items",
    "public",
    "standard_delete",
    "standard_detail",
    "standards",
    "threshold_detail",
    "thresholds",
]
