from django.apps import AppConfig


class CreditConfig(AppConfig):
    name = "zhengcai.credit"
    label = "credit"
    verbose_name = "信用与处罚"

    def ready(self) -> None:
        from zhengcai.core import timed
        from zhengcai.credit import services
        from zhengcai.credit.models import Penalty

        timed.register(Penalty, services.penalty_timed)
