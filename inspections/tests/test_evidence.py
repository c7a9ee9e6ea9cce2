"""Evidence files: type by magic bytes, size limit, private storage, safe download, scope."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from accounts.choices import Role
from accounts.models import User
from audit.models import AuditEvent
from inspections import evidence
from inspections.models import Evidence, InspectionRecord

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture(autouse=True)
def _private_root(settings: object, tmp_path: Path) -> None:
    settings.PRIVATE_FILES_ROOT = tmp_path  # type: ignore[attr-defined]


def docx_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def test_photo_is_stored_privately_under_a_random_name_with_its_source(
    record: InspectionRecord, inspector: User, tmp_path: Path
) -> None:
    item = evidence.add_evidence(
        inspector, record, SimpleUploadedFile("现场.png", PNG), "现场拍摄（吴检查）"
    )
    assert item.kind == "png"
    assert item.content_type == "image/png"
    assert item.stored_name != "现场.png"
    assert item.stored_name.endswith(".bin")
    assert (tmp_path / "evidence" / item.stored_name).read_bytes() == PNG
    assert item.created_by == inspector
    assert item.source == "现场拍摄（吴检查）"
    assert AuditEvent.objects.filter(action="inspection.evidence_added").exists()


def test_office_files_are_recognised_by_their_content(
    record: InspectionRecord, inspector: User
) -> None:
    item = evidence.add_evidence(
        inspector, record, SimpleUploadedFile("笔录.docx", docx_bytes()), "当事人提供"
    )
    assert item.kind == "docx"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("照片.jpg", b"<html><script>alert(1)</script>", "不支持的文件类型"),
        ("脚本.exe", b"MZ\x90\x00" + b"\x00" * 20, "不支持的文件类型"),
        ("伪装.pdf", PNG, "扩展名与文件内容不符"),
        ("压缩包.docx", b"PK\x03\x04" + b"\x00" * 30, "不支持的文件类型"),
    ],
)
def test_wrong_types_are_refused_by_magic_bytes(
    record: InspectionRecord, inspector: User, name: str, content: bytes, message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        evidence.add_evidence(inspector, record, SimpleUploadedFile(name, content), "来源")
    assert not Evidence.objects.exists()


def test_files_over_the_size_limit_are_refused(
    record: InspectionRecord, inspector: User, settings: object
) -> None:
    settings.EVIDENCE_MAX_BYTES = 1024  # type: ignore[attr-defined]
    with pytest.raises(ValidationError, match="文件过大"):
        evidence.add_evidence(
            inspector, record, SimpleUploadedFile("大.png", PNG + b"\x00" * 2000), "来源"
        )


def test_source_is_required(record: InspectionRecord, inspector: User) -> None:
    with pytest.raises(ValidationError, match="来源"):
        evidence.add_evidence(inspector, record, SimpleUploadedFile("a.png", PNG), " ")


def test_download_is_an_attachment_with_safe_headers_and_denied_to_other_departments(
    record: InspectionRecord, inspector: User, client_as: Callable[[str], Client]
) -> None:
    item = evidence.add_evidence(inspector, record, SimpleUploadedFile("现场.png", PNG), "现场拍摄")
    url = reverse("inspections:evidence", args=[item.pk])
    response = client_as(Role.UNIT_HEAD).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PNG  # type: ignore[attr-defined]
    assert AuditEvent.objects.filter(action="inspection.evidence_downloaded").exists()
    housing = Client()
    housing.force_login(User.objects.get(username="housing"))
    assert housing.get(url).status_code == 404


def test_withdrawn_evidence_is_kept(
    record: InspectionRecord, inspector: User, tmp_path: Path
) -> None:
    item = evidence.add_evidence(inspector, record, SimpleUploadedFile("a.png", PNG), "现场拍摄")
    evidence.archive_evidence(inspector, item, "拍错对象")
    item.refresh_from_db()
    assert item.is_archived
    assert item.archived_reason == "拍错对象"
    assert (tmp_path / "evidence" / item.stored_name).exists()


def test_upload_through_the_page(
    record: InspectionRecord, client_as: Callable[[str], Client]
) -> None:
    client = client_as(Role.INSPECTOR)
    url = reverse("inspections:evidence_upload", args=[record.pk])
    response = client.post(url, {"file": SimpleUploadedFile("a.png", PNG), "source": "现场拍摄"})
    assert response.status_code == 302
    assert Evidence.objects.filter(record=record).count() == 1
    client.post(url, {"file": SimpleUploadedFile("a.png", b"GIF89a"), "source": "x"})
    assert Evidence.objects.filter(record=record).count() == 1
