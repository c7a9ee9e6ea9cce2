"""The bulk-insert tools under the imports: statements of many rows, the SQLite writer thread,
ids numbered on, and the USCC CHECK that SQLite answers without calling into Python."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction

from core import import_tools
from core.import_tools import ReservedIds, StreamingInsert, bulk_insert
from subjects.models import Subject

pytestmark = pytest.mark.django_db

LINKS = Subject.licence_types.through  # (subject_id, licencetype_id), unique together
FIELDS = ("subject_id", "licencetype_id")
sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite's own insert path (PostgreSQL copies)"
)


def _stored() -> list[tuple[int, int]]:
    return list(LINKS.objects.order_by("id").values_list(*FIELDS))


@pytest.mark.parametrize("count", [1, 6, 7, 8])
def test_rows_go_in_whole_statements_and_a_remainder(
    monkeypatch: pytest.MonkeyPatch, count: int
) -> None:
    monkeypatch.setattr(import_tools, "ROWS_PER_INSERT", 3)
    rows = [(i, 100 + i) for i in range(count)]
    bulk_insert(LINKS, FIELDS, rows)
    assert _stored() == rows


def test_statements_keep_the_rows_in_order_with_few_distinct_shapes() -> None:
    shape = import_tools._InsertShape("INSERT INTO t (a, b) VALUES ", "(?, ?)", 12)
    shapes = set()
    for count in range(1, 60):
        rows = [(n, -n) for n in range(count)]
        flat = []
        for sql, executions in shape.statements(rows):
            shapes.add(sql)
            for params in executions:
                assert len(params) == 2 * sql.count("(?, ?)")
                flat.extend(params)
        assert flat == [v for row in rows for v in row]
    assert len(shapes) == 5  # 12 rows, and the rest as 8, 4, 2 and 1


def test_streamed_rows_are_all_written_by_flush(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(import_tools, "ROWS_PER_INSERT", 4)
    writer = StreamingInsert([(LINKS, FIELDS)])
    chunks = [[(chunk, n) for n in range(10)] for chunk in range(6)]
    for rows in chunks:
        writer.add(LINKS, rows)
    writer.flush()
    assert _stored() == [row for rows in chunks for row in rows]
    writer.close(None)


@sqlite_only
def test_a_refused_row_in_the_writer_thread_reaches_the_caller_as_integrity_error() -> None:
    writer = StreamingInsert([(LINKS, FIELDS)])

    def write_a_repeat() -> None:
        with transaction.atomic():
            writer.add(LINKS, [(1, 1), (1, 2)])
            writer.add(LINKS, [(1, 2)])  # repeats a (subject, licence) pair
            writer.add(LINKS, [(2, 1)])
            writer.flush()

    with pytest.raises(IntegrityError):
        write_a_repeat()
    writer.close(IntegrityError("refused"))
    assert _stored() == []


class _Gated:
    """The writer thread's connection, holding each statement until `gate` is set."""

    in_transaction = True

    def __init__(self, raw: Any) -> None:
        self.raw = raw
        self.entered, self.gate = threading.Event(), threading.Event()
        self.calls: list[Any] = []

    def executemany(self, sql: str, params: Any) -> Any:
        self.calls.append(params)
        self.entered.set()
        self.gate.wait(10)
        return self.raw.executemany(sql, params)


def _hold_statements(writer: StreamingInsert) -> tuple[Any, Any, list[Any]]:
    """(entered, gate, calls): the writer's statements wait for `gate`."""
    assert writer._writer is not None
    gated = _Gated(writer._writer.raw)
    writer._writer.raw = gated
    return gated.entered, gated.gate, gated.calls


@sqlite_only
def test_after_a_failure_elsewhere_queued_rows_are_dropped() -> None:
    """`close(error)` lets the statement in progress end, skips what is queued and joins the
    thread, so the rollback that follows has the connection to itself."""
    writer = StreamingInsert([(LINKS, FIELDS)])
    assert writer._writer is not None
    entered, gate, calls = _hold_statements(writer)

    def fail_while_writing() -> None:
        with transaction.atomic():
            writer.add(LINKS, [(1, 1)])
            assert entered.wait(10)
            writer.add(LINKS, [(2, 2)])  # queued behind the held statement
            error = RuntimeError("校验出错")
            threading.Timer(0.2, gate.set).start()
            writer.close(error)
            raise error

    with pytest.raises(RuntimeError):
        fail_while_writing()
    assert writer._writer.thread is None
    assert calls == [[(1, 1)]]
    assert _stored() == []


