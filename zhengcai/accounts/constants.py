"""Organization kinds, roles, and which roles each kind of organization may hold."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionLevel(models.IntegerChoices):
    PROVINCE = 1, _("省级")
    CITY = 2, _("市级")
    COUNTY = 3, _("县级")


class OrgKind(models.TextChoices):
    FINANCE = "finance", _("财政部门")
    PURCHASER = "purchaser", _("采购人")
    CENTRAL_AGENCY = "central_agency", _("集中采购机构")
    SOCIAL_AGENCY = "social_agency", _("社会代理机构")
    SUPPLIER = "supplier", _("供应商")
    SUPERVISION = "supervision", _("监督机构")
    PLATFORM = "platform", _("平台运营单位")


class OrgStatus(models.TextChoices):
    ACTIVE = "active", _("正常")
    SUSPENDED = "suspended", _("暂停")
    CANCELLED = "cancelled", _("注销")


class Role(models.TextChoices):
    REGULATOR = "regulator", _("监管人员")
    PURCHASER = "purchaser", _("采购人")
    AGENCY = "agency", _("代理机构人员")
    SUPPLIER = "supplier", _("供应商")
    EXPERT = "expert", _("评审专家")
    SUPERVISOR = "supervisor", _("监督人员")
    ADMIN = "admin", _("平台管理员")


# Which role a user of an organization of each kind holds. Experts are individuals
# (their organization, if any, is their employer and is not used for access).
ROLE_FOR_KIND: dict[str, str] = {
    OrgKind.FINANCE: Role.REGULATOR,
    OrgKind.PURCHASER: Role.PURCHASER,
    OrgKind.CENTRAL_AGENCY: Role.AGENCY,
    OrgKind.SOCIAL_AGENCY: Role.AGENCY,
    OrgKind.SUPPLIER: Role.SUPPLIER,
    OrgKind.SUPERVISION: Role.SUPERVISOR,
    OrgKind.PLATFORM: Role.ADMIN,
}

# Organization status transitions (one door per state change, design §4 rule 2).
ORG_TRANSITIONS: dict[str, set[str]] = {
    OrgStatus.ACTIVE: {OrgStatus.SUSPENDED, OrgStatus.CANCELLED},
    OrgStatus.SUSPENDED: {OrgStatus.ACTIVE, OrgStatus.CANCELLED},
    OrgStatus.CANCELLED: set(),
}

# Roles that see every organization of their region and the regions below it.
REGIONAL_ROLES = {Role.REGULATOR, Role.SUPERVISOR}

# Stable error codes of this app (API contract).
ERR_LOGIN_FAILED = "login_failed"
ERR_ACCOUNT_LOCKED = "account_locked"
ERR_OTP_REQUIRED = "otp_required"
ERR_OTP_INVALID = "otp_invalid"
ERR_ACCOUNT_INACTIVE = "account_inactive"
ERR_TOKEN_INVALID = "token_invalid"
ERR_ROLE_KIND_MISMATCH = "role_kind_mismatch"
ERR_CREDIT_CODE_INVALID = "credit_code_invalid"
ERR_DUPLICATE = "duplicate"
ERR_BAD_TRANSITION = "bad_transition"
ERR_OUTSIDE_REGION = "outside_region"
