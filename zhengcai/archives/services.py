"""Sealing a project's archive (法 42; 87号令 76): assemble, sign, store read-only."""

from __future__ import annotations

import base64
import io
import os
import zipfile
from typing import TYPE_CHECKING, Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from zhengcai.archives import collect, rules
from zhengcai.archives import constants as c
from zhengcai.archives.models import Archive, ArchiveItem
from zhengcai.bidding import crypto
from zhengcai.core import clock, transitions
from zhengcai.core.audit import audit_record
from zhengcai.core.errors import PermissionDenied, RuleViolation
from zhengcai.tenders import access as tender_access
from zhengcai.tenders.constants import ProjectStatus

if TYPE_CHECKING:
    from zhengcai.accounts.models import User
    from zhengcai.tenders.models import Project

ARCHIVE = transitions.register(
    transitions.Machine(
        Archive,
        c.ARCHIVE_TRANSITIONS,
        what="采购档案",
        action="archive",
        labels=c.ArchiveStatus,
        organization=lambda a: a.project.agency,
    )
)

# The project statuses after which nothing more is procured; an awarded project has ended
# once every awarded lot's contract is performed or ended (`project_closed`).
CLOSED = {ProjectStatus.AWARDED, ProjectStatus.FAILED, ProjectStatus.TERMINATED}
ENDED = {ProjectStatus.FAILED, ProjectStatus.TERMINATED}


def open_contract_lots(project: Project) -> list[int]:
    """Numbers of the awarded lots whose contract is not yet performed (履行完毕) or ended
    (已解除): none signed yet, or signed and still running."""
    from zhengcai.contracts.constants import ContractStatus
    from zhengcai.contracts.models import Contract
    from zhengcai.tenders.constants import LotStatus

    awarded = {lot.pk: lot.number for lot in project.lots.filter(status=LotStatus.AWARDED)}
    done = set(
        Contract.objects.filter(
            lot_id__in=awarded,
            status__in=(ContractStatus.COMPLETED, ContractStatus.TERMINATED),
        ).values_list("lot_id", flat=True)
    )
    return sorted(n for pk, n in awarded.items() if pk not in done)


def project_closed(project: Project) -> bool:
    """采购结束 (法 42 counts the 15 years from it): failed or terminated, or awarded with every
    awarded lot's contract performed or ended."""
    if project.status in ENDED:
        return True
    return project.status == ProjectStatus.AWARDED and not open_contract_lots(project)


def closed_among(projects: list[Project]) -> list[Project]:
    """The projects of `projects` that have ended (`project_closed`), in their order, with one
    query for them all (the awarded lots whose contract is not yet performed or ended) instead
    of one per project."""
    from zhengcai.contracts.constants import ContractStatus
    from zhengcai.contracts.models import Contract
    from zhengcai.tenders.constants import LotStatus
    from zhengcai.tenders.models import Lot

    awarded = [p.pk for p in projects if p.status == ProjectStatus.AWARDED]
    running: set[int] = set()
    if awarded:
        done = Contract.objects.filter(
            status__in=(ContractStatus.COMPLETED, ContractStatus.TERMINATED)
        ).values("lot_id")
        running = set(
            Lot.objects.filter(project_id__in=awarded, status=LotStatus.AWARDED)
            .exclude(pk__in=done)
            .values_list("project_id", flat=True)
        )
    return [
        p
        for p in projects
        if p.status in ENDED or (p.status == ProjectStatus.AWARDED and p.pk not in running)
    ]


def _manifest(project: Project, number: int, sealed: Any, got: collect.Collection) -> dict:
    today = sealed.astimezone(clock.SHANGHAI).date()
    return {
        "format": c.FORMAT,
        "project": {
            "id": project.pk,
            "project_no": project.project_no,
            "name": project.name,
            "method": project.method,
            "status": project.status,
            "purchaser": project.purchaser.name,
            "agency": project.agency.name if project.agency_id else "",
        },
        "number": number,
        "sealed_at": sealed.isoformat(),
        "closed_on": today.isoformat(),
        "retain_until": rules.retain_until(today).isoformat(),
        "algorithm": "sha256",
        "items": [
            {
                "name": rules.member_name(i, item.path),
                "kind": item.kind,
                "sha256": rules.sha256(item.data),
                "size": len(item.data),
            }
            for i, item in enumerate(got.items, start=1)
        ],
        "notes": got.notes,
    }


