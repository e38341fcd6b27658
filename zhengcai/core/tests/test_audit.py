"""The audit chain (design §4 rule 9): append-only, hash-chained, tamper-evident.

Tampering tests drop (SQLite) or disable (PostgreSQL) the update trigger inside the test's
transaction; DDL is transactional on both databases, so the rollback at the end of each test
puts the trigger back (`test_trigger_still_in_place_after_tampering` checks that).
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.test import override_settings

from zhengcai.accounts.constants import OrgKind
from zhengcai.accounts.tests import factories
from zhengcai.core.audit import (
    GENESIS,
    _digest,
    audit_record,
    chain_head,
    entry_hash,
    verify_chain,
)
from zhengcai.core.models import AuditEntry, AuditHead

pytestmark = pytest.mark.django_db

SM3_ABC = "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"  # GB/T 32905 A.1


def record(n: int, *, start: int = 1) -> list[AuditEntry]:
    with transaction.atomic():
        return [
            audit_record(
                actor=None,
                action=f"test.step{i}",
                after={"i": i, "amount": Decimal("1234.50"), "day": dt.date(2026, 10, 8)},
            )
            for i in range(start, start + n)
        ]


def recompute(e: AuditEntry) -> str:
    return entry_hash(
        algorithm=e.algorithm,
        seq=e.seq,
        created_at=e.created_at,
        actor_id=e.actor_id,
        actor_label=e.actor_label,
        organization_id=e.organization_id,
        action=e.action,
        object_type=e.object_type,
        object_id=e.object_id,
        object_label=e.object_label,
        before=e.before,
        after=e.after,
        ip=e.ip,
        prev_hash=e.prev_hash,
    )


def sql(statement: str, params: list[object] | None = None) -> None:
    with connection.cursor() as cur:
        cur.execute(statement, params or [])


def qn(name: str) -> str:
    return connection.ops.quote_name(name)


@pytest.fixture
def tamper() -> None:
    """Remove the database guard the way a database superuser could."""
    if connection.vendor == "postgresql":
        sql("ALTER TABLE core_auditentry DISABLE TRIGGER core_auditentry_no_update")
    else:
        sql("DROP TRIGGER core_auditentry_no_update")


# --- appending ---------------------------------------------------------------------------


def test_entries_are_numbered_and_linked() -> None:
    entries = record(5)
    rows = list(AuditEntry.objects.order_by("seq"))
    assert [r.seq for r in rows] == [1, 2, 3, 4, 5]
    assert [r.pk for r in rows] == [e.pk for e in entries]
    assert rows[0].prev_hash == GENESIS
    for prev, cur in itertools.pairwise(rows):
        assert cur.prev_hash == prev.hash
    for r in rows:
        assert r.algorithm == "sha256"
        assert len(r.hash) == 64
        assert r.hash == recompute(r)  # the stored row reproduces its hash after the DB trip
    assert len({r.hash for r in rows}) == 5
    head = AuditHead.objects.get(id=1)
    assert (head.seq, head.hash) == (5, rows[-1].hash)
    assert chain_head().seq == 5
    assert chain_head().hash == rows[-1].hash


def test_empty_chain_head_is_genesis() -> None:
    head = chain_head()
    assert (head.seq, head.hash, head.at) == (0, GENESIS, None)
    report = verify_chain()
    assert report.ok and report.checked == 0 and report.head == GENESIS


def test_summary_is_normalized_and_actor_fields_filled(clock: object) -> None:
    reg = factories.region_tree()["hz"]
    org = factories.organization(OrgKind.PURCHASER, reg)
    user = factories.user(org)
    with transaction.atomic():
        e = audit_record(
            actor=user,
            action="test.normalized",
            obj=org,
            before={"budget": Decimal("100.00")},
            after={"budget": Decimal("90.50"), "on": dt.date(2026, 10, 8), "tags": {"b", "a"}},
            ip="10.1.2.3",
        )
    e = AuditEntry.objects.get(pk=e.pk)
    assert e.before == {"budget": "100.00"}
    assert e.after == {"budget": "90.50", "on": "2026-10-08", "tags": ["a", "b"]}
    assert e.actor_id == user.pk and e.actor_label == "测试用户"
    assert e.organization_id == org.pk  # taken from the actor
    assert (e.object_type, e.object_id) == ("accounts.organization", str(org.pk))
    assert e.object_label == str(org)
    assert e.ip == "10.1.2.3"
    assert e.created_at == dt.datetime(2026, 11, 23, 1, 0, tzinfo=dt.UTC)  # the platform clock
    assert verify_chain().ok


def test_system_actor_label() -> None:
    (e,) = record(1)
    assert e.actor_id is None and e.actor_label == "系统" and e.organization_id is None


@pytest.mark.parametrize(
    "ip",
    [
        None,
        "",
        "192.168.0.1",
        "2001:db8::1",
        "2001:0DB8:0000::0001",
        "::ffff:10.0.0.1",
        "::ffff:0a00:0001",
    ],
)
def test_ip_addresses_survive_the_database(ip: str | None) -> None:
    """The hash covers the address as stored, so a non-canonical IPv6 text is no false alarm."""
    with transaction.atomic():
        audit_record(actor=None, action="test.ip", ip=ip)
    assert verify_chain().ok


@pytest.mark.django_db(transaction=True)
def test_refuses_in_autocommit() -> None:
    assert not connection.in_atomic_block
    with pytest.raises(RuntimeError, match=r"transaction\.atomic"):
        audit_record(actor=None, action="test.outside")
    assert AuditEntry.objects.count() == 0


def test_rolled_back_change_leaves_no_entry() -> None:
    record(1)
    with pytest.raises(ValueError, match="boom"), transaction.atomic():
        audit_record(actor=None, action="test.rolled_back")
        raise ValueError("boom")
    assert AuditEntry.objects.count() == 1
    assert AuditHead.objects.get(id=1).seq == 1
    (e,) = record(1, start=2)
    assert e.seq == 2
    assert verify_chain().ok


# --- append-only guards --------------------------------------------------------------------


def test_model_refuses_save_of_existing_row_and_delete() -> None:
    (e,) = record(1)
    e.action = "test.changed"
    with pytest.raises(RuntimeError, match="只能追加"):
        e.save()
    with pytest.raises(RuntimeError, match="只能追加"):
        e.delete()
    assert AuditEntry.objects.get(pk=e.pk).action == "test.step1"


def test_database_trigger_refuses_update() -> None:
    record(2)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        sql(f"UPDATE core_auditentry SET {qn('action')} = %s WHERE seq = %s", ["x", 1])
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(seq=2).update(action="x")  # bypasses Model.save
    assert list(AuditEntry.objects.values_list("action", flat=True)) == ["test.step1", "test.step2"]
    assert verify_chain().ok  # and the test transaction is still usable


# --- verification and tampering ------------------------------------------------------------


def test_verify_intact_chain() -> None:
    entries = record(6)
    report = verify_chain()
    assert report.ok
    assert report.problem is None
    assert report.checked == 6
    assert report.head == entries[-1].hash


def test_verify_intact_chain_across_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    from zhengcai.core import audit

    original = audit._iter_entries
    monkeypatch.setattr(audit, "_iter_entries", lambda batch=2000: original(batch=2))
    record(5)
    report = verify_chain()
    assert report.ok and report.checked == 5


def test_detects_altered_summary(tamper: None) -> None:
    record(5)
    sql(
        f"UPDATE core_auditentry SET {qn('after')} = %s WHERE seq = %s",
        [json.dumps({"i": 3, "amount": "1.00", "day": "2026-10-08"}), 3],
    )
    assert AuditEntry.objects.get(seq=3).after["amount"] == "1.00"
    report = verify_chain()
    assert not report.ok
    assert report.problem is not None
    assert report.problem.seq == 3
    assert "篡改" in report.problem.reason
    assert report.checked == 2


def test_detects_altered_time(tamper: None) -> None:
    record(3)
    AuditEntry.objects.filter(seq=2).update(created_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    report = verify_chain()
    assert report.problem is not None and report.problem.seq == 2


def test_detects_altered_row_with_recomputed_hash(tamper: None) -> None:
    """A forger who also recomputes the row's own hash breaks the link to the next row."""
    record(4)
    e = AuditEntry.objects.get(seq=2)
    AuditEntry.objects.filter(pk=e.pk).update(after={"i": 99})
    e = AuditEntry.objects.get(pk=e.pk)
    AuditEntry.objects.filter(pk=e.pk).update(hash=recompute(e))
    report = verify_chain()
    assert report.problem is not None
    assert report.problem.seq == 3
    assert "prev_hash" in report.problem.reason


