from django.apps import AppConfig


class BiddingConfig(AppConfig):
    name = "zhengcai.bidding"
    label = "bidding"
    verbose_name = "投标与开标"
