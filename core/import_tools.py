"""Import helpers outside the validation pass: downloadable templates, error reports, and the
fast bulk insert the large registries use."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Sequence
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
    for index, column in enumerate(
        [c for c in spec.columns if not c.key.startswith("_")], start=1
    ):
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


def bulk_insert(model: type[Any], fields: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """INSERT many rows (COPY on PostgreSQL, executemany elsewhere), bypassing per-object ORM
    work.

    `fields` are attribute names (`department_id`); values must already be database-ready (use
    `db_datetime` for datetimes). Runs inside the caller's transaction; model validation is the
    caller's job (the import specs validate every row first).
    """
    from django.db import connection

    if not rows:
        return
    meta = model._meta
    quote = connection.ops.quote_name
    columns = ", ".join(quote(meta.get_field(name).column) for name in fields)
    if connection.vendor == "postgresql":  # COPY is PostgreSQL's bulk path
        with connection.cursor() as cursor:
            with cursor.cursor.copy(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        return
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({marks})"
    with connection.cursor() as cursor:  # one prepared statement, many rows (SQLite)
        for start in range(0, len(rows), 5000):
            cursor.executemany(sql, rows[start:start + 5000])


def db_datetime(value: dt.datetime) -> Any:
    from django.db import connection

    return connection.ops.adapt_datetimefield_value(value)
