"""The read-only calendar API."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from accounts.choices import Role

ClientAs = Callable[[str], Client]


@pytest.mark.django_db
@pytest.mark.parametrize("role", Role.values)
def test_every_role_reads_the_api(client_as: ClientAs, role: str) -> None:
    client = client_as(role)
    year = client.get(reverse("workdays-year", kwargs={"year": 2026}))
    assert year.status_code == 200
    data = year.json()
    assert data["status"] == "official"
    assert data["source"] == "package"
    days = {d["date"]: d for d in data["days"]}
    assert days["2026-02-14"]["kind"] == "makeup_workday"
    assert days["2026-02-15"]["name"] == "春节"
    deadline = client.get(reverse("workdays-deadline"), {"start": "2026-09-28", "days": "10"})
    assert deadline.status_code == 200
    assert deadline.json() == {
        "start": "2026-09-28",
        "days": 10,
        "deadline": "2026-10-16",
        "provisional": False,
        "provisional_years": [],
    }


@pytest.mark.django_db
def test_anonymous_cannot_use_the_api(client: Client) -> None:
    assert client.get(reverse("workdays-year", kwargs={"year": 2026})).status_code == 403
    response = client.get(reverse("workdays-deadline"), {"start": "2026-09-28", "days": "1"})
    assert response.status_code == 403


@pytest.mark.django_db
def test_deadline_beyond_official_years_is_provisional(client_as: ClientAs) -> None:
    data = (
        client_as(Role.INSPECTOR)
        .get(reverse("workdays-deadline"), {"start": "2028-09-29", "days": "10"})
        .json()
    )
    assert data["provisional"] is True
    assert data["provisional_years"] == [2028]
    year = client_as(Role.INSPECTOR).get(reverse("workdays-year", kwargs={"year": 2028})).json()
    assert year["status"] == "provisional"
    assert year["days"] == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({}, "请提供日期"),
        ({"start": "2026-13-01", "days": "3"}, "日期格式应为 YYYY-MM-DD"),
        ({"start": "2026-09-28", "days": "abc"}, "days 应为整数"),
        ({"start": "2026-09-28", "days": "-2"}, "days 不能为负数"),
        ({"start": "2026-09-28", "days": "999999"}, "days 不能超过"),
    ],
)
def test_bad_query_values_get_a_chinese_400(
    client_as: ClientAs, params: dict[str, str], message: str
) -> None:
    response = client_as(Role.BUSINESS_STAFF).get(reverse("workdays-deadline"), params)
    assert response.status_code == 400
    assert response.json()["detail"] == "查询参数有误。"
    assert message in str(response.json()["errors"])


@pytest.mark.django_db
def test_year_out_of_range_is_a_400(client_as: ClientAs) -> None:
    response = client_as(Role.BUSINESS_STAFF).get(reverse("workdays-year", kwargs={"year": 3000}))
    assert response.status_code == 400


@pytest.mark.django_db
def test_working_days_between(client_as: ClientAs) -> None:
    data = (
        client_as(Role.UNIT_HEAD)
        .get(reverse("workdays-between"), {"start": "2025-09-26", "end": "2025-10-09"})
        .json()
    )
    assert data["working_days"] == 4
    assert data["provisional"] is False


@pytest.mark.django_db
def test_writes_are_not_allowed(client_as: ClientAs) -> None:
    client = client_as(Role.SYSTEM_ADMIN)
    assert client.post(reverse("workdays-deadline"), {}).status_code in (403, 405)


@pytest.mark.django_db
def test_schema_documents_the_endpoints(client_as: ClientAs) -> None:
    schema = client_as(Role.SYSTEM_ADMIN).get(reverse("api-schema")).content.decode()
    assert "/api/v1/workdays/deadline/" in schema
    assert "/api/v1/workdays/years/{year}/" in schema


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("workdays-deadline", {"start": "9999-12-31", "days": "10"}),
        ("workdays-between", {"start": "0001-01-01", "end": "2026-01-01"}),
        ("workdays-between", {"start": "1990-01-01", "end": "2026-01-01"}),
        ("workdays-between", {"start": "2026-01-01"}),
    ],
)
def test_extreme_dates_are_refused(client_as: ClientAs, name: str, params: dict[str, str]) -> None:
    assert client_as(Role.INSPECTOR).get(reverse(name), params).status_code == 400
