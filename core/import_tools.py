"""Import helpers outside the validation pass: downloadable templates, error reports, and the
fast bulk insert the large registries use."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
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
    meta = model._meta
    quote = connection.ops.quote_name
    columns = ", ".join(quote(meta.get_field(name).column) for name in fields)
    if connection.vendor == "postgresql":  # COPY is PostgreSQL's bulk path
        types = _binary_types(connection, [meta.get_field(name) for name in fields])
        binary = " (FORMAT BINARY)" if types is not None else ""
        sql = f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN{binary}"
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            if types is not None:
                copy.set_types(types)
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({marks})"
    with connection.cursor() as cursor:  # one prepared statement, many rows (SQLite)
        cursor.executemany(sql, rows)


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
