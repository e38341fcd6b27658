from django.apps import AppConfig


class ArchivesConfig(AppConfig):
    name = "zhengcai.archives"
    label = "archives"
    verbose_name = "采购档案"
