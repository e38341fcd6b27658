from django.urls import path

from zhengcai.tenders import views

app_name = "tenders"
urlpatterns = [
    path("projects/", views.projects, name="projects"),
    path("projects/new/", views.project_new, name="project_new"),
    path("projects/<int:pk>/", views.project_detail, name="project"),
    path("projects/<int:pk>/act/", views.project_act, name="project_act"),
    path("projects/<int:pk>/document.pdf", views.project_pdf, name="project_pdf"),
    path("projects/<int:pk>/document/", views.project_document_html, name="project_document"),
    path("templates/", views.templates, name="templates"),
    path("public/notices/", views.public_notices, name="public_notices"),
    path("public/notices/<int:pk>/", views.public_notice, name="public_notice"),
    path("public/comments/", views.public_comments, name="public_comments"),
    path("public/comments/<int:pk>/", views.public_comment, name="public_comment"),
    path(
        "public/comments/<int:pk>/document/",
        views.public_comment_document,
        name="public_comment_document",
    ),
]
