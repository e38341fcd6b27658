from django.urls import path

from zhengcai.supervision import views

app_name = "supervision"

urlpatterns = [
    path("surveys/", views.surveys, name="surveys"),
    path("surveys/projects/<int:pk>/", views.survey_submit, name="survey_submit"),
    path("agencies/", views.agencies, name="agencies"),
]
