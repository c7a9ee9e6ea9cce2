from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from audit.models import AuditEvent
from audit.services import record_event, verify_chain


@contextmanager
def tampering() -> Iterator[None]:
    """What an attacker with database access does: on PostgreSQL, first switch the trigger off."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only")
    try:
        yield
    finally:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_append_only"
                )


@pytest.fixture
def ten_events(db: None) -> list[AuditEvent]:
    return [
        record_event(action="test.event", actor=None, reason=f"第 {i} 条", after={"i": i, "x": 1.5})
        for i in range(10)
    ]


def test_intact_chain_verifies(ten_events: list[AuditEvent]) -> None:
    report = verify_chain()
    assert report.intact
    assert report.checked == 10
    assert report.last_hash == ten_events[-1].hash


def test_events_are_sm3_hashed_and_linked(ten_events: list[AuditEvent]) -> None:
    assert {e.hash_alg for e in ten_events} == {"sm3"}
    assert ten_events[0].prev_hash == "0" * 64
    for previous, event in zip(ten_events, ten_events[1:], strict=False):
        assert event.prev_hash == previous.hash


def test_edited_row_is_detected(ten_events: list[AuditEvent]) -> None:
    with tampering():
        AuditEvent.objects.filter(seq=4).update(reason="改过的原因")
    report = verify_chain()
    assert report.problem is not None
    assert (report.problem.seq, report.problem.kind) == (4, "altered")
    assert report.checked == 3


def test_edited_before_after_json_is_detected(ten_events: list[AuditEvent]) -> None:
    with tampering():
        AuditEvent.objects.filter(seq=7).update(after={"i": 99, "x": "1.5"})
    report = verify_chain()
    assert report.problem is not None
    assert report.problem.seq == 7


def test_deleted_row_is_detected(ten_events: list[AuditEvent]) -> None:
    with tampering():
        AuditEvent.objects.filter(seq=5).delete()
    report = verify_chain()
    assert report.problem is not None
    assert (report.problem.seq, report.problem.kind) == (5, "removed")


def test_reordered_rows_are_detected(ten_events: list[AuditEvent]) -> None:
    with tampering():
        AuditEvent.objects.filter(seq=6).update(seq=-6)
        AuditEvent.objects.filter(seq=5).update(seq=6)
        AuditEvent.objects.filter(seq=-6).update(seq=5)
    report = verify_chain()
    assert report.problem is not None
    assert (report.problem.seq, report.problem.kind) == (5, "reordered")


def test_removed_tail_is_detected_by_the_head(ten_events: list[AuditEvent]) -> None:
    with tampering():
        AuditEvent.objects.filter(seq__gte=9).delete()
    report = verify_chain()
    assert report.problem is not None
    assert report.problem.kind == "truncated"


def test_external_checkpoint_detects_rewritten_head(ten_events: list[AuditEvent]) -> None:
    checkpoint = (10, ten_events[-1].hash)
    assert verify_chain(checkpoint).intact
    assert not verify_chain((11, "f" * 64)).intact


def test_verify_audit_command_exit_status(
    ten_events: list[AuditEvent], capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("verify_audit")
    assert "审计链完整" in capsys.readouterr().out
    with tampering():
        AuditEvent.objects.filter(seq=3).update(action="login.success")
    with pytest.raises(CommandError, match="第 3 号"):
        call_command("verify_audit")


def test_verify_audit_exits_non_zero_from_the_shell(ten_events: list[AuditEvent]) -> None:
    # CommandError becomes exit status 1 through manage.py; checked here on the parser level.
    with tampering():
        AuditEvent.objects.filter(seq=2).delete()
    with pytest.raises(CommandError):
        call_command("verify_audit")


def test_audit_checkpoint_prints_head(
    ten_events: list[AuditEvent], capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("audit_checkpoint")
    assert capsys.readouterr().out.strip() == f"10:{ten_events[-1].hash}"
