"""URL kwargs for the permission-matrix test (tests/test_permission_matrix.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from accounts.models import User
from plans.choices import AdjustmentKind
from plans.models import AnnualPlan, PlanAdjustment, PlanEntry


def _plan() -> AnnualPlan:
    staff = User.objects.get(username="staff")
    plan, _ = AnnualPlan.objects.get_or_create(
        department=staff.department, year=2027, defaults={"title": "示例计划", "created_by": staff}
    )
    return plan


def _entry() -> PlanEntry:
    plan = _plan()
    entry = plan.entries.first()
    if entry is None:
        entry = PlanEntry.objects.create(
            plan=plan,
            name="示例条目",
            object_scope="示例",
            window_start=dt.date(2027, 3, 1),
            window_end=dt.date(2027, 6, 1),
            lead_department=plan.department,
        )
    return entry


def _adjustment() -> PlanAdjustment:
    entry = _entry()
    adjustment, _ = PlanAdjustment.objects.get_or_create(
        plan=entry.plan, entry=entry, kind=AdjustmentKind.REMOVE, defaults={"reason": "示例"}
    )
    return adjustment


def _pk(make: Callable[[], Any]) -> Callable[[], dict[str, Any]]:
    return lambda: {"pk": make().pk}


SAMPLES: dict[str, Callable[[], dict[str, Any]]] = {
    "plans:detail": _pk(_plan),
    "plans:export": lambda: {"pk": _plan().pk, "fmt": "xlsx"},
    "plans:entry_add": _pk(_plan),
    "plans:merge": _pk(_plan),
    "plans:adjustment_new": _pk(_plan),
    "plans:action": lambda: {"pk": _plan().pk, "action": "submit"},
    "plans:entry_edit": _pk(_entry),
    "plans:entry_archive": _pk(_entry),
    "plans:adjustment_decide": _pk(_adjustment),
    "plan-detail": _pk(_plan),
    "plan-entries": _pk(_plan),
    "plan-submit": _pk(_plan),
    "plan-return": _pk(_plan),
    "plan-file": _pk(_plan),
    "plan-publish": _pk(_plan),
    "plan-adjustment-detail": _pk(_adjustment),
    "plan-adjustment-decide": _pk(_adjustment),
}
