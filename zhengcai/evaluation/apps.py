from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "zhengcai.evaluation"
    label = "evaluation"
    verbose_name = "评审"
