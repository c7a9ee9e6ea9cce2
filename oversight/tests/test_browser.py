"""The conference office, as a new user would: the year at a glance on the demo county, a
department's late publications, the month's aggregate report (issue 7)."""

from __future__ import annotations

import io
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from demo.data import DEMO_PASSWORD
from tests.browser import login, needs_chromium, page  # noqa: F401 - fixture

pytestmark = [needs_chromium, pytest.mark.browser, pytest.mark.xdist_group("browser")]


def _demo_county() -> None:
    from demo.services import load_demo_county
    from oversight.demo import load_oversight_demo

    load_demo_county(with_registries=True)
    load_oversight_demo(Counter())


def _card(page: Any, figure: str) -> int:  # noqa: F811
    return int(page.inner_text(f"#figure-cards [data-figure={figure}] .value"))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_office_sees_the_year_drills_into_late_publications_and_downloads_the_month(
    page: Any,  # noqa: F811
    live_server: Any,
    tmp_path: Path,
) -> None:
    from organisations.models import Department
    from publication.models import ResultPublication
    from tasks.choices import RANDOM_TRIGGERS, DrawStatus
    from tasks.models import DrawnSubject

    _demo_county()
    today = timezone.localdate()
    base = live_server.url
    login(page, base, "office", DEMO_PASSWORD)
    page.wait_for_url("**/home/")
    assert page.locator("#office-figures").is_visible()

    page.get_by_role("link", name="统计监督").first.click()
    page.wait_for_selector("#oversight-charts[data-rendered='1']")
    page.screenshot(path=str(tmp_path / "oversight-dashboard.png"), full_page=True)
    assert (tmp_path / "oversight-dashboard.png").stat().st_size > 10_000

    random_publications = ResultPublication.objects.filter(
        task__trigger__in=RANDOM_TRIGGERS, published_on__year=today.year
    )
    assert _card(page, "published") == random_publications.count() > 0
    assert _card(page, "drawn") == (
        DrawnSubject.objects.filter(
            is_substitute=False,
            draw__status__in=[DrawStatus.LOCKED, DrawStatus.VOID_REQUESTED],
            draw__drawn_at__year=today.year,
            draw__task__trigger__in=RANDOM_TRIGGERS,
        ).count()
    )
    overdue = ResultPublication.objects.open().filter(due__lt=today, due__year=today.year)
    assert _card(page, "overdue_pending") == overdue.count()

    # 县自然资源局's late publications, from its row of the department table.
    zrzy = Department.objects.get(code="DEMO-MX-ZRZY")
    late = random_publications.filter(department=zrzy, published_late=True)
    row = page.locator(f"#department-table tr[data-department='{zrzy.pk}']")
    cell = row.locator("td").nth(5)  # 逾期公示 (after 部门, 抽查户数, 已检查, 发现问题, 已公示)
    assert int(cell.inner_text()) == late.count() > 0
    cell.locator("a").click()
    page.wait_for_selector("#drill-table")
    assert "逾期公示" in page.inner_text("h1")
    names = page.locator("#drill-table tbody tr td:first-child").all_inner_texts()
    assert sorted(names) == sorted(late.values_list("subject_name", flat=True))

    # This month's aggregate report of every member department, as Excel.
    page.goto(
        f"{base}/oversight/reports/monthly/?year={today.year}&month={today.month}&aggregate=1"
    )
    assert "汇总" in page.inner_text(".report-head")
    with page.expect_download() as info:
        page.click("#export-xlsx")
    path = tmp_path / "aggregate.xlsx"
    info.value.save_as(path)
    book = load_workbook(io.BytesIO(path.read_bytes()))
    title = book["月报表"]["A1"].value
    assert title == (
        f"市场监管领域部门联合“双随机、一公开”抽查工作月报表（{today.year}年{today.month}月）"
    )
    assert "报送情况" in book.sheetnames
