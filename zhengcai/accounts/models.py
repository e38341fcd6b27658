"""Regions, organizations, users and API tokens."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models

from zhengcai.accounts.constants import OrgKind, OrgStatus, RegionLevel, Role
from zhengcai.core.models import TimedModel


class Region(models.Model):
    """行政区划 (GB/T 2260 code). `path` holds the codes from the province down, for subtree
    queries that work the same on SQLite and PostgreSQL (`path__startswith`)."""

    code = models.CharField(max_length=12, unique=True, verbose_name="区划代码")
    name = models.CharField(max_length=60, verbose_name="名称")
    level = models.PositiveSmallIntegerField(choices=RegionLevel.choices, verbose_name="级别")
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name="上级",
    )
    path = models.CharField(max_length=120, unique=True, editable=False)

    class Meta:
        ordering = ["path"]
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"

    def __str__(self) -> str:
        return self.name

    def full_name(self) -> str:
        names = []
        node: Region | None = self
        while node is not None:
            names.append(node.name)
            node = node.parent
        return "".join(reversed(names))

    def contains(self, other: Region) -> bool:
        return other.path.startswith(self.path)


class Organization(models.Model):
    """Any party that acts in procurement: finance department, purchaser, agency, supplier …"""

    name = models.CharField(max_length=200, verbose_name="单位名称")
    kind = models.CharField(max_length=20, choices=OrgKind.choices, verbose_name="单位类型")
    credit_code = models.CharField(max_length=18, unique=True, verbose_name="统一社会信用代码")
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="organizations", verbose_name="所属区划"
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="subunits",
        verbose_name="主管单位",
    )
    status = models.CharField(
        max_length=12, choices=OrgStatus.choices, default=OrgStatus.ACTIVE, verbose_name="状态"
    )
    contact_name = models.CharField(max_length=60, blank=True, verbose_name="联系人")
    contact_phone = models.CharField(max_length=30, blank=True, verbose_name="联系电话")
    address = models.CharField(max_length=200, blank=True, verbose_name="地址")
    is_sme = models.BooleanField(default=False, verbose_name="中小企业")
    # 编制人数 of a purchasing unit: the per-staff limits of 资产配置标准 multiply by it.
    staff_count = models.PositiveIntegerField(null=True, blank=True, verbose_name="编制人数")
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["region__path", "kind", "name"]
        indexes = [models.Index(fields=["kind", "region"])]
        verbose_name = "单位"
        verbose_name_plural = "单位"

    def __str__(self) -> str:
        return self.name


class User(TimedModel, AbstractUser):
    """A person. `role` decides the workbench and the access scope; `organization` the data."""

    role = models.CharField(max_length=12, choices=Role.choices, verbose_name="角色")
    organization = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        verbose_name="所属单位",
    )
    display_name = models.CharField(max_length=60, blank=True, verbose_name="姓名")
    phone = models.CharField(max_length=20, blank=True, verbose_name="手机")
    is_org_admin = models.BooleanField(default=False, verbose_name="单位管理员")
    failed_logins = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    totp_secret = models.CharField(max_length=64, blank=True)
    totp_enabled = models.BooleanField(default=False, verbose_name="已启用动态口令")

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def get_full_name(self) -> str:
        return self.display_name or super().get_full_name() or self.username

    @property
    def acting_organization(self) -> Organization | None:
        """The organization this person acts for; experts act as individuals."""
        if self.role == Role.EXPERT:
            return None
        return self.organization

    @property
    def region(self) -> Region | None:
        return self.organization.region if self.organization_id else None  # type: ignore[union-attr]


class ApiToken(models.Model):
    """A bearer token for programmatic clients. Only its SHA-256 is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=80, verbose_name="用途")
    prefix = models.CharField(max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "API 令牌"
        verbose_name_plural = "API 令牌"

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"
