from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "zhengcai.plans"
    label = "plans"
    verbose_name = "采购预算与计划"

    def ready(self) -> None:
        from zhengcai.core import timed
        from zhengcai.plans import services
        from zhengcai.plans.models import ApprovalRequest, Commission

        # Single-source notice period ends (条例 38); commission steps fall overdue.
        timed.register(ApprovalRequest, services.approval_publicity_tick)
        timed.register(Commission, services.commission_overdue_check)
