"""Organization kinds, roles, and which roles each kind of organization may hold."""

from django.db import models


class RegionLevel(models.IntegerChoices):
    PROVINCE = 1, "省级"
    CITY = 2, "市级"
    COUNTY = 3, "县级"


class OrgKind(models.TextChoices):
    FINANCE = "finance", "财政部门"
    PURCHASER = "purchaser", "采购人"
    CENTRAL_AGENCY = "central_agency", "集中采购机构"
    SOCIAL_AGENCY = "social_agency", "社会代理机构"
    SUPPLIER = "supplier", "供应商"
    SUPERVISION = "supervision", "监督机构"
    PLATFORM = "platform", "平台运营单位"


class OrgStatus(models.TextChoices):
    ACTIVE = "active", "正常"
    SUSPENDED = "suspended", "暂停"
    CANCELLED = "cancelled", "注销"


class Role(models.TextChoices):
    REGULATOR = "regulator", "监管人员"
    PURCHASER = "purchaser", "采购人"
    AGENCY = "agency", "代理机构人员"
    SUPPLIER = "supplier", "供应商"
    EXPERT = "expert", "评审专家"
    SUPERVISOR = "supervisor", "监督人员"
    ADMIN = "admin", "平台管理员"


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
