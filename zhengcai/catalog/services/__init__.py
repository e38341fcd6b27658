"""Writes of the catalogue, by topic: `items` (品目分类目录), `thresholds`, `centralized`
(集中采购目录), `standards` (资产配置标准); `base` holds what they share. Every change checks who
may make it, validates, writes the audit entry with before/after and saves, in one transaction
(design §4 rules 1–2, 9). Callers import from this package.

`actor=None` is the system itself (the `load_catalog` command); every person goes through
`catalog.access` checks: regulators edit their own region's rules, platform administrators
anything, and only administrators the national 品目分类目录.
"""

from zhengcai.catalog.services.centralized import (
    ENTRY_EDITABLE,
    centralized_copy_year,
    centralized_entry_create,
    centralized_entry_delete,
    centralized_entry_update,
)
from zhengcai.catalog.services.items import (
    ITEM_EDITABLE,
    LoadResult,
    item_create,
    item_set_active,
    item_update,
    items_load,
)
from zhengcai.catalog.services.standards import (
    STANDARD_EDITABLE,
    config_standard_delete,
    config_standard_set,
    config_standard_update,
)
from zhengcai.catalog.services.thresholds import THRESHOLD_EDITABLE, threshold_set, threshold_update

__all__ = [
    "ENTRY_EDITABLE",
    "ITEM_EDITABLE",
    "STANDARD_EDITABLE",
    "THRESHOLD_EDITABLE",
    "LoadResult",
    "centralized_copy_year",
    "centralized_entry_create",
    "centralized_entry_delete",
    "centralized_entry_update",
    "config_standard_delete",
    "config_standard_set",
    "config_standard_update",
    "item_create",
    "item_set_active",
    "item_update",
    "items_load",
    "threshold_set",
    "threshold_update",
]
