from django.urls import path

from zhengcai.publishing import views

app_name = "publishing"
urlpatterns = [
    path("", views.home, name="home"),
    path("calendar/", views.calendar_page, name="calendar"),
    path("notices/", views.notices, name="notices"),
]
