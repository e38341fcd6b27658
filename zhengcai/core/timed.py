"""Timed transitions driven by a stored `next_check` (design §4 rule 4).

An app registers a model (a `TimedModel`) with a handler service:

    timed.register(User, account_lock_expire)

`process_due()` — run by the one periodic task — locks every row whose `next_check` has
passed (SKIP LOCKED on PostgreSQL, so several workers share the work) and calls the handler
in its own transaction. The handler must set `next_check` to the next time or to None.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection, transaction

from zhengcai.core import clock
from zhengcai.core.models import TimedModel

log = logging.getLogger(__name__)

Handler = Callable[[TimedModel], None]


@dataclass(frozen=True)
class Registration:
    model: type[TimedModel]
    handler: Handler


_registry: list[Registration] = []


def register(model: type[TimedModel], handler: Handler) -> None:
    if any(r.model is model for r in _registry):
        return
    _registry.append(Registration(model, handler))


def registrations() -> list[Registration]:
    return list(_registry)


def process_due(*, limit: int = 500) -> int:
    """Run the handler of every row due now. Returns how many rows were handled."""
    handled = 0
    now = clock.now()
    for reg in _registry:
        ids = list(
            reg.model._default_manager.filter(next_check__lte=now)
            .order_by("next_check")
            .values_list("pk", flat=True)[:limit]
        )
        for pk in ids:
            with transaction.atomic():
                qs = reg.model._default_manager.filter(pk=pk, next_check__lte=now)
                if connection.features.has_select_for_update_skip_locked:
                    qs = qs.select_for_update(skip_locked=True)
                obj = qs.first()
                if obj is None:  # another worker has it, or it is no longer due
                    continue
                reg.handler(obj)
                if obj.next_check is not None and obj.next_check <= now:
                    raise RuntimeError(
                        f"{reg.handler.__name__} left next_check in the past for {obj!r}"
                    )
                handled += 1
    return handled
