from django.apps import AppConfig


class ExpertsConfig(AppConfig):
    name = "zhengcai.experts"
    label = "experts"
    verbose_name = "评审专家"

    def ready(self) -> None:
        from zhengcai.core import timed
        from zhengcai.experts import services
        from zhengcai.experts.models import DrawInvitation, DrawRequest, ExpertProfile

        timed.register(DrawInvitation, services.invitation_expire)
        timed.register(DrawRequest, services.draw_timed)
        timed.register(ExpertProfile, services.expert_standing_check)
