"""Project core through the services: creation from a commission, lots, documents, the
compliance gate, publication with statutory periods, corrections, clarifications, downloads,
the deadline and the public feed."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from decimal import Decimal

import pytest

from zhengcai.core import clock, timed
from zhengcai.core.errors import Conflict, InvalidInput, PermissionDenied, RuleViolation
from zhengcai.core.models import AuditEntry
from zhengcai.plans.tests.factories import PlansWorld
from zhengcai.tenders import rules, selectors, services
from zhengcai.tenders.models import Notice, Project, PublicationEvent
from zhengcai.tenders.tests.factories import accepted_commission, project, ready_project

pytestmark = pytest.mark.django_db
SH = clock.SHANGHAI
# NOW = Monday 2026-11-23 09:00; 20 d → Sunday 12-13 → runs to Monday 12-14.
DEADLINE = dt.datetime(2026, 12, 14, 9, 30, tzinfo=SH)


def publish(w: PlansWorld, p: Project, deadline: dt.datetime = DEADLINE) -> Project:
    return services.project_publish(actor=w.users["agc_hz"], project=p, bid_deadline=deadline)


def test_project_from_commission(w: PlansWorld) -> None:
    com = accepted_commission(w)
    p = services.project_create_from_commission(actor=w.users["agc_hz"], commission=com)
    assert p.status == "draft" and p.agency == w.orgs["agc_hz"] and p.purchaser == w.orgs["pur_hz"]
    assert p.project_no.startswith("ZC") and p.budget == Decimal("1500000.00")
    assert [lot.number for lot in p.lots.all()] == [1]
    assert p.object_kind == "goods"
    with pytest.raises(Conflict):
        services.project_create_from_commission(actor=w.users["agc_hz"], commission=com)
    with pytest.raises(PermissionDenied):
        services.project_create_from_commission(
            actor=w.users["agc_prov"], commission=accepted_commission(w)
        )


def test_lots_within_budget_and_ceiling(w: PlansWorld) -> None:
    p = project(w, with_document=False)
    agency = w.users["agc_hz"]
    lot1 = p.lots.get()
    services.lot_update(actor=agency, lot=lot1, values={"budget": "1000000.00"})
    lot2 = services.lot_add(actor=agency, project=p, values={"name": "打印机", "budget": "500000"})
    assert lot2.number == 2
    with pytest.raises(RuleViolation) as e:
        services.lot_add(actor=agency, project=p, values={"name": "超", "budget": "0.01"})
    assert e.value.code == "lots_over_budget"
    with pytest.raises(RuleViolation) as e:
        services.lot_update(actor=agency, lot=lot2, values={"ceiling_price": "500000.01"})
    assert e.value.code == "ceiling_over_budget"
    services.lot_remove(actor=agency, lot=lot2)
    with pytest.raises(Conflict):
        services.lot_remove(actor=agency, lot=lot1)


def test_bond_capped_and_evaluation_method_per_method(w: PlansWorld) -> None:
    p = project(w)
    agency = w.users["agc_hz"]
    with pytest.raises(RuleViolation) as e:
        services.document_update(actor=agency, project=p, values={"bid_bond_percent": "2.01"})
    assert e.value.code == "bid_bond_too_high"
    services.document_update(actor=agency, project=p, values={"bid_bond_percent": "2"})
    assert p.lots.get().bid_bond_amount == Decimal("30000.00")
    q = project(w, method="consultation", item_code="C21040000")
    with pytest.raises(RuleViolation) as e:
        services.document_update(
            actor=agency, project=q, values={"evaluation_method": "lowest_price"}
        )
    assert e.value.code == "evaluation_method_not_allowed"


def test_compliance_gate_fix_and_justify(w: PlansWorld) -> None:
    p = project(w)
    agency = w.users["agc_hz"]
    services.document_update(
        actor=agency, project=p, values={"requirements": "笔记本电脑品牌为联想ThinkPad"}
    )
    with pytest.raises(Conflict) as e:  # not checked since the change
        services.document_finalize(actor=agency, project=p)
    assert e.value.code == "compliance_not_checked"
    standing = services.compliance_check(actor=agency, project=p)
    assert [(f.rule, f.status) for f in standing] == [("brand", "open")]
    with pytest.raises(RuleViolation) as e:
        services.document_finalize(actor=agency, project=p)
    assert e.value.code == "compliance_findings_open"
    # fix → the finding is closed as fixed on the next check
    services.document_update(
        actor=agency, project=p, values={"requirements": "笔记本电脑，处理器不低于8核"}
    )
    assert services.compliance_check(actor=agency, project=p) == []
    brand = p.findings.get(rule="brand")
    assert brand.status == "fixed" and brand.resolved_by == agency
    # a clause kept with a written justification
    services.project_update(actor=agency, project=p, values={"sme_reservation": "none"})
    [sme] = services.compliance_check(actor=agency, project=p)
    with pytest.raises(InvalidInput):
        services.finding_justify(actor=agency, finding=sme, justification="太短")
    with pytest.raises(PermissionDenied):
        services.finding_justify(
            actor=w.users["pur_hz"], finding=sme, justification="采购人不能代为说明理由的情况"
        )
    sme = services.finding_justify(
        actor=agency,
        finding=sme,
        justification="经市场调研，本品目无中小企业生产厂商，不适宜预留。",
    )
    assert sme.status == "justified"
    services.compliance_check(actor=agency, project=p)
    assert p.findings.get(pk=sme.pk).status == "justified"  # stays justified on re-check
    doc = services.document_finalize(actor=agency, project=p)
    assert doc.status == "final"
    assert AuditEntry.objects.filter(action="finding.justified", object_id=str(sme.pk)).exists()


def test_pdf_renders_with_chinese_text(w: PlansWorld) -> None:
    p = ready_project(w)
    doc = p.document
    doc.pdf.open("rb")
    data = doc.pdf.read()
    doc.pdf.close()
    assert data.startswith(b"%PDF") and doc.pdf_size == len(data)
    if shutil.which("pdftotext"):
        path = doc.pdf.path
        text = subprocess.run(
            ["pdftotext", path, "-"], capture_output=True, text=True, check=True
        ).stdout
        assert "招标文件" in text and "采购需求" in text and p.project_no in text
    else:
        assert len(data) > 5000


def test_publish_computes_periods_and_refuses_short_deadline(w: PlansWorld) -> None:
    p = ready_project(w)
    with pytest.raises(RuleViolation) as e:
        publish(w, p, dt.datetime(2026, 12, 11, 9, 30, tzinfo=SH))
    assert e.value.code == "period_too_short" and e.value.detail == {"earliest": "2026-12-14"}
    p = publish(w, p)
    assert p.status == "published"
    assert p.notice_display_until == dt.date(2026, 11, 30)  # 5 WD (87号令 16)
    assert p.documents_until == dt.date(2026, 11, 30)  # 5 WD (条例 31)
    assert p.clarification_cutoff == dt.date(2026, 11, 29)  # 15 d before 12-14
    assert p.opening_at == DEADLINE and p.next_check == DEADLINE
    notice = p.notices.get()
    assert notice.kind == "tender" and notice.display_until == p.notice_display_until
    f = notice.fields
    for key in ("project_no", "purchaser", "agency", "budget", "lots", "qualifications"):
        assert f[key] not in ("", None, [])
    assert f["bid_deadline"] and f["opening_place"] and f["documents"]["how"]
    assert PublicationEvent.objects.filter(kind="notice.tender", object_id=str(notice.pk)).exists()


def test_transitions_refused_out_of_order(w: PlansWorld) -> None:
    p = project(w)
    with pytest.raises(Conflict):
        publish(w, p)
    with pytest.raises(Conflict) as e:
        services.project_transition(actor=None, project=p, to_status="opened")
    assert e.value.code == "bad_transition"
    p = publish(w, ready_project(w))
    with pytest.raises(Conflict):
        services.document_update(actor=w.users["agc_hz"], project=p, values={"requirements": "x"})


def test_correction_that_shortens_the_period_extends_the_deadline(w: PlansWorld) -> None:
    p = publish(w, ready_project(w))
    clock.freeze(dt.datetime(2026, 12, 4, 10, 0, tzinfo=SH))  # 10 d before the deadline
    notice = services.project_correct(
        actor=w.users["agc_hz"],
        project=p,
        changes="第1包技术参数修改",
        document_values={"requirements": "便携式计算机100台，内存32GB"},
    )
    p.refresh_from_db()
    # 15 d from 12-04 = 12-19 (Saturday) → Monday 12-21, same time of day.
    assert p.bid_deadline == dt.datetime(2026, 12, 21, 9, 30, tzinfo=SH)
    assert p.opening_at == p.bid_deadline and p.next_check == p.bid_deadline
    assert notice.kind == "correction" and notice.fields["extended_by_law"] is True
    assert notice.corrects is not None and notice.corrects.kind == "tender"
    assert "顺延" in notice.body
    assert p.document.version > 1 and p.document.rendered_version == p.document.version
    # A correction that changes no document keeps the deadline.
    services.project_correct(actor=w.users["agc_hz"], project=p, changes="联系人电话更正")
    p.refresh_from_db()
    assert p.bid_deadline == dt.datetime(2026, 12, 21, 9, 30, tzinfo=SH)
    # A change that would bring in a forbidden clause is refused (the check runs again).
    with pytest.raises(RuleViolation):
        services.project_correct(
            actor=w.users["agc_hz"],
            project=p,
            changes="加分",
            document_values={"qualifications": "投标人须在本市注册"},
        )


def test_clarification_before_and_after_cutoff(w: PlansWorld) -> None:
    p = publish(w, ready_project(w))
    supplier, agency = w.users["spl_hz"], w.users["agc_hz"]
    q1 = services.clarification_ask(actor=supplier, project=p, question="是否接受进口产品？")
    services.clarification_answer(
        actor=agency, clarification=q1, answer="不接受", changes_documents=True
    )
    p.refresh_from_db()
    assert p.bid_deadline == DEADLINE  # 11-23 is before the 11-29 cut-off
    clock.freeze(dt.datetime(2026, 12, 1, 9, 0, tzinfo=SH))  # after the cut-off
    q2 = services.clarification_ask(actor=supplier, project=p, question="交货期可否延长？")
    answered = services.clarification_answer(
        actor=agency, clarification=q2, answer="交货期改为45日", changes_documents=True
    )
    p.refresh_from_db()
    assert p.bid_deadline == dt.datetime(2026, 12, 16, 9, 30, tzinfo=SH)  # 12-01 + 15 d
    assert answered.notice is not None and answered.notice.fields["extended_by_law"] is True
    assert (
        "spl" not in answered.notice.body and supplier.organization.name not in answered.notice.body
    )
    q3 = services.clarification_ask(actor=supplier, project=p, question="付款方式？")
    services.clarification_answer(actor=agency, clarification=q3, answer="见合同条款")
    p.refresh_from_db()
    assert p.bid_deadline == dt.datetime(2026, 12, 16, 9, 30, tzinfo=SH)  # no document change
    assert [x.pk for x in selectors.public_clarifications(p)] == [q1.pk, q2.pk, q3.pk]
    with pytest.raises(Conflict):
        services.clarification_answer(actor=agency, clarification=q3, answer="再答")


def test_download_log_and_holders(w: PlansWorld) -> None:
    p = ready_project(w)
    supplier = w.users["spl_hz"]
    with pytest.raises(Conflict):
        services.document_download(actor=supplier, project=p)
    p = publish(w, p)
    with pytest.raises(PermissionDenied):
        services.document_download(actor=w.users["pur_hz"], project=p)
    row = services.document_download(actor=supplier, project=p, ip="10.1.2.3")
    services.document_download(actor=supplier, project=p, ip="10.1.2.4")
    assert row.sha256 == p.document.pdf_sha256 and row.ip == "10.1.2.3"
    assert row.user == supplier and row.downloaded_at == clock.now()
    assert list(selectors.project_document_holders(p)) == [supplier.organization]
    assert selectors.project_downloads(p).count() == 2
    clock.freeze(dt.datetime(2026, 12, 1, 9, 0, tzinfo=SH))  # availability ended 11-30
    with pytest.raises(Conflict):
        services.document_download(actor=supplier, project=p)


def test_deadline_reached_by_the_timed_task_runs_hooks(w: PlansWorld) -> None:
    p = publish(w, ready_project(w))
    seen: list[int] = []
    services.register_deadline_hook(lambda proj: seen.append(proj.pk))
    try:
        clock.freeze(DEADLINE - dt.timedelta(minutes=1))
        timed.process_due()
        p.refresh_from_db()
        assert p.status == "published"
        clock.freeze(DEADLINE)
        timed.process_due()
        p.refresh_from_db()
        assert p.status == "bidding_closed" and p.next_check is None and seen == [p.pk]
    finally:
        services._deadline_hooks.clear()
    with pytest.raises(Conflict):
        services.clarification_ask(actor=w.users["spl_hz"], project=p, question="晚了")
    p = services.project_transition(actor=None, project=p, to_status="opened")
    assert p.status == "opened"


def test_terminate_publishes_termination_notice(w: PlansWorld) -> None:
    p = publish(w, ready_project(w))
    with pytest.raises(InvalidInput):
        services.project_terminate(actor=w.users["agc_hz"], project=p, reason=" ")
    p = services.project_terminate(
        actor=w.users["agc_hz"], project=p, reason="采购需求发生重大变化"
    )
    assert p.status == "terminated" and p.next_check is None
    n = Notice.objects.get(project=p, kind="termination")
    assert n.fields["reason"] == "采购需求发生重大变化" and n.fields["contact"]["agency"]


def test_feed_sequence_is_gap_free(w: PlansWorld) -> None:
    before = PublicationEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    p = publish(w, ready_project(w))
    services.project_correct(actor=w.users["agc_hz"], project=p, changes="更正联系人")
    services.project_terminate(actor=w.users["agc_hz"], project=p, reason="预算取消")
    seqs = [e.seq for e in selectors.feed(after=before)]
    assert seqs == list(range(before + 1, before + 4))


@pytest.mark.parametrize(
    ("method", "variant", "item", "notice_kind", "opening"),
    [
        ("open_tender", "", "A02010105", "tender", True),
        # invited_tender publishes only after prequalification and the draw: test_invited_tender
        ("negotiation", "", "C21040000", "negotiation", False),
        ("consultation", "", "C21040000", "consultation", False),
        ("rfq", "", "A02010105", "rfq", False),
        ("rfq", "phone", "A02010105", None, False),
        ("rfq", "timed_onsite", "A02010105", "rfq", True),
        ("single_source", "", "A02010105", None, False),
    ],
)
def test_every_method_runs_on_the_same_core(
    w: PlansWorld, method: str, variant: str, item: str, notice_kind: str | None, opening: bool
) -> None:
    p = ready_project(w, method=method, variant=variant, item_code=item)
    earliest = dt.datetime(2026, 12, 14, 9, 30, tzinfo=SH)
    p = publish(w, p, earliest)
    assert p.status == "published" and p.method_config.code == method
    assert list(p.notices.values_list("kind", flat=True)) == ([notice_kind] if notice_kind else [])
    assert (p.opening_at is not None) == opening


def test_rfq_is_goods_only(w: PlansWorld) -> None:
    with pytest.raises(RuleViolation):
        project(w, method="rfq", item_code="C21040000")


def test_bond_cap_has_one_rounding_for_documents_and_bond_recording(w: PlansWorld) -> None:
    """条例 33: never above 2% of the budget. 2% of 999,999.75 is 19,999.995: the documents
    publish 19,999.99 (rounded down: they used to publish 20,000.00, which bidding refused);
    bidding records against the same function (bidding/tests/test_services.py)."""
    p = project(w, amount="999999.75")
    agency = w.users["agc_hz"]
    services.document_update(actor=agency, project=p, values={"bid_bond_percent": "2"})
    lot = p.lots.get()
    assert lot.budget == Decimal("999999.75")
    assert lot.bid_bond_amount == Decimal("19999.99") == rules.bid_bond_cap(lot.budget)
    assert rules.bid_bond_amount(Decimal("999999.75"), Decimal("2.5")) == Decimal("19999.99")
