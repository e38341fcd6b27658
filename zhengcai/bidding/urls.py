from django.urls import path

from zhengcai.bidding import views

app_name = "bidding"
urlpatterns = [
    path("", views.home, name="home"),
    path("keys/", views.keys, name="keys"),
    path("projects/<int:pk>/", views.project_page, name="project"),
    path("projects/<int:pk>/register/", views.register, name="register"),
    path("projects/<int:pk>/bids/<int:part_pk>/submit/", views.submit, name="submit"),
    path("projects/<int:pk>/bids/<int:bid_pk>/withdraw/", views.withdraw, name="withdraw"),
    path("projects/<int:pk>/opening/", views.opening_act, name="opening_act"),
    path("projects/<int:pk>/opening/live/", views.opening_live, name="opening_live"),
    path("projects/<int:pk>/evidence/", views.evidence_page, name="evidence"),
    path("projects/<int:pk>/rounds/", views.rounds_page, name="rounds"),
    path("projects/<int:pk>/rounds/act/", views.round_act, name="round_act"),
    path(
        "projects/<int:pk>/rounds/<int:round_pk>/submit/<int:part_pk>/",
        views.final_submit,
        name="final_submit",
    ),
    path("bonds/", views.bonds, name="bonds"),
    path("receipts/<int:bid_pk>/", views.receipt, name="receipt"),
]
