"""Tenders API: projects and lots, templates, documents and their compliance check, notices
(publish, correct, terminate), downloads, clarifications, public comment on the documents,
and the public notices, comments and feed.
Handlers are thin: parse, access_*, one service, answer."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema, Status
from pydantic import Field

from zhengcai.accounts.auth import api_auth
from zhengcai.core.errors import InvalidInput, NotFound
from zhengcai.core.http import etag, if_match_version, request_user
from zhengcai.core.schemas import API_ERRORS, ErrorOut, StrictIn
from zhengcai.plans.access import access_commission
from zhengcai.tenders import access, rules, selectors, services
from zhengcai.tenders import constants as c
from zhengcai.tenders.models import (
    Clarification,
    ComplianceFinding,
    DocumentComment,
    DocumentTemplate,
    Lot,
    Notice,
    ProcurementDocument,
    Project,
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


class FactorIn(StrictIn):
    name: str = Field(min_length=1, max_length=100)
    points: Decimal = Field(gt=0, le=100)
    objective: bool = False
    is_price: bool = False
    criteria: str = Field(default="", max_length=2000)


class TemplateIn(StrictIn):
    name: str = Field(min_length=1, max_length=200)
    method: str = Field(default="", max_length=16)
    object_kind: str = Field(default="", max_length=10)
    requirements: str = Field(default="", max_length=50000)
    qualifications: str = Field(default="", max_length=20000)
    evaluation_method: c.EvaluationMethod = c.EvaluationMethod.COMPREHENSIVE
    factors: list[FactorIn] = Field(default_factory=list)
    contract_terms: str = Field(default="", max_length=50000)
    bid_bond_percent: Decimal = Field(default=Decimal("1.00"), ge=0)


class TemplatePatch(StrictIn):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    requirements: str | None = Field(default=None, max_length=50000)
    qualifications: str | None = Field(default=None, max_length=20000)
    evaluation_method: c.EvaluationMethod | None = None
    factors: list[FactorIn] | None = None
    contract_terms: str | None = Field(default=None, max_length=50000)
    bid_bond_percent: Decimal | None = Field(default=None, ge=0)


class TemplateOut(Schema):
    id: int
    name: str
    method: str
    object_kind: str
    requirements: str
    qualifications: str
    evaluation_method: str
    factors: list[dict[str, Any]]
    contract_terms: str
    bid_bond_percent: Decimal
    version: int


class DocumentBuildIn(StrictIn):
    template_id: int
    # default: the template's; one the procurement method does not allow → 422
    evaluation_method: c.EvaluationMethod | None = None


class ReviewedBudgetIn(StrictIn):
    lot_id: int
    reviewed_budget: Decimal | None = Field(default=None, gt=0, max_digits=16, decimal_places=2)


class LotTermsOut(Schema):
    lot_id: int
    number: int
    budget: Decimal
    reviewed_budget: Decimal | None
    reasonable_price: Decimal | None


class TwoSupplierIn(StrictIn):
    basis: c.TwoSupplierBasis
    justification: str = Field(default="", max_length=4000)


class DocumentPatch(StrictIn):
    requirements: str | None = Field(default=None, max_length=50000)
    qualifications: str | None = Field(default=None, max_length=20000)
    evaluation_method: c.EvaluationMethod | None = None
    factors: list[FactorIn] | None = None
    contract_terms: str | None = Field(default=None, max_length=50000)
    bid_bond_percent: Decimal | None = Field(default=None, ge=0)
    # 合理定价评审抽签法 (seed 001): 0 < lottery_discount < 1; reviewed budgets per lot, ≤ budget
    lottery_discount: Decimal | None = Field(default=None, gt=0, lt=1, decimal_places=4)
    reviewed_budgets: list[ReviewedBudgetIn] | None = None
    # 全生命周期成本法 (seed 004)
    service_life_years: int | None = Field(default=None, ge=1, le=c.MAX_SERVICE_LIFE_YEARS)
    life_cycle_costs: str | None = Field(default=None, max_length=4000)
    life_cycle_discount_rate: Decimal | None = Field(default=None, ge=0, lt=1, decimal_places=4)


# The terms of one method that may be cleared by sending null (the others refuse null).
NULLABLE_TERMS = {"lottery_discount", "service_life_years", "life_cycle_discount_rate"}


class DocumentOut(Schema):
    id: int
    project_id: int
    status: str
    requirements: str
    qualifications: str
    evaluation_method: str
    factors: list[dict[str, Any]]
    contract_terms: str
    bid_bond_percent: Decimal
    lottery_discount: Decimal | None
    service_life_years: int | None
    life_cycle_costs: str
    life_cycle_discount_rate: Decimal | None
    lots: list[LotTermsOut]
    terms_missing: list[str]
    checked_version: int
    pdf_sha256: str
    pdf_size: int
    version: int


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
    doc = ProcurementDocument.objects.filter(project=project).first()
    if doc is None:
        raise NotFound("项目尚未编制采购文件", code=c.ERR_NO_DOCUMENT)
    return doc


# --- projects and lots ---------------------------------------------------------------------


@router.get("/projects", response={200: ProjectPage, API_ERRORS: ErrorOut}, summary="项目列表")
def project_list(request: HttpRequest, filters: Query[ProjectFilter]) -> ProjectPage:
    qs = selectors.project_list(request_user(request), status=filters.status, q=filters.q)
    page = list(qs.prefetch_related("lots")[filters.offset : filters.offset + filters.limit])
    return ProjectPage(count=qs.count(), items=[_project_out(p) for p in page])


@router.post(
    "/projects",
    response={201: ProjectOut, API_ERRORS: ErrorOut},
    summary="由已接收的委托立项（代理机构）",
)
def project_create(
    request: HttpRequest, response: HttpResponse, payload: ProjectIn
) -> Status[ProjectOut]:
    user = request_user(request)
    com = access_commission(user=user, pk=payload.commission_id, action="handle")
    p = services.project_create_from_commission(
        actor=user, commission=com, name=payload.name, method_variant=payload.method_variant
    )
    response["ETag"] = etag("prj", p)
    return Status(201, _project_out(p))


@router.get(
    "/projects/{project_id}",
    response={200: ProjectOut, API_ERRORS: ErrorOut},
    summary="项目详情（响应带 ETag）",
)
def project_get(request: HttpRequest, response: HttpResponse, project_id: int) -> ProjectOut:
    p = access.access_project(user=request_user(request), pk=project_id)
    response["ETag"] = etag("prj", p)
    return _project_out(p)


@router.patch(
    "/projects/{project_id}",
    response={200: ProjectOut, API_ERRORS: ErrorOut},
    summary="修改项目信息（发布前；须带 If-Match）",
)
def project_update(
    request: HttpRequest, response: HttpResponse, project_id: int, payload: ProjectPatch
) -> ProjectOut:
    user = request_user(request)
    p = access.access_project(user=user, pk=project_id, action="manage")
    version = if_match_version(request, "prj", p.pk, required=True)
    values = payload.dict(exclude_unset=True)
    if any(v is None for v in values.values()):
        raise InvalidInput("字段值不能为 null", code="null_not_allowed")
    p = services.project_update(actor=user, project=p, values=values, expected_version=version)
    response["ETag"] = etag("prj", p)
    return _project_out(p)


@router.post(
    "/projects/{project_id}/two-supplier",
    response={200: ProjectOut, API_ERRORS: ErrorOut},
    summary="设定或清除2家供应商例外情形（竞争性磋商；发布前；可带 If-Match）",
)
def project_two_supplier_set(
    request: HttpRequest, response: HttpResponse, project_id: int, payload: TwoSupplierIn
) -> ProjectOut:
    """214号 21 ¶3 (科研项目、科技成果转化项目) and 财库〔2015〕124号 (政府购买服务): `basis`
    `none` clears it. 422 `two_supplier_method_not_allowed` for a method other than 竞争性磋商,
    422 `two_supplier_object_kind` when the basis does not fit the project, 422
    `justification_required` without a written justification, 409 `not_editable` after
    publication, 412 on a stale If-Match, 403 for anyone but the project's agency."""
    user = request_user(request)
    p = access.access_project(user=user, pk=project_id, action="manage")
    p = services.project_two_supplier_set(
        actor=user,
        project=p,
        basis=payload.basis,
        justification=payload.justification,
        expected_version=if_match_version(request, "prj", p.pk, required=False),
    )
    response["ETag"] = etag("prj", p)
    return _project_out(p)


