"""The calendar is changed on its own pages (audited, with preview); the admin only shows it."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from workdays.models import CalendarDay, CalendarYear


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(CalendarYear)
class CalendarYearAdmin(ReadOnlyAdmin):
    list_display = ["year", "is_official", "notice_reference", "modified_at"]


@admin.register(CalendarDay)
class CalendarDayAdmin(ReadOnlyAdmin):
    list_display = ["date", "kind", "name", "calendar_year", "is_archived"]
    list_filter = ["kind", "is_archived", "calendar_year"]
