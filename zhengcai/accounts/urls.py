from django.urls import path

from zhengcai.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("login/otp/", views.login_otp_view, name="login_otp"),
    path("logout/", views.logout_view, name="logout"),
    path("workbench/", views.workbench, name="workbench"),
    path("organizations/", views.organizations, name="organizations"),
    path("organizations/<int:pk>/", views.organization_detail, name="organization"),
    path("audit/", views.audit, name="audit"),
    path("audit/verify/", views.audit_verify, name="audit_verify"),
    path("security/", views.security, name="security"),
    path("security/tokens/new/", views.token_create, name="token_create"),
    path("security/tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("security/otp/begin/", views.otp_begin, name="otp_begin"),
    path("security/otp/confirm/", views.otp_confirm, name="otp_confirm"),
    path("security/otp/disable/", views.otp_disable, name="otp_disable"),
]
