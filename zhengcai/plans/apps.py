from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "zhengcai.plans"
    label = "plans"
    verbose_name = "采购预算与计划"
