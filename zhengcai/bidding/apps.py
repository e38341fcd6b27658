from django.apps import AppConfig


class BiddingConfig(AppConfig):
    name = "zhengcai.bidding"
    label = "bidding"
    verbose_name = "投标与开标"

    def ready(self) -> None:
        from zhengcai.bidding import hooks
        from zhengcai.tenders import hooks as tender_hooks

        # A terminated project refunds its bid bonds (87号令 38; 条例 33).
        tender_hooks.on_project_end(hooks.refund_bonds_on_project_end)
        # 邀请招标 (法 34; 87号令 14): only invited suppliers obtain the documents.
        from zhengcai.bidding.services.prequal import invitation_problem
        from zhengcai.tenders.prequal_selectors import register_admission_gate

        register_admission_gate(invitation_problem)
