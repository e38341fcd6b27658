"""The platform clock and timed transitions (design §4 rule 4): tests move the clock, never sleep.

The worked example is the login lockout: LOGIN_MAX_FAILURES wrong passwords lock the account
for LOCKOUT_MINUTES; the lock is lifted by `core.timed.process_due` (the periodic `tick`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from types import ModuleType

import pytest
from django.conf import settings
from django.utils import timezone
from django_tasks.base import TaskResultStatus

from zhengcai.accounts import services
from zhengcai.accounts.constants import OrgKind
from zhengcai.accounts.models import User
from zhengcai.accounts.tests import factories
from zhengcai.core import clock as core_clock
from zhengcai.core import timed
from zhengcai.core.audit import verify_chain
from zhengcai.core.errors import NotAuthenticated, PermissionDenied
from zhengcai.core.models import AuditEntry
from zhengcai.core.tasks import tick

START = dt.datetime(2026, 11, 23, 9, 0, tzinfo=core_clock.SHANGHAI)
MAX_FAILURES = settings.ZHENGCAI["LOGIN_MAX_FAILURES"]
LOCKOUT = dt.timedelta(minutes=settings.ZHENGCAI["LOCKOUT_MINUTES"])


# --- the clock -------------------------------------------------------------------------------


def test_fixture_freezes_the_clock(clock: ModuleType) -> None:
    assert core_clock.is_frozen()
    assert core_clock.now() == START
    assert core_clock.now().tzinfo == core_clock.SHANGHAI
    assert core_clock.today() == dt.date(2026, 11, 23)


@pytest.fixture
def server_clock() -> Iterator[None]:
    """The production situation: no suite baseline, the clock follows the server."""
    core_clock.set_baseline(None)
    yield
    core_clock.set_baseline(START)


def test_the_suite_runs_on_its_baseline_not_the_machine_date() -> None:
    assert core_clock.now() == START
    core_clock.freeze(START + dt.timedelta(days=400))
    core_clock.unfreeze()
    assert core_clock.now() == START  # back to the suite's instant, never the real time


def test_freeze_and_advance(server_clock: None) -> None:
    assert not core_clock.is_frozen()
    real = core_clock.now()
    assert abs(real - timezone.now()) < dt.timedelta(seconds=5)
    assert real.utcoffset() == dt.timedelta(hours=8)

    core_clock.freeze(dt.datetime(2026, 12, 31, 16, 30, tzinfo=dt.UTC))
    assert core_clock.now() == dt.datetime(2027, 1, 1, 0, 30, tzinfo=core_clock.SHANGHAI)
    assert core_clock.today() == dt.date(2027, 1, 1)  # the date is Beijing time, not UTC
    moved = core_clock.advance(dt.timedelta(hours=1))
    assert moved == dt.datetime(2027, 1, 1, 1, 30, tzinfo=core_clock.SHANGHAI)
    assert core_clock.now() == moved
    assert core_clock.now() == core_clock.now()  # frozen: it does not tick by itself
    core_clock.unfreeze()
    assert not core_clock.is_frozen()
    assert abs(core_clock.now() - timezone.now()) < dt.timedelta(seconds=5)


def test_advance_an_unfrozen_clock_freezes_it(server_clock: None) -> None:
    moved = core_clock.advance(dt.timedelta(days=2))
    assert core_clock.is_frozen()
    assert abs(moved - (timezone.now() + dt.timedelta(days=2))) < dt.timedelta(seconds=5)


def test_freeze_needs_an_aware_datetime() -> None:
    with pytest.raises(ValueError, match="aware"):
        core_clock.freeze(dt.datetime(2026, 1, 1, 9, 0))
    assert core_clock.now() == START
    with pytest.raises(ValueError, match="aware"):
        core_clock.set_baseline(dt.datetime(2026, 1, 1, 9, 0))


# --- timed transitions: the login lockout ----------------------------------------------------


@pytest.fixture
def user(db: None) -> User:
    org = factories.organization(OrgKind.PURCHASER, factories.region_tree()["hz"])
    return factories.user(org, username="zhangsan")


def lock(user: User) -> None:
    for attempt in range(1, MAX_FAILURES):
        with pytest.raises(NotAuthenticated) as exc_info:
            services.login_check_password(
                username=user.username, password="wrong-password", ip="10.0.0.9"
            )
        assert exc_info.value.code == "login_failed"
        user.refresh_from_db()
        assert user.failed_logins == attempt
        assert user.locked_until is None
    with pytest.raises(PermissionDenied) as exc_info:
        services.login_check_password(
            username=user.username, password="wrong-password", ip="10.0.0.9"
        )
    assert exc_info.value.code == "account_locked"
    assert exc_info.value.status == 403
    assert "账号已锁定至 09:15" in exc_info.value.message


def test_timed_registry_has_the_lockout() -> None:
    assert any(
        r.model is User and r.handler is services.account_lock_expire for r in timed.registrations()
    )
    before = len(timed.registrations())
    timed.register(User, services.account_lock_expire)  # registering twice is a no-op
    assert len(timed.registrations()) == before


@pytest.mark.django_db
def test_process_due_with_nothing_due(clock: ModuleType) -> None:
    assert timed.process_due() == 0


def test_lockout_and_timed_unlock(clock: ModuleType, user: User) -> None:
    lock(user)
    user.refresh_from_db()
    assert user.failed_logins == MAX_FAILURES
    assert user.locked_until == START + LOCKOUT
    assert user.next_check == user.locked_until
    actions = list(
        AuditEntry.objects.filter(object_id=str(user.pk)).values_list("action", flat=True)
    )
    assert actions == ["user.created"] + ["login.failed"] * (MAX_FAILURES - 1) + ["account.locked"]
    locked_entry = AuditEntry.objects.get(action="account.locked")
    assert locked_entry.ip == "10.0.0.9"
    assert locked_entry.after["failed_logins"] == MAX_FAILURES

    # The right password is refused while locked, and does not count as another failure.
    with pytest.raises(PermissionDenied) as exc_info:
        services.login_check_password(username=user.username, password=factories.PASSWORD)
    assert exc_info.value.code == "account_locked"
    user.refresh_from_db()
    assert user.failed_logins == MAX_FAILURES

    # Not yet due: nothing happens.
    clock.advance(dt.timedelta(minutes=14))
    assert timed.process_due() == 0
    user.refresh_from_db()
    assert user.locked_until is not None

    clock.advance(dt.timedelta(minutes=2))  # 16 minutes after the lock
    assert timed.process_due() == 1
    user.refresh_from_db()
    assert user.locked_until is None
    assert user.failed_logins == 0
    assert user.next_check is None
    unlocked = AuditEntry.objects.filter(action="account.unlocked").get()
    assert unlocked.object_id == str(user.pk)
    assert unlocked.after == {"by": "timeout"}
    assert unlocked.actor_id is None
    assert unlocked.created_at == START + dt.timedelta(minutes=16)
    assert timed.process_due() == 0  # handled once

    logged_in = services.login_check_password(username=user.username, password=factories.PASSWORD)
    assert logged_in.pk == user.pk
    assert verify_chain().ok


def test_lock_expires_at_exactly_locked_until(clock: ModuleType, user: User) -> None:
    lock(user)
    clock.advance(LOCKOUT - dt.timedelta(microseconds=1))
    assert timed.process_due() == 0
    clock.advance(dt.timedelta(microseconds=1))
    assert timed.process_due() == 1


def test_tick_task_processes_due_rows(clock: ModuleType, user: User) -> None:
    lock(user)
    clock.advance(dt.timedelta(minutes=16))
    result = tick.enqueue()  # test settings: ImmediateBackend runs it now
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == 1
    user.refresh_from_db()
    assert user.locked_until is None
    assert AuditEntry.objects.filter(action="account.unlocked").count() == 1
    again = tick.enqueue()
    assert again.return_value == 0


def test_clock_command_once_enqueues_a_tick(clock: ModuleType, user: User) -> None:
    from django.core.management import call_command

    lock(user)
    clock.advance(dt.timedelta(minutes=16))
    call_command("clock", "--once")
    user.refresh_from_db()
    assert user.locked_until is None


def test_handler_leaving_next_check_in_the_past_is_an_error(
    clock: ModuleType, user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    lock(user)
    clock.advance(dt.timedelta(minutes=16))

    def broken(obj: User) -> None:
        obj.save(update_fields=["next_check"])  # forgets to move next_check

    monkeypatch.setattr(timed, "_registry", [timed.Registration(User, broken)])
    with pytest.raises(RuntimeError, match="next_check in the past"):
        timed.process_due()
    user.refresh_from_db()
    assert user.locked_until is not None  # rolled back with the handler's transaction


@pytest.mark.django_db
def test_expired_lock_not_yet_lifted_restarts_the_count(clock: ModuleType) -> None:
    """One wrong password after the lock ran out (before the tick) must not re-lock at once."""
    from zhengcai.accounts import services
    from zhengcai.accounts.tests import factories
    from zhengcai.core.errors import DomainError

    regions = factories.region_tree()
    org = factories.organization("purchaser", regions["hz"])
    user = factories.user(org, username="relock")
    for _ in range(5):
        with pytest.raises(DomainError):
            services.login_check_password(username="relock", password="wrong", ip=None)
    user.refresh_from_db()
    assert user.locked_until is not None
    clock.advance(dt.timedelta(minutes=16))
    with pytest.raises(DomainError) as exc:
        services.login_check_password(username="relock", password="wrong", ip=None)
    assert exc.value.code == "login_failed"
    user.refresh_from_db()
    assert user.failed_logins == 1 and user.locked_until is None
