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


class CalendarYear(models.Model):
    """One year's holiday schedule as the State Council published it (国务院办公厅关于某年部分
    节假日安排的通知). Its days are `CalendarOverride` rows, one per day; the year becomes
    official only when an administrator confirms the whole schedule (`calendar_year_confirm`),
    never because one day was entered. Until then deadlines into the year are provisional."""

    class Status(models.TextChoices):
        DRAFT = "draft", "已录入待确认"
        CONFIRMED = "confirmed", "已确认"

    year = models.PositiveSmallIntegerField(unique=True, verbose_name="年度")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    notice_no = models.CharField(max_length=80, blank=True, verbose_name="通知文号")
    notice_title = models.CharField(max_length=200, blank=True, verbose_name="通知标题")
    source_name = models.CharField(max_length=200, blank=True, verbose_name="导入文件")
    source_digest = models.CharField(max_length=64, blank=True, verbose_name="文件摘要")
    imported_at = models.DateTimeField(null=True, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["year"]
        verbose_name = "年度节假日安排"
        verbose_name_plural = "年度节假日安排"

    def __str__(self) -> str:
        return f"{self.year}年节假日安排（{self.get_status_display()}）"


class ProvisionalDeadline(models.Model):
    """A statutory deadline computed into a year whose schedule was not yet confirmed (暂定).

    Written by `core.deadlines.track` beside the field it computed; when the year's schedule
    is confirmed, `core.deadlines.recompute` computes it again from `start`, writes the new
    value into the object's field if it moved (audited), tells the parties, and settles it."""

    class Status(models.TextChoices):
        OPEN = "open", "暂定"
        SETTLED = "settled", "已确定"

    content_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.CASCADE, related_name="+"
    )
    object_id = models.CharField(max_length=64)
    field = models.CharField(max_length=60)
    label = models.CharField(max_length=120)  # 投标保证金退还期限 …
    citation = models.CharField(max_length=120)  # 条例 33 …
    start = models.DateField()
    days = models.IntegerField()
    unit = models.CharField(max_length=2)  # "WD" | "d"
    roll_forward = models.BooleanField(default=True)
    value = models.DateField()
    at_time = models.TimeField(null=True, blank=True)  # for datetime fields: the time of day
    years = models.JSONField(default=list)  # the unconfirmed years the period crossed
    parties = models.JSONField(default=list)  # organization ids told when the date moves
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField()
    settled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["status"]),
            models.Index(fields=["content_type", "object_id", "field"]),
        ]


class Message(models.Model):
    """A message in an organization's inbox (站内消息): deadlines moved, results, notices."""

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=40)
    subject = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    link = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "站内消息"


class SandboxClock(models.Model):
    """The demo's sandbox clock (never production): platform time = server time + offset.

    One row; every process (web, worker, clock) reads it, so moving it moves the platform."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    offset_seconds = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(null=True, blank=True)