@router.post(
    "/projects/{project_id}/lots",
    response={201: LotOut, API_ERRORS: ErrorOut},
    summary="增加采购包",
)
def lot_add(request: HttpRequest, project_id: int, payload: LotIn) -> Status[LotOut]:
    user = request_user(request)
    p = access.access_project(user=user, pk=project_id, action="manage")
    lot = services.lot_add(actor=user, project=p, values=payload.dict())
    return Status(201, _lot_out(lot))


@router.patch(
    "/lots/{lot_id}",
    response={200: LotOut, API_ERRORS: ErrorOut},
    summary="修改采购包（须带 If-Match）",
)
def lot_update(
    request: HttpRequest, response: HttpResponse, lot_id: int, payload: LotPatch
) -> LotOut:
    user = request_user(request)
    lot = access.access_lot(user=user, pk=lot_id, action="manage")
    version = if_match_version(request, "lot", lot.pk, required=True)
    values = payload.dict(exclude_unset=True)
    lot = services.lot_update(actor=user, lot=lot, values=values, expected_version=version)
    response["ETag"] = etag("lot", lot)
    return _lot_out(lot)


@router.delete("/lots/{lot_id}", response={204: None, API_ERRORS: ErrorOut}, summary="删除采购包")
def lot_remove(request: HttpRequest, lot_id: int) -> Status[None]:
    user = request_user(request)
    lot = access.access_lot(user=user, pk=lot_id, action="manage")
    services.lot_remove(actor=user, lot=lot)
    return Status(204, None)


