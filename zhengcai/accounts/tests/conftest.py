"""Fixtures of the accounts tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import transaction

from zhengcai.accounts.tests.factories import World, build_world


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: pytest.FixtureRequest) -> Iterator[World]:
    """One world per test module, built once inside a transaction that is rolled back at the
    end of the module; each test runs in its own savepoint (the `db` fixture), so a test's
    writes never leak into the next test."""
    with django_db_blocker.unblock(), transaction.atomic():  # type: ignore[attr-defined]
        yield build_world()
        transaction.set_rollback(True)


@pytest.fixture
def w(world: World, db: None) -> World:
    """The module's world, inside the test's own transaction."""
    return world
