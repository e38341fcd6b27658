"""Admin: the configurable periods (PlanPolicy) are edited here, through an audited service;
everything else is for looking only (state changes go through services)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from zhengcai.accounts.models import User
from zhengcai.core.admin import ReadOnlyAdmin
from zhengcai.plans import services
from zhengcai.plans.models import (
    ApprovalRequest,
    BudgetLine,
    Commission,
    PlanPolicy,
    ProcurementIntention,
    ProcurementPlan,
    SplitCase,
)


@admin.register(PlanPolicy)
class PlanPolicyAdmin(admin.ModelAdmin):
    list_display = (
        "region",
        "effective_from",
        "intention_lead_days",
        "commission_accept_workdays",
        "commission_start_workdays",
        "split_prefix_len",
        "basis",
    )

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        actor = request.user if isinstance(request.user, User) else None
        services.plan_policy_save(actor=actor, policy=obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(BudgetLine)
class BudgetLineAdmin(ReadOnlyAdmin):
    list_display = ("fiscal_year", "organization", "project_name", "item_code", "amount", "status")
    list_filter = ("status", "fiscal_year")
    search_fields = ("project_name", "description", "item_code")


@admin.register(ProcurementPlan)
class ProcurementPlanAdmin(ReadOnlyAdmin):
    list_display = ("plan_no", "organization", "name", "amount", "method", "status")
    list_filter = ("status", "method")
    search_fields = ("plan_no", "name")


@admin.register(ProcurementIntention)
class ProcurementIntentionAdmin(ReadOnlyAdmin):
    list_display = ("project_name", "organization", "budget_amount", "published_at", "status")


@admin.register(ApprovalRequest)
class ApprovalRequestAdmin(ReadOnlyAdmin):
    list_display = ("kind", "organization", "plan", "status", "created_at")
    list_filter = ("kind", "status")


@admin.register(SplitCase)
class SplitCaseAdmin(ReadOnlyAdmin):
    list_display = ("organization", "fiscal_year", "category_prefix", "total", "status")


@admin.register(Commission)
class CommissionAdmin(ReadOnlyAdmin):
    list_display = ("project_no", "purchaser", "agency", "status", "due_at", "is_overdue")
    list_filter = ("status", "is_overdue")
