"""The public, as a new user would: find a firm by name or code, see its results with the
correction beside the original and the objection outcome, open the task, download its draw
record and verify it with the documented command; raise an objection and follow it up."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from django.test import Client
from django.urls import reverse

from portal.tests.demo import CORRECTED_RESULT, DECISION_TEXT

ROOT = Path(__file__).resolve().parents[2]


def test_find_a_firm_by_name_and_code_and_see_the_correction_beside_the_original(
    published: Any,
) -> None:
    client = Client()
    pub = published.corrected
    word = pub.subject_name[3:7]
    by_name = client.get(reverse("portal:results"), {"q": word}).content.decode()
    assert pub.subject_name in by_name
    subject_url = reverse("portal:subject", args=[pub.subject_code])
    assert subject_url in by_name
    by_code = client.get(reverse("portal:results"), {"q": pub.subject_code.lower()})
    assert subject_url in by_code.content.decode()
    page = client.get(subject_url).content.decode()
    assert CORRECTED_RESULT in page
    assert "原公示" in page
    assert "检查结果录入有误" in page
    original = pub.content["result"]
    assert f"<del>{original}</del>" in page
    objected = client.get(
        reverse("portal:subject", args=[published.objected.subject_code])
    ).content.decode()
    assert DECISION_TEXT in objected
    assert "维持原检查结果" in objected
    assert "王明" not in objected  # the objector's contact is never public
    if published.without_code is not None:
        no_code = client.get(reverse("portal:result", args=[published.without_code.pk]))
        assert no_code.status_code == 200
        assert published.without_code.subject_name in no_code.content.decode()


def test_open_the_task_download_the_draw_record_and_verify_it(
    published: Any, tmp_path: Path
) -> None:
    client = Client()
    code = published.corrected.task.code
    page = client.get(reverse("public-task", args=[code])).content.decode()
    assert "公开核验说明" in page
    assert published.corrected.task.draws.first().commitment_digest in page
    commands = re.findall(r"python -m suiji verify [^\n<]+", page)
    assert commands
    links = re.findall(rf'href="(/public/tasks/{code}/files/[^"]+)"', page)
    assert len(links) >= 3
    for link in links:
        response = client.get(link)
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment")
        raw = (
            b"".join(response.streaming_content)  # type: ignore[attr-defined]
            if response.streaming
            else response.content
        )
        (tmp_path / link.rsplit("/", 1)[1]).write_bytes(raw)
    for command in commands:
        run = subprocess.run(
            [sys.executable, *command.split()[1:]],
            cwd=tmp_path,
            env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
            capture_output=True,
            text=True,
            check=False,
        )
        assert run.returncode == 0, run.stdout + run.stderr
    assert client.get(f"/public/tasks/{code}/files/../../etc/passwd").status_code == 404
    assert client.get(f"/public/tasks/{code}/files/nothing.json").status_code == 404
    api = client.get(reverse("public-api:task", args=[code])).json()
    assert api["draws"][0]["files"][0]["url"].startswith("http://testserver/public/tasks/")


def test_an_objection_from_the_public_is_received_and_its_state_looked_up(
    published: Any,
) -> None:
    from publication.models import Objection

    client = Client(enforce_csrf_checks=True)
    form_url = reverse("portal:objection_new")
    pub = published.corrected
    form = client.get(form_url, {"task_code": pub.task.code, "subject_code": pub.subject_code})
    token = form.cookies["csrftoken"].value
    assert pub.subject_code in form.content.decode()
    refused = client.post(form_url, {"task_code": pub.task.code})
    assert refused.status_code == 403  # no CSRF token
    data = {
        "csrfmiddlewaretoken": token,
        "task_code": pub.task.code,
        "subject_code": pub.subject_code,
        "contact_name": "李四",
        "contact_phone": "13512345678",
        "statement": "检查时我单位已整改完毕，请复核检查结果。",
    }
    bad = client.post(form_url, {**data, "task_code": "2000-NO-SUCH"})
    assert "未找到该任务下此统一社会信用代码的公示结果" in bad.content.decode()
    done = client.post(form_url, data)
    assert done.status_code == 200
    objection = Objection.objects.get(contact_name="李四")
    body = done.content.decode()
    assert objection.number in body
    assert "13512345678" not in body
    status = client.get(
        reverse("portal:objection_status"),
        {"number": objection.number, "subject_code": pub.subject_code},
    ).content.decode()
    assert "已受理" in status
    assert "李四" not in status
    assert "13512345678" not in status
    wrong = client.get(
        reverse("portal:objection_status"),
        {"number": objection.number, "subject_code": "91480321MA00000001"},
    ).content.decode()
    assert "未找到该异议" in wrong


def test_item_lists_plans_and_tasks_are_listed(published: Any) -> None:
    client = Client()
    items = client.get(reverse("portal:item_lists")).content.decode()
    assert "现行" in items
    plans = client.get(reverse("portal:plans")).content.decode()
    assert "抽查工作计划" in plans
    tasks = client.get(reverse("portal:tasks")).content.decode()
    assert published.corrected.task.code in tasks
    home = client.get(reverse("portal:home")).content.decode()
    assert published.corrected.subject_name in home or "最新公示" in home
