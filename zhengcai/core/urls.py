from django.urls import path

from zhengcai.core import views

app_name = "core"
urlpatterns = [
    path("calendar/", views.calendar_years, name="calendar_years"),
    path("calendar/import/", views.calendar_year_import, name="calendar_year_import"),
    path("calendar/<int:year>/", views.calendar_year, name="calendar_year"),
    path("calendar/<int:year>/confirm/", views.calendar_year_confirm, name="calendar_year_confirm"),
    path("sandbox/", views.sandbox_page, name="sandbox"),
    path("sandbox/advance/", views.sandbox_advance, name="sandbox_advance"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/read/", views.inbox_read, name="inbox_read"),
]