# --- templates -----------------------------------------------------------------------------


@router.get(
    "/templates", response={200: list[TemplateOut], API_ERRORS: ErrorOut}, summary="本机构范本"
)
def template_list(request: HttpRequest) -> list[TemplateOut]:
    return [_template_out(t) for t in access.templates_visible(request_user(request))]


@router.post(
    "/templates", response={201: TemplateOut, API_ERRORS: ErrorOut}, summary="新建采购文件范本"
)
def template_create(request: HttpRequest, payload: TemplateIn) -> Status[TemplateOut]:
    values = payload.dict()
    values["factors"] = [{**f, "points": str(f["points"])} for f in values["factors"]]
    tpl = services.template_save(actor=request_user(request), values=values)
    return Status(201, _template_out(tpl))


@router.patch(
    "/templates/{template_id}",
    response={200: TemplateOut, API_ERRORS: ErrorOut},
    summary="修改范本（须带 If-Match）",
)
def template_update(
    request: HttpRequest, response: HttpResponse, template_id: int, payload: TemplatePatch
) -> TemplateOut:
    user = request_user(request)
    tpl = access.access_template(user=user, pk=template_id, action="manage")
    version = if_match_version(request, "tpl", tpl.pk, required=True)
    values = payload.dict(exclude_unset=True)
    if any(v is None for v in values.values()):
        raise InvalidInput("字段值不能为 null", code="null_not_allowed")
    if "factors" in values:
        values["factors"] = [{**f, "points": str(f["points"])} for f in values["factors"]]
    tpl = services.template_save(actor=user, values=values, template=tpl, expected_version=version)
    response["ETag"] = etag("tpl", tpl)
    return _template_out(tpl)


# --- documents and compliance --------------------------------------------------------------


