"""Building a draw's candidate pool from the subject registry (C2–C4, C10).

The pool carries only what the strata need: a stable public id (the 统一社会信用代码, or
部门代码:对象编码 for subjects without one), the credit-risk class, a list flag, a weight and the
region. One firm registered by several departments of a joint task is one candidate.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet

import suiji
from subjects.choices import OperatingStatus
from subjects.models import Subject
from tasks.choices import RANDOM_TRIGGERS
from tasks.models import DrawnSubject, Task

POOL_COLUMNS = ("id", "risk", "lists", "weight", "region")
NO_CLASS = "N"
CONDITION_FIELDS = ("regions", "subject_types", "industries", "licences", "tags", "flagged_only")


def public_id(subject: Subject) -> str:
    return subject.uscc or f"{subject.department.code}:{subject.code}"


def candidates(task: Task, conditions: dict[str, Any]) -> QuerySet[Subject]:
    """不定向: every active subject of the task's departments; 定向: narrowed by conditions."""
    departments = [task.department_id, *task.participants.values_list("pk", flat=True)]
    subjects = Subject.objects.active().filter(
        department_id__in=departments, operating_status=OperatingStatus.ACTIVE
    )
    if conditions.get("regions"):
        subjects = subjects.filter(region__code__in=conditions["regions"])
    if conditions.get("subject_types"):
        subjects = subjects.filter(subject_type__code__in=conditions["subject_types"])
    if conditions.get("industries"):
        codes = conditions["industries"]
        subjects = subjects.filter(
            Q(industry__code__in=codes) | Q(industry__parent__code__in=codes)
        )
    if conditions.get("licences"):
        subjects = subjects.filter(licence_types__code__in=conditions["licences"])
    if conditions.get("tags"):
        subjects = subjects.filter(tags__pk__in=conditions["tags"])
    if conditions.get("flagged_only"):
        subjects = subjects.filter(Q(abnormal_list=True) | Q(serious_violation_list=True))
    return subjects.distinct()


@dataclass(frozen=True)
class Candidate:
    public_id: str
    subject_id: int
    row: tuple[str, str, str, str, str]


def pool_candidates(task: Task, conditions: dict[str, Any]) -> Iterator[Candidate]:
    seen: set[str] = set()
    rows = (
        candidates(task, conditions)
        .order_by("pk")
        .values_list(
            "pk",
            "uscc",
            "code",
            "department__code",
            "credit_risk_class",
            "abnormal_list",
            "serious_violation_list",
            "complaint_count",
            "region__code",
        )
    )
    for pk, uscc, code, dept, risk, abnormal, serious, complaints, region in rows.iterator(2000):
        pid = uscc or f"{dept}:{code}"
        if pid in seen:
            continue
        seen.add(pid)
        flagged = "1" if abnormal or serious else "0"
        yield Candidate(
            pid, pk, (pid, risk or NO_CLASS, flagged, str(1 + complaints), region or "")
        )


def already_inspected(task: Task, public_ids: set[str]) -> dict[str, str]:
    """C4: candidates randomly drawn this year, in a locked draw, for an item of this task."""
    items = list(task.items.values_list("code", flat=True))
    drawn = (
        DrawnSubject.objects.filter(
            is_substitute=False,
            draw__status__in=["locked", "void_requested"],
            draw__task__year=task.year,
            draw__task__trigger__in=list(RANDOM_TRIGGERS),
            draw__task__items__code__in=items,
        )
        .exclude(draw__task=task)
        .values_list("public_id", "draw__task__code")
        .distinct()
    )
    return {
        pid: f"本年度已在任务 {code} 中就同一事项随机抽查"
        for pid, code in drawn
        if pid in public_ids
    }


def save_pool_file(name: str, pool: suiji.PoolData) -> Path:
    """Write a pool in its canonical text (header, then the sorted lines) to private storage,
    where a verifier or a later step reads it back; return the path."""
    folder = Path(settings.PRIVATE_FILES_ROOT) / "draws"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    with path.open("wb") as out:
        out.write(pool.header())
        for block in pool.iter_blocks():
            out.write(block)
    return path