@sqlite_only
def test_a_second_interrupt_while_stopping_still_waits_for_the_thread() -> None:
    """A second Ctrl-C during `close(error)` must not let the rollback run while the thread is
    still writing: `stop` waits for it, then raises the interrupt."""
    writer = StreamingInsert([(LINKS, FIELDS)])
    assert writer._writer is not None
    entered, gate, calls = _hold_statements(writer)

    def interrupted_twice() -> None:
        with transaction.atomic():
            writer.add(LINKS, [(1, 1)])
            assert entered.wait(10)
            writer.add(LINKS, [(2, 2)])
            thread = writer._writer.thread  # type: ignore[union-attr]
            assert thread is not None
            real_join, joins = thread.join, []

            def join_interrupted_once() -> None:
                joins.append(1)
                if len(joins) == 1:
                    threading.Timer(0.2, gate.set).start()
                    raise KeyboardInterrupt
                real_join()

            thread.join = join_interrupted_once  # type: ignore[method-assign]
            writer.close(RuntimeError("校验出错"))

    with pytest.raises(KeyboardInterrupt):
        interrupted_twice()
    assert writer._writer.thread is None
    assert calls == [[(1, 1)]]  # the queued chunk was dropped
    assert _stored() == []


@sqlite_only
def test_the_writer_refuses_to_write_outside_a_transaction() -> None:
    writer = StreamingInsert([(LINKS, FIELDS)])
    assert writer._writer is not None
    raw = writer._writer.raw

    class Autocommitting:  # as if the transaction had already been rolled back
        in_transaction = False

        def executemany(self, sql: str, params: Any) -> Any:
            return raw.executemany(sql, params)

    writer._writer.raw = Autocommitting()
    writer.add(LINKS, [(1, 1)])
    with pytest.raises(RuntimeError, match="事务"):
        writer.flush()
    writer.close(RuntimeError("refused"))
    assert _stored() == []


@sqlite_only
def test_a_handled_failure_is_not_raised_again_on_close() -> None:
    writer = StreamingInsert([(LINKS, FIELDS)])

    def write_a_repeat() -> None:
        with transaction.atomic():
            writer.add(LINKS, [(1, 1), (1, 1)])
            writer.flush()

    with pytest.raises(IntegrityError) as refused:
        write_a_repeat()
    writer.close(refused.value)
    writer.close(None)  # a later pass closing the same writer sees nothing stale


@sqlite_only
def test_sqlite_ids_number_on_after_the_largest_and_the_high_water_mark() -> None:
    bulk_insert(LINKS, ("id", *FIELDS), [(40, 1, 1)])
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE sqlite_sequence SET seq = 57 WHERE name = %s", [LINKS._meta.db_table]
        )
    ids = ReservedIds(LINKS, 10)
    assert ids.take(3) == [58, 59, 60]
    assert ids.take(2) == [61, 62]  # no query: the transaction holds SQLite's write lock


def test_the_uscc_check_refuses_what_the_pattern_refuses(make_subjects: Any) -> None:
    (subject,) = make_subjects(1)
    for bad in ["91480321MA0000000", "91480321ma00000000", "I" * 18, "91480321MA0000000\n"]:
        with pytest.raises(IntegrityError), transaction.atomic():
            Subject.objects.filter(pk=subject.pk).update(uscc=bad)
    for good in ["", "91480321MA00000009"]:
        Subject.objects.filter(pk=subject.pk).update(uscc=good)


@sqlite_only
def test_the_uscc_check_refuses_a_nul_character(make_subjects: Any) -> None:
    """SQLite's GLOB stops reading at NUL: the CHECK looks for one too."""
    (subject,) = make_subjects(1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Subject.objects.filter(pk=subject.pk).update(uscc="91480321MA00000009\x00X")


@sqlite_only
def test_the_uscc_check_never_calls_into_python_on_sqlite() -> None:
    """A REGEXP would call a Python function for every inserted row, which the writer thread
    cannot run beside the validating thread (see `core.lookups.ClassRegex`)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT sql FROM sqlite_master WHERE name = %s", [Subject._meta.db_table])
        (table_sql,) = cursor.fetchone()
    assert "REGEXP" not in table_sql.upper()
    assert "GLOB '" + "[0-9A-HJ-NPQRTUWXY]" * 18 + "'" in table_sql
