"""URL kwargs for the permission-matrix test (tests/test_permission_matrix.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from accounts.models import User
from tasks.choices import DrawStatus, TaskTrigger
from tasks.models import SubjectDraw, Task, TeamDraw, TeamMember


def _task() -> Task:
    staff = User.objects.get(username="staff")
    task, _ = Task.objects.get_or_create(
        code="2027-DEMO-MX-ZRZY-900",
        defaults={
            "name": "示例任务",
            "year": 2027,
            "department": staff.department,
            "trigger": TaskTrigger.ADHOC,
            "reason": "示例",
            "window_start": dt.date(2027, 5, 1),
            "window_end": dt.date(2027, 6, 1),
            "created_by": staff,
        },
    )
    return task


def _joint_task() -> Task:
    from organisations.models import Department

    staff = User.objects.get(username="staff")
    task, created = Task.objects.get_or_create(
        code="2027-DEMO-MX-ZRZY-901",
        defaults={
            "name": "示例联合任务",
            "year": 2027,
            "department": staff.department,
            "trigger": TaskTrigger.ADHOC,
            "reason": "示例",
            "window_start": dt.date(2027, 5, 1),
            "window_end": dt.date(2027, 6, 1),
            "created_by": staff,
        },
    )
    if created:
        task.participants.set([Department.objects.get(code="DEMO-MX-SCJG")])
    return task


def _draw() -> SubjectDraw:
    task = _task()
    draw, _ = SubjectDraw.objects.get_or_create(
        task=task, number=1, defaults={"status": DrawStatus.COMMITTED, "settings": {}}
    )
    return draw


def _member() -> TeamMember:
    from subjects.models import Subject, SubjectType

    draw = _draw()
    team_draw, _ = TeamDraw.objects.get_or_create(
        subject_draw=draw,
        department=draw.task.department,
        defaults={
            "task": draw.task,
            "params": {},
            "commitment_digest": "0" * 64,
            "pool_file": "",
            "library_file": "",
            "record": {},
            "seed": "0" * 64,
            "drawn_at": timezone.now(),
            "drawn_by": User.objects.get(username="staff"),
        },
    )
    subject, _ = Subject.objects.get_or_create(
        department=draw.task.department,
        code="MATRIX-1",
        defaults={"name": "示例对象", "subject_type": SubjectType.objects.get(code="enterprise")},
    )
    member, _ = TeamMember.objects.get_or_create(team_draw=team_draw, subject=subject, group="示例")
    return member


def _document_kwargs() -> dict[str, Any]:
    from tasks.models import DrawnSubject

    member = _member()
    DrawnSubject.objects.get_or_create(
        draw=member.team_draw.subject_draw,
        subject=member.subject,
        defaults={"public_id": "MATRIX:1", "stratum": "示例", "rank": 1, "key": "0" * 64},
    )
    return {
        "pk": member.team_draw.subject_draw.pk,
        "subject_pk": member.subject_id,
        "kind": "notice",
    }


def _pk(make: Callable[[], Any]) -> Callable[[], dict[str, Any]]:
    return lambda: {"pk": make().pk}


SAMPLES: dict[str, Callable[[], dict[str, Any]]] = {
    "tasks:detail": _pk(_task),
    "tasks:draw_new": _pk(_task),
    "tasks:complete": _pk(_task),
    "tasks:summary": _pk(_task),
    "tasks:targeted_add": _pk(_task),
    "tasks:joint_registry": _pk(_joint_task),
    "tasks:witness": _pk(_draw),
    "tasks:draw_lottery": _pk(_draw),
    "tasks:draw_execute": _pk(_draw),
    "tasks:draw_void": _pk(_draw),
    "tasks:draw_void_decide": _pk(_draw),
    "tasks:draw_record": _pk(_draw),
    "tasks:draw_pool": _pk(_draw),
    "tasks:draw_export": lambda: {"pk": _draw().pk, "fmt": "csv"},
    "tasks:draw_teams": _pk(_draw),
    "tasks:draw_distribute": _pk(_draw),
    "tasks:member_recuse": _pk(lambda: _member()),
    "tasks:document": lambda: _document_kwargs(),
    "task-detail": _pk(_task),
    "task-preview": _pk(_task),
    "task-prepare": _pk(_task),
    "task-records": _pk(_task),
    "task-complete": _pk(_task),
    "task-joint-registry-subjects": _pk(_joint_task),
    "task-joint-registry-inspectors": _pk(_joint_task),
    "draw-detail": _pk(_draw),
    "draw-witness-commitment": _pk(_draw),
    "draw-reveal": _pk(_draw),
    "draw-lottery": _pk(_draw),
    "draw-execute": _pk(_draw),
    "draw-void": _pk(_draw),
    "draw-void-decision": _pk(_draw),
    "draw-record": _pk(_draw),
    "draw-teams": _pk(_draw),
    "draw-distribute": _pk(_draw),
    "team-member-detail": _pk(lambda: _member()),
    "team-member-recuse": _pk(lambda: _member()),
}
