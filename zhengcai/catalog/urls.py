from django.urls import path

from zhengcai.catalog import views

app_name = "catalog"
urlpatterns = [
    path("", views.index, name="index"),
    path("public/", views.public, name="public"),
    path("thresholds/", views.thresholds, name="thresholds"),
    path("thresholds/<int:pk>/", views.threshold_detail, name="threshold"),
    path("centralized/", views.centralized, name="centralized"),
    path("centralized/<int:pk>/", views.centralized_detail, name="centralized_entry"),
    path("standards/", views.standards, name="standards"),
    path("standards/<int:pk>/", views.standard_detail, name="standard"),
    path("items/", views.items, name="items"),
    path("items/<str:code>/", views.item_detail, name="item"),
    path("import/", views.import_view, name="import"),
    path("export/<str:kind>/", views.export_view, name="export"),
]
