"""Core persistence: the audit chain, calendar overrides, idempotency records, timed checks."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


class AuditEntry(models.Model):
    """One link of the append-only, hash-chained audit log (全过程留痕, design §4 rule 9).

    Written only by `core.audit.audit_record`, inside the transaction of the change it records.
    `hash = H(canonical(seq, time, actor, organization, action, object, summary, prev_hash))`.
    """

    seq = models.BigIntegerField(unique=True)
    created_at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_label = models.CharField(max_length=150, blank=True)
    organization = models.ForeignKey(
        "accounts.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=80, db_index=True)
    object_type = models.CharField(max_length=80, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_label = models.CharField(max_length=200, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    algorithm = models.CharField(max_length=10, default="sha256")
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["object_type", "object_id"])]
        verbose_name = "审计日志"
        verbose_name_plural = "审计日志"

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise RuntimeError("审计日志只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("审计日志只能追加，不能删除")


class AuditHead(models.Model):
    """Singleton row holding the chain head; locking it serializes appends."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = "审计链头"


class CalendarOverride(models.Model):
    """An admin-entered day: a statutory holiday or a make-up working day (调休).

    Takes precedence over the `chinese_calendar` package; needed for years the package does
    not cover (it ends at 2026)."""

    date = models.DateField(unique=True)
    is_workday = models.BooleanField(verbose_name="是否工作日")
    name = models.CharField(max_length=60, blank=True, verbose_name="名称")
    note = models.CharField(max_length=200, blank=True, verbose_name="依据/备注")

    class Meta:
        ordering = ["date"]
        verbose_name = "节假日调整"
        verbose_name_plural = "节假日调整"

    def __str__(self) -> str:
        return f"{self.date} {'工作日' if self.is_workday else '休息日'} {self.name}"


class IdempotencyRecord(models.Model):
    """A POST answered under an `Idempotency-Key`: the retry gets the same answer."""

    key = models.CharField(max_length=128)
    principal = models.CharField(max_length=80)  # "user:<id>" or "anon:<ip>"
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=300)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True)
    response_body = models.BinaryField(null=True)  # AES-GCM sealed (core.middleware)
    content_type = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(db_index=True)  # platform clock (core.clock)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["principal", "key"], name="uniq_idempotency_key")
        ]


class TimedModel(models.Model):
    """Mixin for aggregates with timed transitions (design §4 rule 4).

    `next_check` is when the periodic task must look at the row again; the handler
    registered with `core.timed.register` decides what happens and sets the next value."""

    next_check = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        abstract = True
