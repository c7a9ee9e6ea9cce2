"""Import helpers outside the validation pass: downloadable templates, error reports, and the
fast bulk insert the large registries use."""

from __future__ import annotations

import csv
import datetime as dt
import queue
import threading
from array import array
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from itertools import chain
from typing import Any

from openpyxl import Workbook

from core.exports import xlsx_bytes
from core.imports import ImportResult, ImportSpec

# --- templates and error reports ---------------------------------------------------------------


def template_xlsx(spec: ImportSpec) -> bytes:
    """An empty sheet with the Chinese headers (cells formatted as text, so long codes keep every
    digit), and a sheet explaining each column."""
    import io

    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = spec.label[:31] or "数据"
    for index, column in enumerate([c for c in spec.columns if not c.key.startswith("_")], start=1):
        cell = sheet.cell(row=1, column=index, value=column.header)
        cell.font = Font(bold=True, color="B3261E" if column.required else "000000")
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].number_format = "@"
        sheet.column_dimensions[letter].width = max(12, len(column.header) * 2 + 4)
    sheet.freeze_panes = "A2"
    notes = workbook.create_sheet("填写说明")
    notes.append(["列标题", "是否必填", "说明", "示例"])
    for column in spec.columns:
        if column.key.startswith("_"):
            continue
        notes.append(
            [column.header, "必填" if column.required else "", column.note, column.example]
        )
    notes.append([])
    notes.append(
        [
            "提示",
            "",
            "第 1 行为列标题，请勿修改；从第 2 行起每行一条。多个值用顿号“、”分隔。"
            "填写已有编码的行将更新该记录，其余行将新增。任何一行有错误时整个文件都不会导入。",
        ]
    )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def template_csv(spec: ImportSpec) -> bytes:
    import io

    buffer = io.StringIO()
    csv.writer(buffer).writerow(spec.headers())
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def error_report_xlsx(result: ImportResult) -> bytes:
    rows = [(e.row, e.column, e.message, e.value) for e in result.errors]
    return xlsx_bytes(["行号", "列", "错误原因", "填写的内容"], rows, title="错误报告")


# --- fast inserts for large imports ------------------------------------------------------------

# SQLite page cache while an import writes (KiB). The default 2 MiB cannot hold the unique indexes
# of a 100,000-row registry, so every random index insert re-read and re-spilled pages to the WAL;
# the cache is a bound, not a buffer of the file (it stops growing at this size, and the default
# is restored when the import ends).
SQLITE_IMPORT_CACHE_KIB = 32 * 1024

ROWS_PER_INSERT = 2000  # where there is no COPY (see `_InsertShape`)


@contextmanager
def bulk_write_session() -> Iterator[None]:
    """Database settings for one large import (a larger page cache on SQLite, restored after)."""
    from django.db import connection

    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        previous = int(cursor.fetchone()[0])
        cursor.execute(f"PRAGMA cache_size = {-SQLITE_IMPORT_CACHE_KIB:d}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {previous:d}")


def reserve_ids(model: type[Any], count: int) -> list[int] | None:
    """Primary keys for `count` rows about to be inserted, so that the caller can link them
    without reading them back; None where the database cannot reserve them (then insert without
    ids and look them up).

    PostgreSQL draws them from the column's sequence (concurrent sessions never get the same
    ones). SQLite numbers after both the largest id and the AUTOINCREMENT high-water mark; the
    import's transaction holds the write lock (IMMEDIATE), and if another writer slipped in
    anyway the insert fails on the primary key and the whole import rolls back.
    """
    from django.db import connection

    if count <= 0:
        return []
    meta = model._meta
    table, column = meta.db_table, meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT array_agg(nextval(s.seq)) FROM (SELECT pg_get_serial_sequence(%s, %s)"
                "::regclass AS seq OFFSET 0) AS s, generate_series(1, %s)",  # name looked up once
                [table, column, count],
            )
            return list(cursor.fetchone()[0])
        if connection.vendor == "sqlite":
            quote = connection.ops.quote_name
            cursor.execute(f"SELECT COALESCE(MAX({quote(column)}), 0) FROM {quote(table)}")
            top = int(cursor.fetchone()[0])
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            row = cursor.fetchone()
            start = max(top, int(row[0]) if row else 0) + 1
            return list(range(start, start + count))
    return None


