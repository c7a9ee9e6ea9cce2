"""证据材料: size and type limits checked on the file's own bytes (not only its name), stored
outside the web root under a random name, archived instead of deleted."""

from __future__ import annotations

import hashlib
import secrets
import zipfile
from pathlib import Path
from typing import IO

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from audit.services import record_event
from inspections.choices import EDITABLE_STATUSES
from inspections.conf import evidence_max_bytes
from inspections.models import Evidence, InspectionRecord
from inspections.services import _locked, _refuse_state, can_fill

# kind → (accepted extensions, the Content-Type we serve it with)
KINDS: dict[str, tuple[tuple[str, ...], str]] = {
    "jpg": ((".jpg", ".jpeg"), "image/jpeg"),
    "png": ((".png",), "image/png"),
    "pdf": ((".pdf",), "application/pdf"),
    "docx": (
        (".docx",),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "xlsx": ((".xlsx",), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "mp4": ((".mp4",), "video/mp4"),
}
ALLOWED_EXTENSIONS = "、".join(ext for exts, _ in KINDS.values() for ext in exts)
SOURCE_HELP = "如：现场拍摄（检查人员）、当事人提供、第三方检测机构出具"


def folder() -> Path:
    path = Path(settings.PRIVATE_FILES_ROOT) / "evidence"
    path.mkdir(parents=True, exist_ok=True)
    return path


def path_of(evidence: Evidence) -> Path:
    return folder() / evidence.stored_name


def _zip_kind(stream: IO[bytes]) -> str | None:
    try:
        with zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError):
        return None
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    return None


def sniff(stream: IO[bytes]) -> str | None:
    """The file's kind from its magic bytes (None if not an allowed kind)."""
    stream.seek(0)
    head = stream.read(16)
    stream.seek(0)
    kind: str | None = None
    if head.startswith(b"\xff\xd8\xff"):
        kind = "jpg"
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        kind = "png"
    elif head.startswith(b"%PDF-"):
        kind = "pdf"
    elif head[4:8] == b"ftyp":
        kind = "mp4"
    elif head.startswith(b"PK\x03\x04"):
        kind = _zip_kind(stream)
        stream.seek(0)
    return kind


def check_upload(upload: UploadedFile) -> str:
    """The allowed kind of `upload`, or a ValidationError naming the limit it breaks."""
    limit = evidence_max_bytes()
    if upload.size is None or upload.size == 0:
        raise ValidationError({"file": "文件为空"})
    if upload.size > limit:
        raise ValidationError(
            {"file": f"文件过大：最大 {limit // (1024 * 1024) or 1} MB（{limit} 字节）"}
        )
    name = (upload.name or "").lower()
    if upload.file is None:
        raise ValidationError({"file": "文件为空"})
    kind = sniff(upload.file)
    if kind is None:
        raise ValidationError({"file": f"不支持的文件类型，只接受 {ALLOWED_EXTENSIONS}"})
    if not name.endswith(KINDS[kind][0]):
        raise ValidationError({"file": "文件扩展名与文件内容不符"})
    return kind


def add_evidence(by: User, record: InspectionRecord, upload: UploadedFile, source: str) -> Evidence:
    if not can_fill(by, record):
        raise PermissionDenied("只有本检查组（本部门）的执法检查人员可以上传证据材料")
    if not source.strip():
        raise ValidationError({"source": "请说明证据来源"})
    kind = check_upload(upload)
    stored_name = f"{secrets.token_hex(16)}.bin"
    target = folder() / stored_name
    digest = hashlib.sha256()
    with target.open("xb") as out:
        for chunk in upload.chunks():
            digest.update(chunk)
            out.write(chunk)
    try:
        with transaction.atomic():
            record = _locked(record)
            _refuse_state(record, *EDITABLE_STATUSES)
            evidence = Evidence.objects.create(
                record=record,
                original_name=Path(upload.name or "evidence").name[:255],
                stored_name=stored_name,
                kind=kind,
                content_type=KINDS[kind][1],
                size=int(upload.size or 0),
                sha256=digest.hexdigest(),
                source=source.strip()[:500],
                created_by=by,
                modified_by=by,
            )
            record_event(
                action="inspection.evidence_added",
                actor=by,
                obj=evidence,
                after={
                    "record": record.pk,
                    "name": evidence.original_name,
                    "kind": kind,
                    "size": evidence.size,
                    "sha256": evidence.sha256,
                    "source": evidence.source,
                },
            )
    except Exception:
        target.unlink(missing_ok=True)  # no row refers to it: nothing was kept
        raise
    return evidence


def archive_evidence(by: User, evidence: Evidence, reason: str) -> Evidence:
    """Withdraw a file from the record; the file and its row stay."""
    if not can_fill(by, evidence.record):
        raise PermissionDenied("只有本检查组（本部门）的执法检查人员可以撤回证据材料")
    if not reason.strip():
        raise ValidationError({"reason": "撤回证据须说明原因"})
    with transaction.atomic():
        record = _locked(evidence.record)
        _refuse_state(record, *EDITABLE_STATUSES)
        evidence = Evidence.objects.select_for_update().get(pk=evidence.pk)
        if evidence.is_archived:
            raise ValidationError("该证据已撤回")
        evidence.is_archived, evidence.archived_at = True, timezone.now()
        evidence.archived_reason = reason.strip()
        evidence.modified_by = by
        evidence.save()
        record_event(
            action="inspection.evidence_archived",
            actor=by,
            obj=evidence,
            before={"is_archived": False},
            after={"is_archived": True},
            reason=reason,
        )
    return evidence


def record_download(by: User, evidence: Evidence) -> None:
    with transaction.atomic():
        record_event(action="inspection.evidence_downloaded", actor=by, obj=evidence)
