from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "zhengcai.supervision"
    label = "supervision"
    verbose_name = "监督与考核"
