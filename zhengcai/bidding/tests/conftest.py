"""Fixtures of the bidding tests: one world per module, each test in its own savepoint; keys
outside the database live in a temporary directory."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import transaction

from zhengcai.bidding.tests.factories import NOW, World, build
from zhengcai.core import clock as core_clock


@pytest.fixture(autouse=True, scope="session")
def _keys_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    import os

    path = tmp_path_factory.mktemp("bidding-keys")
    old = os.environ.get("ZHENGCAI_BIDDING_KEYS_DIR")
    os.environ["ZHENGCAI_BIDDING_KEYS_DIR"] = str(path)
    yield
    if old is None:
        os.environ.pop("ZHENGCAI_BIDDING_KEYS_DIR", None)


@pytest.fixture(autouse=True)
def _media(settings: object, tmp_path_factory: pytest.TempPathFactory) -> None:
    settings.MEDIA_ROOT = str(tmp_path_factory.getbasetemp() / "media")  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: pytest.FixtureRequest) -> Iterator[World]:
    core_clock.freeze(NOW)
    try:
        with django_db_blocker.unblock(), transaction.atomic():  # type: ignore[attr-defined]
            yield build()
            transaction.set_rollback(True)
    finally:
        core_clock.unfreeze()


@pytest.fixture
def w(world: World, db: None) -> Iterator[World]:
    core_clock.freeze(NOW)
    yield world
    core_clock.unfreeze()
