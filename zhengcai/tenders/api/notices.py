"""The tenders API: publication, corrections (87号令 27), termination
(87号令 29) and clarifications."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Status

from zhengcai.core.http import etag, if_match_version, request_user
from zhengcai.core.schemas import API_ERRORS, ErrorOut
from zhengcai.tenders import access, selectors, services
from zhengcai.tenders.api.common import (
    AnswerIn,
    ClarificationOut,
    CorrectionIn,
    NoticeOut,
    ProjectOut,
    PublishIn,
    QuestionIn,
    TerminateIn,
    _clar_out,
    _doc_values,
    _notice_out,
    _project_out,
    router,
)

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
