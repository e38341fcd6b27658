"""The compliance check of the documents (法 22; 条例 20; 87号令 17), justified findings,
rendering and finalizing."""

from __future__ import annotations

import hashlib
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string

from zhengcai.accounts.models import User
from zhengcai.core import clock
from zhengcai.core.audit import audit_record
from zhengcai.core.errors import (
    Conflict,
    InvalidInput,
    RuleViolation,
)
from zhengcai.core.pdf import render_pdf
from zhengcai.tenders import (
    compliance,
    machines,
    rules,
)
from zhengcai.tenders import constants as c
from zhengcai.tenders.models import (
    ComplianceFinding,
    ProcurementDocument,
    Project,
)
from zhengcai.tenders.services.common import _bad_transition, _lock, _move, _require_manager
from zhengcai.tenders.services.documents import (
    _method_allowed,
    _method_refusal,
    method_terms_missing,
)
from zhengcai.tenders.services.projects import _check_lots


def _facts(project: Project, doc: ProcurementDocument) -> compliance.DocumentFacts:
    return compliance.DocumentFacts(
        requirements=doc.requirements,
        qualifications=doc.qualifications,
        factors=rules.parse_factors(doc.factors),
        evaluation_method=doc.evaluation_method,
        object_kind=project.object_kind,
        config=project.method_config,
        budget=project.budget,
        sme_reservation=project.sme_reservation,
        sme_reserved_percent=project.sme_reserved_percent,
        lot_requirements=[(lot.number, lot.requirements) for lot in project.lots.all()],
        contract_terms=doc.contract_terms,
    )


def _sync_findings(
    *, actor: User, project: Project, doc: ProcurementDocument
) -> list[ComplianceFinding]:
    now = clock.now()
    found = {f.fingerprint: f for f in compliance.check_document(_facts(project, doc))}
    existing = list(doc.findings.select_for_update())
    standing = {f.fingerprint: f for f in existing if f.status != c.FindingStatus.FIXED}
    for finding in existing:
        if finding.status == c.FindingStatus.OPEN and finding.fingerprint not in found:
            machines.FINDING.move(
                finding,
                to=c.FindingStatus.FIXED,
                actor=actor,
                audit={"rule": finding.rule, "article": finding.article},
                resolved_by=actor,
                resolved_at=now,
            )
    created = []
    for fp, f in found.items():
        if fp in standing:
            continue
        row = ComplianceFinding.objects.create(
            document=doc,
            project=project,
            rule=f.rule,
            article=f.article,
            section=f.section,
            excerpt=f.excerpt,
            message=f.message,
            fingerprint=fp,
            found_at=now,
            found_version=doc.version,
        )
        created.append(row)
    return created


@transaction.atomic
def compliance_check(*, actor: User, project: Project) -> list[ComplianceFinding]:
    """采购文件合规审查: record every finding; those gone since the last run are fixed.
    Returns the findings still standing (open or justified)."""
    locked = _lock(project)
    _require_manager(actor, locked)
    doc = ProcurementDocument.objects.select_for_update().filter(project=locked).first()
    if doc is None:
        raise Conflict("请先从范本生成采购文件", code=c.ERR_NO_DOCUMENT)
    created = _sync_findings(actor=actor, project=locked, doc=doc)
    doc.checked_at, doc.checked_version = clock.now(), doc.version
    doc.save(update_fields=["checked_at", "checked_version"])
    standing = list(doc.findings.exclude(status=c.FindingStatus.FIXED))
    audit_record(
        actor=actor,
        action="document.checked",
        obj=doc,
        organization=locked.agency,
        after={
            "version": doc.version,
            "new": [f"{f.rule}:{f.article}" for f in created],
            "open": sum(1 for f in standing if f.status == c.FindingStatus.OPEN),
        },
    )
    return standing


@transaction.atomic
def finding_justify(
    *, actor: User, finding: ComplianceFinding, justification: str
) -> ComplianceFinding:
    """Keep a flagged clause with a written justification where the law allows one (46号
    7–8); a prohibited clause is refused (条例 20; 87号令 17). The audit entry is the
    regulator's record (it names the purchaser's region)."""
    row = ComplianceFinding.objects.select_for_update().select_related("project").get(pk=finding.pk)
    _require_manager(actor, row.project)
    if not compliance.justifiable(row.rule):
        raise compliance.justification_refused(row.rule, row.article)
    text = justification.strip()
    if len(text) < 10:
        raise InvalidInput(
            "请书面说明保留该条款的理由（不少于10个字）", code=c.ERR_JUSTIFICATION_REQUIRED
        )
    machines.FINDING.move(
        row,
        to=c.FindingStatus.JUSTIFIED,
        actor=actor,
        audit={"rule": row.rule, "article": row.article, "for_regulator": True}
        | {"region": row.project.purchaser.region_id},
        justification=text[:4000],
        resolved_by=actor,
        resolved_at=clock.now(),
    )
    return row