def bulk_insert(model: type[Any], fields: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """INSERT many rows (COPY on PostgreSQL, executemany elsewhere), bypassing per-object ORM
    work.

    `fields` are attribute names (`department_id`, or `id` with ids from `reserve_ids`); values
    must already be database-ready (use `db_datetime` for datetimes). Runs inside the caller's
    transaction; model validation is the caller's job (the import specs validate every row
    first).
    """
    from django.db import connection

    if not rows:
        return
    if connection.vendor == "postgresql":  # COPY is PostgreSQL's bulk path
        types = _binary_types(connection, [model._meta.get_field(name) for name in fields])
        with connection.cursor() as cursor:
            with cursor.cursor.copy(_copy_sql(connection, model, fields)) as copy:
                if types is not None:
                    copy.set_types(types)
                for row in rows:
                    copy.write_row(row)
        return
    shape = _InsertShape.of(connection, model, fields, "%s")
    with connection.cursor() as cursor:
        for sql, params in shape.statements(rows):
            cursor.executemany(sql, params)


class _InsertShape:
    """INSERT statements of many rows each for one table's columns.

    A statement per row costs SQLite its per-statement work (the AUTOINCREMENT high-water mark is
    read and written back each time) for every row; a statement of many rows pays it once. Rows
    go in statements of `per` rows, and the rest in statements of a power-of-two number of rows
    (the largest first), so that a table needs at most a dozen distinct statements whatever the
    chunk sizes: the driver keeps prepared statements, and one of ~2,000 rows is large."""

    def __init__(self, head: str, one: str, per: int) -> None:
        self.head, self.one, self.per = head, one, per
        self._sql: dict[int, str] = {}

    @classmethod
    def of(
        cls, connection: Any, model: type[Any], fields: Sequence[str], mark: str
    ) -> _InsertShape:
        meta = model._meta
        quote = connection.ops.quote_name
        columns = ", ".join(quote(meta.get_field(name).column) for name in fields)
        per = max(1, min(ROWS_PER_INSERT, _max_parameters(connection) // len(fields)))
        return cls(
            f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ",
            "(" + ", ".join([mark] * len(fields)) + ")",
            per,
        )

    def statements(self, rows: Sequence[Sequence[Any]]) -> Iterator[tuple[str, list[Any]]]:
        """(statement, the parameters of each execution) for `rows`, in their order."""
        start, size, total = 0, self.per, len(rows)
        while start < total:
            if size > total - start:  # the rest: in powers of two, the largest first
                size = 1 << ((total - start).bit_length() - 1)
            end = total - (total - start) % size
            yield (
                self.sql(size),
                [tuple(chain.from_iterable(rows[i : i + size])) for i in range(start, end, size)],
            )
            start = end

    def sql(self, rows: int) -> str:
        text = self._sql.get(rows)
        if text is None:
            text = self._sql[rows] = self.head + ", ".join([self.one] * rows)
        return text


def _max_parameters(connection: Any) -> int:
    """The connection's own limit on parameters per statement (Django assumes SQLite's old 999;
    SQLite 3.32 and later allow 32,766 unless built otherwise)."""
    import sqlite3

    connection.ensure_connection()
    try:
        return int(connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER))
    except AttributeError:  # not SQLite's driver
        return int(connection.features.max_query_params or 999)


class StreamingInsert:
    """Rows for a registry table and its link tables, inserted during one import without
    waiting for the server per chunk.

    On PostgreSQL the registry's rows go through one COPY that stays open between chunks, so the
    server inserts them while the client validates the next chunk. Link rows (integers only) gather
    for a stretch of `EPOCH_ROWS` and are then copied at once without waiting for the server to
    finish them: it inserts them while the client validates on, and their result is read before
    the connection's next statement. On SQLite a thread of its own inserts the rows (`_Writer`)
    while the caller validates on. Either way the connection can run nothing else meanwhile:
    call `flush()` before any other statement. `close()` ends it all (after an error,
    `close(error)` cancels the open COPY, or drops the rows not yet written). Elsewhere each
    `add` is an executemany at once.
    """

    EPOCH_ROWS = 50_000  # link rows held back (~1 MB): each stretch costs one wait

    def __init__(self, tables: Sequence[tuple[type[Any], Sequence[str]]]) -> None:
        from django.db import connection

        self.connection = connection
        self.streamed = connection.vendor == "postgresql"
        self.tables = {model: tuple(fields) for model, fields in tables}
        self.main = tables[0][0]
        self._writer = _Writer(connection, self.tables) if connection.vendor == "sqlite" else None
        self._copy: Any = None
        self._block: Any = None  # the context manager that opened `_copy`
        self._cursor: Any = None
        self._links: dict[type[Any], list[str]] = {}
        self._link_rows = 0
        self._pending = False  # a link COPY whose result is not read yet

    def add(self, model: type[Any], rows: Sequence[Sequence[Any]]) -> None:
        if not rows:
            return
        if self._writer is not None:
            self._writer.put(model, rows)
            return
        if not self.streamed:
            bulk_insert(model, self.tables[model], rows)
            return
        with self.connection.wrap_database_errors:  # a refused row surfaces as IntegrityError
            if model is self.main:
                write = self._open().write_row
                for row in rows:
                    write(row)
            else:
                line = "\t".join(["%d"] * len(self.tables[model])) + "\n"
                self._links.setdefault(model, []).append("".join([line % row for row in rows]))
                self._link_rows += len(rows)
                if self._link_rows >= self.EPOCH_ROWS:
                    self._end_main(None)
                    self._send_links()

    def _open(self) -> Any:
        if self._copy is None:
            self._settle()
            fields = self.tables[self.main]
            self._cursor = self.connection.cursor()
            self._block = self._cursor.cursor.copy(_copy_sql(self.connection, self.main, fields))
            self._copy = self._block.__enter__()
            types = _binary_types(self.connection, [self.main._meta.get_field(f) for f in fields])
            if types is not None:
                self._copy.set_types(types)
        return self._copy

    def _end_main(self, error: BaseException | None) -> None:
        block, cursor = self._block, self._cursor
        self._copy = self._block = self._cursor = None
        if block is None:
            return
        try:
            with self.connection.wrap_database_errors:
                block.__exit__(type(error) if error else None, error, None)
        finally:
            cursor.close()

    def _send_links(self) -> None:
        """Copy the gathered link rows; the last COPY's result is left for `_settle`."""
        from psycopg import generators, pq

        self.connection.ensure_connection()
        raw = self.connection.connection
        pgconn = raw.pgconn
        quote = self.connection.ops.quote_name
        links, self._links, self._link_rows = self._links, {}, 0
        for model, parts in links.items():
            self._settle()
            meta = model._meta
            columns = ", ".join(quote(meta.get_field(name).column) for name in self.tables[model])
            with self.connection.wrap_database_errors:
                pgconn.send_query(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN".encode())
                (started,) = raw.wait(generators.fetch_many(pgconn))
                if started.status != pq.ExecStatus.COPY_IN:
                    raise _error_from(started, pgconn)
                self._pending = True  # from here on, a result comes (also after a failure)
                try:
                    for part in parts:
                        raw.wait(generators.copy_to(pgconn, part.encode(), flush=False))
                    raw.wait(_end_copy_unread(pgconn))
                except BaseException:
                    pgconn.put_copy_end(b"import failed")  # the COPY ends; _settle reads it
                    raise

    def _settle(self) -> None:
        """Read the result of the link COPY in flight (raising its error, if any)."""
        if not self._pending:
            return
        from psycopg import generators, pq

        self._pending = False
        raw = self.connection.connection
        for result in raw.wait(generators.fetch_many(raw.pgconn)):
            if result.status != pq.ExecStatus.COMMAND_OK:
                with self.connection.wrap_database_errors:
                    raise _error_from(result, raw.pgconn)

    def flush(self) -> None:
        """Finish everything in flight; the connection is free after."""
        if self._writer is not None:
            self._writer.wait()
        if not self.streamed:
            return
        self._end_main(None)
        if self._links:
            self._send_links()
        self._settle()

    def close(self, error: BaseException | None = None) -> None:
        if self._writer is not None:
            self._writer.stop(error)
        if error is None:
            self.flush()
            return
        self._links, self._link_rows = {}, 0
        try:
            self._end_main(error)
        finally:
            try:
                self._settle()
            except Exception:  # noqa: BLE001 — the import already failed; the result is read
                pass


class _Writer:
    """Inserts rows on a thread of its own, in the caller's connection and transaction (SQLite).

    SQLite releases the interpreter's lock while it writes, so a chunk's rows are inserted while
    the caller validates the next chunk: the two run on the two cores instead of one after the
    other. This pays only if the insert itself never calls back into Python: a REGEXP in a CHECK
    constraint would (see `core.lookups.ClassRegex`). Django opens SQLite connections shareable
    across threads; the caller runs no statement on the connection until `wait()` has returned.
    """

    QUEUED_CHUNKS = 3  # chunks waiting to be written: memory stays bounded

    def __init__(self, connection: Any, tables: dict[type[Any], tuple[str, ...]]) -> None:
        connection.ensure_connection()
        self.connection = connection
        self.raw = connection.connection  # the sqlite3 connection itself, not the thread's proxy
        self.shapes = {
            model: _InsertShape.of(connection, model, fields, "?")
            for model, fields in tables.items()
        }
        self.jobs: queue.Queue[list[tuple[str, list[Any]]] | None] = queue.Queue(self.QUEUED_CHUNKS)
        self.failure: BaseException | None = None
        self.thread: threading.Thread | None = None

    def put(self, model: type[Any], rows: Sequence[Sequence[Any]]) -> None:
        self._raise_failure()
        if self.thread is None:
            thread = threading.Thread(target=self._run, name="import-writer", daemon=True)
            thread.start()
            self.thread = thread
        self.jobs.put(list(self.shapes[model].statements(rows)))  # flattened here (see `_run`)

    def wait(self) -> None:
        """Return once every row put so far is written (raising the insert's error, if any)."""
        if self.thread is not None:
            self.jobs.join()
        self._raise_failure()

    def stop(self, error: BaseException | None) -> None:
        """End the thread. After an error the rows not yet written are dropped and the error is
        taken as handled (the import rolls back); without one, `wait()` still reports a failure.

        The thread has always ended when this returns, even if an interrupt (a second Ctrl-C, a
        worker told to exit) arrives meanwhile: the rollback that follows must not run while the
        thread is still writing. The interrupt is raised once the thread has ended.
        """
        thread = self.thread
        if thread is None:
            return
        if error is not None and self.failure is None:
            self.failure = error  # the thread skips what is still queued
        interrupted: BaseException | None = None
        sent = False
        while thread.is_alive():
            try:
                if not sent:
                    self.jobs.put(None)
                    sent = True
                thread.join()
            except BaseException as interrupt:  # noqa: BLE001 — raised below, after the join
                interrupted = interrupted or interrupt
        self.thread = None
        if error is not None:
            self.failure = None
        if interrupted is not None:
            raise interrupted

    def _run(self) -> None:
        raw = self.raw
        while True:
            job = self.jobs.get()
            try:
                if job is None:
                    return
                for sql, params in job:
                    if self.failure is not None:  # checked per statement: stop() may wait
                        break
                    if not raw.in_transaction:  # never autocommit part of an import
                        raise RuntimeError("导入写入须在事务中进行")
                    raw.executemany(sql, params)
            except BaseException as error:  # noqa: BLE001 — handed to the caller's thread
                self.failure = error
            finally:
                self.jobs.task_done()

    def _raise_failure(self) -> None:
        if self.failure is not None:
            with self.connection.wrap_database_errors:  # sqlite3's IntegrityError → Django's
                raise self.failure


def _end_copy_unread(pgconn: Any) -> Any:
    """End a COPY and flush it to the server, without waiting for its result."""
    from psycopg.waiting import Wait

    while pgconn.put_copy_end(None) == 0:
        while not (yield Wait.W):
            continue
    while True:
        while not (yield Wait.W):
            continue
        if pgconn.flush() == 0:
            break


def _error_from(result: Any, pgconn: Any) -> Exception:
    from psycopg import errors

    return errors.error_from_result(result, encoding=pgconn._encoding)


class ReservedIds:
    """Primary keys handed out to an import. PostgreSQL reserves them in growing blocks (one
    query per block rather than per chunk; unused ones are gaps, as with any sequence), and
    `before_query` runs before each (to end an open COPY). SQLite numbers on from where it
    stood at the first call: the import's transaction holds SQLite's only write lock from its
    start (IMMEDIATE), so nobody else inserts meanwhile (and if somebody did, the insert fails on
    the primary key and the import rolls back). Other databases reserve per call."""

    def __init__(self, model: type[Any], first_block: int, before_query: Any = None) -> None:
        from django.db import connection

        self.model = model
        self.blocks = connection.vendor == "postgresql"
        self.counts_on = connection.vendor == "sqlite"
        self.block = min(max(first_block, 1000), 50_000)
        self.before_query = before_query
        self.free = array("q")  # at most two blocks: 8 bytes an id
        self.next = 0
        self.next_id: int | None = None  # SQLite

    def take(self, count: int) -> list[int] | None:
        """`count` ids, or None where the database numbers the rows itself."""
        if self.counts_on:
            if self.next_id is None:
                if self.before_query is not None:
                    self.before_query()
                self.next_id = reserve_ids(self.model, 1)[0]  # type: ignore[index]
            start, self.next_id = self.next_id, self.next_id + count
            return list(range(start, self.next_id))
        if not self.blocks:
            return reserve_ids(self.model, count)
        if len(self.free) - self.next < count:
            if self.before_query is not None:
                self.before_query()
            more = reserve_ids(self.model, max(self.block, count))
            assert more is not None
            self.free = self.free[self.next :] + array("q", more)
            self.next = 0
            self.block = min(self.block * 2, 50_000)
        taken = self.free[self.next : self.next + count].tolist()
        self.next += count
        return taken


def _scratch_database() -> Any:
    """A private temporary SQLite database on disk (removed on close), written without a journal
    or syncs: it only holds an import's working keys."""
    import sqlite3

    db = sqlite3.connect("")  # "": a temporary on-disk database
    db.execute("PRAGMA journal_mode = OFF")
    db.execute("PRAGMA synchronous = OFF")
    return db


class KeyLedger:
    """Which rows of a file repeat a key (code, USCC…), without keeping every key in memory: the
    keys go to a private temporary SQLite file (deleted on close, its cache a fixed 2 MiB) with
    a 64-bit hash of each, and at the end one grouping of the hashes finds the candidates, whose
    keys are then compared exactly."""

    def __init__(self) -> None:
        self.db = _scratch_database()
        self.db.execute("CREATE TABLE seen (h INTEGER, kind TEXT, value TEXT, row INTEGER)")

    def add(self, keys: Sequence[tuple[str, str, int]]) -> None:
        """(kind, value, row) for a chunk's rows."""
        self.db.executemany(
            "INSERT INTO seen VALUES (?, ?, ?, ?)",
            [(hash((kind, value)), kind, value, row) for kind, value, row in keys],
        )

    def repeats(self) -> Iterator[tuple[str, str, int, int]]:
        """(kind, value, row, first row) for every row that repeats an earlier row's key."""
        candidates = self.db.execute(
            "SELECT kind, value, row FROM seen WHERE h IN"
            " (SELECT h FROM seen GROUP BY h HAVING count(*) > 1) ORDER BY row"
        )
        first: dict[tuple[str, str], int] = {}  # only keys whose hash repeats: few
        for kind, value, row in candidates:
            earlier = first.setdefault((kind, value), row)
            if earlier != row:
                yield kind, value, row, earlier

    def close(self) -> None:
        self.db.close()


class StoredIndex:
    """The stored registry as an import compares against it — each code's primary key and a
    fingerprint of its values, and the other unique keys (USCC → code) — kept in a private
    temporary SQLite file rather than in memory (a province's registry has millions of rows),
    and looked up a chunk at a time."""

    def __init__(self) -> None:
        self.db = _scratch_database()
        self.db.execute(
            "CREATE TABLE entry (code TEXT PRIMARY KEY, pk INTEGER, fp BLOB) WITHOUT ROWID"
        )
        self.db.execute("CREATE TABLE alias (key TEXT PRIMARY KEY, code TEXT) WITHOUT ROWID")
        self.empty = True  # a first import into an empty registry looks nothing up

    def load(
        self, entries: Sequence[tuple[str, int, bytes]], aliases: Sequence[tuple[str, str]]
    ) -> None:
        self.db.executemany("INSERT INTO entry VALUES (?, ?, ?)", entries)
        self.db.executemany("INSERT OR REPLACE INTO alias VALUES (?, ?)", aliases)
        self.empty = self.empty and not entries and not aliases

    def entries(self, codes: Sequence[str]) -> dict[str, tuple[int, bytes]]:
        return {
            code: (pk, fp) for code, pk, fp in self._select("code, pk, fp", "entry", "code", codes)
        }

    def aliases(self, keys: Sequence[str]) -> dict[str, str]:
        return dict(self._select("key, code", "alias", "key", keys))

    def _select(self, columns: str, table: str, key: str, values: Sequence[str]) -> Iterator[Any]:
        if self.empty:
            return
        for start in range(0, len(values), 900):  # under any SQLite's limit on parameters
            part = values[start : start + 900]
            marks = ", ".join("?" * len(part))
            yield from self.db.execute(
                f"SELECT {columns} FROM {table} WHERE {key} IN ({marks})",  # noqa: S608
                part,
            )

    def close(self) -> None:
        self.db.close()


def _copy_sql(connection: Any, model: type[Any], fields: Sequence[str]) -> str:
    meta = model._meta
    quote = connection.ops.quote_name
    columns = ", ".join(quote(meta.get_field(name).column) for name in fields)
    types = _binary_types(connection, [meta.get_field(name) for name in fields])
    binary = " (FORMAT BINARY)" if types is not None else ""
    return f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN{binary}"


# Column types whose binary COPY format psycopg writes from the Python values the importers pass
# (binary COPY spares both sides the text formatting and parsing: ~4x less time per row).
_BINARY_COPY_TYPES = {
    "bigint": "int8",
    "integer": "int4",
    "smallint": "int2",
    "boolean": "bool",
    "text": "text",
    "timestamp with time zone": "timestamptz",
    "date": "date",
}


def _binary_types(connection: Any, fields: Sequence[Any]) -> list[str] | None:
    """The psycopg type name of each column for a binary COPY, or None to COPY as text."""
    types = []
    for field in fields:
        db_type = (field.db_type(connection) or "").split("(")[0].strip()
        name = "text" if db_type == "varchar" else _BINARY_COPY_TYPES.get(db_type)
        if name is None:
            return None
        types.append(name)
    return types


def db_datetime(value: dt.datetime) -> Any:
    from django.db import connection

    return connection.ops.adapt_datetimefield_value(value)
