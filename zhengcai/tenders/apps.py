from django.apps import AppConfig


class TendersConfig(AppConfig):
    name = "zhengcai.tenders"
    label = "tenders"
    verbose_name = "项目采购"