def test_detects_deleted_middle_row(tamper: None) -> None:
    # Deleting needs no trigger change: there is only an UPDATE trigger; the chain catches it.
    record(5)
    sql("DELETE FROM core_auditentry WHERE seq = %s", [3])
    report = verify_chain()
    assert report.problem is not None
    assert report.problem.seq == 3
    assert "缺失" in report.problem.reason
    assert report.checked == 2


def test_detects_deleted_first_row(tamper: None) -> None:
    record(3)
    sql("DELETE FROM core_auditentry WHERE seq = %s", [1])
    report = verify_chain()
    assert report.problem is not None and report.problem.seq == 1


def test_detects_deleted_last_row_by_head(tamper: None) -> None:
    record(5)
    sql("DELETE FROM core_auditentry WHERE seq = %s", [5])
    report = verify_chain()
    assert report.problem is not None
    assert report.problem.seq == 5
    assert "链头" in report.problem.reason
    assert report.checked == 4


def test_detects_renumbered_rows_after_delete(tamper: None) -> None:
    """Delete row 3 and close the gap by renumbering: the links no longer match."""
    record(5)
    sql("DELETE FROM core_auditentry WHERE seq = %s", [3])
    for seq in (4, 5):
        sql("UPDATE core_auditentry SET seq = %s WHERE seq = %s", [seq - 1, seq])
    report = verify_chain()
    assert report.problem is not None
    assert report.problem.seq == 3


