from django.apps import AppConfig


class PublishingConfig(AppConfig):
    name = "zhengcai.publishing"
    label = "publishing"
    verbose_name = "信息公开"
