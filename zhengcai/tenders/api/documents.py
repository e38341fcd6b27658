"""The tenders API: the procurement documents, the compliance check, the PDF and
the download log."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Status

from zhengcai.core.errors import NotFound
from zhengcai.core.http import etag, if_match_version, request_user
from zhengcai.core.schemas import API_ERRORS, ErrorOut
from zhengcai.tenders import access, selectors, services
from zhengcai.tenders import constants as c
from zhengcai.tenders.api.common import (
    DownloadOut,
    FindingOut,
    JustifyIn,
    _doc_values,
    _document,
    _document_out,
    _finding_out,
    _ip,
    router,
)
from zhengcai.tenders.schemas import (
    DocumentBuildIn,
    DocumentOut,
    DocumentPatch,
)

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
