from django.urls import path

from zhengcai.evaluation import views

app_name = "evaluation"
urlpatterns = [
    path("", views.home, name="home"),
    path("lots/<int:lot_pk>/open/", views.open_evaluation, name="open"),
    path("<int:pk>/", views.overview, name="overview"),
    path("<int:pk>/live/", views.live, name="live"),
    path("<int:pk>/committee/", views.committee, name="committee"),
    path("<int:pk>/act/", views.act, name="act"),
    path("<int:pk>/declare/", views.declare, name="declare"),
    path("<int:pk>/review/<str:stage>/", views.review, name="review"),
    path("<int:pk>/scores/", views.scores, name="scores"),
    path("<int:pk>/scores/<int:rb_pk>/", views.score, name="score"),
    path("<int:pk>/conclude/", views.conclude, name="conclude"),
    path("<int:pk>/report/", views.report_page, name="report"),
    path("<int:pk>/report.pdf", views.report_pdf, name="report_pdf"),
    path("<int:pk>/award/", views.award, name="award"),
    path("explanations/<int:rb_pk>/", views.explain, name="explain"),
]
