"""One procurement from the award to its sealed archive (issue 11): the award and its result
notice, the contract signed by both parties, accepted, paid through the treasury file
exchange, performed — and only then archived; the archive holds the award and contract
records and verifies offline. Runs on SQLite and PostgreSQL like the whole suite."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests.scenarios.test_archive import verify
from zhengcai.archives import access as archive_access
from zhengcai.archives import constants as ac
from zhengcai.archives import services as archives
from zhengcai.contracts import constants as cc
from zhengcai.contracts import services as s
from zhengcai.contracts.tests.builders import PASSWORD, awarded, signed
from zhengcai.core import clock
from zhengcai.core.errors import RuleViolation
from zhengcai.tenders.constants import ProjectStatus

pytestmark = pytest.mark.django_db


def _paid(k: object, a: object) -> None:
    """One milestone for the whole amount: delivered, accepted, paid (treasury round trip)."""
    m = s.milestone_add(actor=a.purchaser, contract=k, name="交付验收", kind="delivery",  # type: ignore[attr-defined]
                        due_on=clock.today(), amount=str(k.amount))  # type: ignore[attr-defined]  # fmt: skip
    s.milestone_deliver(actor=a.winner, milestone=m)  # type: ignore[attr-defined]
    team = [a.purchaser, a.ready.agency]  # type: ignore[attr-defined]
    acc = s.acceptance_open(actor=a.purchaser, milestone=m, members=team)  # type: ignore[attr-defined]
    s.acceptance_report(actor=a.purchaser, acceptance=acc, passed=True, findings="全部合格")  # type: ignore[attr-defined]
    for u in team:
        s.acceptance_sign(actor=u, acceptance=acc, password=PASSWORD)
    acc.refresh_from_db()
    assert acc.status == cc.AcceptanceStatus.PASSED, acc.status
    m.refresh_from_db()
    pay = s.payment_request(actor=a.winner, milestone=m)  # type: ignore[attr-defined]
    s.payment_approve(actor=a.purchaser, payment=pay)  # type: ignore[attr-defined]
    path = s.treasury_export()
    assert path is not None
    doc = json.loads(path.read_text(encoding="utf-8"))
    ins = doc["instructions"][0]
    answer = {
        "format": s.CONFIRMATION_FORMAT,
        "batch_id": doc["batch_id"],
        "results": [{"instruction_no": ins["instruction_no"], "status": "paid",
                     "amount": ins["amount"], "paid_on": clock.today().isoformat(),
                     "voucher_no": "GK2026-0099"}],
    }  # fmt: skip
    (s.treasury_dir() / "inbox" / "GK-99.json").write_text(json.dumps(answer), encoding="utf-8")
    [result] = s.treasury_import()
    assert result.paid == 1


def test_award_contract_acceptance_payment_archive(
    tmp_path: Path, django_assert_num_queries: Any
) -> None:
    a = awarded()
    project = a.ready.project
    project.refresh_from_db()
    assert project.status == ProjectStatus.AWARDED
    k = signed(a)
    assert k.status == cc.ContractStatus.SIGNED
    # the procurement has not ended while the contract runs (法 42 counts from its end)
    with pytest.raises(RuleViolation) as running:
        archives.archive_seal(actor=a.ready.agency, project=project)
    assert running.value.code == ac.ERR_NOT_CLOSED and "合同尚未履行完毕" in running.value.message

    with django_assert_num_queries(2):  # still running: not on the archive desk
        assert project not in archive_access.projects_to_archive(a.ready.agency)

    _paid(k, a)
    k = s.contract_complete(actor=a.purchaser, contract=k)
    assert k.status == cc.ContractStatus.COMPLETED
    # the desk's list: the candidates and their running lots, two queries however many
    with django_assert_num_queries(2):
        assert archive_access.projects_to_archive(a.ready.agency) == [project]

    archive = archives.archive_seal(actor=a.ready.agency, project=project)
    paths = set(archive.items.values_list("path", flat=True))
    for record in (
        "awards.award",
        "awards.resultnotice",
        "contracts.contract",
        "contracts.acceptance",
        "contracts.paymentrequest",
        "evaluation.report",
        "bidding.bid",
    ):
        assert any(p.endswith(f"records/{record}.json") for p in paths), record
    out = tmp_path / "archive.zip"
    out.write_bytes(archives.archive_file(archive))
    with zipfile.ZipFile(out) as z:
        audit = json.loads(
            z.read(next(n for n in z.namelist() if n.endswith("audit/entries.json")))
        )
    actions = {e["action"] for e in audit}
    assert {"contract.signed", "contract.completed"} <= actions, sorted(actions)[:40]
    ok = verify(out, "--sha256", archive.file_sha256)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    raw = bytearray(out.read_bytes())
    raw[len(raw) // 2] ^= 0x01
    bad = tmp_path / "bad.zip"
    bad.write_bytes(bytes(raw))
    assert verify(bad, "--sha256", archive.file_sha256).returncode == 1