@router.post(
    "/projects/{project_id}/document",
    response={201: DocumentOut, API_ERRORS: ErrorOut},
    summary="由范本生成采购文件",
)
def document_build(
    request: HttpRequest, project_id: int, payload: DocumentBuildIn
) -> Status[DocumentOut]:
    user = request_user(request)
    p = access.access_project(user=user, pk=project_id, action="manage")
    tpl = access.access_template(user=user, pk=payload.template_id)
    doc = services.document_build(
        actor=user, project=p, template=tpl, evaluation_method=payload.evaluation_method
    )
    return Status(201, _document_out(doc))


@router.get(
    "/projects/{project_id}/document",
    response={200: DocumentOut, API_ERRORS: ErrorOut},
    summary="采购文件（编制中仅代理机构、采购人和监管可见；响应带 ETag）",
)
def document_get(request: HttpRequest, response: HttpResponse, project_id: int) -> DocumentOut:
    user = request_user(request)
    p = access.access_project(user=user, pk=project_id)
    doc = _document(p)
    if not access.can_see_internals(user, p) and p.status not in c.PROJECT_PUBLIC_STATUSES:
        raise NotFound("项目尚未编制采购文件", code=c.ERR_NO_DOCUMENT)
    response["ETag"] = etag("doc", doc)
    return _document_out(doc)


@router.patch(
    "/projects/{project_id}/document",
    response={200: DocumentOut, API_ERRORS: ErrorOut},
    summary="修改采购文件（发布前；须带 If-Match）",
)
def document_update(
    request: HttpRequest, response: HttpResponse, project_id: int, payload: DocumentPatch
) -> DocumentOut:
    user = request_user(request)
    p = access.access_project(user=user, pk=project_id, action="manage")
    version = if_match_version(request, "doc", _document(p).pk, required=True)
    doc = services.document_update(
        actor=user, project=p, values=_doc_values(payload), expected_version=version
    )
    response["ETag"] = etag("doc", doc)
    return _document_out(doc)


@router.post(
    "/projects/{project_id}/compliance-check",
    response={200: list[FindingOut], API_ERRORS: ErrorOut},
    summary="采购文件合规审查：返回未修改与已说明理由的问题",
)
def compliance_check(request: HttpRequest, project_id: int) -> list[FindingOut]:
    user = request_user(request)
    p = access.access_project(user=user, pk=project_id, action="manage")
    return [_finding_out(f) for f in services.compliance_check(actor=user, project=p)]


@router.get(
    "/projects/{project_id}/findings",
    response={200: list[FindingOut], API_ERRORS: ErrorOut},
    summary="合规审查问题及处理（含书面理由，供监督）",
)
def finding_list(request: HttpRequest, project_id: int) -> list[FindingOut]:
    user = request_user(request)
    p = access.access_project(user=user, pk=project_id)
    if not access.can_see_internals(user, p):
        raise NotFound("项目不存在或您无权查看")
    return [_finding_out(f) for f in selectors.project_findings(p)]


@router.post(
    "/findings/{finding_id}/justify",
    response={200: FindingOut, API_ERRORS: ErrorOut},
    summary="书面说明保留条款的理由",
)
def finding_justify(request: HttpRequest, finding_id: int, payload: JustifyIn) -> FindingOut:
    user = request_user(request)
    f = access.access_finding(user=user, pk=finding_id, action="manage")
    return _finding_out(
        services.finding_justify(actor=user, finding=f, justification=payload.justification)
    )


@router.post(
    "/projects/{project_id}/finalize",
    response={200: DocumentOut, API_ERRORS: ErrorOut},
    summary="采购文件定稿（合规审查无未处理问题；生成 PDF）",
)
def document_finalize(request: HttpRequest, project_id: int) -> DocumentOut:
    user = request_user(request)
    p = access.access_project(user=user, pk=project_id, action="manage")
    return _document_out(services.document_finalize(actor=user, project=p))


@router.get(
    "/projects/{project_id}/document.pdf",
    response={200: None, API_ERRORS: ErrorOut},
    summary="获取采购文件 PDF（供应商获取时记录下载日志）",
)
def document_pdf(request: HttpRequest, project_id: int) -> HttpResponse:
    from zhengcai.tenders.views import pdf_response

    user = request_user(request)
    p = access.access_project(user=user, pk=project_id)
    return pdf_response(user=user, project=p, ip=_ip(request))


