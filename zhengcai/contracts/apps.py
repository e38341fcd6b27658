from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "zhengcai.contracts"
    label = "contracts"
    verbose_name = "合同、履约验收与支付"

    def ready(self) -> None:
        from zhengcai.awards import hooks
        from zhengcai.contracts import selectors, services
        from zhengcai.contracts.models import Contract, PaymentRequest
        from zhengcai.core import tasks, timed

        # 94号令 32: a complaint decision reads the contract's stage and revokes a signed one
        hooks.contract_stage(selectors.lot_stage)
        hooks.on_contract_revoke(services.contracts_revoke)
        timed.register(Contract, services.contract_timed)
        timed.register(PaymentRequest, services.payment_timed)
        tasks.register_periodic("contracts.treasury", services.treasury_tick)
