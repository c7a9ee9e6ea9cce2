from __future__ import annotations

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from accounts.choices import Role
from accounts.permissions import role_required
from organisations.models import Department

READERS = (
    Role.REGISTRY_MANAGER,
    Role.BUSINESS_STAFF,
    Role.INSPECTOR,
    Role.UNIT_HEAD,
    Role.SUPERVISING_LEADER,
    Role.CONFERENCE_OFFICE,
    Role.SYSTEM_ADMIN,
)


def _departments_for(request: HttpRequest):  # type: ignore[no-untyped-def]
    user = request.user
    if user.has_role(Role.SYSTEM_ADMIN):  # type: ignore[union-attr]
        return Department.objects.all()
    return Department.objects.for_user(user)  # type: ignore[arg-type]


@role_required(*READERS)
def department_list(request: HttpRequest) -> HttpResponse:
    departments = (
        _departments_for(request)
        .select_related("region", "parent")
        .annotate(
            unit_count=Count("units", distinct=True), user_count=Count("users", distinct=True)
        )
        .order_by("path")
    )
    return render(request, "organisations/department_list.html", {"departments": departments})


@role_required(*READERS)
def department_detail(request: HttpRequest, pk: int) -> HttpResponse:
    department = get_object_or_404(
        _departments_for(request).select_related("region", "parent"), pk=pk
    )
    return render(
        request,
        "organisations/department_detail.html",
        {
            "department": department,
            "units": department.units.select_related("region").all(),
            "children": department.children.select_related("region").all(),
            "conferences": department.conferences.all(),
        },
    )
