"""Admin is for looking; writes that change state go through services (and the API/UI)."""

from django.contrib import admin

from zhengcai.accounts.models import ApiToken, Organization, Region, User
from zhengcai.core.admin import ReadOnlyAdmin


@admin.register(Region)
class RegionAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "level", "parent")
    search_fields = ("code", "name")


@admin.register(Organization)
class OrganizationAdmin(ReadOnlyAdmin):
    list_display = ("name", "kind", "region", "credit_code", "status")
    list_filter = ("kind", "status")
    search_fields = ("name", "credit_code")


@admin.register(User)
class UserAdmin(ReadOnlyAdmin):
    list_display = (
        "username",
        "display_name",
        "role",
        "organization",
        "is_active",
        "totp_enabled",
        "locked_until",
    )
    list_filter = ("role", "is_active")
    search_fields = ("username", "display_name")
    exclude = ("password", "totp_secret")


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ("prefix", "name", "user", "created_at", "expires_at", "revoked_at")
    exclude = ("key_hash",)
