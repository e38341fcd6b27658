"""API of the experts app (/api/v1/experts): the expert database, pool sharing, draws and
invitations, performance records.

The endpoint modules register on one router in the order below, which is the order of the
OpenAPI document (so the import order is kept as written)."""

# isort: off
from zhengcai.experts.api import profiles  # noqa: F401
from zhengcai.experts.api import draws  # noqa: F401
from zhengcai.experts.api import invitations  # noqa: F401
from zhengcai.experts.api import ratings  # noqa: F401
from zhengcai.experts.api.router import router

# isort: on

__all__ = ["router"]
