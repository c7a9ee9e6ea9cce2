"""Department scope (F3, security 6): which departments' data a user may see or change.

Every domain queryset's `for_user(user)` goes through these two functions, so scope is decided
in one place and enforced in queries, never only in templates.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from accounts.choices import DEPARTMENT_ROLES, Role

if TYPE_CHECKING:
    from accounts.models import User


def visible_department_ids(user: User) -> set[int]:
    """Departments whose business data `user` may read.

    Department staff: their own department and every department below it (a city or province
    department oversees the county departments of its line). Conference office: every member
    department of its conference and the departments below them. Platform administrators (三员)
    see no business data.
    """
    cached: set[int] | None = getattr(user, "_visible_department_ids", None)
    if cached is None:
        cached = _compute_visible(user)
        user._visible_department_ids = cached  # type: ignore[attr-defined]
    return set(cached)


def _compute_visible(user: User) -> set[int]:
    """One computation per user object (that is, per request): lists call this many times."""
    from organisations.models import Department

    if not user.is_authenticated or not user.is_active:
        return set()
    prefixes: list[str] = []
    if user.has_role(*DEPARTMENT_ROLES) and user.department_id is not None:
        prefixes.append(Department.objects.only("path").get(pk=user.department_id).path)
    if user.has_role(Role.CONFERENCE_OFFICE) and user.conference_id is not None:
        prefixes.extend(
            Department.objects.filter(
                Q(conferences__pk=user.conference_id) | Q(hosted_conferences__pk=user.conference_id)
            ).values_list("path", flat=True)
        )
    if not prefixes:
        return set()
    query = Q()
    for prefix in set(prefixes):
        query |= Q(path__startswith=prefix)
    return set(Department.objects.filter(query).values_list("pk", flat=True))


def can_edit_department_data(user: User, department_id: int | None) -> bool:
    """Only staff of the department itself change its data; oversight is read-only."""
    return (
        user.is_authenticated
        and user.is_active
        and department_id is not None
        and user.department_id == department_id
        and user.has_role(*(DEPARTMENT_ROLES - {Role.CONFERENCE_OFFICE}))
    )
