from django.apps import AppConfig


class AwardsConfig(AppConfig):
    name = "zhengcai.awards"
    label = "awards"
    verbose_name = "定标与质疑"

    def ready(self) -> None:
        from zhengcai.awards import services
        from zhengcai.awards.models import Award, Challenge, Complaint, Inquiry, ResultNotice
        from zhengcai.core import timed
        from zhengcai.evaluation import hooks

        # 条例 43: every award (confirmed or deemed) becomes an Award record.
        hooks.on_award(services.on_evaluation_award)
        timed.register(Award, services.award_timed)  # 条例 43: notice ≤ 2 WD
        timed.register(ResultNotice, services.notice_timed)  # 87号令 69: display 1 WD
        timed.register(Challenge, services.challenge_timed)  # 法 53: answer ≤ 7 WD
        timed.register(Inquiry, services.inquiry_timed)  # 条例 52: answer ≤ 3 WD
        timed.register(Complaint, services.complaint_timed)  # 94号令 21, 26: review, decision
