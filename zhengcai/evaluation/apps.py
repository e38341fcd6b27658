from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "zhengcai.evaluation"
    label = "evaluation"
    verbose_name = "评审"

    def ready(self) -> None:
        from zhengcai.core import deadlines, timed
        from zhengcai.evaluation import duties, services
        from zhengcai.evaluation.models import Evaluation

        # 条例 43: the purchaser's 5-working-day decision period (deemed first candidate).
        timed.register(Evaluation, services.evaluation_timed)
        # A confirmed holiday schedule moves a 暂定 award_due: the deemed choice moves too.
        deadlines.on_recompute(Evaluation, duties.after_recompute)
