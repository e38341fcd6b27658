from django.urls import path

from zhengcai.experts import views

app_name = "experts"
urlpatterns = [
    path("", views.expert_list, name="list"),
    path("me/", views.me, name="me"),
    path("import/", views.expert_import, name="import"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("<int:pk>/", views.expert_detail, name="detail"),
    path("suggestions/", views.suggestion_list, name="suggestions"),
    path("draws/", views.draw_list, name="draws"),
    path("draws/<int:pk>/", views.draw_detail, name="draw"),
    path("invitations/<int:pk>/respond/", views.invitation_respond, name="respond"),
]
