"""Which departments, year and month a request asks about, within what the user may see.
Pages and the API read their query parameters through this one function."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils import timezone

from accounts.choices import DEPARTMENT_ROLES
from oversight.figures import Departments
from oversight.periods import previous_month
from oversight.reports import active_departments
from oversight.services import scope_of

if TYPE_CHECKING:
    from accounts.models import User


@dataclass(frozen=True)
class Selection:
    scope: Departments  # every department the user may see
    departments: Departments  # the departments the figures cover
    listed: list[int]  # shown one by one
    department: int | None  # one chosen department, or None for all of them
    year: int
    month: int

    @property
    def aggregate(self) -> bool:
        return self.department is None

    def query(self, **extra: object) -> str:
        from urllib.parse import urlencode

        params: dict[str, object] = {"year": self.year}
        if self.department is not None:
            params["department"] = self.department
        params.update({k: v for k, v in extra.items() if v not in (None, "")})
        return urlencode(params)


def _int(value: str | None, low: int, high: int) -> int | None:
    if value is None or not value.strip().isdigit():
        return None
    number = int(value)
    return number if low <= number <= high else None


def select(
    user: User,
    params: Mapping[str, str],
    today: dt.date | None = None,
    default_to_own: bool = False,
) -> Selection:
    """`department=<id>` narrows to one visible department; otherwise all visible ones. With
    `default_to_own`, department staff get their own department unless `aggregate=1`."""
    today = today or timezone.localdate()
    scope = scope_of(user)
    last_year, last_month = previous_month(today)
    year = _int(params.get("year"), 2000, 2100) or (
        last_year if default_to_own and params.get("month") is None else today.year
    )
    month = _int(params.get("month"), 1, 12) or (last_month if year == last_year else 12)
    department = _int(params.get("department"), 1, 2**31)
    if department not in scope:
        department = None
    if (
        department is None
        and default_to_own
        and params.get("aggregate") != "1"
        and user.department_id in scope
        and user.has_role(*DEPARTMENT_ROLES)
    ):
        department = user.department_id
    if department is not None:
        return Selection(scope, frozenset({department}), [department], department, year, month)
    return Selection(scope, scope, active_departments(scope), None, year, month)
