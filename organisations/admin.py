"""Django admin is for the system administrator only; every save goes through the services
(audited) and nothing can be deleted."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from accounts.choices import Role
from accounts.models import User
from accounts.permissions import acting_user
from audit.services import record_event, snapshot
from organisations import services
from organisations.models import ConferenceMembership, Department, JointConference, Region, Unit


def is_system_admin(request: HttpRequest) -> bool:
    user = request.user
    return (
        isinstance(user, User)
        and user.is_active
        and user.has_role(Role.SYSTEM_ADMIN)
        and user.otp_verified()
    )


admin.site.has_permission = is_system_admin  # type: ignore[method-assign]
admin.site.site_header = "双随机一公开监管平台 · 系统后台"
admin.site.site_title = "系统后台"
admin.site.index_title = "组织机构与基础数据"


class AuditedAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_system_admin(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_system_admin(request)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return is_system_admin(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_system_admin(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Region)
class RegionAdmin(AuditedAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]

    def save_model(self, request: HttpRequest, obj: Region, form: Any, change: bool) -> None:
        services.save_region(request.user, obj)  # type: ignore[arg-type]


@admin.register(Department)
class DepartmentAdmin(AuditedAdmin):
    list_display = ["name", "code", "region", "sector", "parent", "is_active"]
    list_filter = ["sector", "region", "is_active"]
    search_fields = ["name", "code"]

    def save_model(self, request: HttpRequest, obj: Department, form: Any, change: bool) -> None:
        services.save_department(request.user, obj)  # type: ignore[arg-type]


@admin.register(Unit)
class UnitAdmin(AuditedAdmin):
    list_display = ["name", "department", "kind", "region", "is_active"]
    list_filter = ["kind", "department"]
    search_fields = ["name"]

    def save_model(self, request: HttpRequest, obj: Unit, form: Any, change: bool) -> None:
        services.save_unit(request.user, obj)  # type: ignore[arg-type]


class MembershipInline(admin.TabularInline):  # type: ignore[type-arg]
    model = ConferenceMembership
    extra = 1

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_system_admin(request)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_system_admin(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_system_admin(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_system_admin(request)


@admin.register(JointConference)
class JointConferenceAdmin(AuditedAdmin):
    list_display = ["name", "region", "office_department"]
    inlines = [MembershipInline]

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        before = sorted(form.instance.members.values_list("pk", flat=True)) if change else []
        super().save_related(request, form, formsets, change)
        after = sorted(form.instance.members.values_list("pk", flat=True))
        record_event(
            action="conference.saved",
            actor=acting_user(request),
            obj=form.instance,
            before={"members": before},
            after={**snapshot(form.instance), "members": after},
        )
