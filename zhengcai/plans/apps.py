from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "zhengcai.plans"
    label = "plans"
    verbose_name = "采购预算与计划"

    def ready(self) -> None:
        from zhengcai.core import deadlines, timed
        from zhengcai.plans import services
        from zhengcai.plans.models import ApprovalRequest, Commission
        from zhengcai.plans.services import duties

        # Single-source notice period ends (条例 38); commission steps fall overdue.
        timed.register(ApprovalRequest, services.approval_publicity_tick)
        timed.register(Commission, services.commission_overdue_check)
        # A confirmed holiday schedule moves a 暂定 step: due_at and the check move too.
        deadlines.on_recompute(Commission, duties.after_recompute)
