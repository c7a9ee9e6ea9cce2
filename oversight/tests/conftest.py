"""A small deterministic year (2025) for the oversight figures, built directly on the models so
every date is chosen. The expected numbers are worked out by hand in EXPECTED below.

    A = 县自然资源局 (staff), B = 县住建局 (housing), C = 县市场监管局 (market), D = 县交通运输局

T1  A alone, item I1, subjects class C. Draw 1 (Feb) voided; draw 2 locked 2025-03-20, pool 100,
    10 drawn + 2 substitutes. 8 records approved: 5 effective in April (2 adverse), 3 in May
    (1 adverse); 2 drafts. Publications: 4 published in May (1 late), 1 published 2025-06-10 and
    corrected in July (late); 2 pending due 2025-05-20 (overdue); 1 withheld. Closed: 4 of the 5
    published (3 of the May ones and the June one).
T2  joint: A leads, B and C join; item I2; subjects class A. Locked 2025-04-15, pool 50, 5 drawn;
    5 records of A effective 2025-04-25 (1 adverse), inspected 2025-04-24; 5 published
    2025-05-06 on time, all closed.
T3  B alone, item I3, unclassified subjects. Locked 2025-04-02, pool 20, 4 drawn; 4 records of B
    effective 2025-04-20, none adverse, inspected 2025-04-19; 4 pending due 2025-05-10 (overdue).
    Its first subject has the same 统一社会信用代码 as T2's first: one repeat-inspection warning.
T4  targeted (complaint), A: locked April, 3 records approved in April — never counted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.utils import timezone

from core.checkdigits import uscc_check_char
from inspections.choices import RecordStatus
from inspections.models import InspectionRecord, ResultCategory
from organisations.models import Department
from publication.choices import CorrectionSource, CorrectionState, PublicationState
from publication.models import Correction, ResultPublication
from subjects.models import Subject, SubjectType
from tasks.choices import DrawStatus, TaskStatus, TaskTrigger
from tasks.models import DrawnSubject, SubjectDraw, Task

TODAY = dt.date(2025, 12, 31)
YEAR = 2025


def at(day: str, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(
        dt.date.fromisoformat(day), dt.time(hour), tzinfo=timezone.get_current_timezone()
    )


def d(day: str) -> dt.date:
    return dt.date.fromisoformat(day)


@dataclass
class Year:
    a: Department
    b: Department
    c: Department
    d: Department
    tasks: dict[str, Task] = field(default_factory=dict)
    items: dict[str, Any] = field(default_factory=dict)
    records: dict[str, list[InspectionRecord]] = field(default_factory=dict)


_serial = iter(range(1, 10_000))


def _subjects(department: Department, n: int, risk: str, uscc: str | None = None) -> list[Subject]:
    enterprise = SubjectType.objects.get(code="enterprise")
    made = []
    for i in range(n):
        if i == 0 and uscc:
            code = uscc
        else:
            body = f"91480321MB{next(_serial):07d}"
            code = body + uscc_check_char(body)
        made.append(
            Subject.objects.create(
                department=department,
                code=code,
                uscc=code,
                subject_type=enterprise,
                name=f"{department.short_name}监督测试对象{code[-6:]}",
                credit_risk_class=risk,
            )
        )
    return made


def _task(code: str, lead: Department, item: Any, trigger: str = TaskTrigger.PLAN) -> Task:
    task = Task.objects.create(
        code=code,
        name=f"任务{code}",
        year=YEAR,
        department=lead,
        trigger=trigger,
        reason="" if trigger == TaskTrigger.PLAN else "测试",
        window_start=d("2025-03-01"),
        window_end=d("2025-07-31"),
        status=TaskStatus.LOCKED,
    )
    task.items.set([item])
    return task


def _draw(
    task: Task,
    number: int,
    status: str,
    drawn: str,
    pool: int,
    subjects: list[Subject],
    subs: int = 0,
) -> SubjectDraw:
    draw = SubjectDraw.objects.create(
        task=task,
        number=number,
        status=status,
        settings={"ratios": {"A": "10.00", "C": "20.00"}},
        pool_count=pool,
        drawn_at=at(drawn),
    )
    for rank, subject in enumerate(subjects, start=1):
        DrawnSubject.objects.create(
            draw=draw,
            subject=subject,
            public_id=f"P{subject.pk}",
            stratum="C",
            rank=rank,
            key="0" * 64,
            is_substitute=rank > len(subjects) - subs,
        )
    return draw


def _record(
    task: Task,
    subject: Subject,
    department: Department,
    effective: str | None,
    adverse: bool = False,
    closed: bool = True,
    inspected: str | None = None,
) -> InspectionRecord:
    result = ResultCategory.objects.get(code="problem_pending" if adverse else "no_problem")
    return InspectionRecord.objects.create(
        task=task,
        subject=subject,
        department=department,
        status=RecordStatus.APPROVED if effective else RecordStatus.DRAFT,
        result=result if effective else None,
        effective_at=at(effective) if effective else None,
        inspected_on=d(inspected) if inspected else (d(effective) if effective else None),
        follow_up_closed_at=at(effective) if effective and closed else None,
    )


def _publication(
    record: InspectionRecord,
    state: str,
    due: str,
    published: str | None = None,
    late: bool = False,
) -> ResultPublication:
    return ResultPublication.objects.create(
        record=record,
        department=record.department,
        task=record.task,
        subject=record.subject,
        subject_name=record.subject.name,
        subject_code=record.subject.uscc,
        state=state,
        effective_on=timezone.localdate(record.effective_at),
        due=d(due),
        published_on=d(published) if published else None,
        published_at=at(published) if published else None,
        published_late=late,
        classification="privacy" if state == PublicationState.WITHHELD else "",
    )


@pytest.fixture
def year(demo_org: None, make_item: Callable[..., Any]) -> Year:
    a, b, c, dd = (
        Department.objects.get(code=f"DEMO-MX-{x}") for x in ("ZRZY", "ZJ", "SCJG", "JT")
    )
    y = Year(a, b, c, dd)
    y.items = {
        "I1": make_item("OV-I1"),
        "I2": make_item("OV-I2"),
        "I3": make_item("OV-I3", department_code="DEMO-MX-ZJ"),
    }
    pub = PublicationState

    # T1
    t1 = y.tasks["T1"] = _task("2025-OV-T1", y.a, y.items["I1"])
    s1 = _subjects(y.a, 12, "C")
    _draw(t1, 1, DrawStatus.VOIDED, "2025-02-10", 100, s1[:10])
    _draw(t1, 2, DrawStatus.LOCKED, "2025-03-20", 100, s1, subs=2)
    effective = ["2025-04-08"] * 5 + ["2025-05-12"] * 3
    adverse = [True, True, False, False, False, True, False, False]
    closed = [True, True, True, False, True, True, True, True]
    r1 = [
        _record(t1, s, y.a, e, a, c)
        for s, e, a, c in zip(s1[:8], effective, adverse, closed, strict=True)
    ]
    r1 += [_record(t1, s, y.a, None) for s in s1[8:10]]
    y.records["T1"] = r1
    _publication(r1[0], pub.PUBLISHED, "2025-05-06", "2025-05-05")
    _publication(r1[1], pub.PUBLISHED, "2025-05-06", "2025-05-06")
    _publication(r1[2], pub.PUBLISHED, "2025-05-06", "2025-05-06")
    _publication(r1[3], pub.PUBLISHED, "2025-05-06", "2025-05-09", late=True)
    corrected = _publication(r1[5], pub.CORRECTED, "2025-06-10", "2025-06-10")
    _publication(r1[6], pub.PENDING, "2025-05-20")
    _publication(r1[7], pub.IN_REVIEW, "2025-05-20")
    _publication(r1[4], pub.WITHHELD, "2025-05-06")
    Correction.objects.create(
        publication=corrected,
        source=CorrectionSource.STAFF,
        state=CorrectionState.PUBLISHED,
        verified_on=d("2025-07-01"),
        due=d("2025-07-08"),
        reason="检查结论有误",
        changes={},
        published_at=at("2025-07-10"),
        published_late=True,
    )

    # T2 (joint)
    t2 = y.tasks["T2"] = _task("2025-OV-T2", y.a, y.items["I2"])
    t2.participants.set([y.b, y.c])
    s2 = _subjects(y.a, 5, "A")
    _draw(t2, 1, DrawStatus.LOCKED, "2025-04-15", 50, s2)
    r2 = [
        _record(t2, s, y.a, "2025-04-25", adverse=i == 0, inspected="2025-04-24")
        for i, s in enumerate(s2)
    ]
    y.records["T2"] = r2
    for r in r2:
        _publication(r, pub.PUBLISHED, "2025-05-12", "2025-05-06")

    # T3
    t3 = y.tasks["T3"] = _task("2025-OV-T3", y.b, y.items["I3"], TaskTrigger.ADHOC)
    s3 = _subjects(y.b, 4, "", uscc=s2[0].uscc)
    _draw(t3, 1, DrawStatus.LOCKED, "2025-04-02", 20, s3)
    r3 = [_record(t3, s, y.b, "2025-04-20", inspected="2025-04-19") for s in s3]
    y.records["T3"] = r3
    for r in r3:
        _publication(r, pub.PENDING, "2025-05-10")

    # T4 (targeted: never counted)
    t4 = y.tasks["T4"] = _task("2025-OV-T4", y.a, y.items["I1"], TaskTrigger.COMPLAINT)
    s4 = _subjects(y.a, 3, "D")
    _draw(t4, 1, DrawStatus.LOCKED, "2025-04-03", 3, s4)
    for s in s4:
        r = _record(t4, s, y.a, "2025-04-10", adverse=True)
        _publication(r, pub.PUBLISHED, "2025-05-06", "2025-04-20")
    return y


def counts(**values: int) -> dict[str, int]:
    from oversight.figures import COUNT_NAMES

    return {name: values.get(name, 0) for name in COUNT_NAMES}


# Hand-computed from the module docstring.
EXPECTED_YEAR = {
    "total": counts(
        pool=170,
        drawn=19,
        inspected=17,
        problems=4,
        published=10,
        published_on_time=9,
        published_late=1,
        overdue_pending=6,
        closed=9,
        corrections=1,
        corrections_late=1,
    ),
    "a": counts(
        pool=150,
        drawn=15,
        inspected=13,
        problems=4,
        published=10,
        published_on_time=9,
        published_late=1,
        overdue_pending=2,
        closed=9,
        corrections=1,
        corrections_late=1,
    ),
    "b": counts(
        pool=70,
        drawn=9,
        inspected=9,
        problems=1,
        published=5,
        published_on_time=5,
        overdue_pending=4,
        closed=5,
    ),
    "c": counts(
        pool=50, drawn=5, inspected=5, problems=1, published=5, published_on_time=5, closed=5
    ),
    "d": counts(),
}
EXPECTED_RATES = {
    "coverage": 11.2,
    "completion": 52.6,
    "closure": 90.0,
    "timeliness": 90.0,
    "problem_rate": 23.5,
}


@pytest.fixture(autouse=True)
def _fresh_figures(settings: Any) -> None:
    """Each test's data differs: never serve another test's cached dashboard."""
    settings.OVERSIGHT_CACHE_SECONDS = 0
