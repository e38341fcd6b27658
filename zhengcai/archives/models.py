"""The sealed archive of one procurement project (法 42; 87号令 76)."""

from __future__ import annotations

from typing import Any

from django.db import models

from zhengcai.archives import constants as c


class Archive(models.Model):
    """Sealed once: its manifest, signature and file never change (`save` refuses). A later
    archive of the same project (after a complaint reopened it, say) supersedes it."""

    project = models.ForeignKey("tenders.Project", on_delete=models.PROTECT, related_name="+")
    number = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(
        max_length=12, choices=c.ArchiveStatus.choices, default=c.ArchiveStatus.SEALED
    )
    version = models.PositiveIntegerField(default=1)
    sealed_at = models.DateTimeField()
    sealed_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_on = models.DateField()
    retain_until = models.DateField()
    manifest = models.BinaryField()
    manifest_sha256 = models.CharField(max_length=64)
    signature = models.TextField()
    public_key = models.TextField()
    storage_name = models.CharField(max_length=300)
    # The exported file's own digest: the manifest cannot list the file that holds it, so the
    # platform keeps it here and in the audit entry; `verify_archive.py --sha256` checks it.
    file_sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    item_count = models.PositiveIntegerField()

    SEALED_FIELDS = (
        "project_id",
        "number",
        "sealed_at",
        "closed_on",
        "retain_until",
        "manifest_sha256",
        "signature",
        "public_key",
        "storage_name",
        "file_sha256",
        "size",
        "item_count",
    )

    class Meta:
        ordering = ["project_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="uniq_archive_number")
        ]
        verbose_name = "采购档案"
        verbose_name_plural = "采购档案"

    def __str__(self) -> str:
        return f"{self.project_id}-{self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            stored = Archive.objects.filter(pk=self.pk).values(*self.SEALED_FIELDS).first()
            if stored and any(stored[f] != getattr(self, f) for f in self.SEALED_FIELDS):
                from zhengcai.core.errors import RuleViolation

                raise RuleViolation("采购档案已封存，不能修改", code=c.ERR_READ_ONLY)
        super().save(*args, **kwargs)


class ArchiveItem(models.Model):
    archive = models.ForeignKey(Archive, on_delete=models.CASCADE, related_name="items")
    path = models.CharField(max_length=300)
    kind = models.CharField(max_length=10, choices=c.ItemKind.choices)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()

    class Meta:
        ordering = ["archive_id", "path"]
        verbose_name = "档案条目"
