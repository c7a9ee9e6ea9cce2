"""Creating tasks (C1, C10, C12): from a plan entry, ad hoc with a reason, or targeted."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accounts.choices import Role
from accounts.models import User
from accounts.scope import can_edit_department_data
from audit.services import record_event
from items.choices import InspectionMethod
from items.models import InspectionItem
from organisations.models import Department
from plans.choices import PlanStatus
from plans.models import PlanEntry
from tasks.choices import RANDOM_TRIGGERS, TaskTrigger
from tasks.models import Task


@dataclass
class TaskValues:
    name: str
    trigger: str
    item_ids: list[int]
    window_start: dt.date
    window_end: dt.date
    reason: str = ""
    participant_ids: list[int] = field(default_factory=list)
    methods: list[str] = field(default_factory=list)
    plan_entry_id: int | None = None


def suggested_name(year: int, department: Department, content: str) -> str:
    """C1: 年度 + 单位 + 内容."""
    return f"{year}年度{department.short_name or department.name}{content}"


def values_from_entry(entry: PlanEntry) -> TaskValues:
    plan = entry.plan
    return TaskValues(
        name=suggested_name(plan.year, plan.department, entry.name),
        trigger=TaskTrigger.PLAN,
        item_ids=sorted(entry.items.values_list("pk", flat=True)),
        window_start=entry.window_start,
        window_end=entry.window_end,
        participant_ids=sorted(entry.participants.values_list("pk", flat=True)),
        methods=[m for m in entry.methods.split(",") if m],
        plan_entry_id=entry.pk,
    )


def _source_errors(department: Department, values: TaskValues) -> dict[str, str]:
    if values.trigger not in TaskTrigger.values:
        return {"trigger": "请选择任务来源"}
    if values.trigger == TaskTrigger.PLAN:
        in_force = PlanEntry.objects.filter(
            pk=values.plan_entry_id or 0,
            is_archived=False,
            plan__department=department,
            plan__status__in=[PlanStatus.FILED, PlanStatus.PUBLISHED],
        )
        return {} if in_force.exists() else {"plan_entry": "请选择本部门已备案计划中的条目"}
    if not values.reason.strip():
        return {"reason": "临时抽查或定向检查须说明来源和原因"}
    return {}


def _validate(department: Department, values: TaskValues) -> None:
    errors = _source_errors(department, values)
    if not values.name.strip():
        errors["name"] = "请填写任务名称"
    if values.window_end < values.window_start:
        errors["window_end"] = "检查截止日期不能早于开始日期"
    departments = {department.pk, *values.participant_ids}
    found = (
        InspectionItem.objects.in_force()
        .filter(pk__in=values.item_ids, item_list__department_id__in=departments)
        .count()
    )
    if not values.item_ids or found != len(set(values.item_ids)):
        errors["items"] = "请选择牵头或配合部门现行清单中的抽查事项"
    if department.pk in values.participant_ids:
        errors["participants"] = "配合部门不能是牵头部门本身"
    if set(values.methods) - set(InspectionMethod.values):
        errors["methods"] = "未知的抽查方式"
    if errors:
        raise ValidationError(errors)


def create_task(by: User, values: TaskValues) -> Task:
    department = by.department
    if department is None or not (
        can_edit_department_data(by, department.pk) and by.has_role(Role.BUSINESS_STAFF)
    ):
        raise PermissionDenied("只有本部门业务人员可以创建抽查任务")
    _validate(department, values)
    with transaction.atomic():
        year = values.window_start.year
        task = Task.objects.create(
            code=_next_code(department, year),
            name=values.name.strip(),
            year=year,
            department=department,
            plan_entry_id=values.plan_entry_id,
            trigger=values.trigger,
            reason=values.reason.strip(),
            methods=",".join(sorted(set(values.methods))),
            window_start=values.window_start,
            window_end=values.window_end,
            created_by=by,
            modified_by=by,
        )
        task.items.set(values.item_ids)
        task.participants.set(values.participant_ids)
        record_event(
            action="task.created",
            actor=by,
            obj=task,
            after={
                "code": task.code,
                "name": task.name,
                "trigger": task.trigger,
                "random": values.trigger in RANDOM_TRIGGERS,
                "items": sorted(values.item_ids),
                "participants": sorted(values.participant_ids),
                "window": [values.window_start.isoformat(), values.window_end.isoformat()],
            },
            reason=values.reason,
        )
    return task


def _next_code(department: Department, year: int) -> str:
    """A stable public number: 年度-部门代码-序号. Runs inside the creating transaction."""
    Department.objects.select_for_update().filter(pk=department.pk).first()
    count = Task.objects.filter(department=department, year=year).count()
    return f"{year}-{department.code}-{count + 1:03d}"
