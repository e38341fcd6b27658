"""The tenders API: the router, its schemas and the mappings of the models to them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field

from zhengcai.accounts.auth import api_auth
from zhengcai.core.errors import InvalidInput, NotFound
from zhengcai.core.schemas import StrictIn
from zhengcai.tenders import constants as c
from zhengcai.tenders import rules, selectors, services
from zhengcai.tenders.models import (
    Clarification,
    ComplianceFinding,
    DocumentTemplate,
    Lot,
    Notice,
    ProcurementDocument,
    Project,
)
from zhengcai.tenders.schemas import (
    NULLABLE_TERMS,
    DocumentOut,
    DocumentPatch,
    LotTermsOut,
    TemplateOut,
)

router = Router(auth=api_auth(), tags=["tenders"])
MAX_PAGE = 200


def _ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


# --- schemas -------------------------------------------------------------------------------


class PageIn(Schema):
    limit: int = Field(default=50, ge=1, le=MAX_PAGE)
    offset: int = Field(default=0, ge=0)


class ProjectFilter(PageIn):
    status: c.ProjectStatus | None = None
    q: str | None = Field(default=None, max_length=100)


class LotOut(Schema):
    id: int
    number: int
    name: str
    budget: Decimal
    ceiling_price: Decimal | None
    quantity: Decimal
    unit: str
    requirements: str
    sme_reserved: bool
    bid_bond_amount: Decimal
    reviewed_budget: Decimal | None
    status: str
    version: int


class ProjectOut(Schema):
    id: int
    project_no: str
    name: str
    method: str
    method_variant: str
    method_name: str
    object_kind: str
    purchaser_id: int
    purchaser_name: str
    agency_id: int
    agency_name: str
    budget: Decimal
    status: str
    status_label: str
    sme_reservation: str
    sme_reserved_percent: Decimal
    accepts_consortium: bool
    contract_period: str
    notice_published_at: dt.datetime | None
    notice_display_until: dt.date | None
    documents_until: dt.date | None
    bid_deadline: dt.datetime | None
    opening_at: dt.datetime | None
    opening_place: str
    clarification_cutoff: dt.date | None
    two_supplier_basis: str
    two_supplier_justification: str
    lots: list[LotOut]
    version: int


class ProjectPage(Schema):
    count: int
    items: list[ProjectOut]


class ProjectIn(StrictIn):
    commission_id: int
    name: str = Field(default="", max_length=200)
    method_variant: str = Field(default="", max_length=20)


class ProjectPatch(StrictIn):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    contact_name: str | None = Field(default=None, max_length=60)
    contact_phone: str | None = Field(default=None, max_length=30)
    accepts_consortium: bool | None = None
    contract_period: str | None = Field(default=None, max_length=100)
    sme_reservation: c.SmeReservation | None = None
    sme_reserved_percent: Decimal | None = Field(default=None, ge=0, le=100)
    opening_place: str | None = Field(default=None, max_length=200)
    method_variant: str | None = Field(default=None, max_length=20)


class LotIn(StrictIn):
    name: str = Field(min_length=1, max_length=200)
    budget: Decimal
    ceiling_price: Decimal | None = None
    quantity: Decimal = Decimal(1)
    unit: str = Field(default="", max_length=20)
    requirements: str = Field(default="", max_length=20000)
    sme_reserved: bool = False


class LotPatch(StrictIn):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    budget: Decimal | None = None
    ceiling_price: Decimal | None = None
    quantity: Decimal | None = None
    unit: str | None = Field(default=None, max_length=20)
    requirements: str | None = Field(default=None, max_length=20000)
    sme_reserved: bool | None = None


class FindingOut(Schema):
    id: int
    rule: str
    article: str
    section: str
    excerpt: str
    message: str
    status: str
    justification: str
    resolved_at: dt.datetime | None
    found_at: dt.datetime


class JustifyIn(StrictIn):
    justification: str = Field(min_length=1, max_length=4000)


class PublishIn(StrictIn):
    bid_deadline: dt.datetime
    opening_place: str = Field(default="", max_length=200)


class CorrectionIn(StrictIn):
    changes: str = Field(min_length=1, max_length=10000)
    new_deadline: dt.datetime | None = None
    document: DocumentPatch | None = None


class TerminateIn(StrictIn):
    reason: str = Field(min_length=1, max_length=500)


class NoticeOut(Schema):
    id: int
    project_id: int
    project_no: str
    kind: str
    kind_label: str
    title: str
    status: str
    fields: dict[str, Any]
    body: str
    corrects_id: int | None
    published_at: dt.datetime
    display_until: dt.date | None


class NoticePage(Schema):
    count: int
    items: list[NoticeOut]


class NoticeFilter(PageIn):
    kind: c.NoticeKind | None = None
    q: str | None = Field(default=None, max_length=100)


class DownloadOut(Schema):
    id: int
    supplier_id: int
    supplier_name: str
    user_id: int
    downloaded_at: dt.datetime
    ip: str | None
    sha256: str
    document_version: int


class QuestionIn(StrictIn):
    question: str = Field(min_length=1, max_length=4000)


class AnswerIn(StrictIn):
    answer: str = Field(min_length=1, max_length=4000)
    changes_documents: bool = False
    document: DocumentPatch | None = None


class ClarificationOut(Schema):
    id: int
    question: str
    asked_at: dt.datetime
    status: str
    answer: str
    changes_documents: bool
    answered_at: dt.datetime | None
    notice_id: int | None


class EventOut(Schema):
    seq: int
    kind: str
    object_type: str
    object_id: str
    payload: dict[str, Any]
    created_at: dt.datetime


class FeedFilter(Schema):
    after: int = Field(default=0, ge=0)
    limit: int = Field(default=100, ge=1, le=500)


# --- mapping -------------------------------------------------------------------------------


def _lot_out(lot: Lot) -> LotOut:
    return LotOut(
        id=lot.pk,
        number=lot.number,
        name=lot.name,
        budget=lot.budget,
        ceiling_price=lot.ceiling_price,
        quantity=lot.quantity,
        unit=lot.unit,
        requirements=lot.requirements,
        sme_reserved=lot.sme_reserved,
        bid_bond_amount=lot.bid_bond_amount,
        reviewed_budget=lot.reviewed_budget,
        status=lot.status,
        version=lot.version,
    )


def _project_out(p: Project) -> ProjectOut:
    return ProjectOut(
        id=p.pk,
        project_no=p.project_no,
        name=p.name,
        method=p.method,
        method_variant=p.method_variant,
        method_name=p.method_config.name,
        object_kind=p.object_kind,
        purchaser_id=p.purchaser_id,
        purchaser_name=p.purchaser.name,
        agency_id=p.agency_id,
        agency_name=p.agency.name,
        budget=p.budget,
        status=p.status,
        status_label=str(p.get_status_display()),
        sme_reservation=p.sme_reservation,
        sme_reserved_percent=p.sme_reserved_percent,
        accepts_consortium=p.accepts_consortium,
        contract_period=p.contract_period,
        notice_published_at=p.notice_published_at,
        notice_display_until=p.notice_display_until,
        documents_until=p.documents_until,
        bid_deadline=p.bid_deadline,
        opening_at=p.opening_at,
        opening_place=p.opening_place,
        clarification_cutoff=p.clarification_cutoff,
        two_supplier_basis=p.two_supplier_basis,
        two_supplier_justification=p.two_supplier_justification,
        lots=[_lot_out(lot) for lot in p.lots.all()],
        version=p.version,
    )


def _template_out(t: DocumentTemplate) -> TemplateOut:
    return TemplateOut(
        id=t.pk,
        name=t.name,
        method=t.method,
        object_kind=t.object_kind,
        requirements=t.requirements,
        qualifications=t.qualifications,
        evaluation_method=t.evaluation_method,
        factors=list(t.factors),
        contract_terms=t.contract_terms,
        bid_bond_percent=t.bid_bond_percent,
        version=t.version,
    )


def _document_out(d: ProcurementDocument) -> DocumentOut:
    return DocumentOut(
        id=d.pk,
        project_id=d.project_id,
        status=d.status,
        requirements=d.requirements,
        qualifications=d.qualifications,
        evaluation_method=d.evaluation_method,
        factors=list(d.factors),
        contract_terms=d.contract_terms,
        bid_bond_percent=d.bid_bond_percent,
        sme_rate=d.sme_rate,
        sme_partial_rate=d.sme_partial_rate,
        lottery_discount=d.lottery_discount,
        service_life_years=d.service_life_years,
        life_cycle_costs=d.life_cycle_costs,
        life_cycle_discount_rate=d.life_cycle_discount_rate,
        lots=[
            LotTermsOut(
                lot_id=lot.pk,
                number=lot.number,
                budget=lot.budget,
                reviewed_budget=lot.reviewed_budget,
                reasonable_price=rules.reasonable_price(lot.reviewed_budget, d.lottery_discount)
                if lot.reviewed_budget is not None and d.lottery_discount is not None
                else None,
            )
            for lot in d.project.lots.all()
        ],
        terms_missing=services.method_terms_missing(d.project, d),
        checked_version=d.checked_version,
        pdf_sha256=d.pdf_sha256,
        pdf_size=d.pdf_size,
        version=d.version,
    )


def _finding_out(f: ComplianceFinding) -> FindingOut:
    return FindingOut(
        id=f.pk,
        rule=f.rule,
        article=f.article,
        section=f.section,
        excerpt=f.excerpt,
        message=f.message,
        status=f.status,
        justification=f.justification,
        resolved_at=f.resolved_at,
        found_at=f.found_at,
    )


def _notice_out(n: Notice) -> NoticeOut:
    return NoticeOut(
        id=n.pk,
        project_id=n.project_id,
        project_no=n.project.project_no,
        kind=n.kind,
        kind_label=str(n.get_kind_display()),
        title=n.title,
        status=n.status,
        fields=n.fields,
        body=n.body,
        corrects_id=n.corrects_id,
        published_at=n.published_at,
        display_until=n.display_until,
    )


def _clar_out(x: Clarification) -> ClarificationOut:
    return ClarificationOut(
        id=x.pk,
        question=x.question,
        asked_at=x.asked_at,
        status=x.status,
        answer=x.answer,
        changes_documents=x.changes_documents,
        answered_at=x.answered_at,
        notice_id=x.notice_id,
    )


def _doc_values(patch: DocumentPatch) -> dict[str, Any]:
    values = patch.dict(exclude_unset=True)
    if any(v is None for k, v in values.items() if k not in NULLABLE_TERMS):
        raise InvalidInput("字段值不能为 null", code="null_not_allowed")
    for key in ("lottery_discount", "life_cycle_discount_rate"):
        if values.get(key) is not None:
            values[key] = str(values[key])
    if "reviewed_budgets" in values:
        values["reviewed_budgets"] = [
            {
                "lot_id": x["lot_id"],
                "reviewed_budget": None
                if x["reviewed_budget"] is None
                else str(x["reviewed_budget"]),
            }
            for x in values["reviewed_budgets"]
        ]
    if "factors" in values:
        values["factors"] = [
            {**f, "points": str(f["points"])} for f in values["factors"]
        ]  # JSON-safe
    return values


def _document(project: Project) -> ProcurementDocument:
    doc = selectors.document_of(project)
    if doc is None:
        raise NotFound("项目尚未编制采购文件", code=c.ERR_NO_DOCUMENT)
    return doc
