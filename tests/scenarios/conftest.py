"""Fixtures of the shared scenario tests: the plans world plus suppliers built once per module
(each test in its own savepoint), keys outside the database in a temporary directory, the
clock frozen at a working Monday."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator

import pytest
from django.db import transaction

from zhengcai.core import clock as core_clock
from zhengcai.plans.tests.factories import PlansWorld, build_world

NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=core_clock.SHANGHAI)  # a Monday, a working day


@pytest.fixture(autouse=True, scope="session")
def _keys_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    path = tmp_path_factory.mktemp("scenario-keys")
    old = os.environ.get("ZHENGCAI_BIDDING_KEYS_DIR")
    os.environ["ZHENGCAI_BIDDING_KEYS_DIR"] = str(path)
    yield
    if old is None:
        os.environ.pop("ZHENGCAI_BIDDING_KEYS_DIR", None)
    else:
        os.environ["ZHENGCAI_BIDDING_KEYS_DIR"] = old


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: pytest.FixtureRequest) -> Iterator[PlansWorld]:
    core_clock.freeze(NOW)
    try:
        with django_db_blocker.unblock(), transaction.atomic():  # type: ignore[attr-defined]
            yield build_world(tokens=False)
            transaction.set_rollback(True)
    finally:
        core_clock.unfreeze()


@pytest.fixture
def w(world: PlansWorld, db: None, settings: object, tmp_path: object) -> Iterator[PlansWorld]:
    settings.MEDIA_ROOT = str(tmp_path)  # type: ignore[attr-defined]
    core_clock.freeze(NOW)
    yield world
    core_clock.unfreeze()