def _zip(
    manifest: bytes, signature: str, public_pem: str, got: collect.Collection, sealed: Any
) -> bytes:
    buf = io.BytesIO()
    when = collect.stamp(sealed)
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in (
            (c.MANIFEST, manifest),
            (c.SIGNATURE, signature.encode()),
            (c.PUBLIC_KEY, public_pem.encode()),
        ):
            z.writestr(zipfile.ZipInfo(name, when), data)
        for i, item in enumerate(got.items, start=1):
            z.writestr(zipfile.ZipInfo(rules.member_name(i, item.path), when), item.data)
    return buf.getvalue()


def _read_only(storage_name: str) -> bool:
    """Make the stored file read-only (mode 0444) where the storage has local paths; whether
    it could be is recorded in the sealing's audit entry, never silently assumed. A storage
    without local paths (object stores) keeps its own access control: False."""
    try:
        os.chmod(default_storage.path(storage_name), 0o444)
    except (NotImplementedError, OSError):
        return False
    return True


@transaction.atomic
def archive_seal(*, actor: User, project: Project) -> Archive:
    """The agency (or the platform admin) seals the archive of an ended procurement: every
    record, file, envelope and audit entry of the project, listed with its SHA-256 in a
    manifest the platform signs (Ed25519), stored read-only and kept 15 years (法 42).
    A second sealing (a complaint reopened the project, say) supersedes the first."""
    if not (actor.role == "admin" or tender_access.can_manage(actor, project)):
        raise PermissionDenied("只有本项目的采购代理机构可以封存采购档案", code=c.ERR_NOT_ALLOWED)
    if not project_closed(project):
        waiting = open_contract_lots(project) if project.status == ProjectStatus.AWARDED else []
        why = (
            f"第 {'、'.join(map(str, waiting))} 包的合同尚未履行完毕或解除"
            if waiting
            else f"当前：{project.get_status_display()}"
        )
        raise RuleViolation(
            f"采购尚未结束（{why}），采购结束后方可归档（法 42）", code=c.ERR_NOT_CLOSED
        )
    previous = list(
        Archive.objects.select_for_update()
        .filter(project=project, status=c.ArchiveStatus.SEALED)
        .order_by("number")
    )
    number = 1 + max((a.number for a in Archive.objects.filter(project=project)), default=0)
    sealed = clock.now()
    got = collect.collect(project)
    manifest = rules.manifest_bytes(_manifest(project, number, sealed, got))
    signature = base64.b64encode(crypto.platform_signing_key().sign(manifest)).decode()
    public_pem = crypto.platform_public_key_pem()
    blob = _zip(manifest, signature, public_pem, got, sealed)
    storage_name = default_storage.save(
        f"archives/{project.project_no}-{number}.zip", ContentFile(blob)
    )
    read_only = _read_only(storage_name)
    closed_on = sealed.astimezone(clock.SHANGHAI).date()
    archive = Archive.objects.create(
        project=project,
        number=number,
        sealed_at=sealed,
        sealed_by=actor,
        closed_on=closed_on,
        retain_until=rules.retain_until(closed_on),
        manifest=manifest,
        manifest_sha256=rules.sha256(manifest),
        signature=signature,
        public_key=public_pem,
        storage_name=storage_name,
        file_sha256=rules.sha256(blob),
        size=len(blob),
        item_count=len(got.items),
    )
    ArchiveItem.objects.bulk_create(
        ArchiveItem(
            archive=archive,
            path=rules.member_name(i, item.path),
            kind=item.kind,
            sha256=rules.sha256(item.data),
            size=len(item.data),
        )
        for i, item in enumerate(got.items, start=1)
    )
    for old in previous:
        ARCHIVE.move(old, to=c.ArchiveStatus.SUPERSEDED, actor=actor, reason=f"第 {number} 版档案")
    audit_record(
        actor=actor,
        action="archive.sealed",
        obj=archive,
        organization=project.agency,
        after={
            "project": project.project_no,
            "number": number,
            "items": len(got.items),
            "manifest_sha256": archive.manifest_sha256,
            "file_sha256": archive.file_sha256,
            "file_mode_read_only": read_only,
            "retain_until": archive.retain_until.isoformat(),
        },
    )
    return archive


def download_name(archive: Archive) -> str:
    return f"{archive.project.project_no}-{archive.number}.zip"


def archive_file(archive: Archive) -> bytes:
    with default_storage.open(archive.storage_name, "rb") as fh:
        data: bytes = fh.read()
    return data
