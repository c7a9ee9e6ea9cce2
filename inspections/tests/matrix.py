"""URL kwargs for the permission-matrix test (tests/test_permission_matrix.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from accounts.models import User
from inspections.choices import FollowUpKind, RecordStatus
from inspections.models import Evidence, FollowUp, InspectionRecord
from tasks.tests.matrix import _task


def _record() -> InspectionRecord:
    from subjects.models import Subject, SubjectType

    task = _task()
    subject, _ = Subject.objects.get_or_create(
        department=task.department,
        code="MATRIX-INSP-1",
        defaults={
            "name": "示例检查对象",
            "subject_type": SubjectType.objects.get(code="enterprise"),
        },
    )
    record, _ = InspectionRecord.objects.get_or_create(
        task=task,
        subject=subject,
        defaults={"department": task.department, "status": RecordStatus.APPROVED},
    )
    return record


def _evidence() -> Evidence:
    record = _record()
    evidence, _ = Evidence.objects.get_or_create(
        record=record,
        stored_name="matrix-sample.bin",
        defaults={
            "original_name": "示例.pdf",
            "kind": "pdf",
            "content_type": "application/pdf",
            "size": 0,
            "sha256": "0" * 64,
            "source": "示例",
        },
    )
    from inspections.evidence import path_of

    path_of(evidence).write_bytes(b"%PDF-1.4\n%%EOF\n")
    return evidence


def _follow_up() -> FollowUp:
    record = _record()
    staff = User.objects.get(username="staff")
    follow_up, _ = FollowUp.objects.get_or_create(
        record=record,
        kind=FollowUpKind.RECTIFY,
        defaults={
            "started_on": dt.date(2027, 6, 1),
            "due": dt.date(2027, 6, 22),
            "working_days": 15,
            "created_by": staff,
        },
    )
    return follow_up


def _pk(make: Callable[[], Any]) -> Callable[[], dict[str, Any]]:
    return lambda: {"pk": make().pk}


SAMPLES: dict[str, Callable[[], dict[str, Any]]] = {
    "inspections:generate": lambda: {"task_pk": _task().pk},
    "inspections:detail": _pk(_record),
    "inspections:edit": _pk(_record),
    "inspections:evidence_upload": _pk(_record),
    "inspections:follow_up_new": _pk(_record),
    "inspections:action": lambda: {"pk": _record().pk, "action": "submit"},
    "inspections:evidence": _pk(_evidence),
    "inspections:evidence_archive": _pk(_evidence),
    "inspections:follow_up": _pk(_follow_up),
    "inspections:follow_up_action": lambda: {"pk": _follow_up().pk, "action": "close"},
    "inspection-record-detail": _pk(_record),
    "inspection-record-fill": _pk(_record),
    "inspection-record-unreachable": _pk(_record),
    "inspection-record-submit": _pk(_record),
    "inspection-record-approve": _pk(_record),
    "inspection-record-return": _pk(_record),
    "follow-up-detail": _pk(_follow_up),
    "follow-up-acknowledge": _pk(_follow_up),
    "follow-up-recheck": _pk(_follow_up),
    "follow-up-close": _pk(_follow_up),
}
