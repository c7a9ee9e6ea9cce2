"""The business change rolls back with a failed audit write; PostgreSQL refuses edits; no forks."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import DatabaseError, connection, connections, transaction

from accounts import services as accounts
from accounts.choices import Role
from accounts.models import User, UserRole
from audit.models import AuditEvent
from audit.services import record_event, verify_chain

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL (DATABASE_URL)"
)


def test_business_change_rolls_back_when_audit_write_fails(
    user_with_role: Callable[[str], User], monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = user_with_role(Role.SYSTEM_ADMIN)
    staff = user_with_role(Role.BUSINESS_STAFF)
    events_before = AuditEvent.objects.count()

    def broken_create(**kwargs: object) -> AuditEvent:
        raise DatabaseError("审计写入失败（模拟）")

    monkeypatch.setattr(AuditEvent.objects, "create", broken_create)
    with pytest.raises(DatabaseError):
        accounts.set_roles(admin, staff, [Role.BUSINESS_STAFF, Role.UNIT_HEAD], reason="测试")
    monkeypatch.undo()
    assert set(UserRole.objects.filter(user=staff).values_list("role", flat=True)) == {
        Role.BUSINESS_STAFF
    }
    assert AuditEvent.objects.count() == events_before
    assert verify_chain().intact


@postgres_only
def test_postgres_refuses_update_and_delete_of_events(db: None) -> None:
    event = record_event(action="test.event", actor=None)
    with pytest.raises(DatabaseError, match="只能追加"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(reason="x")
    with pytest.raises(DatabaseError, match="只能追加"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()


@postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_writers_cannot_fork_the_chain() -> None:
    writers, per_writer = 8, 15
    barrier = threading.Barrier(writers)
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            barrier.wait()
            for i in range(per_writer):
                with transaction.atomic():
                    record_event(action="test.concurrent", actor=None, reason=f"{n}-{i}")
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert AuditEvent.objects.count() == writers * per_writer
    seqs = list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, writers * per_writer + 1))
    report = verify_chain()
    assert report.intact, report.problem
