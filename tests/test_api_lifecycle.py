"""The same journey as the browser test, plan to reviewed results, through the API alone."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.test import Client

from accounts.choices import Role
from accounts.models import User

JSON = "application/json"


def post(client: Client, url: str, body: dict[str, Any] | None = None) -> Any:
    response = client.post(url, body or {}, content_type=JSON)
    assert response.status_code in (200, 201), (url, response.status_code, response.content[:500])
    return response.json()


def test_plan_to_reviewed_results_through_the_api(
    client_as: Callable[[str], Client],
    make_item: Callable[..., Any],
    make_subjects: Callable[..., list[Any]],
) -> None:
    from inspectors.models import Inspector
    from items.models import ChecklistPoint, EnforcementArea

    year = dt.date.today().year
    area, _ = EnforcementArea.objects.get_or_create(code="land", defaults={"name": "土地"})
    item = make_item("ZR-API-J", cap="100")
    item.enforcement_area = area
    item.save()
    ChecklistPoint.objects.create(item=item, seq=1, text="是否按批准用途使用土地")
    make_subjects(16)
    staff_user = User.objects.get(username="staff")
    assert staff_user.department is not None
    for i in range(3):
        person = Inspector.objects.create(
            department=staff_user.department,
            name=f"接口员{i}",
            certificate_no=f"ZF-API-{i}",
            certificate_valid_until=dt.date(year + 2, 1, 1),
        )
        person.enforcement_areas.add(area)
    staff, leader = client_as(Role.BUSINESS_STAFF), client_as(Role.SUPERVISING_LEADER)
    inspector, head = client_as(Role.INSPECTOR), client_as(Role.UNIT_HEAD)

    plan = post(staff, "/api/v1/plans/", {"year": year})
    post(
        staff,
        f"/api/v1/plans/{plan['id']}/entries/",
        {
            "name": "土地利用抽查",
            "item_ids": [item.pk],
            "object_scope": "用地单位",
            "window_start": f"{year}-01-01",
            "window_end": f"{year}-12-31",
            "ratios": {"A": "100"},
        },
    )
    post(staff, f"/api/v1/plans/{plan['id']}/submit/")
    post(leader, f"/api/v1/plans/{plan['id']}/file/", {"reason": "同意备案"})
    published = post(staff, f"/api/v1/plans/{plan['id']}/publish/")
    assert published["status"] == "published"
    entry_id = published["entries"][0]["id"]

    task = post(
        staff,
        "/api/v1/tasks/",
        {
            "name": f"{year}年度县自然资源局土地利用抽查",
            "trigger": "plan",
            "plan_entry_id": entry_id,
            "item_ids": [item.pk],
            "window_start": f"{year}-01-01",
            "window_end": f"{year}-12-31",
        },
    )
    draw = post(staff, f"/api/v1/tasks/{task['id']}/draws/", {"ratios": {"A": "100"}})
    locked = post(staff, f"/api/v1/draws/{draw['id']}/execute/")
    assert locked["status"] == "locked"
    teams = post(staff, f"/api/v1/draws/{draw['id']}/teams/", {"min_team_size": 2})
    assert teams["members"]
    created = post(staff, f"/api/v1/tasks/{task['id']}/records/")
    assert created["created"] == 4  # i % 4 == 0 among 16 subjects: class A

    records = inspector.get("/api/v1/inspection-records/", {"task": task["id"]}).json()["results"]
    assert len(records) == 4
    for record in records:
        post(inspector, f"/api/v1/inspection-records/{record['id']}/unreachable/")
        post(inspector, f"/api/v1/inspection-records/{record['id']}/submit/")
        approved = post(
            head, f"/api/v1/inspection-records/{record['id']}/approve/", {"note": "同意"}
        )
        assert approved["status"] == "approved"
    done = post(staff, f"/api/v1/tasks/{task['id']}/complete/")
    assert done["status"] == "completed"
