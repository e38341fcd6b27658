from django.urls import URLPattern

app_name = "tenders"
urlpatterns: list[URLPattern] = []
