from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.db.models import Q

from subjects.models import Subject, Tag

pytestmark = pytest.mark.django_db


def _names(response: Any) -> set[str]:
    data = response.json()
    return {row["name"] for row in data["results"]}


def test_each_department_sees_its_own_line_on_the_list_and_the_api(
    client_as: Any, demo_registries: None
) -> None:
    zrzy = set(Subject.objects.filter(department__code="DEMO-MX-ZRZY").values_list("pk", flat=True))
    shared = set(
        Subject.objects.filter(tags__shared_with__code="DEMO-MX-ZRZY").values_list("pk", flat=True)
    )
    registry = client_as("registry_manager")
    seen = {row["id"] for row in registry.get("/api/v1/subjects/?page_size=5000").json()["results"]}
    response = registry.get("/api/v1/subjects/")
    assert response.json()["count"] == len(zrzy | shared)
    assert seen <= zrzy | shared
    assert shared
    assert shared <= {
        r["id"]
        for r in registry.get(
            f"/api/v1/subjects/?tag={Tag.objects.get(name='多部门联合监管').pk}"
        ).json()["results"]
    }
    other = Subject.objects.filter(department__code="DEMO-MX-JT").order_by("pk")[0]
    assert registry.get(f"/api/v1/subjects/{other.pk}/").status_code == 404
    assert registry.get(f"/subjects/{other.pk}/").status_code == 404


def test_the_conference_office_reads_member_departments(
    client_as: Any, demo_registries: None
) -> None:
    office = client_as("conference_office")
    count = office.get("/api/v1/subjects/").json()["count"]
    members = Subject.objects.filter(department__code__startswith="DEMO-MX-", is_archived=False)
    assert count == members.count()
    assert (
        office.post("/api/v1/subjects/", {"name": "x", "subject_type": "site"}).status_code == 403
    )


def test_city_department_sees_the_county_departments_below(
    client_as: Any, demo_registries: None
) -> None:
    from django.test import Client

    from accounts.models import User
    from conftest import login_client

    city = login_client(Client(), User.objects.get(username="city"))
    count = city.get("/api/v1/subjects/").json()["count"]
    line = ["DEMO-CITY-ZRZY", "DEMO-MX-ZRZY", "DEMO-SM-ZRZY"]
    expected = (
        Subject.objects.filter(
            Q(department__code__in=line) | Q(tags__shared_with__code__in=line), is_archived=False
        )
        .distinct()
        .count()
    )
    assert count == expected


def test_list_page_query_budget(
    client_as: Any, demo_registries: None, django_assert_max_num_queries: Any
) -> None:
    client = client_as("registry_manager")
    with django_assert_max_num_queries(30):
        response = client.get("/subjects/?credit_risk_class=B")
    assert response.status_code == 200
    assert "检查对象名录库" in response.content.decode()


def test_export_keeps_the_filters_and_round_trips(
    client_as: Any, demo_registries: None, tmp_path: Path
) -> None:
    import io

    from openpyxl import load_workbook

    from core import testing
    from core.imports import run_import
    from subjects.imports import SubjectImport

    client = client_as("registry_manager")
    response = client.get("/subjects/?credit_risk_class=D&export=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    expected = Subject.objects.filter(
        department__code="DEMO-MX-ZRZY", credit_risk_class="D", is_archived=False
    ).count()
    assert len(rows) - 1 >= expected
    assert rows[0][0] == "对象编码"
    assert all(r[11] == "D" for r in rows[1:])
    path = tmp_path / "export.xlsx"
    path.write_bytes(response.content)
    own = [r for r in rows if r[-1] == "明溪县自然资源局"]
    result = run_import(SubjectImport(testing.department(), None), path, commit=False)
    assert result.unchanged >= len(own) - 1


def test_api_validation_matches_the_pages(client_as: Any, demo_org: None) -> None:
    client = client_as("registry_manager")
    response = client.post(
        "/api/v1/subjects/",
        {"name": "明溪县某公司", "subject_type": "enterprise", "uscc": "914403001922038217"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "校验位错误" in str(response.json())
    response = client.post(
        "/api/v1/subjects/",
        {
            "name": "明溪县某公司",
            "subject_type": "enterprise",
            "uscc": "914403001922038216",
            "credit_risk_class": "C",
        },
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["code"] == "914403001922038216"
    page = client.post(
        "/subjects/new/",
        {
            "subject_type": "enterprise",
            "name": "另一家",
            "uscc": "914403001922038217",
            "operating_status": "active",
            "complaint_count": 0,
        },
    )
    assert "校验位错误" in page.content.decode()
