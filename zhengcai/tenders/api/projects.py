"""The tenders API: projects, lots and document templates."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Query, Status

from zhengcai.core.errors import InvalidInput
from zhengcai.core.http import etag, if_match_version, request_user
from zhengcai.core.schemas import API_ERRORS, ErrorOut
from zhengcai.plans.access import access_commission
from zhengcai.tenders import access, selectors, services
from zhengcai.tenders.api.common import (
    LotIn,
    LotOut,
    LotPatch,
    ProjectFilter,
    ProjectIn,
    ProjectOut,
    ProjectPage,
    ProjectPatch,
    _lot_out,
    _project_out,
    _template_out,
    router,
)
from zhengcai.tenders.schemas import (
    TemplateIn,
    TemplateOut,
    TemplatePatch,
    TwoSupplierIn,
)

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
