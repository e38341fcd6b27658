from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "zhengcai.contracts"
    label = "contracts"
    verbose_name = "合同、履约验收与支付"

    def ready(self) -> None:
        from zhengcai.contracts import services
        from zhengcai.contracts.models import Contract, PaymentRequest
        from zhengcai.core import tasks, timed

        timed.register(Contract, services.contract_timed)
        timed.register(PaymentRequest, services.payment_timed)
        tasks.register_periodic("contracts.treasury", services.treasury_tick)
