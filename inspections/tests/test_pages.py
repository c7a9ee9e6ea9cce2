"""The pages: list scope, my records, the form, one click, review, follow-ups, exports."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.choices import Role
from accounts.models import User
from inspections import services
from inspections.choices import RecordStatus
from inspections.models import InspectionRecord
from inspections.tests.factories import submitted
from tasks.models import Task


def housing_client() -> Client:
    client = Client()
    client.force_login(User.objects.get(username="housing"))
    return client


def test_generate_then_list_and_my_records(task: Task, client_as: Callable[[str], Client]) -> None:
    staff = client_as(Role.BUSINESS_STAFF)
    response = staff.post(reverse("inspections:generate", args=[task.pk]))
    assert response.status_code == 302
    assert InspectionRecord.objects.filter(task=task).count() == 4
    page = staff.get(reverse("inspections:list"))
    assert page.status_code == 200
    assert "土地利用专项抽查" in page.content.decode()
    mine = client_as(Role.INSPECTOR).get(reverse("inspections:mine"))
    assert mine.status_code == 200
    assert len(mine.context["page"].object_list) == 4


def test_other_departments_see_no_records(records: list[InspectionRecord]) -> None:
    client = housing_client()
    page = client.get(reverse("inspections:list"))
    assert list(page.context["page"].object_list) == []
    assert client.get(reverse("inspections:detail", args=[records[0].pk])).status_code == 404
    assert client.get(reverse("inspections:follow_ups")).status_code == 200
    assert client.get("/api/v1/inspection-records/").json()["count"] == 0
    assert client.get(f"/api/v1/inspection-records/{records[0].pk}/").status_code == 404


def test_filling_the_form_on_the_page(
    record: InspectionRecord, client_as: Callable[[str], Client]
) -> None:
    client = client_as(Role.INSPECTOR)
    url = reverse("inspections:edit", args=[record.pk])
    form = client.get(url)
    assert form.status_code == 200
    rows = list(record.checklist.all())
    data: dict[str, Any] = {
        "inspected_on": timezone.localdate().isoformat(),
        "methods": ["on_site", "documents"],
        "onsite_notes": "现场检查",
        "confirmation": "signed",
        "confirmed_by_name": "张法人",
        "confirmed_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "result": "no_problem",
        "follow_up_action": "none",
    }
    for row in rows:
        data[f"outcome_{row.pk}"] = "pass"
    assert client.post(url, data).status_code == 302
    record.refresh_from_db()
    assert record.method_list == ["on_site", "documents"]
    assert {r.outcome for r in record.checklist.all()} == {"pass"}
    client.post(reverse("inspections:action", args=[record.pk, "submit"]))
    record.refresh_from_db()
    assert record.status == RecordStatus.SUBMITTED


def test_one_click_unreachable_then_review_on_the_page(
    record: InspectionRecord, client_as: Callable[[str], Client]
) -> None:
    inspector = client_as(Role.INSPECTOR)
    inspector.post(reverse("inspections:action", args=[record.pk, "unreachable"]))
    inspector.post(reverse("inspections:action", args=[record.pk, "submit"]))
    head = client_as(Role.UNIT_HEAD)
    queue = head.get(reverse("inspections:review"))
    assert [r.pk for r in queue.context["page"].object_list] == [record.pk]
    response = head.post(reverse("inspections:action", args=[record.pk, "return"]), {"reason": ""})
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.status == RecordStatus.SUBMITTED  # refused: no reason
    head.post(
        reverse("inspections:action", args=[record.pk, "approve"]),
        {
            "note": "同意",
            "feedback_on": timezone.localdate().isoformat(),
            "feedback_method": "mail",
        },
    )
    record.refresh_from_db()
    assert record.status == RecordStatus.APPROVED
    assert record.effective_at is not None
    assert record.feedback_method == "mail"
    detail = head.get(reverse("inspections:detail", args=[record.pk]))
    assert "通过登记的住所（经营场所）无法联系" in detail.content.decode()


def test_follow_up_pages_and_overdue_filter(
    record: InspectionRecord, inspector: User, head: User, client_as: Callable[[str], Client]
) -> None:
    services.approve_record(head, submitted(record, inspector, "not_disclosed"))
    staff = client_as(Role.BUSINESS_STAFF)
    response = staff.post(
        reverse("inspections:follow_up_new", args=[record.pk]),
        {"kind": "rectify", "description": "责令十五个工作日内改正"},
    )
    assert response.status_code == 302
    listing = staff.get(reverse("inspections:follow_ups"))
    assert len(listing.context["page"].object_list) == 1
    overdue = staff.get(reverse("inspections:follow_ups") + "?overdue=true")
    assert len(overdue.context["page"].object_list) == 0
    follow_up = record.follow_ups.get()
    assert staff.get(reverse("inspections:follow_up", args=[follow_up.pk])).status_code == 200


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_lists_export(
    records: list[InspectionRecord], client_as: Callable[[str], Client], fmt: str
) -> None:
    client = client_as(Role.BUSINESS_STAFF)
    response = client.get(reverse("inspections:list") + f"?export={fmt}")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    response = client.get(reverse("inspections:follow_ups") + f"?export={fmt}")
    assert response.status_code == 200


def test_list_pages_have_a_query_budget(
    records: list[InspectionRecord],
    client_as: Callable[[str], Client],
    django_assert_max_num_queries: Any,
) -> None:
    client = client_as(Role.BUSINESS_STAFF)
    client.get(reverse("inspections:list"))  # warm the session
    with django_assert_max_num_queries(15):
        client.get(reverse("inspections:list"))
    with django_assert_max_num_queries(15):
        client.get(reverse("inspections:follow_ups"))
    with django_assert_max_num_queries(15):
        client.get("/api/v1/inspection-records/")
