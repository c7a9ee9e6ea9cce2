"""From plan to reviewed results through the pages alone, as the users would (issue 5)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from demo.data import DEMO_PASSWORD
from tests.browser import login, needs_chromium, page  # noqa: F401 - fixture

pytestmark = [needs_chromium, pytest.mark.browser, pytest.mark.xdist_group("browser")]


def as_user(page: Any, base: str, username: str) -> None:  # noqa: F811
    page.context.clear_cookies()
    login(page, base, username, DEMO_PASSWORD)
    page.wait_for_url("**/home/")


def click(page: Any, text: str) -> None:  # noqa: F811
    page.get_by_role("button", name=text).first.click()
    page.wait_for_load_state()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_plan_to_reviewed_results_through_the_pages(
    page: Any,  # noqa: F811
    live_server: Any,
    make_item: Callable[..., Any],
    make_subjects: Callable[..., list[Any]],
) -> None:
    from accounts.models import User
    from inspections.models import InspectionRecord
    from inspectors.models import Inspector
    from items.models import ChecklistPoint, EnforcementArea
    from plans.models import AnnualPlan
    from tasks.models import SubjectDraw, Task

    base = live_server.url
    page.on("dialog", lambda dialog: dialog.accept())
    year = dt.date.today().year
    area, _ = EnforcementArea.objects.get_or_create(code="land", defaults={"name": "土地"})
    item = make_item("ZR-WEB", cap="100")
    item.enforcement_area = area
    item.save()
    ChecklistPoint.objects.create(item=item, seq=1, text="是否按出让合同约定的用途使用土地")
    make_subjects(30)
    staff_user = User.objects.get(username="staff")
    assert staff_user.department is not None
    for i in range(4):
        inspector = Inspector.objects.create(
            department=staff_user.department,
            name=f"执法员{i}",
            certificate_no=f"ZF-WEB-{i}",
            certificate_valid_until=dt.date(year + 3, 1, 1),
            account=User.objects.get(username="inspector") if i == 0 else None,
        )
        inspector.enforcement_areas.add(area)

    # 业务人员编制计划
    as_user(page, base, "staff")
    page.goto(f"{base}/plans/new/")
    page.fill("input[name=year]", str(year))
    click(page, "创建")
    page.get_by_role("link", name="添加计划条目").click()
    page.fill("input[name=name]", "土地利用情况抽查")
    page.get_by_label(item.name).first.check()
    page.fill("textarea[name=object_scope]", "辖区内用地单位")
    page.fill("input[name=ratio_a]", "50")
    page.fill("input[name=ratio_b]", "50")
    page.fill("input[name=window_start]", f"{year}-01-01")
    page.fill("input[name=window_end]", f"{year}-12-31")
    click(page, "保存")
    assert "已添加计划条目" in page.inner_text("main")
    click(page, "提交审核备案")
    plan = AnnualPlan.objects.get()
    # 分管领导审核备案
    as_user(page, base, "leader")
    page.goto(f"{base}/plans/{plan.pk}/")
    click(page, "审核通过并备案")
    # 业务人员公布计划、据此创建任务并组织抽取
    as_user(page, base, "staff")
    page.goto(f"{base}/plans/{plan.pk}/")
    click(page, "向社会公布")
    page.get_by_role("link", name="据此创建抽查任务").click()
    click(page, "创建")
    assert Task.objects.exists(), page.inner_text("main")
    task = Task.objects.get()
    page.get_by_role("link", name="组织抽取").click()
    click(page, "预览候选名单")
    assert "预计抽取" in page.inner_text("main")
    click(page, "确定名单与参数（承诺）")
    click(page, "抽取并锁定名单")
    assert "抽中名单（已锁定）" in page.inner_text("main")
    assert "随机选派执法检查人员" in page.inner_text("main"), page.inner_text("main")[:1500]
    click(page, "抽取检查人员")
    click(page, "生成检查记录表")
    draw = SubjectDraw.objects.get(task=task)
    assert draw.team_draws.count() == 1
    records = InspectionRecord.objects.filter(task=task)
    assert records.count() == draw.selections.filter(is_substitute=False).count()
    # 执法检查人员填写并提交（手机屏幕）
    as_user(page, base, "inspector")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base}/inspections/mine/")
    page.locator("table a").first.click()
    click(page, "一键：住所无法联系")
    click(page, "提交审核")
    submitted = records.filter(status="submitted").get()
    # 科室负责人审核通过
    page.set_viewport_size({"width": 1280, "height": 900})
    as_user(page, base, "unithead")
    page.goto(f"{base}/inspections/{submitted.pk}/")
    click(page, "审核通过，结果生效")
    submitted.refresh_from_db()
    assert submitted.status == "approved"
    assert submitted.effective_at is not None
    assert submitted.result is not None
    assert "无法联系" in submitted.result.name
