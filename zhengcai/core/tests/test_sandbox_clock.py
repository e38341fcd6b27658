"""The demo's sandbox clock: an administrator moves platform time forward; every timed check
on the way fires in time order; the move is audited; production refuses it."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.test import Client, override_settings

from conftest import SUITE_NOW
from zhengcai.accounts import services as accounts
from zhengcai.accounts.constants import OrgKind, Role
from zhengcai.accounts.models import User
from zhengcai.accounts.tests import factories
from zhengcai.core import clock, sandbox
from zhengcai.core.errors import InvalidInput, NotAuthenticated, PermissionDenied, RuleViolation
from zhengcai.core.models import AuditEntry, SandboxClock

pytestmark = pytest.mark.django_db


@pytest.fixture
def sandboxed() -> Iterator[None]:
    """The demo situation: the clock runs (no test freeze), from SUITE_NOW, on the sandbox."""
    with override_settings(ZHENGCAI={**settings.ZHENGCAI, "SANDBOX_CLOCK": True}):
        clock.set_baseline(None)
        offset = clock.sandbox_offset_to(SUITE_NOW)
        SandboxClock.objects.update_or_create(
            pk=1, defaults={"offset_seconds": int(offset.total_seconds())}
        )
        clock.sandbox_remember(offset)
        try:
            yield
        finally:
            clock.sandbox_remember(dt.timedelta(0))
            clock.set_baseline(SUITE_NOW)


@pytest.fixture
def admin(db: None) -> User:
    return factories.user(None, username="sysadmin", role=Role.ADMIN)


def _lock(user: User) -> None:
    for _ in range(settings.ZHENGCAI["LOGIN_MAX_FAILURES"]):
        with pytest.raises((NotAuthenticated, PermissionDenied)):
            accounts.login_check_password(username=user.username, password="x", ip="10.0.0.1")


def test_advance_fires_every_due_check_in_time_order(sandboxed: None, admin: User) -> None:
    org = factories.organization(OrgKind.SUPPLIER, factories.region_tree()["hz"])
    first, second = factories.user(org, username="a1"), factories.user(org, username="a2")
    _lock(first)
    sandbox._set(clock.now() + dt.timedelta(minutes=5))
    _lock(second)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.locked_until is not None and second.locked_until is not None
    assert first.locked_until < second.locked_until
    offset_before = SandboxClock.objects.get().offset_seconds
    result = sandbox.sandbox_advance(actor=admin, by=dt.timedelta(days=1))
    assert result.steps == 2 and result.handled == 2
    assert result.after - result.before >= dt.timedelta(days=1)
    unlocks = list(AuditEntry.objects.filter(action="account.unlocked").order_by("seq"))
    assert [e.object_id for e in unlocks] == [str(first.pk), str(second.pk)]
    # each check ran at its own moment, not at the end of the move
    second_ = dt.timedelta(seconds=2)  # the offset is kept in whole seconds
    assert first.locked_until <= unlocks[0].created_at < first.locked_until + second_
    assert second.locked_until <= unlocks[1].created_at < second.locked_until + second_
    moved = AuditEntry.objects.filter(action="clock.sandbox_advanced").get()
    assert moved.actor_id == admin.pk and moved.after["steps"] == 2
    assert SandboxClock.objects.get().offset_seconds - offset_before >= 86_400


def test_only_forward_only_admins_and_never_when_disabled(sandboxed: None, admin: User) -> None:
    with pytest.raises(InvalidInput) as e:
        sandbox.sandbox_advance(actor=admin, to=clock.now() - dt.timedelta(hours=1))
    assert e.value.code == "advance_backwards"
    org = factories.organization(OrgKind.PURCHASER, factories.region_tree()["hz"])
    with pytest.raises(PermissionDenied):
        sandbox.sandbox_advance(actor=factories.user(org), by=dt.timedelta(days=1))
    with override_settings(ZHENGCAI={**settings.ZHENGCAI, "SANDBOX_CLOCK": False}):
        with pytest.raises(RuleViolation) as e2:
            sandbox.sandbox_advance(actor=admin, by=dt.timedelta(days=1))
        assert e2.value.code == "sandbox_disabled"


def test_the_page_and_the_command(sandboxed: None, admin: User, client: Client) -> None:
    client.force_login(admin)
    page = client.get("/system/sandbox/").content.decode()
    assert "当前平台时间" in page and 'data-testid="sandbox-banner"' in page
    before = clock.now()
    r = client.post("/system/sandbox/advance/", {"days": "3", "hours": "2"})
    assert r.status_code == 302
    assert clock.now() - before >= dt.timedelta(days=3, hours=2)
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("sandbox_clock", "--advance", "1d", "--as", "sysadmin", stdout=out)
    assert "执行定时检查" in out.getvalue()
    assert clock.now() - before >= dt.timedelta(days=4, hours=2)


def test_production_settings_refuse_the_sandbox_clock() -> None:
    env = {
        **os.environ,
        "DJANGO_SECRET_KEY": "x" * 50,
        "ZHENGCAI_SANDBOX_CLOCK": "1",
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
    }
    env.pop("DATABASE_URL", None)
    run = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        check=False,
    )
    assert run.returncode != 0 and "sandbox clock is for the demo only" in run.stderr
    env.pop("ZHENGCAI_SANDBOX_CLOCK")
    run = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings;"
            " print(settings.ZHENGCAI['SANDBOX_CLOCK'])",
        ],
        env=env,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        check=False,
    )
    assert run.stdout.strip() == "False", run.stderr
