from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from core import testing
from subjects.models import Subject

pytestmark = pytest.mark.django_db


def _upload(client: Any, path: Path) -> Any:
    upload = SimpleUploadedFile(path.name, path.read_bytes())
    return client.post("/subjects/import/", {"file": upload, "progress": "0" * 32})


def test_template_has_chinese_headers(client_as: Any) -> None:
    response = client_as("business_staff").get("/subjects/import/template/")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    headers = [c.value for c in sheet[1]]
    assert headers[:4] == ["对象编码", "对象类型", "名称", "统一社会信用代码"]


def test_upload_preview_confirm(client_as: Any, tmp_path: Path) -> None:
    client = client_as("registry_manager")
    path = testing.write_csv(tmp_path / "s.csv", testing.SUBJECT_HEADERS, testing.subject_rows(30))
    response = _upload(client, path)
    assert response.status_code == 200
    assert "将新增" in response.content.decode()
    assert Subject.objects.count() == 0
    token = response.context["token"]
    progress = client.get("/subjects/import/progress/", {"token": "0" * 32}).json()
    assert progress["done"] == 30

    response = client.post("/subjects/import/confirm/", {"token": token})

    assert response.status_code == 302
    assert Subject.objects.count() == 30
    assert not list(Path(tmp_path / "imports").glob(f"{token}.*"))  # the upload is deleted


def test_errors_are_shown_and_downloadable_then_fixed(client_as: Any, tmp_path: Path) -> None:
    client = client_as("registry_manager")
    rows = testing.subject_rows(5)
    rows[3][8] = "E"
    response = _upload(client, testing.write_csv(tmp_path / "s.csv", testing.SUBJECT_HEADERS, rows))
    page = response.content.decode()
    assert "第 5 行" in page
    assert "信用风险分类应为 A、B、C、D 之一" in page
    assert "确认导入" not in page
    report = client.get("/subjects/import/errors/", {"token": response.context["token"]})
    sheet = load_workbook(io.BytesIO(report.content)).worksheets[0]
    assert [c.value for c in sheet[2]][:3] == [
        5,
        "信用风险分类",
        "信用风险分类应为 A、B、C、D 之一",
    ]
    forced = client.post("/subjects/import/confirm/", {"token": response.context["token"]})
    assert forced.status_code == 200
    assert "未导入任何数据" in forced.content.decode()
    assert Subject.objects.count() == 0

    rows[3][8] = "C"
    response = _upload(client, testing.write_csv(tmp_path / "t.csv", testing.SUBJECT_HEADERS, rows))
    client.post("/subjects/import/confirm/", {"token": response.context["token"]})
    assert Subject.objects.count() == 5


def test_only_the_registry_manager_imports(client_as: Any) -> None:
    assert client_as("business_staff").get("/subjects/import/").status_code == 403
    assert client_as("conference_office").get("/subjects/import/").status_code == 403


def test_empty_confirm_redirects(client_as: Any) -> None:
    assert client_as("registry_manager").post("/subjects/import/confirm/").status_code == 302


def test_the_preview_names_changed_columns_by_their_headers(client_as: Any, tmp_path: Path) -> None:
    client = client_as("registry_manager")
    rows = testing.subject_rows(3)
    first = _upload(client, testing.write_csv(tmp_path / "a.csv", testing.SUBJECT_HEADERS, rows))
    client.post("/subjects/import/confirm/", {"token": first.context["token"]})
    rows[1][2] = "明溪县改名后有限公司"
    rows[1][8] = "D"

    page = _upload(client, testing.write_csv(tmp_path / "b.csv", testing.SUBJECT_HEADERS, rows))

    body = page.content.decode()
    assert (
        '<span class="muted">名称</span>：<del>明溪县测试00001有限公司</del> → 明溪县改名后有限公司'
        in body
    )
    assert '<span class="muted">信用风险分类</span>' in body
    assert "credit_risk_class" not in body
