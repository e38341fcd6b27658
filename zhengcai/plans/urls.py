from django.urls import path

from zhengcai.plans import views

app_name = "plans"
urlpatterns = [
    path("budgets/", views.budgets, name="budgets"),
    path("budgets/new/", views.budget_new, name="budget_new"),
    path("budgets/import/", views.budget_import, name="budget_import"),
    path("budgets/template.xlsx", views.budget_template, name="budget_template"),
    path("budgets/<int:pk>/", views.budget_detail, name="budget"),
    path("budgets/<int:pk>/act/", views.budget_act, name="budget_act"),
    path("plans/", views.plans, name="plans"),
    path("plans/new/", views.plan_new, name="plan_new"),
    path("plans/<int:pk>/", views.plan_detail, name="plan"),
    path("plans/<int:pk>/act/", views.plan_act, name="plan_act"),
    path("approvals/", views.approvals, name="approvals"),
    path("approvals/new/", views.approval_new, name="approval_new"),
    path("approvals/<int:pk>/", views.approval_detail, name="approval"),
    path("approvals/<int:pk>/act/", views.approval_act, name="approval_act"),
    path(
        "approvals/<int:pk>/attachments/<int:att>/",
        views.approval_attachment,
        name="approval_attachment",
    ),
    path("commissions/", views.commissions, name="commissions"),
    path("commissions/<int:pk>/", views.commission_detail, name="commission"),
    path("commissions/<int:pk>/act/", views.commission_act, name="commission_act"),
    path("split-cases/", views.split_cases, name="split_cases"),
    path("public/intentions/", views.public_intentions, name="public_intentions"),
    path("public/single-source/", views.public_single_source, name="public_single_source"),
]
