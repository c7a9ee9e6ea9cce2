from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import User
from audit.models import AuditEvent
from core import testing
from subjects import services
from subjects.models import RemovalRequest, Subject

pytestmark = pytest.mark.django_db


def test_removal_needs_the_supervising_leaders_approval_and_nothing_is_deleted(
    demo_org: None,
) -> None:
    subject = testing.sample_subject()
    registry, leader = User.objects.get(username="registry"), User.objects.get(username="leader")
    request = services.request_removal(registry, subject, "extinct", "企业已注销")
    subject.refresh_from_db()
    assert not subject.is_archived

    with pytest.raises(PermissionDenied):
        services.decide_removal(registry, request, True)
    with pytest.raises(PermissionDenied):
        services.decide_removal(User.objects.get(username="city"), request, True)
    services.decide_removal(leader, request, True, "同意")

    subject.refresh_from_db()
    assert subject.is_archived
    assert "企业已注销" in subject.archived_reason
    assert Subject.objects.filter(pk=subject.pk).exists()
    assert RemovalRequest.objects.get(pk=request.pk).decided_by == leader
    actions = set(
        AuditEvent.objects.filter(
            object_id=str(subject.pk), object_type="subjects.subject"
        ).values_list("action", flat=True)
    )
    assert {"subject.removal_requested", "subject.removal_approved", "subject.archived"} <= actions


def test_rejection_needs_a_note_and_keeps_the_subject(demo_org: None) -> None:
    subject = testing.sample_subject()
    request = services.request_removal(
        User.objects.get(username="registry"), subject, "other", "重复"
    )
    leader = User.objects.get(username="leader")
    with pytest.raises(ValidationError):
        services.decide_removal(leader, request, False, "")
    services.decide_removal(leader, request, False, "仍在经营")
    subject.refresh_from_db()
    assert not subject.is_archived


def test_removal_pages(client_as: Any) -> None:
    subject = testing.sample_subject()
    registry = client_as("registry_manager")
    response = registry.post(
        f"/subjects/{subject.pk}/removal/", {"reason_kind": "extinct", "reason": "已吊销"}
    )
    assert response.status_code == 302
    request = RemovalRequest.objects.get(subject=subject)
    assert (
        client_as("supervising_leader")
        .post(f"/subjects/removals/{request.pk}/decide/", {"approve": "1", "note": "同意"})
        .status_code
        == 302
    )
    subject.refresh_from_db()
    assert subject.is_archived
    assert registry.get("/subjects/").content.decode().count(subject.name) == 0
    assert subject.name in registry.get("/subjects/?archived=true").content.decode()


def test_the_api_has_no_delete(client_as: Any) -> None:
    subject = testing.sample_subject()
    response = client_as("registry_manager").delete(f"/api/v1/subjects/{subject.pk}/")
    assert response.status_code == 405
    assert Subject.objects.filter(pk=subject.pk).exists()
