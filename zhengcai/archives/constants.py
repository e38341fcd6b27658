"""Vocabulary, transitions and error codes of the procurement archive (法 42; 87号令 76)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

FORMAT = "zhengcai-archive/1"
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
PUBLIC_KEY = "platform-key.pem"
# Members of the exported file that the manifest does not list (it cannot list itself).
FRAME = (MANIFEST, SIGNATURE, PUBLIC_KEY)


class ArchiveStatus(models.TextChoices):
    SEALED = "sealed", _("已封存")
    SUPERSEDED = "superseded", _("已被新版本替代")


ARCHIVE_TRANSITIONS: dict[str, set[str]] = {
    ArchiveStatus.SEALED: {ArchiveStatus.SUPERSEDED},
    ArchiveStatus.SUPERSEDED: set(),
}


class ItemKind(models.TextChoices):
    RECORDS = "records", _("业务记录")
    FILE = "file", _("文件")
    ENVELOPE = "envelope", _("投标（响应）文件（密文）")
    OPENED = "opened", _("投标（响应）文件（开启后）")
    AUDIT = "audit", _("审计日志")


ERR_NOT_CLOSED = "archive_project_not_closed"
ERR_NOT_ALLOWED = "archive_not_allowed"
ERR_READ_ONLY = "archive_read_only"

AUDIT_ACTION_LABELS = {
    "archive.sealed": "采购档案封存",
    "archive.superseded": "采购档案被新版本替代",
}
AUDIT_ENTITY_LABELS = {"archives.archive": "采购档案"}