def render_document_html(project: Project, doc: ProcurementDocument) -> str:
    factors = rules.parse_factors(doc.factors)
    return render_to_string(
        "tenders/document_print.html",
        {
            "project": project,
            "doc": doc,
            "lots": list(project.lots.all()),
            "factors": factors,
            "total_points": sum((f.points for f in factors), Decimal(0)),
            "price_percent": rules.price_weight_percent(factors),
            "cfg": project.method_config,
            "lottery": lottery_rows(project, doc),
        },
    )


def lottery_rows(project: Project, doc: ProcurementDocument) -> list[dict[str, Any]]:
    if doc.evaluation_method != c.EvaluationMethod.REASONABLE_PRICE_LOTTERY:
        return []
    d = doc.lottery_discount
    return [
        {
            "lot": lot,
            "reasonable_price": rules.reasonable_price(lot.reviewed_budget, d)
            if lot.reviewed_budget is not None and d is not None
            else None,
        }
        for lot in project.lots.all()
    ]


def _render(project: Project, doc: ProcurementDocument) -> None:
    html = render_document_html(project, doc)
    pdf = render_pdf(html)
    doc.html = html
    if doc.pdf:
        doc.pdf.delete(save=False)
    doc.pdf.save(f"{project.project_no}-v{doc.version}.pdf", ContentFile(pdf), save=False)
    doc.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
    doc.pdf_size = len(pdf)
    doc.rendered_version = doc.version


def _require_clean(doc: ProcurementDocument) -> None:
    if doc.checked_version != doc.version:
        raise Conflict("采购文件修改后须重新进行合规审查", code=c.ERR_NOT_CHECKED)
    standing = doc.findings.exclude(status=c.FindingStatus.FIXED).values_list("status", "rule")
    open_count = compliance.blocking_count(standing)
    if open_count:
        raise RuleViolation(
            f"合规审查还有 {open_count} 个问题未修改或书面说明理由",
            code=c.ERR_FINDINGS_OPEN,
            detail={"open": open_count},
        )


@transaction.atomic
def document_finalize(*, actor: User, project: Project) -> ProcurementDocument:
    """Freeze the documents: the check is current and clean; render HTML and PDF."""
    locked = _lock(project)
    _require_manager(actor, locked)
    doc = ProcurementDocument.objects.select_for_update().filter(project=locked).first()
    if doc is None:
        raise Conflict("请先从范本生成采购文件", code=c.ERR_NO_DOCUMENT)
    if not locked.lots.exists():
        raise Conflict("项目至少须有一个采购包", code=c.ERR_NO_LOTS)
    _check_lots(locked)
    missing = method_terms_missing(locked, doc)
    if missing:  # seed 001: the discount is published; seed 004: the service life and costs
        raise RuleViolation(
            f"{doc.get_evaluation_method_display()}须在采购文件中载明：{'、'.join(missing)}",
            code=c.ERR_METHOD_TERMS_MISSING,
            detail={"missing": missing},
        )
    _require_clean(doc)
    if not _method_allowed(locked, doc.evaluation_method):  # the local rule may have lapsed
        raise _method_refusal(locked, doc.evaluation_method)
    if doc.status not in (c.DocumentStatus.DRAFT,) or locked.status != c.ProjectStatus.DRAFT:
        raise _bad_transition(
            c.ProjectStatus, locked.status, c.ProjectStatus.DOCUMENTS_READY, "项目"
        )
    # the move makes a new version of the same (checked) text, which is then rendered
    checked = doc.version + 1
    machines.DOCUMENT.move(
        doc, to=c.DocumentStatus.FINAL, actor=actor, updated_by=actor, checked_version=checked
    )
    _render(locked, doc)
    doc.save()
    _move(
        actor=actor,
        project=locked,
        to_status=c.ProjectStatus.DOCUMENTS_READY,
        document_version=doc.version,
        sha256=doc.pdf_sha256,
    )
    return doc
