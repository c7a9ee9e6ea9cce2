"""Factories and fixtures for this app's tests: a locked task with drawn teams and its records."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from accounts.choices import Role
from accounts.models import User
from inspections import services
from inspections.choices import CheckMethod, Confirmation, FollowUpAction, PointOutcome
from inspections.models import InspectionRecord
from tasks.models import Task

INSPECTOR_NAMES = [
    "吴检查",
    "检查员1",
    "检查员2",
    "检查员3",
]  # 吴检查's registry entry is linked to the demo account "inspector"


@pytest.fixture
def staff(user_with_role: Callable[[str], User]) -> User:
    return user_with_role(Role.BUSINESS_STAFF)


@pytest.fixture
def inspector(user_with_role: Callable[[str], User]) -> User:
    return user_with_role(Role.INSPECTOR)


@pytest.fixture
def head(user_with_role: Callable[[str], User]) -> User:
    return user_with_role(Role.UNIT_HEAD)


@pytest.fixture
def housing() -> User:
    return User.objects.get(username="housing")


def build_task(
    staff: User,
    make_item: Callable[..., Any],
    make_subjects: Callable[..., list[Any]],
    window: tuple[dt.date, dt.date] | None = None,
) -> Task:
    from inspectors.models import Inspector
    from items.models import ChecklistPoint, EnforcementArea
    from tasks import draws, teams
    from tasks.services import TaskValues, create_task

    area, _ = EnforcementArea.objects.get_or_create(code="land", defaults={"name": "土地"})
    item = make_item("ZR-INSP", cap="100")
    item.enforcement_area = area
    item.save()
    ChecklistPoint.objects.create(item=item, seq=1, text="是否按批准用途使用土地")
    ChecklistPoint.objects.create(item=item, seq=2, text="是否存在未批先建")
    make_subjects(8)
    assert staff.department is not None
    for i, name in enumerate(INSPECTOR_NAMES):
        inspector = Inspector.objects.create(
            department=staff.department,
            name=name,
            certificate_no=f"ZF-INSP-{i:04d}",
            certificate_valid_from=dt.date(2020, 1, 1),
            certificate_valid_until=dt.date(2035, 1, 1),
            account=User.objects.filter(username="inspector").first() if i == 0 else None,
        )
        inspector.enforcement_areas.add(area)
    today = timezone.localdate()
    start, end = window or (today - dt.timedelta(days=10), today + dt.timedelta(days=30))
    task = create_task(
        staff,
        TaskValues(
            name="土地利用专项抽查",
            trigger="adhoc",
            reason="专项整治",
            item_ids=[item.pk],
            window_start=start,
            window_end=end,
        ),
    )
    settings = draws.DrawSettings(ratios={"A": Decimal("100"), "B": Decimal("100")})
    draw = draws.execute_draw(staff, draws.prepare_draw(staff, task, settings))
    teams.draw_teams(staff, draw, teams.TeamSettings(min_team_size=4))
    return task


@pytest.fixture
def task(
    staff: User, make_item: Callable[..., Any], make_subjects: Callable[..., list[Any]]
) -> Task:
    return build_task(staff, make_item, make_subjects)


@pytest.fixture
def records(task: Task, staff: User) -> list[InspectionRecord]:
    services.generate_records(staff, task)
    return list(InspectionRecord.objects.filter(task=task).order_by("pk"))


@pytest.fixture
def record(records: list[InspectionRecord]) -> InspectionRecord:
    return records[0]


def complete_values(record: InspectionRecord, result: str = "no_problem") -> services.RecordValues:
    return services.RecordValues(
        inspected_on=timezone.localdate(),
        methods=[CheckMethod.ON_SITE],
        onsite_notes="现场检查，企业按批准用途使用土地。",
        confirmation=Confirmation.SIGNED,
        confirmed_by_name="张法人",
        confirmed_at=timezone.now(),
        result_code=result,
        conclusion="未发现问题",
        follow_up_action=FollowUpAction.NONE if result == "no_problem" else FollowUpAction.RECTIFY,
        checklist={row.pk: (PointOutcome.PASS, "") for row in record.checklist.all()},
    )


def submitted(
    record: InspectionRecord, inspector: User, result: str = "no_problem"
) -> InspectionRecord:
    services.save_record(inspector, record, complete_values(record, result))
    return services.submit_record(inspector, record)
