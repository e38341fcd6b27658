"""The state-machine primitive (core.transitions), exercised on the organization aggregate."""

from __future__ import annotations

import pytest
from django.db import transaction

from zhengcai.accounts.constants import OrgKind, OrgStatus
from zhengcai.accounts.models import Organization
from zhengcai.accounts.services import ORGANIZATION
from zhengcai.accounts.tests import factories
from zhengcai.core import transitions
from zhengcai.core.errors import Conflict, PreconditionFailed
from zhengcai.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def org() -> Organization:
    return factories.organization(OrgKind.SUPPLIER, factories.region_tree()["hz"])


def test_move_checks_saves_bumps_the_version_and_audits(org: Organization) -> None:
    version = org.version
    with transaction.atomic():
        moved = ORGANIZATION.move(org, to=OrgStatus.SUSPENDED, actor=None, reason="年检未报")
    org.refresh_from_db()
    assert moved.status == org.status == OrgStatus.SUSPENDED
    assert org.version == version + 1
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry is not None and entry.action == "organization.suspended"
    assert entry.before == {"status": "active"}
    assert entry.after == {"status": "suspended", "reason": "年检未报"}
    assert entry.object_id == str(org.pk)


def test_a_move_outside_the_table_is_refused_with_both_statuses_named(org: Organization) -> None:
    with transaction.atomic():
        ORGANIZATION.move(org, to=OrgStatus.CANCELLED, actor=None)
    before = AuditEntry.objects.count()
    with pytest.raises(Conflict) as exc, transaction.atomic():
        ORGANIZATION.move(org, to=OrgStatus.ACTIVE, actor=None)
    assert exc.value.code == "bad_transition"
    assert exc.value.message == "单位状态不能从「注销」变为「正常」"
    assert exc.value.detail == {"from": "cancelled", "to": "active"}
    org.refresh_from_db()
    assert org.status == OrgStatus.CANCELLED and AuditEntry.objects.count() == before


def test_expected_version_and_stale_objects(org: Organization) -> None:
    stale = Organization.objects.get(pk=org.pk)
    with pytest.raises(PreconditionFailed), transaction.atomic():
        ORGANIZATION.move(org, to=OrgStatus.SUSPENDED, actor=None, expected_version=99)
    with transaction.atomic():
        ORGANIZATION.move(org, to=OrgStatus.SUSPENDED, actor=None, expected_version=org.version)
    # `stale` was read before that change: moving it would overwrite it silently.
    with pytest.raises(Conflict) as exc, transaction.atomic():
        ORGANIZATION.move(stale, to=OrgStatus.CANCELLED, actor=None)
    assert exc.value.code == "stale_object"
    assert Organization.objects.get(pk=org.pk).status == OrgStatus.SUSPENDED


def test_changes_travel_with_the_move_and_into_the_audit(org: Organization) -> None:
    with transaction.atomic():
        ORGANIZATION.move(org, to=OrgStatus.SUSPENDED, actor=None, name="改名后的单位")
    org.refresh_from_db()
    assert org.name == "改名后的单位"
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry is not None and entry.after["name"] == "改名后的单位"


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_nothing_moves(org: Organization) -> None:
    with pytest.raises(RuntimeError, match="事务"):
        ORGANIZATION.move(org, to=OrgStatus.SUSPENDED, actor=None)
    org.refresh_from_db()
    assert org.status == OrgStatus.ACTIVE


def test_every_registered_machine_names_only_real_statuses() -> None:
    assert transitions.machines(), "no machine registered"
    for machine in transitions.machines():
        if machine.labels is None:
            continue
        known = set(machine.labels.values)
        for src, targets in machine.transitions.items():
            assert src in known, (machine.what, src)
            assert set(targets) <= known, (machine.what, set(targets) - known)