@router.get(
    "/projects/{project_id}/downloads",
    response={200: list[DownloadOut], API_ERRORS: ErrorOut},
    summary="采购文件下载记录（代理机构、采购人、监管；不向供应商公开）",
)
def download_list(request: HttpRequest, project_id: int) -> list[DownloadOut]:
    user = request_user(request)
    p = access.access_project(user=user, pk=project_id)
    if not access.can_see_internals(user, p):
        raise NotFound("项目不存在或您无权查看")
    return [
        DownloadOut(
            id=d.pk,
            supplier_id=d.supplier_id,
            supplier_name=d.supplier.name,
            user_id=d.user_id,
            downloaded_at=d.downloaded_at,
            ip=d.ip,
            sha256=d.sha256,
            document_version=d.document_version,
        )
        for d in selectors.project_downloads(p)
    ]


# --- notices ------------------------------------------------------------------------------


@router.post(
    "/projects/{project_id}/publish",
    response={200: ProjectOut, API_ERRORS: ErrorOut},
    summary="发布采购公告（法定期限按工作日历计算；If-Match 可选）",
)
def project_publish(
    request: HttpRequest, response: HttpResponse, project_id: int, payload: PublishIn
) -> ProjectOut:
    user = request_user(request)
    p = access.access_project(user=user, pk=project_id, action="manage")
    p = services.project_publish(
        actor=user,
        project=p,
        bid_deadline=payload.bid_deadline,
        opening_place=payload.opening_place,
        expected_version=if_match_version(request, "prj", p.pk, required=False),
    )
    response["ETag"] = etag("prj", p)
    return _project_out(p)


@router.post(
    "/projects/{project_id}/corrections",
    response={201: NoticeOut, API_ERRORS: ErrorOut},
    summary="更正公告（修改文件距截止不足法定期限的自动顺延截止时间）",
)
def project_correct(
    request: HttpRequest, project_id: int, payload: CorrectionIn
) -> Status[NoticeOut]:
    user = request_user(request)
    p = access.access_project(user=user, pk=project_id, action="manage")
    notice = services.project_correct(
        actor=user,
        project=p,
        changes=payload.changes,
        new_deadline=payload.new_deadline,
        document_values=_doc_values(payload.document) if payload.document else None,
        expected_version=if_match_version(request, "prj", p.pk, required=False),
    )
    return Status(201, _notice_out(notice))


@router.post(
    "/projects/{project_id}/terminate",
    response={200: ProjectOut, API_ERRORS: ErrorOut},
    summary="终止采购（发布后同时发布终止公告）",
)
def project_terminate(request: HttpRequest, project_id: int, payload: TerminateIn) -> ProjectOut:
    user = request_user(request)
    p = access.access_project(user=user, pk=project_id, action="manage")
    return _project_out(services.project_terminate(actor=user, project=p, reason=payload.reason))


# --- clarifications ----------------------------------------------------------------------


@router.get(
    "/projects/{project_id}/clarifications",
    response={200: list[ClarificationOut], API_ERRORS: ErrorOut},
    summary="澄清答疑（供应商只见已发布的和自己提出的）",
)
def clarification_list(request: HttpRequest, project_id: int) -> list[ClarificationOut]:
    user = request_user(request)
    p = access.access_project(user=user, pk=project_id)
    return [_clar_out(x) for x in selectors.clarifications_for(user, p)]


@router.post(
    "/projects/{project_id}/clarifications",
    response={201: ClarificationOut, API_ERRORS: ErrorOut},
    summary="供应商提出问题",
)
def clarification_ask(
    request: HttpRequest, project_id: int, payload: QuestionIn
) -> Status[ClarificationOut]:
    user = request_user(request)
    p = access.access_project(user=user, pk=project_id)
    return Status(
        201, _clar_out(services.clarification_ask(actor=user, project=p, question=payload.question))
    )


