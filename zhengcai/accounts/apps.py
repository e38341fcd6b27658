from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "zhengcai.accounts"
    label = "accounts"
    verbose_name = "机构与用户"

    def ready(self) -> None:
        from zhengcai.accounts import services
        from zhengcai.accounts.models import User
        from zhengcai.core import timed

        timed.register(User, services.account_lock_expire)
