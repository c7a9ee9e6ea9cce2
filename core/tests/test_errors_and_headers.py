from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from accounts.choices import Role

ROOT = Path(__file__).resolve().parents[2]


def test_unknown_page_gets_a_chinese_404(
    client_as: Callable[[str], Client], settings: object
) -> None:
    response = client_as(Role.BUSINESS_STAFF).get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_api_errors_are_chinese_json(client_as: Callable[[str], Client]) -> None:
    client = client_as(Role.BUSINESS_STAFF)
    missing = client.get("/api/v1/departments/999999/")
    assert missing.status_code == 404
    assert "未找到" in missing.json()["detail"]
    bad_filter = client.get("/api/v1/departments/?region=abc")
    assert bad_filter.status_code == 400
    assert "region" in bad_filter.json()


def test_api_body_errors_are_chinese(client_as: Callable[[str], Client]) -> None:
    client = client_as(Role.SYSTEM_ADMIN)
    response = client.post("/api/v1/users/", data="{not json", content_type="application/json")
    assert response.status_code == 400
    assert "JSON" in response.json()["detail"]
    weak = client.post(
        "/api/v1/users/",
        data={"username": "apiuser", "password": "weak", "roles": ["inspector"]},
        content_type="application/json",
    )
    assert weak.status_code == 400
    assert "数据校验未通过" in weak.json()["detail"]


def test_bad_query_strings_never_break_a_page(client_as: Callable[[str], Client]) -> None:
    client = client_as(Role.AUDIT_ADMIN)
    for query in ("page=abc", "page=-1", "since=not-a-date", "outcome=bogus", "page=99999"):
        response = client.get(f"{reverse('audit:events')}?{query}")
        assert response.status_code == 200, query
    assert "输入一个有效的日期" in client.get(f"{reverse('audit:events')}?since=x").content.decode()


def test_security_headers_and_csp_without_inline_scripts(client: Client) -> None:
    response = client.get(reverse("accounts:login"))
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    body = response.content.decode()
    assert "<script>" not in body
    assert " style=" not in body


def test_no_template_has_inline_script_style_or_cdn() -> None:
    offenders = []
    for path in ROOT.glob("**/templates/**/*.html"):
        if ".venv" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        if "<script>" in text or " style=" in text or "onclick=" in text or "//cdn" in text:
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


@pytest.mark.django_db
def test_csrf_failure_page_is_chinese() -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("accounts:login"), {"username": "a", "password": "b"})
    assert response.status_code == 403
    assert "页面已过期" in response.content.decode()


def test_check_deploy_is_clean_under_production_settings() -> None:
    env = {
        **os.environ,
        "DJANGO_PRODUCTION": "1",
        "DJANGO_SECRET_KEY": "p" * 20 + "-Q9x!long-random-production-secret-value-0123456789",
        "DJANGO_ALLOWED_HOSTS": "jianguan.example.gov.cn",
        "FIELD_ENCRYPTION_KEY": "00112233445566778899aabbccddeeff",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key() -> None:
    env = {**os.environ, "DJANGO_PRODUCTION": "1", "DJANGO_SECRET_KEY": ""}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_refuses_to_load_demo_data() -> None:
    env = {
        **os.environ,
        "DJANGO_PRODUCTION": "1",
        "DATABASE_URL": "sqlite:///:memory:",
        "DJANGO_SECRET_KEY": "p" * 60,
        "DJANGO_ALLOWED_HOSTS": "x",
        "FIELD_ENCRYPTION_KEY": "00112233445566778899aabbccddeeff",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "load_demo"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "生产环境不能加载演示数据" in result.stderr
