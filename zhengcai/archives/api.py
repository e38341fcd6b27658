"""/api/v1/archives: seal a project's archive, list, read, download the file."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema, Status

from zhengcai.accounts.auth import api_auth
from zhengcai.archives import access, selectors, services
from zhengcai.core.http import attachment, request_user
from zhengcai.core.schemas import API_ERRORS, ErrorOut, StrictIn

router = Router(auth=api_auth(), tags=["archives"])


class ArchiveOut(Schema):
    id: int
    project_id: int
    project_no: str
    number: int
    status: str
    sealed_at: dt.datetime
    retain_until: dt.date
    manifest_sha256: str
    item_count: int
    size: int


class SealIn(StrictIn):
    project_id: int


def _out(a: object) -> ArchiveOut:
    from zhengcai.archives.models import Archive

    assert isinstance(a, Archive)
    return ArchiveOut(
        id=a.pk,
        project_id=a.project_id,
        project_no=a.project.project_no,
        number=a.number,
        status=a.status,
        sealed_at=a.sealed_at,
        retain_until=a.retain_until,
        manifest_sha256=a.manifest_sha256,
        item_count=a.item_count,
        size=a.size,
    )


@router.get("", response={200: list[ArchiveOut], API_ERRORS: ErrorOut}, summary="采购档案")
def archive_list(request: HttpRequest, project_id: int | None = None) -> list[ArchiveOut]:
    qs = access.archives_visible(request_user(request))
    return [_out(a) for a in selectors.archives_of(qs, project_id=project_id)[:200]]


@router.post("", response={201: ArchiveOut, API_ERRORS: ErrorOut}, summary="封存项目档案")
def archive_seal(request: HttpRequest, payload: SealIn) -> Status[ArchiveOut]:
    user = request_user(request)
    project = access.access_project_for_archive(user=user, pk=payload.project_id)
    return Status(201, _out(services.archive_seal(actor=user, project=project)))  # type: ignore[arg-type]


@router.get("/{archive_id}", response={200: ArchiveOut, API_ERRORS: ErrorOut}, summary="档案详情")
def archive_get(request: HttpRequest, archive_id: int) -> ArchiveOut:
    return _out(access.access_archive(user=request_user(request), pk=archive_id))


@router.get(
    "/{archive_id}/file",
    response={200: bytes, API_ERRORS: ErrorOut},
    summary="下载档案文件（ZIP，可用 tools/verify_archive.py 离线核验）",
)
def archive_download(request: HttpRequest, archive_id: int) -> HttpResponse:
    a = access.access_archive(user=request_user(request), pk=archive_id)
    return attachment(services.archive_file(a), services.download_name(a), "application/zip")
