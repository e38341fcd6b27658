"""Admin pages. Calendar overrides save through the service so each change is audited."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from zhengcai.core import services
from zhengcai.core.models import AuditEntry, CalendarOverride


def _actor(request: HttpRequest) -> Any:
    return request.user if request.user.is_authenticated else None


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    list_display = ("date", "is_workday", "name", "note")
    list_filter = ("is_workday",)
    search_fields = ("name", "note")
    date_hierarchy = "date"

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        saved = services.calendar_override_set(
            actor=_actor(request),
            date=obj.date,  # type: ignore[arg-type]
            is_workday=obj.is_workday,
            name=obj.name,
            note=obj.note,
        )
        obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        services.calendar_override_delete(actor=_actor(request), date=obj.date)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


class ReadOnlyAdmin(admin.ModelAdmin):
    """For looking only: state changes go through services (audited), never the admin."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """Read-only: the audit log is append-only."""

    list_display = ("seq", "created_at", "actor_label", "action", "object_type", "object_id")
    list_filter = ("action",)
    search_fields = ("action", "object_label", "actor_label")
