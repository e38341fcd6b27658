from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "zhengcai.catalog"
    label = "catalog"
    verbose_name = "品目与采购目录"
