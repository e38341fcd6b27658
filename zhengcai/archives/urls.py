from django.urls import path

from zhengcai.archives import views

app_name = "archives"

urlpatterns = [
    path("", views.archives, name="archives"),
    path("<int:pk>/", views.archive, name="archive"),
    path("<int:pk>/file/", views.archive_download, name="download"),
    path("projects/<int:pk>/seal/", views.archive_seal, name="seal"),
]
