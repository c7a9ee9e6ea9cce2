"""Every step of the lifecycle leaves its audit event, in order, with the acting user (全程留痕),
and the list pages keep a fixed query budget (no N+1)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.choices import Role
from accounts.models import User
from audit.models import AuditEvent
from audit.services import verify_chain


@pytest.fixture
def journey(
    user_with_role: Callable[[str], User],
    make_item: Callable[..., Any],
    make_subjects: Callable[..., list[Any]],
) -> dict[str, Any]:
    from inspections import services as records
    from inspections.choices import RecordStatus
    from inspections.models import InspectionRecord
    from inspectors.models import Inspector
    from items.models import ChecklistPoint, EnforcementArea
    from plans import services as plans
    from plans.values import EntryValues
    from tasks import draws, summary, teams
    from tasks import services as tasks

    staff, leader = user_with_role(Role.BUSINESS_STAFF), user_with_role(Role.SUPERVISING_LEADER)
    inspector, head = user_with_role(Role.INSPECTOR), user_with_role(Role.UNIT_HEAD)
    assert staff.department is not None
    year = dt.date.today().year
    area, _ = EnforcementArea.objects.get_or_create(code="land", defaults={"name": "土地"})
    item = make_item("ZR-TRACE", cap="100")
    item.enforcement_area = area
    item.save()
    ChecklistPoint.objects.create(item=item, seq=1, text="是否按批准用途使用土地")
    make_subjects(12)
    for i in range(3):
        person = Inspector.objects.create(
            department=staff.department,
            name=f"留痕员{i}",
            certificate_no=f"ZF-TR-{i}",
            certificate_valid_until=dt.date(year + 2, 1, 1),
            account=inspector if i == 0 else None,
        )
        person.enforcement_areas.add(area)
    first_seq = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0

    plan = plans.create_plan(staff, year)
    entry = plans.add_entry(
        staff,
        plan,
        EntryValues(
            name="土地利用抽查",
            item_ids=[item.pk],
            object_scope="用地单位",
            window_start=dt.date(year, 1, 1),
            window_end=dt.date(year, 12, 31),
            ratios={"A": Decimal("100")},
        ),
    )
    plans.submit_plan(staff, plan)
    plans.file_plan(leader, plan)
    plans.publish_plan(staff, plan)
    task = tasks.create_task(staff, tasks.values_from_entry(entry))
    draw = draws.execute_draw(
        staff, draws.prepare_draw(staff, task, draws.settings_from_task(task))
    )
    teams.draw_teams(staff, draw, teams.TeamSettings())
    records.generate_records(staff, task)
    for record in InspectionRecord.objects.filter(task=task):
        records.mark_address_unreachable(inspector, record)
        records.submit_record(inspector, record)
        records.approve_record(head, record, "同意")
    summary.complete_task(staff, task)
    assert not InspectionRecord.objects.exclude(status=RecordStatus.APPROVED).exists()
    return {
        "first_seq": first_seq,
        "staff": staff,
        "leader": leader,
        "inspector": inspector,
        "head": head,
    }


EXPECTED = [
    ("plan.created", "staff"),
    ("plan.entry_added", "staff"),
    ("plan.submitted", "staff"),
    ("plan.filed", "leader"),
    ("plan.published", "staff"),
    ("task.created", "staff"),
    ("draw.prepared", "staff"),
    ("draw.committed", "staff"),
    ("draw.locked", "staff"),
    ("draw.teams_drawn", "staff"),
    ("inspection.record_created", "staff"),
    ("inspection.address_unreachable", "inspector"),
    ("inspection.submitted", "inspector"),
    ("inspection.approved", "unithead"),
    ("task.completed", "staff"),
]


def test_every_lifecycle_step_writes_its_audit_event(journey: dict[str, Any]) -> None:
    events = list(
        AuditEvent.objects.filter(seq__gt=journey["first_seq"])
        .order_by("seq")
        .values_list("action", "actor_label")
    )
    seen = [(a, who) for a, who in events if (a, who) in set(EXPECTED)]
    firsts = list(dict.fromkeys(seen))
    assert firsts == EXPECTED
    assert verify_chain().intact


def test_list_pages_keep_their_query_budget(
    journey: dict[str, Any], client_as: Callable[[str], Client], django_assert_max_num_queries: Any
) -> None:
    client = client_as(Role.BUSINESS_STAFF)
    for name in ("plans:list", "tasks:list", "inspections:list", "subjects:list"):
        with django_assert_max_num_queries(20):
            assert client.get(reverse(name)).status_code == 200
