"""Web pages of project procurement: the agency's project workspace (lots, documents from a
template, compliance check, publication, clarifications, corrections), the purchaser's and
regulators' views, suppliers' downloads and questions, and the public notices (no login).
Thin: parse, fetch through tenders.access, call one service, render."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from zhengcai.accounts.constants import Role
from zhengcai.accounts.models import User
from zhengcai.core import clock
from zhengcai.core.errors import DomainError, InvalidInput, NotFound
from zhengcai.plans.access import commissions_visible
from zhengcai.plans.constants import CommissionStatus
from zhengcai.tenders import access, compliance, methods, rules, selectors, services
from zhengcai.tenders import constants as c
from zhengcai.tenders.models import Project

PAGE = 20


def _me(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return render(request, "error.html", {"error": exc}, status=exc.status)


def _act(request: HttpRequest, fn: Callable[[], Any], success: str, back: str) -> HttpResponse:
    try:
        fn()
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)
    return redirect(back)


def _ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def pdf_response(*, user: User, project: Project, ip: str | None) -> HttpResponse:
    """The documents' PDF. A supplier's download goes through the logging service; parties of
    the project (agency, purchaser, regulators) read it without a log entry."""
    doc = selectors.document_of(project)
    if doc is None or not doc.pdf:
        raise Http404("采购文件尚未生成")
    if user.role == Role.SUPPLIER:
        services.document_download(actor=user, project=project, ip=ip)
    doc.pdf.open("rb")
    try:
        data = doc.pdf.read()
    finally:
        doc.pdf.close()
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{project.project_no}.pdf"'
    response["X-Content-SHA256"] = doc.pdf_sha256
    return response


# --- projects ---------------------------------------------------------------------------------


@login_required
def projects(request: HttpRequest) -> HttpResponse:
    user = _me(request)
    status = request.GET.get("status", "")
    status = status if status in c.ProjectStatus.values else ""
    q = request.GET.get("q", "").strip()[:100]
    try:
        qs = selectors.project_list(user, status=status or None, q=q or None)
    except DomainError as exc:
        return _error(request, exc)
    pending = []
    if user.role == Role.AGENCY:
        pending = list(
            commissions_visible(user)
            .filter(status=CommissionStatus.ACCEPTED, project__isnull=True)
            .order_by("-handed_at")[:20]
        )
    return render(
        request,
        "tenders/projects.html",
        {
            "page": Paginator(qs, PAGE).get_page(request.GET.get("page") or 1),
            "status": status,
            "q": q,
            "statuses": c.ProjectStatus.choices,
            "pending": pending,
            "variants": methods.VARIANT_CHOICES,
            "variant_methods": methods.methods_with_variants(),
        },
    )


@login_required
@require_POST
def project_new(request: HttpRequest) -> HttpResponse:
    from zhengcai.plans.access import access_commission

    user = _me(request)
    back = reverse("tenders:projects")
    try:
        com = access_commission(
            user=user, pk=int(request.POST.get("commission") or 0), action="handle"
        )
        project = services.project_create_from_commission(
            actor=user, commission=com, method_variant=request.POST.get("variant", "")
        )
    except (DomainError, ValueError) as exc:
        messages.error(request, getattr(exc, "message", "参数错误"))
        return redirect(back)
    messages.success(request, "已立项")
    return redirect("tenders:project", project.pk)


def _project_context(user: User, project: Project) -> dict[str, Any]:
    doc = selectors.document_of(project)
    internals = access.can_see_internals(user, project)
    factors = rules.parse_factors(doc.factors) if doc else []
    today = clock.today()
    from zhengcai.core.workdays import WorkCalendar

    cal = WorkCalendar.load()
    cfg = project.method_config
    suggested = rules.timeline(cal, cfg, today)
    deadline_day = suggested.earliest_deadline or cal.add_working_days(today, 3)
    return {
        "project": project,
        "cfg": cfg,
        "lots": list(project.lots.all()),
        "doc": doc,
        "factors": factors,
        "price_percent": rules.price_weight_percent(factors) if factors else None,
        "can_manage": access.can_manage(user, project),
        "internals": internals,
        "findings": list(selectors.project_findings(project)) if internals else [],
        "open_findings": sum(1 for f in project.findings.all() if f.status == c.FindingStatus.OPEN),
        "templates": list(access.templates_visible(user))
        if access.can_manage(user, project)
        else [],
        "notices": list(project.notices.order_by("published_at", "id")),
        "clarifications": list(selectors.clarifications_for(user, project)),
        "downloads": list(selectors.project_downloads(project)) if internals else [],
        "timeline": selectors.project_timeline(project),
        "suggested": suggested,
        "default_deadline": f"{deadline_day:%Y-%m-%d}T09:30",
        "is_open": project.status == c.ProjectStatus.PUBLISHED
        and project.bid_deadline is not None
        and project.bid_deadline > clock.now(),
        "has_document": selectors.supplier_has_document(user, project),
        "sme_choices": c.SmeReservation.choices,
        "eval_choices": [
            (v, label)
            for v, label in c.EvaluationMethod.choices
            if cfg.allows(v, project.object_kind)
        ],
        "terms_missing": services.method_terms_missing(project, doc) if doc else [],
        "lottery_rows": services.lottery_rows(project, doc) if doc else [],
        "factors_json": json.dumps(doc.factors if doc else [], ensure_ascii=False, indent=1),
        "rule_labels": compliance.RULE_LABELS,
        "comments": list(selectors.comments_for(user, project))
        if project.public_comment_until
        else [],
        "comment_open": services.comment_period_open(project),
        # 2家供应商例外 (214号 21 ¶3; 财库〔2015〕124号): shown for 竞争性磋商 only.
        "two_supplier": {
            "applies": bool(cfg.two_supplier_bases),
            "active": rules.two_supplier_allowed(cfg, project.two_supplier_basis),
            "article": rules.two_supplier_article(project.two_supplier_basis),
            "min_to_open": rules.min_suppliers_to_open(cfg, project.two_supplier_basis),
            "min_to_continue": rules.min_suppliers_to_continue(cfg, project.two_supplier_basis),
            "settable": bool(cfg.two_supplier_bases)
            and access.can_manage(user, project)
            and project.status in c.PROJECT_EDITABLE_STATUSES,
            "choices": [
                (v, label, c.TWO_SUPPLIER_ARTICLES.get(v, ""))
                for v, label in c.TwoSupplierBasis.choices
                if v == c.TwoSupplierBasis.NONE or v in cfg.two_supplier_bases
            ],
        },
        "default_comment_until": f"{cal.add_working_days(today, 5):%Y-%m-%d}",
    }


@login_required
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _me(request)
    try:
        project = access.access_project(user=user, pk=pk)
    except DomainError as exc:
        return _error(request, exc)
    return render(request, "tenders/project_detail.html", _project_context(user, project))


def _deadline(value: str) -> dt.datetime:
    try:
        naive = dt.datetime.fromisoformat(value)
    except ValueError as exc:
        raise InvalidInput("截止时间格式不正确", code="datetime_invalid") from exc
    return naive.replace(tzinfo=clock.SHANGHAI) if naive.tzinfo is None else naive


@login_required
@require_POST
def project_act(request: HttpRequest, pk: int) -> HttpResponse:
    user = _me(request)
    back = reverse("tenders:project", args=[pk])
    op = request.POST.get("op", "")
    post = request.POST
    try:
        project = access.access_project(
            user=user, pk=pk, action="view" if op in ("ask",) else "manage"
        )
    except DomainError as exc:
        return _error(request, exc)

    def update() -> None:
        services.project_update(
            actor=user,
            project=project,
            values={
                "name": post.get("name", project.name),
                "contact_name": post.get("contact_name", ""),
                "contact_phone": post.get("contact_phone", ""),
                "contract_period": post.get("contract_period", ""),
                "accepts_consortium": post.get("accepts_consortium") == "on",
                "sme_reservation": post.get("sme_reservation", c.SmeReservation.NONE),
                "sme_reserved_percent": post.get("sme_reserved_percent") or "0",
                "opening_place": post.get("opening_place", ""),
            },
        )

    def lot() -> None:
        services.lot_add(
            actor=user,
            project=project,
            values={
                "name": post.get("lot_name", ""),
                "budget": post.get("lot_budget", ""),
                "ceiling_price": post.get("lot_ceiling", ""),
                "quantity": post.get("lot_quantity") or "1",
                "unit": post.get("lot_unit", ""),
                "requirements": post.get("lot_requirements", ""),
            },
        )

    def lot_edit() -> None:
        target = access.access_lot(user=user, pk=int(post.get("lot") or 0), action="manage")
        services.lot_update(
            actor=user,
            lot=target,
            values={
                "name": post.get("lot_name", target.name),
                "budget": post.get("lot_budget", ""),
                "ceiling_price": post.get("lot_ceiling", ""),
                "requirements": post.get("lot_requirements", ""),
            },
        )

    def lot_remove() -> None:
        target = access.access_lot(user=user, pk=int(post.get("lot") or 0), action="manage")
        services.lot_remove(actor=user, lot=target)

    def build() -> None:
        tpl = access.access_template(user=user, pk=int(post.get("template") or 0))
        services.document_build(
            actor=user,
            project=project,
            template=tpl,
            evaluation_method=post.get("build_evaluation_method") or None,
        )

    def document() -> None:
        try:
            factors = json.loads(post.get("factors") or "[]")
        except json.JSONDecodeError as exc:
            raise InvalidInput("评分因素须为 JSON 列表", code=c.ERR_FACTORS_INVALID) from exc
        method = post.get("evaluation_method", "")
        values: dict[str, Any] = {
            "requirements": post.get("requirements", ""),
            "qualifications": post.get("qualifications", ""),
            "evaluation_method": method,
            "factors": factors,
            "contract_terms": post.get("contract_terms", ""),
            "bid_bond_percent": post.get("bid_bond_percent") or "0",
            "sme_rate": post.get("sme_rate", ""),
            "sme_partial_rate": post.get("sme_partial_rate", ""),
        }
        # the form carries the terms of the method the documents had; send those of the
        # method now chosen (the service clears the others)
        for key in c.METHOD_TERMS.get(method, ()):
            if key == "reviewed_budgets":
                budgets = {
                    lot.pk: post[f"reviewed_budget_{lot.pk}"]
                    for lot in project.lots.all()
                    if f"reviewed_budget_{lot.pk}" in post
                }
                if budgets:
                    values[key] = budgets
            elif key in post:
                values[key] = post.get(key, "")
        services.document_update(actor=user, project=project, values=values)

    def check() -> None:
        standing = services.compliance_check(actor=user, project=project)
        open_count = sum(1 for f in standing if f.status == c.FindingStatus.OPEN)
        if open_count:
            raise InvalidInput(f"合规审查发现 {open_count} 个问题，请修改或书面说明理由")

    def justify() -> None:
        finding = access.access_finding(
            user=user, pk=int(post.get("finding") or 0), action="manage"
        )
        services.finding_justify(
            actor=user, finding=finding, justification=post.get("justification", "")
        )

    def publish() -> None:
        services.project_publish(
            actor=user,
            project=project,
            bid_deadline=_deadline(post.get("bid_deadline", "")),
            opening_place=post.get("opening_place", ""),
        )

    def correct() -> None:
        new = post.get("new_deadline", "")
        services.project_correct(
            actor=user,
            project=project,
            changes=post.get("changes", ""),
            new_deadline=_deadline(new) if new else None,
        )

    def answer() -> None:
        item = access.access_clarification(
            user=user, pk=int(post.get("clarification") or 0), action="manage"
        )
        services.clarification_answer(
            actor=user,
            clarification=item,
            answer=post.get("answer", ""),
            changes_documents=post.get("changes_documents") == "on",
        )

    def ask() -> None:
        services.clarification_ask(actor=user, project=project, question=post.get("question", ""))

    def terminate() -> None:
        services.project_terminate(actor=user, project=project, reason=post.get("reason", ""))

    def finalize() -> None:
        services.document_finalize(actor=user, project=project)

    def comment_open() -> None:
        try:
            until = dt.date.fromisoformat(post.get("comment_until", ""))
        except ValueError as exc:
            raise InvalidInput("请填写征求意见截止日", code="date_invalid") from exc
        services.public_comment_open(actor=user, project=project, until=until)

    def two_supplier() -> None:
        services.project_two_supplier_set(
            actor=user,
            project=project,
            basis=post.get("two_supplier_basis", ""),
            justification=post.get("two_supplier_justification", ""),
        )

    def comment_answer() -> None:
        item = access.access_comment(user=user, pk=int(post.get("comment") or 0), project=project)
        services.comment_answer(actor=user, comment=item, answer=post.get("answer", ""))

    ops: dict[str, tuple[Callable[[], Any], str]] = {
        "update": (update, "项目信息已保存"),
        "lot": (lot, "已增加采购包"),
        "lot_edit": (lot_edit, "采购包已保存"),
        "lot_remove": (lot_remove, "采购包已删除"),
        "build": (build, "已由范本生成采购文件"),
        "document": (document, "采购文件已保存，请重新进行合规审查"),
        "check": (check, "合规审查通过"),
        "justify": (justify, "已记录书面理由"),
        "finalize": (finalize, "采购文件已定稿并生成 PDF"),
        "publish": (publish, "采购公告已发布"),
        "correct": (correct, "更正公告已发布"),
        "answer": (answer, "已答复并发布澄清公告"),
        "ask": (ask, "问题已提交"),
        "terminate": (terminate, "项目已终止"),
        "comment_open": (comment_open, "已公开征求意见"),
        "comment_answer": (comment_answer, "已答复"),
        "two_supplier": (two_supplier, "已保存2家供应商例外情形"),
    }
    if op not in ops:
        messages.error(request, "未知操作")
        return redirect(back)
    fn, success = ops[op]
    try:
        return _act(request, fn, success, back)
    except ValueError:
        messages.error(request, "参数错误")
        return redirect(back)


@login_required
def project_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    user = _me(request)
    try:
        project = access.access_project(user=user, pk=pk)
        return pdf_response(user=user, project=project, ip=_ip(request))
    except DomainError as exc:
        return _error(request, exc)


@login_required
def project_document_html(request: HttpRequest, pk: int) -> HttpResponse:
    """The documents as HTML (preview for the parties; what the PDF contains)."""
    user = _me(request)
    try:
        project = access.access_project(user=user, pk=pk)
    except DomainError as exc:
        return _error(request, exc)
    doc = selectors.document_of(project)
    if doc is None or (
        not access.can_see_internals(user, project)
        and project.status not in c.PROJECT_PUBLIC_STATUSES
    ):
        raise Http404("采购文件尚未生成")
    return HttpResponse(doc.html or services.render_document_html(project, doc))


# --- templates ------------------------------------------------------------------------------


@login_required
def templates(request: HttpRequest) -> HttpResponse:
    user = _me(request)
    if request.method == "POST":
        post = request.POST

        def save() -> None:
            try:
                factors = json.loads(post.get("factors") or "[]")
            except json.JSONDecodeError as exc:
                raise InvalidInput("评分因素须为 JSON 列表", code=c.ERR_FACTORS_INVALID) from exc
            services.template_save(
                actor=user,
                values={
                    "name": post.get("name", ""),
                    "requirements": post.get("requirements", ""),
                    "qualifications": post.get("qualifications", ""),
                    "evaluation_method": post.get("evaluation_method", "comprehensive"),
                    "factors": factors,
                    "contract_terms": post.get("contract_terms", ""),
                    "bid_bond_percent": post.get("bid_bond_percent") or "1",
                },
            )

        return _act(request, save, "范本已保存", reverse("tenders:templates"))
    try:
        rows = list(access.templates_visible(user))
    except DomainError as exc:
        return _error(request, exc)
    return render(
        request,
        "tenders/templates.html",
        {
            "rows": rows,
            "eval_choices": c.EvaluationMethod.choices,
            "is_agency": user.role == Role.AGENCY,
        },
    )


# --- public --------------------------------------------------------------------------------


def public_notices(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    kind = kind if kind in c.NoticeKind.values else ""
    q = request.GET.get("q", "").strip()[:100]
    qs = selectors.public_notices(q=q or None, kind=kind or None)
    return render(
        request,
        "tenders/public_notices.html",
        {
            "page": Paginator(qs, PAGE).get_page(request.GET.get("page") or 1),
            "kinds": c.NoticeKind.choices,
            "kind": kind,
            "q": q,
        },
    )


def public_notice(request: HttpRequest, pk: int) -> HttpResponse:
    notice = selectors.public_notice_get(pk)
    if notice is None:
        raise Http404("公告不存在")
    project = notice.project
    return render(
        request,
        "tenders/public_notice.html",
        {
            "notice": notice,
            "project": project,
            "f": notice.fields,
            "related": list(project.notices.exclude(pk=notice.pk).order_by("published_at")),
            "clarifications": list(selectors.public_clarifications(project)),
        },
    )


# --- public comment on the documents (采购文件征求意见) ---------------------------------------


def public_comments(request: HttpRequest) -> HttpResponse:
    """The documents under public comment today (no login)."""
    return render(
        request,
        "tenders/public_comments.html",
        {"projects": list(selectors.projects_under_comment()), "today": clock.today()},
    )


def public_comment(request: HttpRequest, pk: int) -> HttpResponse:
    """One project's documents under comment: the period, the documents, the answered
    comments; a logged-in supplier submits a comment here."""
    try:  # the public page: reached as the public reaches it, whoever is logged in
        project, _ = access.access_project_for_comment(user=None, pk=pk)
    except NotFound as exc:
        raise Http404("该项目的采购文件未在征求意见") from exc
    viewer = request.user
    user = viewer if isinstance(viewer, User) and viewer.is_authenticated else None
    if request.method == "POST":
        if user is None:
            return redirect(f"{reverse('accounts:login')}?next={request.path}")
        me = _me(request)
        return _act(
            request,
            lambda: services.comment_submit(
                actor=me, project=project, text=request.POST.get("text", "")
            ),
            "意见已提交，代理机构将予以答复",
            reverse("tenders:public_comment", args=[pk]),
        )
    return render(
        request,
        "tenders/public_comment.html",
        {
            "project": project,
            "lots": list(project.lots.all()),
            "open": services.comment_period_open(project),
            "comments": list(
                selectors.comments_for(user if isinstance(user, User) else None, project)
            ),
            "today": clock.today(),
        },
    )


def public_comment_document(request: HttpRequest, pk: int) -> HttpResponse:
    """The documents under comment, as HTML (what the PDF contains), for anyone."""
    try:
        project, _ = access.access_project_for_comment(user=None, pk=pk)
    except NotFound as exc:
        raise Http404("该项目的采购文件未在征求意见") from exc
    doc = selectors.document_of(project)
    if doc is None:
        raise Http404("该项目的采购文件未在征求意见")
    return HttpResponse(doc.html or services.render_document_html(project, doc))
