from django.urls import path

from zhengcai.catalog import views

app_name = "catalog"
urlpatterns = [
    path("", views.index, name="index"),
    path("public/", views.public, name="public"),
    path("thresholds/", views.thresholds, name="thresholds"),
    path("thresholds/<int:pk>/", views.threshold_detail, name="threshold"),
    path("centralized/", views.centralized, name="centralized"),
    path("centralized/copy/", views.centralized_copy, name="centralized_copy"),
    path("centralized/<int:pk>/", views.centralized_detail, name="centralized_entry"),
    path("centralized/<int:pk>/delete/", views.centralized_delete, name="centralized_entry_delete"),
    path("standards/", views.standards, name="standards"),
    path("standards/<int:pk>/", views.standard_detail, name="standard"),
    path("standards/<int:pk>/delete/", views.standard_delete, name="standard_delete"),
    path("items/", views.items, name="items"),
    path("items/<str:code>/", views.item_detail, name="item"),
    path("items/<str:code>/deactivate/", views.item_deactivate, name="item_deactivate"),
    path("items/<str:code>/activate/", views.item_activate, name="item_activate"),
    path("import/", views.import_view, name="import"),
    path("export/<str:kind>/", views.export_view, name="export"),
]
