from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "zhengcai.evaluation"
    label = "evaluation"
    verbose_name = "评审"

    def ready(self) -> None:
        from zhengcai.core import timed
        from zhengcai.evaluation import services
        from zhengcai.evaluation.models import Evaluation

        # 条例 43: the purchaser's 5-working-day decision period (deemed first candidate).
        timed.register(Evaluation, services.evaluation_timed)
