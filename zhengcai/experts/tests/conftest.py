"""Fixtures of the experts tests: one world per module (rolled back at its end), the memory
notification channel, and on-commit callbacks that run (notifications are sent on commit)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.db import transaction
from django.test import override_settings

from zhengcai.experts.notify import MemoryChannel
from zhengcai.experts.tests.factories import ExpertWorld, build_world


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[ExpertWorld]:
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


@pytest.fixture
def w(world: ExpertWorld, db: None) -> ExpertWorld:
    return world


def experts_policy(**overrides: Any) -> Any:
    experts = {"NOTIFY_CHANNEL": "zhengcai.experts.notify.MemoryChannel", **overrides}
    return override_settings(ZHENGCAI={**settings.ZHENGCAI, "EXPERTS": experts})


@pytest.fixture(autouse=True)
def memory_channel() -> Iterator[list[Any]]:
    MemoryChannel.sent = []
    with experts_policy():
        yield MemoryChannel.sent
