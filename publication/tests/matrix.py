"""URL kwargs for the permission-matrix test (tests/test_permission_matrix.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from inspections.tests.matrix import _record
from publication.choices import PublicationState
from publication.models import Correction, Objection, ResultPublication


def _publication() -> ResultPublication:
    record = _record()
    publication, _ = ResultPublication.objects.get_or_create(
        record=record,
        defaults={
            "department_id": record.department_id,
            "task_id": record.task_id,
            "subject_id": record.subject_id,
            "subject_name": record.subject.name,
            "effective_on": dt.date(2027, 6, 1),
            "due": dt.date(2027, 6, 29),
            "state": PublicationState.PUBLISHED,
            "published_on": dt.date(2027, 6, 2),
            "public_until": dt.date(2030, 6, 2),
        },
    )
    return publication


def _correction() -> Correction:
    correction, _ = Correction.objects.get_or_create(
        publication=_publication(),
        defaults={
            "source": "staff",
            "verified_on": dt.date(2027, 6, 3),
            "due": dt.date(2027, 6, 10),
            "reason": "示例",
            "changes": {"conclusion": {"before": "", "after": "示例"}},
        },
    )
    return correction


def _objection() -> Objection:
    publication = _publication()
    objection = Objection.objects.filter(publication=publication).first()
    if objection is None:
        objection = Objection(
            number="YY20270603000001",
            publication=publication,
            channel="staff",
            contact_name="示例",
            statement="示例异议内容，请求复核。",
            received_on=dt.date(2027, 6, 3),
            due=dt.date(2027, 6, 24),
        )
        objection.set_contact_phone("059812345678")
        objection.save()
    return objection


def _pk(make: Callable[[], Any]) -> Callable[[], dict[str, Any]]:
    return lambda: {"pk": make().pk}


SAMPLES: dict[str, Callable[[], dict[str, Any]]] = {
    "publication:detail": _pk(_publication),
    "publication:correction_new": _pk(_publication),
    "publication:objection_new": _pk(_publication),
    "publication:action": lambda: {"pk": _publication().pk, "action": "submit"},
    "publication:correction_action": lambda: {"pk": _correction().pk, "action": "submit"},
    "publication:objection": _pk(_objection),
    "publication:objection_action": lambda: {"pk": _objection().pk, "action": "review"},
    "publication-detail": _pk(_publication),
    "publication-draft": _pk(_publication),
    "publication-submit": _pk(_publication),
    "publication-approve": _pk(_publication),
    "publication-return": _pk(_publication),
    "publication-withhold": _pk(_publication),
    "publication-withdraw": _pk(_publication),
    "publication-correct": _pk(_publication),
    "publication-object": _pk(_publication),
    "correction-detail": _pk(_correction),
    "correction-submit": _pk(_correction),
    "correction-approve": _pk(_correction),
    "correction-return": _pk(_correction),
    "objection-detail": _pk(_objection),
    "objection-review": _pk(_objection),
    "objection-decide": _pk(_objection),
}
