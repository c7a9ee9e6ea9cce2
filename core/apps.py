from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "平台基础"

    def ready(self) -> None:
        from core import lookups  # noqa: F401 — registers the lookups on their fields
