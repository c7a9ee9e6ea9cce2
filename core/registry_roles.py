"""Who reads and who maintains the registries (两库一单), in one place for pages and API."""

from __future__ import annotations

from typing import Any

from accounts.choices import BUSINESS_ROLES, Role
from accounts.scope import can_edit_department_data

# Every department role and the conference office read; the 三员 see no business data.
READERS: tuple[str, ...] = tuple(sorted(BUSINESS_ROLES))
# Only a department's own registry manager changes its registries.
EDITORS: tuple[str, ...] = (Role.REGISTRY_MANAGER,)
# Removal of a subject is approved by the department's supervising leader (A7).
APPROVERS: tuple[str, ...] = (Role.SUPERVISING_LEADER,)


def can_edit_registry(user: Any, department_id: int | None) -> bool:
    return bool(
        user.is_authenticated
        and user.has_role(Role.REGISTRY_MANAGER)
        and can_edit_department_data(user, department_id)
    )


def can_approve_removal(user: Any, department_id: int | None) -> bool:
    return bool(
        user.is_authenticated
        and user.has_role(Role.SUPERVISING_LEADER)
        and can_edit_department_data(user, department_id)
    )
