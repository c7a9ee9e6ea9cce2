"""Pages and API: department scope, one computation behind page and API, drill-down, the report
pages (save, submit, xlsx), the submission list, rule documents and the office's home page."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from accounts.choices import Role
from oversight.models import Report, RuleDocument
from oversight.tests.conftest import EXPECTED_YEAR, YEAR, Year

pytestmark = pytest.mark.django_db
ClientAs = Callable[[str], Client]


def _totals(data: dict[str, Any]) -> dict[str, int]:
    return {k: data["totals"][k] for k in EXPECTED_YEAR["total"]}


def test_the_office_sees_every_member_department(year: Year, client_as: ClientAs) -> None:
    data = client_as(Role.CONFERENCE_OFFICE).get(f"/api/v1/oversight/figures/?year={YEAR}").json()
    assert _totals(data) == EXPECTED_YEAR["total"]
    ids = {row["id"] for row in data["departments"]}
    assert {year.a.pk, year.b.pk, year.c.pk, year.d.pk} <= ids
    assert year.a.parent_id not in ids  # the city department is not a member


def test_a_county_department_sees_only_its_own_figures(year: Year) -> None:
    from accounts.models import User
    from conftest import login_client

    housing = login_client(Client(), User.objects.get(username="housing"))
    data = housing.get(f"/api/v1/oversight/figures/?year={YEAR}").json()
    assert [row["id"] for row in data["departments"]] == [year.b.pk]
    assert _totals(data) == EXPECTED_YEAR["b"]
    # Asking for another department's figures falls back to what it may see.
    other = housing.get(f"/api/v1/oversight/figures/?year={YEAR}&department={year.a.pk}").json()
    assert _totals(other) == EXPECTED_YEAR["b"]
    page = housing.get(f"{reverse('oversight:dashboard')}?year={YEAR}&department={year.a.pk}")
    assert page.context["data"]["departments"][0]["id"] == year.b.pk
    report = housing.get(
        f"/api/v1/oversight/reports/?year={YEAR}&month=4&department={year.a.pk}"
    ).json()
    assert report["department"] == year.b.pk


def test_the_page_the_chart_and_the_api_show_the_same_figures(
    year: Year, client_as: ClientAs
) -> None:
    office = client_as(Role.CONFERENCE_OFFICE)
    page = office.get(f"{reverse('oversight:dashboard')}?year={YEAR}")
    assert page.status_code == 200
    api_url = page.context["api_url"]
    assert api_url.startswith("/api/v1/oversight/figures/")
    api = office.get(api_url).json()
    assert json.loads(json.dumps(page.context["data"])) == api
    body = page.content.decode()
    assert 'id="oversight-charts"' in body
    assert "vendor/echarts/echarts.min.js" in body
    assert f'data-url="{api_url.replace("&", "&amp;")}"' in body


def test_the_dashboard_table_links_each_figure_to_its_rows(year: Year, client_as: ClientAs) -> None:
    office = client_as(Role.CONFERENCE_OFFICE)
    page = office.get(f"{reverse('oversight:dashboard')}?year={YEAR}")
    row = next(r for r in page.context["rows"] if r["id"] == year.a.pk)
    cells = dict(
        zip(
            ["drawn", "inspected", "problems", "published", "published_late"],
            row["cells"],
            strict=False,
        )
    )
    value, url = cells["published_late"]
    assert value == 1
    drill = office.get(url)
    assert drill.status_code == 200
    assert len(drill.context["cells"]) == 1
    assert year.records["T1"][3].subject.name in drill.content.decode()


def test_drill_down_by_item_and_risk_class(year: Year, client_as: ClientAs) -> None:
    office = client_as(Role.CONFERENCE_OFFICE)
    url = reverse("oversight:drill", kwargs={"figure": "problems"})
    by_item = office.get(f"{url}?year={YEAR}&item={year.items['I1'].pk}")
    assert len(by_item.context["cells"]) == 3
    by_risk = office.get(f"{url}?year={YEAR}&risk=A")
    assert len(by_risk.context["cells"]) == 1
    assert office.get(reverse("oversight:drill", kwargs={"figure": "nonsense"})).status_code == 404


def test_staff_save_and_submit_the_monthly_report(year: Year, client_as: ClientAs) -> None:
    staff = client_as(Role.BUSINESS_STAFF)
    url = f"{reverse('oversight:report', kwargs={'kind': 'monthly'})}?year={YEAR}&month=4"
    page = staff.get(url)
    assert page.status_code == 200
    assert page.context["form"] is not None
    assert "是否已出台工作细则和工作指引（注明文件名称及文号）" in page.content.decode()
    staff.post(url, {"remarks": "草稿", "action": "save"})
    report = Report.objects.get(department=year.a, year=YEAR, month=4)
    assert report.remarks == "草稿"
    assert not report.is_submitted
    staff.post(url, {"remarks": "四月按计划完成", "action": "submit"})
    report.refresh_from_db()
    assert report.is_submitted
    assert report.figures is not None
    assert report.figures["totals"]["inspected"] == 10
    again = staff.get(url)
    assert again.context["form"] is None
    assert "报送时的数据" in again.content.decode()


def test_the_office_downloads_the_months_aggregate(year: Year, client_as: ClientAs) -> None:
    office = client_as(Role.CONFERENCE_OFFICE)
    url = reverse("oversight:report", kwargs={"kind": "monthly"})
    page = office.get(f"{url}?year={YEAR}&month=4")
    assert page.context["content"]["aggregate"] is True
    response = office.get(page.context["export"])
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    assert book["月报表"]["A1"].value.endswith("（2025年4月）")
    assert "报送情况" in book.sheetnames


def test_the_office_sees_who_has_submitted(year: Year, client_as: ClientAs) -> None:
    office = client_as(Role.CONFERENCE_OFFICE)
    page = office.get(f"{reverse('oversight:submissions')}?year={YEAR}&month=4")
    states = {r.department_id: r.state for r in page.context["rows"]}
    assert states[year.a.pk] == "missing"
    api = office.get(f"/api/v1/oversight/submissions/?year={YEAR}&month=4&kind=monthly").json()
    assert {s["department"]: s["state"] for s in api} == states
    assert client_as(Role.BUSINESS_STAFF).get(reverse("oversight:submissions")).status_code == 403


def test_staff_record_and_archive_a_rule_document(year: Year, client_as: ClientAs) -> None:
    staff = client_as(Role.BUSINESS_STAFF)
    url = reverse("oversight:rules")
    staff.post(
        url, {"name": "抽查工作细则", "number": "明自然资发〔2025〕9号", "issued_on": "2025-03-01"}
    )
    doc = RuleDocument.objects.get(department=year.a)
    assert client_as(Role.CONFERENCE_OFFICE).post(url, {"name": "x"}).status_code == 403
    staff.post(reverse("oversight:rule_archive", kwargs={"pk": doc.pk}), {"reason": "已废止"})
    doc.refresh_from_db()
    assert doc.is_archived
    assert doc.archived_reason == "已废止"


def test_api_submit_and_rule_documents(year: Year, client_as: ClientAs) -> None:
    staff = client_as(Role.BUSINESS_STAFF)
    saved = staff.post(
        "/api/v1/oversight/reports/submit/",
        {"kind": "monthly", "year": YEAR, "month": 4, "remarks": "经由接口"},
        content_type="application/json",
    )
    assert saved.status_code == 200
    assert saved.json()["status"] == "draft"
    done = staff.post(
        "/api/v1/oversight/reports/submit/",
        {"kind": "monthly", "year": YEAR, "month": 4, "submit": True},
        content_type="application/json",
    )
    assert done.status_code == 200, done.content
    assert done.json()["content"]["totals"]["inspected"] == 10
    created = staff.post(
        "/api/v1/oversight/rule-documents/",
        {"name": "指引", "number": "明自然资办〔2025〕2号", "issued_on": "2025-04-01"},
        content_type="application/json",
    )
    assert created.status_code == 201
    listed = client_as(Role.CONFERENCE_OFFICE).get("/api/v1/oversight/rule-documents/").json()
    assert [d["number"] for d in listed] == ["明自然资办〔2025〕2号"]


def test_the_openapi_schema_documents_the_oversight_api(client_as: ClientAs) -> None:
    schema = client_as(Role.BUSINESS_STAFF).get("/api/schema/").content.decode()
    for path in ("/api/v1/oversight/figures/", "/api/v1/oversight/reports/submit/"):
        assert path in schema


def test_the_office_home_page_shows_this_years_figures(demo_org: None, client_as: ClientAs) -> None:
    body = client_as(Role.CONFERENCE_OFFICE).get(reverse("core:home")).content.decode()
    assert 'id="office-figures"' in body
    assert "月报表" in body
