"""API of the catalog app (/api/v1/catalog): 品目, thresholds, 集中采购目录, 资产配置标准,
Excel import/export. Reads are public (published policy); edits need a regulator of the
row's region or a platform administrator, and `If-Match` with the ETag last read.

The endpoint modules register on one router in the order below, which is the order of the
OpenAPI document (so the import order is kept as written)."""

# isort: off
from zhengcai.catalog.api import items  # noqa: F401
from zhengcai.catalog.api import thresholds  # noqa: F401
from zhengcai.catalog.api import centralized  # noqa: F401
from zhengcai.catalog.api import standards  # noqa: F401
from zhengcai.catalog.api import workbooks  # noqa: F401
from zhengcai.catalog.api.router import router

# isort: on

__all__ = ["router"]
