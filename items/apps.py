from django.apps import AppConfig


class ItemsConfig(AppConfig):
    name = "items"
    verbose_name = "随机抽查事项清单"
