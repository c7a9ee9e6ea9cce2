"""Browser journeys of the foundation: a business user and the audit administrator."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from django_otp.oath import totp

from demo.data import DEMO_OTP_KEYS, DEMO_PASSWORD
from tests.browser import login, needs_chromium, page  # noqa: F401 - fixture

pytestmark = [needs_chromium, pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_business_user_logs_in_and_sees_their_home_page(
    page: Any,  # noqa: F811
    live_server: Any,
    tmp_path: Path,
) -> None:
    from demo.services import load_demo_county

    load_demo_county()
    login(page, live_server.url, "staff", "wrong-password")
    assert "用户名或密码错误" in page.inner_text("main")
    login(page, live_server.url, "staff", DEMO_PASSWORD)
    page.wait_for_url("**/home/")
    assert "您好，周业务" in page.inner_text("h1")
    assert page.locator('[data-role="business_staff"]').is_visible()
    assert page.locator("nav#mainnav a", has_text="组织机构").is_visible()
    assert page.locator("nav#mainnav a", has_text="审计日志").count() == 0
    page.click("nav#mainnav a:has-text('组织机构')")
    assert "明溪县自然资源局" in page.inner_text("table")
    page.screenshot(path=str(tmp_path / "home.png"), full_page=True)
    if shot := os.environ.get("SCREENSHOT_DIR"):
        page.screenshot(path=f"{shot}/home.png", full_page=True)
    page.click("button:has-text('退出')")
    page.wait_for_url("**/accounts/login/")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_audit_administrator_passes_otp_and_verifies_the_chain(
    page: Any,  # noqa: F811
    live_server: Any,
) -> None:
    from demo.services import load_demo_county

    load_demo_county()
    login(page, live_server.url, "auditadmin", DEMO_PASSWORD)
    page.wait_for_url("**/accounts/otp/")
    page.fill("input[name=token]", f"{totp(bytes.fromhex(DEMO_OTP_KEYS['auditadmin'])):06d}")
    page.click("button:has-text('验证')")
    page.wait_for_url("**/home/")
    page.click("nav#mainnav a:has-text('审计日志')")
    assert "login.success" in page.inner_text("table")
    page.click("a:has-text('校验审计链')")
    page.click("button:has-text('开始校验')")
    assert "审计链完整" in page.inner_text("main")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_pages_work_on_a_phone_screen(page: Any, live_server: Any) -> None:  # noqa: F811
    from demo.services import load_demo_county

    load_demo_county()
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, live_server.url, "staff", DEMO_PASSWORD)
    page.wait_for_url("**/home/")
    assert not page.locator("nav#mainnav").is_visible()
    page.click("button.nav-toggle")
    assert page.locator("nav#mainnav").is_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