@router.post(
    "/clarifications/{clarification_id}/answer",
    response={200: ClarificationOut, API_ERRORS: ErrorOut},
    summary="答复并发布澄清公告（涉及修改文件且晚于澄清截止日的自动顺延截止时间）",
)
def clarification_answer(
    request: HttpRequest, clarification_id: int, payload: AnswerIn
) -> ClarificationOut:
    user = request_user(request)
    item = access.access_clarification(user=user, pk=clarification_id, action="manage")
    return _clar_out(
        services.clarification_answer(
            actor=user,
            clarification=item,
            answer=payload.answer,
            changes_documents=payload.changes_documents,
            document_values=_doc_values(payload.document) if payload.document else None,
        )
    )


# --- public ------------------------------------------------------------------------------


@router.get(
    "/public/notices",
    auth=None,
    response={200: NoticePage, API_ERRORS: ErrorOut},
    summary="采购公告（公开，无需登录）",
)
def public_notice_list(request: HttpRequest, filters: Query[NoticeFilter]) -> NoticePage:
    qs = selectors.public_notices(q=filters.q, kind=filters.kind)
    page = list(qs[filters.offset : filters.offset + filters.limit])
    return NoticePage(count=qs.count(), items=[_notice_out(n) for n in page])


@router.get(
    "/public/notices/{notice_id}",
    auth=None,
    response={200: NoticeOut, API_ERRORS: ErrorOut},
    summary="采购公告详情（公开）",
)
def public_notice_get(request: HttpRequest, notice_id: int) -> NoticeOut:
    n = selectors.public_notice_get(notice_id)
    if n is None:
        raise NotFound("公告不存在")
    return _notice_out(n)


@router.get(
    "/public/feed",
    auth=None,
    response={200: list[EventOut], API_ERRORS: ErrorOut},
    summary="公开发布事件流（按序号连续，after=上次读到的序号）",
)
def public_feed(request: HttpRequest, filters: Query[FeedFilter]) -> list[EventOut]:
    return [
        EventOut(
            seq=e.seq,
            kind=e.kind,
            object_type=e.object_type,
            object_id=e.object_id,
            payload=e.payload,
            created_at=e.created_at,
        )
        for e in selectors.feed(after=filters.after, limit=filters.limit)
    ]


# --- public comment on the documents (采购文件征求意见, platform practice ⚠) ------------------


class CommentPeriodIn(StrictIn):
    until: dt.date = Field(description="征求意见截止日（当日全天有效，须晚于今天）")


class CommentPeriodOut(Schema):
    project_id: int
    project_no: str
    name: str
    purchaser_name: str
    agency_name: str
    until: dt.date | None
    open: bool = Field(description="今天仍在征求意见期内（按服务器时钟）")


class CommentIn(StrictIn):
    text: str = Field(max_length=4000, description="对采购文件的意见")


class CommentAnswerIn(StrictIn):
    answer: str = Field(max_length=4000)


class PublicCommentOut(Schema):
    """A comment as the public sees it: answered, without who made it."""

    id: int
    text: str
    submitted_at: dt.datetime
    answer: str
    answered_at: dt.datetime | None


class CommentOut(Schema):
    id: int
    project_id: int
    text: str
    submitted_at: dt.datetime
    status: str
    answer: str
    answered_at: dt.datetime | None
    organization_id: int | None = Field(description="提出单位（仅代理机构等项目内部及本人可见）")
    organization_name: str | None


def _period_out(p: Project) -> CommentPeriodOut:
    return CommentPeriodOut(
        project_id=p.pk,
        project_no=p.project_no,
        name=p.name,
        purchaser_name=p.purchaser.name,
        agency_name=p.agency.name,
        until=p.public_comment_until,
        open=services.comment_period_open(p),
    )


