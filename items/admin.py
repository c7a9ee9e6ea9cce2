from django.contrib import admin

from items.models import EnforcementArea


@admin.register(EnforcementArea)
class EnforcementAreaAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Reference data an administrator can extend (switched off, never removed)."""

    list_display = ["code", "name", "sector", "is_active", "sort_order"]
    list_filter = ["sector", "is_active"]

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
