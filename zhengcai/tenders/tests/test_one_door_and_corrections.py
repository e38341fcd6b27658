"""Every tenders status change through its machine (issue 9) and what a correction may change
(issue 10 item 11; 87号令 27)."""

from __future__ import annotations

import datetime as dt

import pytest

from zhengcai.core import clock
from zhengcai.core.errors import Conflict, RuleViolation
from zhengcai.core.models import AuditEntry
from zhengcai.plans.tests.factories import PlansWorld
from zhengcai.tenders import machines, rules, services
from zhengcai.tenders.models import Notice
from zhengcai.tenders.tests.factories import ready_project

pytestmark = pytest.mark.django_db
SH = clock.SHANGHAI
DEADLINE = dt.datetime(2026, 12, 14, 9, 30, tzinfo=SH)


def _published(w: PlansWorld):
    p = ready_project(w)
    return services.project_publish(actor=w.users["agc_hz"], project=p, bid_deadline=DEADLINE)


def test_a_project_change_moves_documents_ready_back_to_draft_through_the_door(
    w: PlansWorld,
) -> None:
    p = ready_project(w)
    assert (p.status, p.document.status) == ("documents_ready", "final")
    version, doc_version = p.version, p.document.version
    services.lot_update(actor=w.users["agc_hz"], lot=p.lots.get(), values={"unit": "台"})
    p.refresh_from_db()
    assert (p.status, p.document.status) == ("draft", "draft")
    assert p.version > version and p.document.version == doc_version + 1
    moved = AuditEntry.objects.get(action="project.draft", object_id=str(p.pk))
    assert moved.before == {"status": "documents_ready"} and moved.after["status"] == "draft"
    assert AuditEntry.objects.filter(action="document.draft", object_id=str(p.document.pk)).exists()


def test_every_tenders_machine_is_registered_from_its_table() -> None:
    assert machines.DOCUMENT.allowed("final") == {"draft"}
    assert machines.NOTICE.allowed("superseded") == set()
    with pytest.raises(Conflict) as e:
        machines.PROJECT.check("awarded", "draft")
    assert e.value.code == "bad_transition"


def test_a_correction_supersedes_the_original_notice(w: PlansWorld) -> None:
    p = _published(w)
    original = Notice.objects.get(project=p, kind="tender")
    assert original.status == "published"
    notice = services.project_correct(actor=w.users["agc_hz"], project=p, changes="联系人电话更正")
    original.refresh_from_db()
    assert notice.corrects == original and original.status == "superseded"
    assert notice.status == "published"
    entry = AuditEntry.objects.get(action="notice.superseded", object_id=str(original.pk))
    assert entry.after["by"] == notice.pk
    # a second correction corrects the same original, which stays superseded
    services.project_correct(actor=w.users["agc_hz"], project=p, changes="开标地点更正")
    original.refresh_from_db()
    assert original.status == "superseded"


def test_a_correction_may_not_change_the_qualification_requirements(w: PlansWorld) -> None:
    p = _published(w)
    qualifications = p.document.qualifications
    version = p.document.version
    with pytest.raises(RuleViolation) as e:
        services.project_correct(
            actor=w.users["agc_hz"],
            project=p,
            changes="增加资格条件",
            document_values={"qualifications": qualifications + "；具有CMMI3级证书"},
        )
    assert e.value.code == "correction_changes_subject_or_qualifications"
    assert "87号令 27" in e.value.message
    p.refresh_from_db()
    assert (p.document.qualifications, p.document.version) == (qualifications, version)
    # the same text (whitespace aside) is no change; the requirements may be clarified
    services.project_correct(
        actor=w.users["agc_hz"],
        project=p,
        changes="技术参数澄清",
        document_values={
            "qualifications": f" {qualifications} ",
            "requirements": "便携式计算机100台，处理器不低于8核，内存16GB，三年原厂保修，含包装",
        },
    )
    # the subject (the lots) cannot be changed after publication at all
    with pytest.raises(Conflict) as e:
        services.lot_update(actor=w.users["agc_hz"], lot=p.lots.get(), values={"name": "台式机"})
    assert e.value.code == "not_editable"


def test_correction_rule_compares_only_the_frozen_fields() -> None:
    cur = {"qualifications": "具有ISO9001证书"}
    assert rules.correction_problem(cur, {"requirements": "x"}) is None
    assert rules.correction_problem(cur, {"qualifications": "具有 ISO9001证书"}) is None
    assert "资格条件" in (rules.correction_problem(cur, {"qualifications": "无"}) or "")


@pytest.mark.parametrize(
    ("change_on", "expected"),
    [
        (dt.date(2026, 12, 7), dt.datetime(2026, 12, 10, 17, 0, tzinfo=SH)),  # 3 d: kept
        (dt.date(2026, 12, 8), dt.datetime(2026, 12, 11, 17, 0, tzinfo=SH)),  # 2 d: moves
        (dt.date(2026, 12, 10), dt.datetime(2026, 12, 13, 17, 0, tzinfo=SH)),  # same day
    ],
)
def test_prequalification_clarification_three_days_or_the_deadline_moves(
    change_on: dt.date, expected: dt.datetime
) -> None:
    deadline = dt.datetime(2026, 12, 10, 17, 0, tzinfo=SH)
    assert rules.prequalification_deadline_after_clarification(change_on, deadline) == expected