def _comment_out(x: DocumentComment, *, named: bool) -> CommentOut:
    return CommentOut(
        id=x.pk,
        project_id=x.project_id,
        text=x.text,
        submitted_at=x.submitted_at,
        status=x.status,
        answer=x.answer,
        answered_at=x.answered_at,
        organization_id=x.organization_id if named else None,
        organization_name=x.organization.name if named and x.organization else None,
    )


@router.post(
    "/projects/{project_id}/public-comment",
    response={200: CommentPeriodOut, API_ERRORS: ErrorOut},
    summary="采购文件公开征求意见（定稿后、发布前；代理机构）",
)
def public_comment_open(
    request: HttpRequest, project_id: int, payload: CommentPeriodIn
) -> CommentPeriodOut:
    """Publishing waits until the period is over (409 `comment_period_running` on publish).
    409 `bad_transition` before the documents are final; 422 `date_invalid` for today or
    earlier."""
    user = request_user(request)
    p = access.access_project(user=user, pk=project_id, action="manage")
    return _period_out(services.public_comment_open(actor=user, project=p, until=payload.until))


@router.post(
    "/projects/{project_id}/comments",
    response={201: CommentOut, API_ERRORS: ErrorOut},
    summary="对征求意见中的采购文件提出意见（供应商）",
)
def comment_submit(request: HttpRequest, project_id: int, payload: CommentIn) -> Status[CommentOut]:
    """Until the last day of the period inclusive, by the server clock: 409
    `comment_period_closed` from the next day, 409 `comment_period_not_open` when the project
    is not under comment; 403 for anyone but a supplier; 422 `comment_required` when empty."""
    user = request_user(request)
    p, _ = access.access_project_for_comment(user=user, pk=project_id)
    item = services.comment_submit(actor=user, project=p, text=payload.text)
    return Status(201, _comment_out(item, named=True))


@router.get(
    "/projects/{project_id}/comments",
    response={200: list[CommentOut], API_ERRORS: ErrorOut},
    summary="采购文件意见（代理机构、采购人、监管见全部及提出单位；供应商见已答复的和自己的）",
)
def comment_list(request: HttpRequest, project_id: int) -> list[CommentOut]:
    user = request_user(request)
    p, visible = access.access_project_for_comment(user=user, pk=project_id)
    internals = visible and access.can_see_internals(user, p)
    return [
        _comment_out(x, named=internals or x.organization_id == user.organization_id)
        for x in selectors.comments_for(user, p)
    ]


@router.post(
    "/comments/{comment_id}/answer",
    response={200: CommentOut, API_ERRORS: ErrorOut},
    summary="答复采购文件意见（代理机构；征求意见期结束后也可答复；只答复一次）",
)
def comment_answer(request: HttpRequest, comment_id: int, payload: CommentAnswerIn) -> CommentOut:
    """409 `bad_transition` if already answered; 422 `answer_required` when empty."""
    user = request_user(request)
    item = access.access_comment(user=user, pk=comment_id)
    item = services.comment_answer(actor=user, comment=item, answer=payload.answer)
    return _comment_out(item, named=True)


@router.get(
    "/public/comments",
    auth=None,
    response={200: list[CommentPeriodOut], API_ERRORS: ErrorOut},
    summary="正在征求意见的采购文件（公开）",
)
def public_comment_projects(request: HttpRequest) -> list[CommentPeriodOut]:
    return [_period_out(p) for p in selectors.projects_under_comment()]


@router.get(
    "/public/comments/{project_id}",
    auth=None,
    response={200: list[PublicCommentOut], API_ERRORS: ErrorOut},
    summary="采购文件意见及答复（公开：仅已答复的，不显示提出单位）",
)
def public_comment_list(request: HttpRequest, project_id: int) -> list[PublicCommentOut]:
    p = selectors.project_under_comment(project_id)
    if p is None:
        raise NotFound("该项目的采购文件未在征求意见")
    return [
        PublicCommentOut(
            id=x.pk,
            text=x.text,
            submitted_at=x.submitted_at,
            answer=x.answer,
            answered_at=x.answered_at,
        )
        for x in selectors.comments_for(None, p)
    ]
