from django.urls import path

from zhengcai.credit import views

app_name = "credit"
urlpatterns = [
    path("", views.penalties, name="penalties"),
    path("new/", views.penalty_create, name="penalty_create"),
    path("<int:pk>/", views.penalty, name="penalty"),
    path("<int:pk>/decide/", views.penalty_decide, name="penalty_decide"),
    path("<int:pk>/revoke/", views.penalty_revoke, name="penalty_revoke"),
    path("public/", views.public_penalties, name="public"),
]
