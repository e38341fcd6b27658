"""Background tasks (django.tasks API). The periodic `clock` command enqueues `tick`."""

import logging
from collections.abc import Callable
from typing import Any

from django_tasks import task

from zhengcai.core import timed
from zhengcai.core.middleware import idempotency_purge

log = logging.getLogger(__name__)

# Periodic work of upper apps (file exchanges and the like) that is not a timed row: each
# registers a callable in its AppConfig.ready(); `tick` runs them in registration order.
_periodic: list[tuple[str, Callable[[], Any]]] = []


def register_periodic(name: str, job: Callable[[], Any]) -> None:
    if all(n != name for n, _ in _periodic):
        _periodic.append((name, job))


def periodic_jobs() -> list[tuple[str, Callable[[], Any]]]:
    return list(_periodic)


@task()
def tick() -> int:
    """The one periodic task: run every timed transition that is due, the registered periodic
    jobs (one failing job is logged and does not stop the others), then housekeeping."""
    handled = timed.process_due()
    for name, job in _periodic:
        try:
            job()
        except Exception:
            log.exception("periodic job %s failed", name)
    idempotency_purge()
    return handled
