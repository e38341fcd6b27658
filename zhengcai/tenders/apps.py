from django.apps import AppConfig


class TendersConfig(AppConfig):
    name = "zhengcai.tenders"
    label = "tenders"
    verbose_name = "项目采购"

    def ready(self) -> None:
        from zhengcai.core import timed
        from zhengcai.tenders import services
        from zhengcai.tenders.models import Project

        # The bid deadline passes (Project.next_check): project_deadline_reached.
        timed.register(Project, services.project_deadline_tick)
