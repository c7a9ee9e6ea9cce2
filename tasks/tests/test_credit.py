"""Credit linkage (E5): effective adverse results raise the draw weight by the documented rule."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.choices import Role
from accounts.models import User
from inspections.choices import FollowUpKind, RecordStatus
from inspections.models import FollowUp, InspectionRecord, ResultCategory
from subjects.models import Subject
from tasks import draws
from tasks.choices import DrawStatus
from tasks.credit import CreditRule
from tasks.models import DrawnSubject, SubjectDraw, Task
from tasks.pool import pool_candidates
from tasks.tests.test_draws import make_task, staff  # noqa: F401 — fixture

AS_OF = timezone.make_aware(dt.datetime(2027, 3, 15, 10, 0))
WINDOW_START = timezone.make_aware(dt.datetime(2024, 3, 15, 0, 0))  # 3 years back, local midnight


def _yesterday() -> dt.datetime:
    return timezone.now() - dt.timedelta(days=1)


@pytest.fixture
def results() -> dict[str, ResultCategory]:
    return {
        "adverse": ResultCategory.objects.create(code="t-adverse", name="发现问题", adverse=True),
        "refusal": ResultCategory.objects.create(
            code="t-refusal", name="不配合检查情节严重", refusal=True
        ),
        "fine": ResultCategory.objects.create(code="t-fine", name="未发现问题"),
    }


def _record(
    task: Task,
    subject: Subject,
    result: ResultCategory,
    effective: dt.datetime,
    status: str = RecordStatus.APPROVED,
) -> InspectionRecord:
    return InspectionRecord.objects.create(
        task=task,
        subject=subject,
        department=task.department,
        status=status,
        result=result,
        effective_at=effective,
    )


@pytest.fixture
def world(
    staff: User,  # noqa: F811
    make_item: Callable[..., Any],
    make_subjects: Callable[..., list[Any]],
    results: dict[str, ResultCategory],
) -> tuple[Task, list[Subject]]:
    """Eight subjects, each a case of the rule; the task to draw them is a separate one."""
    s = make_subjects(8)
    old = make_task(staff, make_item("ZR-OLD"), name="往年抽查")
    tasks = [make_task(staff, make_item(f"ZR-O{n}"), name=f"检查{n}") for n in range(3)]
    _record(old, s[0], results["adverse"], WINDOW_START)  # on the window edge: counts
    _record(old, s[1], results["adverse"], WINDOW_START - dt.timedelta(seconds=1))  # just before
    refused = _record(old, s[2], results["refusal"], AS_OF - dt.timedelta(days=30))
    FollowUp.objects.create(
        record=refused,
        kind=FollowUpKind.CASE,
        started_on=dt.date(2027, 2, 20),
        due=dt.date(2027, 3, 20),
        working_days=15,
        case_number="明自然资罚〔2027〕3号",
    )
    _record(old, s[3], results["fine"], AS_OF - dt.timedelta(days=30))  # not adverse
    _record(old, s[4], results["adverse"], AS_OF, status=RecordStatus.SUBMITTED)  # not effective
    Subject.objects.filter(pk=s[5].pk).update(complaint_count=3)
    for task in tasks[:2]:  # two adverse results, in two tasks
        _record(task, s[5], results["adverse"], AS_OF - dt.timedelta(days=400))
    _record(tasks[2], s[6], results["adverse"], AS_OF + dt.timedelta(days=1))  # after as-of
    # s[7] was drawn in a voided draw only: that changes nothing
    voided = SubjectDraw.objects.create(task=old, number=1, status=DrawStatus.VOIDED)
    DrawnSubject.objects.create(
        draw=voided, subject=s[7], public_id=s[7].uscc, stratum="A类", rank=1, key="0" * 64
    )
    task = make_task(staff, make_item("ZR-NOW", cap="100"), name="本次抽查")
    return task, s


def test_weights_follow_the_rule(world: tuple[Task, list[Subject]]) -> None:
    task, s = world
    found = {c.subject_id: c for c in pool_candidates(task, {}, AS_OF)}
    weights = [found[x.pk].weight for x in s]
    #          edge  before  refusal+立案  fine  submitted  3 complaints+2  future  voided
    assert weights == [3, 1, 5, 1, 1, 1 + 3 + 2 * 2, 1, 1]
    assert (found[s[2].pk].adverse, found[s[2].pk].cases) == (1, 1)
    assert CreditRule(3, 2).weight(3, 2, 0) == 8


def test_adverse_results_of_the_same_firm_in_another_registry_count(
    world: tuple[Task, list[Subject]], results: dict[str, ResultCategory]
) -> None:
    task, s = world
    housing = User.objects.get(username="housing")
    assert housing.department is not None
    twin = Subject.objects.create(
        department=housing.department,
        code=s[3].uscc,
        uscc=s[3].uscc,
        subject_type=s[3].subject_type,
        name=s[3].name,
    )
    other = Task.objects.create(
        code="2026-DEMO-MX-ZJ-001",
        name="住建检查",
        year=2026,
        department=housing.department,
        trigger="adhoc",
        window_start=dt.date(2026, 5, 1),
        window_end=dt.date(2026, 6, 1),
    )
    _record(other, twin, results["adverse"], AS_OF - dt.timedelta(days=10))
    found = {c.subject_id: c for c in pool_candidates(task, {}, AS_OF)}
    assert found[s[3].pk].weight == 3


def test_the_weights_take_a_fixed_number_of_queries(
    world: tuple[Task, list[Subject]], make_subjects: Callable[..., list[Any]]
) -> None:
    task, _ = world
    with CaptureQueriesContext(connection) as small:
        list(pool_candidates(task, {}, AS_OF))
    make_subjects(40, start=100)
    with CaptureQueriesContext(connection) as large:
        assert len(list(pool_candidates(task, {}, AS_OF))) == 48
    assert len(large) == len(small) <= 3


def test_preview_shows_the_rule_and_how_many_it_raised(
    world: tuple[Task, list[Subject]], client_as: Callable[[str], Client]
) -> None:
    task, s = world
    _record(task, s[3], ResultCategory.objects.get(code="t-adverse"), _yesterday())
    preview = draws.preview(task, draws.DrawSettings(count=3, weighted=True))
    assert preview.credit.applied
    assert preview.credit.adverse_weight == 2
    assert preview.credit.lookback_years == 3
    assert preview.credit.raised_by_complaints == 1
    assert preview.credit.raised_by_results >= 1  # the fixture's dates are relative to 2027
    page = client_as(Role.BUSINESS_STAFF).post(
        reverse("tasks:draw_new", args=[task.pk]),
        {"count": "3", "substitutes": "0", "weighted": "on", "step": "preview"},
    )
    body = page.content.decode()
    assert "权重 = 1 + 投诉举报次数 + 2 × 近 3 年已审核生效的不良检查结果数" in body
    assert f"<strong>{preview.credit.raised_by_results}</strong> 户因不良检查结果" in body
    assert "本次按权重抽取" in body
    api = client_as(Role.BUSINESS_STAFF).post(
        f"/api/v1/tasks/{task.pk}/preview/",
        {"count": 3, "weighted": True},
        content_type="application/json",
    )
    assert api.json()["credit"]["rule"].startswith("权重 = 1 + 投诉举报次数")


def test_a_weighted_draw_commits_the_weights(
    world: tuple[Task, list[Subject]],
    staff: User,  # noqa: F811
) -> None:
    task, s = world
    Subject.objects.filter(pk=s[4].pk).update(complaint_count=20)
    _record(task, s[4], ResultCategory.objects.get(code="t-adverse"), _yesterday())
    draw = draws.execute_draw(
        staff, draws.prepare_draw(staff, task, draws.DrawSettings(count=3, weighted=True))
    )
    rows = [line.split(",") for line in open(draw.pool_file, encoding="utf-8").read().splitlines()]
    assert rows[0] == ["id", "layer", "weight"]
    weights = sorted(int(r[2]) for r in rows[1:])
    assert weights[-1] == 1 + 20 + 2  # twenty complaints and yesterday's adverse result
    assert draw.internal["credit"]["adverse_weight"] == 2
    assert draw.internal["weighted"] is True