def _swap_contents(seq_a: int, seq_b: int) -> None:
    """Exchange every column of two rows except id and seq (hash is unique: go via a temp)."""
    fields = [f.attname for f in AuditEntry._meta.concrete_fields if f.attname not in ("id", "seq")]
    a = AuditEntry.objects.filter(seq=seq_a).values(*fields).get()
    b = AuditEntry.objects.filter(seq=seq_b).values(*fields).get()
    AuditEntry.objects.filter(seq=seq_a).update(hash="f" * 64)
    AuditEntry.objects.filter(seq=seq_b).update(**a)
    AuditEntry.objects.filter(seq=seq_a).update(**b)


def test_detects_swapped_rows(tamper: None) -> None:
    entries = record(5)
    _swap_contents(2, 4)
    assert AuditEntry.objects.get(seq=2).hash == entries[3].hash
    assert AuditEntry.objects.get(seq=4).action == "test.step2"
    report = verify_chain()
    assert report.problem is not None
    assert report.problem.seq == 2
    assert "重排" in report.problem.reason


def test_detects_swapped_adjacent_rows(tamper: None) -> None:
    record(3)
    _swap_contents(1, 2)
    report = verify_chain()
    assert report.problem is not None and report.problem.seq == 1


# --- the verify_audit command ----------------------------------------------------------------


def test_command_on_intact_chain() -> None:
    entries = record(3)
    out = StringIO()
    call_command("verify_audit", stdout=out)
    assert "审计链完好" in out.getvalue()
    assert "共 3 条" in out.getvalue()
    assert entries[-1].hash in out.getvalue()


def test_command_names_broken_seq(tamper: None) -> None:
    record(4)
    sql(f"UPDATE core_auditentry SET {qn('after')} = %s WHERE seq = %s", ['{"i": 0}', 2])
    with pytest.raises(CommandError, match="第 2 条") as exc_info:
        call_command("verify_audit", stdout=StringIO())
    assert "此前 1 条完好" in str(exc_info.value)


def test_command_names_deleted_last_row(tamper: None) -> None:
    record(4)
    sql("DELETE FROM core_auditentry WHERE seq = %s", [4])
    with pytest.raises(CommandError, match="第 4 条"):
        call_command("verify_audit", stdout=StringIO())


# --- SM3 (GB/T 32905) ------------------------------------------------------------------------


def test_sm3_digest_matches_standard_vector() -> None:
    assert _digest("sm3", b"abc") == SM3_ABC
    from gmssl import func, sm3  # an independent implementation agrees

    assert sm3.sm3_hash(func.bytes_to_list(b"abc")) == SM3_ABC


def test_unknown_algorithm_refused() -> None:
    with pytest.raises(ValueError, match="unknown audit hash"):
        _digest("md5", b"abc")


def test_sm3_chain_verifies_and_detects_tampering(tamper: None) -> None:
    record(2)  # sha256 entries first: each entry carries its own algorithm
    with override_settings(ZHENGCAI={**settings.ZHENGCAI, "AUDIT_HASH": "sm3"}):
        entries = record(3, start=3)
    assert [e.algorithm for e in AuditEntry.objects.order_by("seq")] == [
        "sha256",
        "sha256",
        "sm3",
        "sm3",
        "sm3",
    ]
    stored = AuditEntry.objects.get(pk=entries[0].pk)
    assert stored.hash == recompute(stored)
    assert stored.hash != entry_hash(**{**_fields(stored), "algorithm": "sha256"})
    report = verify_chain()
    assert report.ok and report.checked == 5

    sql(f"UPDATE core_auditentry SET {qn('after')} = %s WHERE seq = %s", ['{"i": 0}', 4])
    report = verify_chain()
    assert report.problem is not None and report.problem.seq == 4


def _fields(e: AuditEntry) -> dict[str, object]:
    return dict(
        algorithm=e.algorithm,
        seq=e.seq,
        created_at=e.created_at,
        actor_id=e.actor_id,
        actor_label=e.actor_label,
        organization_id=e.organization_id,
        action=e.action,
        object_type=e.object_type,
        object_id=e.object_id,
        object_label=e.object_label,
        before=e.before,
        after=e.after,
        ip=e.ip,
        prev_hash=e.prev_hash,
    )


# Keep last: every tampering test above ran in a rolled-back transaction, so the trigger that
# one of them dropped or disabled must be back.
def test_trigger_still_in_place_after_tampering() -> None:
    record(1)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        sql(f"UPDATE core_auditentry SET {qn('after')} = %s WHERE seq = %s", ['{"i": 0}', 1])


def test_database_refuses_delete_on_postgresql() -> None:
    record(2)
    if connection.vendor != "postgresql":
        pytest.skip("SQLite keeps DELETE open for test flushes; the chain detects deletions")
    with pytest.raises(DatabaseError), transaction.atomic():
        sql("DELETE FROM core_auditentry WHERE seq = %s", [1])
    assert AuditEntry.objects.count() == 2
