"""Plans API: budget lines (with Excel import), method determination, plans, intentions,
approval requests (attachments, single-source publicity, objections, decisions), commissions
and split cases. Handlers are thin: parse, access_*, one service, answer.

The endpoint modules register on one router in the order below, which is the order of the
OpenAPI document (so the import order is kept as written)."""

# isort: off
from zhengcai.plans.api import budgets  # noqa: F401
from zhengcai.plans.api import plans  # noqa: F401
from zhengcai.plans.api import intentions  # noqa: F401
from zhengcai.plans.api import approvals  # noqa: F401
from zhengcai.plans.api import commissions  # noqa: F401
from zhengcai.plans.api.router import router

# isort: on

__all__ = ["router"]
