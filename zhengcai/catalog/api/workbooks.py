"""Excel import and export endpoints."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import File, Schema
from ninja.files import UploadedFile

from zhengcai.catalog import access, excel
from zhengcai.catalog.api.router import MAX_UPLOAD, Kind, region_from_code, router
from zhengcai.core.errors import InvalidInput, NotFound, PermissionDenied
from zhengcai.core.http import attachment, request_user
from zhengcai.core.schemas import API_ERRORS, ErrorOut

# --- Excel ---------------------------------------------------------------------------------


class ProblemOut(Schema):
    row: int
    column: str
    message: str


class ImportOut(Schema):
    kind: str
    ok: bool
    rows: int
    created: int
    updated: int
    unchanged: int
    problems: list[ProblemOut]


@router.post(
    "/import/{kind}",
    response={200: ImportOut, API_ERRORS: ErrorOut},
    summary="Excel 导入（先逐行校验；任一行有误则全部不导入，422 的 detail 为逐行报告）",
    operation_id="zhengcai_catalog_api_import_excel",
)
def import_excel(request: HttpRequest, kind: Kind, file: File[UploadedFile]) -> ImportOut:
    user = request_user(request)
    if kind == "items":
        access.require_item_editor(user)
    elif not access.editable_regions(user).exists():
        raise PermissionDenied("只有监管人员或平台管理员可以导入标准", code="outside_region")
    if file.size is not None and file.size > MAX_UPLOAD:
        raise InvalidInput("文件超过 5 MB", code="file_too_large")
    report = excel.import_workbook(kind, file.read(), actor=user)
    if not report.ok:
        raise InvalidInput(
            f"导入文件有 {len(report.problems)} 处问题，未导入任何数据",
            code="import_invalid",
            detail=report.as_dict(),
        )
    return ImportOut(**report.as_dict())


@router.get(
    "/export/{kind}",
    auth=None,
    response={200: None, API_ERRORS: ErrorOut},
    summary="导出 Excel（与导入格式相同；公开）",
    operation_id="zhengcai_catalog_api_export_excel",
)
def export_excel(
    request: HttpRequest, kind: Kind, region: str | None = None, year: int | None = None
) -> HttpResponse:
    reg = region_from_code(region) if region else None
    if year is not None and not 2000 <= year <= 2100:
        raise NotFound("年度无效")
    data = excel.export_workbook(kind, region=reg, year=year)
    name = excel.export_filename(kind, region=reg, year=year)
    return attachment(data, name, excel.XLSX_MIME)
