"""The public in a browser on a phone-sized screen (issue 6, done-when): find a firm by name and
by code, see its results with the correction beside the original, open the task, download the
draw record and verify it with the documented command."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from portal.tests.demo import CORRECTED_RESULT, publish_demo
from tests.browser import needs_chromium, page  # noqa: F401 - fixture

pytestmark = [needs_chromium, pytest.mark.browser, pytest.mark.xdist_group("browser")]
ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_public_finds_a_firm_and_verifies_the_draw(
    page: Any,  # noqa: F811
    live_server: Any,
    tmp_path: Path,
) -> None:
    from demo.services import load_demo_county

    load_demo_county(with_registries=True)
    published = publish_demo()
    pub = published.corrected
    base = live_server.url
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base}/public/")
    page.fill("input[name=q]", pub.subject_name[3:7])
    page.get_by_role("button", name="查询").click()
    page.wait_for_load_state()
    page.get_by_role("link", name=pub.subject_name, exact=True).first.click()
    page.wait_for_load_state()
    assert CORRECTED_RESULT in page.content()
    assert page.locator("del", has_text=pub.content["result"]).count() >= 1
    page.goto(f"{base}/public/")
    page.fill("input[name=q]", pub.subject_code)
    page.get_by_role("button", name="查询").click()
    page.wait_for_load_state()
    page.get_by_role("link", name=pub.subject_name, exact=True).first.click()
    page.wait_for_load_state()
    page.get_by_role("link", name="查看任务与抽取记录").first.click()
    page.wait_for_load_state()
    assert "公开核验说明" in page.content()
    # laid out for a 390 px phone: nothing outside a scrolling table sticks out of the screen
    wide = page.evaluate(
        "[...document.querySelectorAll('body *')].filter(e => !e.closest('.table-wrap')"
        " && e.getBoundingClientRect().right > window.innerWidth + 1).map(e => e.tagName)"
    )
    assert wide == []
    section = page.locator("section.draw").first
    for link in section.locator("ul.files a").all():
        with page.expect_download() as info:
            link.click()
        download = info.value
        download.save_as(tmp_path / download.suggested_filename)
    command = section.locator("pre.command").inner_text()
    verify = re.search(r"python -m suiji verify .+", command)
    assert verify is not None
    run = subprocess.run(
        [sys.executable, *verify.group(0).split()[1:]],
        cwd=tmp_path,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
