from django.apps import AppConfig


class ExpertsConfig(AppConfig):
    name = "zhengcai.experts"
    label = "experts"
    verbose_name = "评审专家"
