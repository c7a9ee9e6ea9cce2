from django.apps import AppConfig


class WorkdaysConfig(AppConfig):
    name = "workdays"
    verbose_name = "工作日历"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from workdays import services
        from workdays.models import CalendarDay, CalendarYear

        def clear(**kwargs: object) -> None:
            services.invalidate()

        # The services clear the cache themselves; this also covers edits made elsewhere.
        for model in (CalendarYear, CalendarDay):
            post_save.connect(clear, sender=model, dispatch_uid=f"workdays-clear-{model.__name__}")
