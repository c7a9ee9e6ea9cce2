"""Building a draw's candidate pool from the subject registry (C2–C4, C10, E5).

The committed pool is public (E3): each row is a pseudonym H(salt ‖ public id) with a fresh random
salt, the neutral stratum number (`layer`, "0" = in no stratum) and, for a weighted draw, the
weight. The credit-risk class never appears in it; the private mapping (pseudonym → public id,
salt, and the registry attributes that placed the row) stays in private storage
(`tasks.pseudonyms`). One firm registered by several departments of a joint task is one
candidate; its public id is the 统一社会信用代码, or 部门代码:对象编码 for subjects without one.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import Case, CharField, F, Q, QuerySet, Value, When
from django.db.models.functions import Cast, Concat
from django.utils import timezone

import suiji
from subjects.choices import OperatingStatus
from subjects.models import Subject
from tasks.choices import RANDOM_TRIGGERS
from tasks.credit import CreditRule, adverse_counts, firm_key
from tasks.models import DrawnSubject, Task

POOL_COLUMNS = ("id", "layer")
WEIGHTED_POOL_COLUMNS = ("id", "layer", "weight")
OUTSIDE = "0"
CONDITION_FIELDS = ("regions", "subject_types", "industries", "licences", "tags", "flagged_only")
# A registry code that looks like an ID-card or mobile number never becomes a public id (E3).
_PERSONAL = re.compile(r"\d{17}[\dXx]|\d{15}|1[3-9]\d{9}")


def _public_id(uscc: str, department_code: str, code: str, pk: int) -> str:
    """The pool's public id of a registry row; rows with the same public id are one candidate."""
    if uscc:
        return uscc
    if _PERSONAL.search(code):
        return f"{department_code}:#{pk}"
    return f"{department_code}:{code}"


def public_id(subject: Subject) -> str:
    return _public_id(subject.uscc, subject.department.code, subject.code, subject.pk)


def task_department_ids(task: Task) -> list[int]:
    """The lead department first, then the participants of a joint task."""
    return [task.department_id, *task.participants.values_list("pk", flat=True)]


def registry_subjects(task: Task) -> QuerySet[Subject]:
    """The joint registry (A10): every subject of the task's departments, archived included."""
    return Subject.objects.filter(department_id__in=task_department_ids(task))


# A registry row the draw may take: still in the registry and 存续 (C2); `candidates` starts here.
ELIGIBLE = Q(is_archived=False, operating_status=OperatingStatus.ACTIVE)


def firm_key_expression(prefix: str = "") -> Case:
    """`firm_key` (the dedup rule of `pool_candidates`: one candidate per USCC, else per row) as
    a database expression, to group a registry by firm in one query; `prefix` reaches a
    subject through a relation (e.g. "subject__")."""
    return Case(
        When(
            **{f"{prefix}uscc": ""},
            then=Concat(Value("#"), Cast(f"{prefix}pk", output_field=CharField())),
        ),
        default=F(f"{prefix}uscc"),
        output_field=CharField(),
    )


def candidates(task: Task, conditions: dict[str, Any]) -> QuerySet[Subject]:
    """不定向: every active subject of the task's departments; 定向: narrowed by conditions."""
    subjects = registry_subjects(task).filter(ELIGIBLE)
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
    """One candidate with the registry attributes that place it (internal, never published)."""

    public_id: str
    subject_id: int
    risk: str  # A–D, or "" when unclassified
    flagged: bool  # 经营异常名录 or 严重违法失信名单
    complaints: int
    adverse: int  # effective adverse results in the credit window (E5)
    cases: int  # of which followed by 立案
    weight: int


def pool_candidates(
    task: Task, conditions: dict[str, Any], as_of: dt.datetime | None = None
) -> Iterator[Candidate]:
    """The candidates with their credit weights: two queries whatever the pool size."""
    rule = CreditRule.current()
    subjects = candidates(task, conditions)
    credit = adverse_counts(subjects, rule, as_of or timezone.now())
    seen: set[str] = set()
    rows = subjects.order_by("pk").values_list(
        "pk",
        "uscc",
        "code",
        "department__code",
        "credit_risk_class",
        "abnormal_list",
        "serious_violation_list",
        "complaint_count",
    )
    for pk, uscc, code, dept, risk, abnormal, serious, complaints in rows.iterator(2000):
        pid = _public_id(uscc, dept, code, pk)
        if pid in seen:
            continue
        seen.add(pid)
        adverse, cases = credit.get(firm_key(uscc, pk), (0, 0))
        yield Candidate(
            pid,
            pk,
            risk or "",
            bool(abnormal or serious),
            complaints,
            adverse,
            cases,
            rule.weight(complaints, adverse, cases),
        )


def inspected_this_year(task: Task) -> QuerySet[DrawnSubject]:
    """C4: subjects randomly drawn this year, in a locked draw of another task, for an item of
    this task."""
    items = list(task.items.values_list("code", flat=True))
    return DrawnSubject.objects.filter(
        is_substitute=False,
        draw__status__in=["locked", "void_requested"],
        draw__task__year=task.year,
        draw__task__trigger__in=list(RANDOM_TRIGGERS),
        draw__task__items__code__in=items,
    ).exclude(draw__task=task)


def already_inspected(task: Task, public_ids: set[str]) -> dict[str, str]:
    """C4: candidates randomly drawn this year, in a locked draw, for an item of this task."""
    drawn = inspected_this_year(task).values_list("public_id", "draw__task__code").distinct()
    return {
        pid: f"本年度已在任务 {code} 中就同一事项随机抽查"
        for pid, code in drawn
        if pid in public_ids
    }


def draws_folder() -> Path:
    folder = Path(settings.PRIVATE_FILES_ROOT) / "draws"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def save_pool_file(name: str, pool: suiji.PoolData) -> Path:
    """Write a pool in its canonical text (header, then the sorted lines) to private storage,
    where a verifier or a later step reads it back; return the path."""
    path = draws_folder() / name
    with path.open("wb") as out:
        out.write(pool.header())
        for block in pool.iter_blocks():
            out.write(block)
    return path
