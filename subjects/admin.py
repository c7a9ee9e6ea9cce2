from django.contrib import admin

from subjects.models import Industry, LicenceType, SubjectType


class _ReferenceAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Reference data an administrator can extend; switched off, never deleted."""

    list_display = ["code", "name", "is_active", "sort_order"]
    list_filter = ["is_active"]

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


admin.site.register(SubjectType, _ReferenceAdmin)
admin.site.register(Industry, _ReferenceAdmin)
admin.site.register(LicenceType, _ReferenceAdmin)
