"""Hooks the apps above tenders register at startup (house rule: a lower app exposes a
registry, the upper app registers in its AppConfig.ready()).

- `on_project_end(fn)`: `fn(project=…, outcome=…, day=…, actor=…)` runs inside the transaction
  that ends a project without an award — today `services.project_terminate` (终止, 87号令 29;
  74号令 37). The bidding app registers the bond refunds (87号令 38; 条例 33: 5 working days).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from zhengcai.accounts.models import User
    from zhengcai.tenders.models import Project

TERMINATED = "terminated"


class ProjectEndHook(Protocol):
    def __call__(
        self, *, project: Project, outcome: str, day: dt.date, actor: User | None
    ) -> None: ...


_project_end: list[ProjectEndHook] = []


def on_project_end(hook: ProjectEndHook) -> ProjectEndHook:
    """Register `hook` (once) to run when a project ends without an award."""
    if hook not in _project_end:
        _project_end.append(hook)
    return hook


def project_ended(*, project: Project, outcome: str, actor: User | None) -> None:
    """Called by tenders when `project` ended with `outcome`; runs every registered hook."""
    from zhengcai.core import clock

    for hook in list(_project_end):
        hook(project=project, outcome=outcome, day=clock.today(), actor=actor)
