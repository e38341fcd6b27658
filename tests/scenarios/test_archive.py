"""The archive of an ended procurement (issue 11 item 8; 法 42; 87号令 76): sealed with every
record, envelope and audit entry of the project, exported as one file, verified offline by
tools/verify_archive.py without Django, and refused when one byte is changed."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from tests.scenarios.test_procurement_path import AGENCY, _bid, _bidders, _published_project
from zhengcai.archives import constants as ac
from zhengcai.archives import rules
from zhengcai.archives import services as archives
from zhengcai.archives.models import Archive
from zhengcai.bidding import crypto
from zhengcai.bidding import services as bidding
from zhengcai.core import clock
from zhengcai.core.errors import PermissionDenied, RuleViolation
from zhengcai.core.models import AuditEntry
from zhengcai.plans.tests.factories import PlansWorld
from zhengcai.tenders import methods
from zhengcai.tenders import services as tenders
from zhengcai.tenders.models import Project

VERIFIER = Path(__file__).resolve().parents[2] / "tools" / "verify_archive.py"
# Run the verifier the way an auditor would: its own process, Django made unimportable.
NO_DJANGO = (
    "import runpy, sys; sys.modules['django'] = None; sys.argv = sys.argv[1:]; "
    "runpy.run_path(sys.argv[0], run_name='__main__')"
)


def verify(path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", NO_DJANGO, str(VERIFIER), str(path), *args],
        capture_output=True,
        text=True,
        check=False,
    )


def _opened_and_ended(w: PlansWorld) -> Project:
    """An open tender whose bids were opened, then the procurement was terminated."""
    agency = w.users[AGENCY]
    p = _published_project(w, methods.OPEN_TENDER)
    lot = p.lots.get(number=1)
    _bid(p, lot, _bidders(w, 3, "arch"))
    p.refresh_from_db()
    assert p.bid_deadline is not None
    clock.freeze(p.bid_deadline + dt.timedelta(minutes=1))
    tenders.project_deadline_tick(p)
    result = bidding.opening_start(actor=agency, window=bidding.bid_window(p))
    bidding.opening_sign(actor=agency, opening=result.opening)
    p.refresh_from_db()
    return tenders.project_terminate(actor=agency, project=p, reason="采购需求发生重大变化")


def _export(w: PlansWorld, archive: Archive, tmp_path: Path) -> Path:
    c = Client()
    c.force_login(w.users[AGENCY])
    r = c.get(f"/api/v1/archives/{archive.pk}/file")
    assert r.status_code == 200, r.content[:300]
    assert r["Content-Type"] == "application/zip"
    path = tmp_path / "archive.zip"
    path.write_bytes(r.content)
    return path


def _rewrite(src: Path, dst: Path, change: dict[str, bytes]) -> None:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info, change.get(info.filename, zin.read(info.filename)))


def test_sealed_archive_holds_the_project_and_verifies_offline(
    w: PlansWorld, tmp_path: Path
) -> None:
    p = _opened_and_ended(w)
    a = archives.archive_seal(actor=w.users[AGENCY], project=p)
    assert a.status == ac.ArchiveStatus.SEALED
    assert (
        a.retain_until
        == rules.retain_until(a.closed_on)
        == a.closed_on.replace(year=a.closed_on.year + 15)
    )
    paths = set(a.items.values_list("path", flat=True))
    kinds = set(a.items.values_list("kind", flat=True))
    assert {"records", "envelope", "opened", "audit"} <= kinds
    for record in ("tenders.project", "tenders.notice", "bidding.bid", "bidding.opening"):
        assert any(x.endswith(f"records/{record}.json") for x in paths), record

    path = _export(w, a, tmp_path)
    with zipfile.ZipFile(path) as z:
        manifest = json.loads(z.read(ac.MANIFEST))
        audit = json.loads(
            z.read(next(n for n in z.namelist() if n.endswith("audit/entries.json")))
        )
        opened = [n for n in z.namelist() if "-opened/" in n]
        notice = json.loads(
            z.read(next(n for n in z.namelist() if n.endswith("tenders.notice.json")))
        )
    assert manifest["project"]["project_no"] == p.project_no
    assert len(manifest["items"]) == a.item_count
    # the audit entries of the project's records, in chain order, terminating included
    seqs = [e["seq"] for e in audit]
    assert seqs == sorted(seqs) and any(e["action"].startswith("project.") for e in audit)
    assert opened, "opened bid documents are archived in clear"
    assert any(n["fields"]["kind"] == "termination" for n in notice)
    # the file's own digest is the one the platform recorded in the audit log
    entry = AuditEntry.objects.get(action="archive.sealed", object_id=str(a.pk))
    assert entry.after["file_sha256"] == a.file_sha256 == rules.sha256(path.read_bytes())
    assert entry.after["file_mode_read_only"] is True  # the file-system storage: mode 0444

    key = tmp_path / "platform.pem"
    key.write_text(crypto.platform_public_key_pem())
    ok = verify(path, "--key", str(key), "--sha256", a.file_sha256)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert ok.stdout.startswith("OK ")

    # one byte of an item changed: its digest no longer matches
    item = next(n for n in opened)
    with zipfile.ZipFile(path) as z:
        data = bytearray(z.read(item))
    data[0] ^= 0x01
    bad = tmp_path / "item.zip"
    _rewrite(path, bad, {item: bytes(data)})
    r = verify(bad, "--key", str(key))
    assert r.returncode == 1 and "SHA-256 does not match" in r.stdout, r.stdout

    # one byte of the manifest changed: the signature fails
    m = bytearray(manifest_bytes := path_read(path, ac.MANIFEST))
    m[m.index(b'"number":') + 9] ^= 0x01
    assert bytes(m) != manifest_bytes
    bad2 = tmp_path / "manifest.zip"
    _rewrite(path, bad2, {ac.MANIFEST: bytes(m)})
    r = verify(bad2)
    assert r.returncode == 1 and "signature does not verify" in r.stdout, r.stdout

    # any single byte of the file changed: refused against the recorded file digest
    raw = bytearray(path.read_bytes())
    for at in (0, len(raw) // 3, len(raw) // 2, len(raw) - 1):
        flipped = bytearray(raw)
        flipped[at] ^= 0x01
        bad3 = tmp_path / f"byte{at}.zip"
        bad3.write_bytes(bytes(flipped))
        r = verify(bad3, "--sha256", a.file_sha256)
        assert r.returncode == 1, (at, r.stdout)

    # re-signed with another key: refused when the platform key is given
    other = tmp_path / "other.pem"
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ed25519

    other.write_bytes(
        ed25519.Ed25519PrivateKey.generate()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    r = verify(path, "--key", str(other))
    assert r.returncode == 1 and "other than the platform" in r.stdout


def path_read(path: Path, name: str) -> bytes:
    with zipfile.ZipFile(path) as z:
        return z.read(name)


def test_archive_is_read_only_and_a_second_sealing_supersedes(w: PlansWorld) -> None:
    p = _opened_and_ended(w)
    first = archives.archive_seal(actor=w.users[AGENCY], project=p)
    first.signature = "forged"
    with pytest.raises(RuleViolation) as exc:
        first.save()
    assert exc.value.code == ac.ERR_READ_ONLY
    second = archives.archive_seal(actor=w.users[AGENCY], project=p)
    first.refresh_from_db()
    assert (first.status, second.number, second.status) == (
        ac.ArchiveStatus.SUPERSEDED,
        2,
        ac.ArchiveStatus.SEALED,
    )
    assert AuditEntry.objects.filter(action="archive.superseded", object_id=str(first.pk)).exists()


def test_only_an_ended_procurement_is_archived_and_only_by_its_agency(w: PlansWorld) -> None:
    p = _published_project(w, methods.OPEN_TENDER)
    with pytest.raises(RuleViolation) as exc:
        archives.archive_seal(actor=w.users[AGENCY], project=p)
    assert exc.value.code == ac.ERR_NOT_CLOSED
    assert not Archive.objects.filter(project=p).exists()
    p = tenders.project_terminate(actor=w.users[AGENCY], project=p, reason="预算调整")
    with pytest.raises(PermissionDenied):
        archives.archive_seal(actor=w.users["pur_hz"], project=p)
    # through the API: a supplier does not even see the project's archive desk
    supplier = next(u for u in w.users.values() if u.role == "supplier")
    c = Client()
    c.force_login(supplier)
    r = c.post("/api/v1/archives", {"project_id": p.pk}, content_type="application/json")
    assert r.status_code == 404 and r.json()["code"] == "not_found"
    c.force_login(w.users[AGENCY])
    r = c.post("/api/v1/archives", {"project_id": p.pk}, content_type="application/json")
    assert r.status_code == 201, r.content
    assert r.json()["item_count"] > 0
    assert Archive.objects.filter(project=p).count() == 1


@pytest.mark.parametrize(
    ("closed", "until"),
    [
        (dt.date(2026, 11, 23), dt.date(2041, 11, 23)),
        (dt.date(2028, 2, 29), dt.date(2043, 2, 28)),
    ],
)
def test_kept_at_least_fifteen_years(closed: dt.date, until: dt.date) -> None:
    assert rules.retain_until(closed) == until


def test_a_damaged_or_foreign_file_is_reported_not_crashed(tmp_path: Path) -> None:
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"not a zip")
    r = verify(junk)
    assert r.returncode == 1 and "not a readable archive" in r.stdout
    empty = tmp_path / "empty.zip"
    with zipfile.ZipFile(empty, "w") as z:
        z.writestr("hello.txt", "x")
    r = verify(empty)
    assert r.returncode == 1 and "missing manifest.json" in r.stdout


def test_the_archive_desk_lists_ended_projects_in_a_fixed_number_of_queries(
    w: PlansWorld, django_assert_num_queries: Any
) -> None:
    from zhengcai.archives import access as archive_access

    ended = []
    for _ in range(2):
        p = _published_project(w, methods.OPEN_TENDER)
        ended.append(tenders.project_terminate(actor=w.users[AGENCY], project=p, reason="预算调整"))
    with django_assert_num_queries(1):  # no awarded candidate: no lot query at all
        listed = archive_access.projects_to_archive(w.users[AGENCY])
    assert {p.pk for p in ended} <= {p.pk for p in listed}
