"""The report form as an Excel workbook, in the annex's layout: title with the period, 填报单位
and 填报时间, section 一 (the three questions), section 二 (one row per task and a total), remarks.
The aggregate adds a sheet per department and the submission list."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from oversight.figures import FIGURE_LABELS, RATE_LABELS
from oversight.reports import TASK_COLUMNS

THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="center")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
WIDTH = 1 + len(TASK_COLUMNS)  # 序号 + the task columns
NARRATIVE = [
    ("work_done", "工作开展情况及主要做法"),
    ("problems", "存在的问题"),
    ("next_steps", "下一步工作打算"),
]


def safe(value: Any) -> Any:
    """Text Excel would evaluate as a formula is written as plain text."""
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def title_of(content: dict[str, Any]) -> str:
    return f"{content['title']}（{content['period']['label']}）"


def _merged(sheet: Worksheet, row: int, text: str, first: int = 1, last: int = WIDTH) -> None:
    sheet.cell(row=row, column=first, value=safe(text)).alignment = WRAP
    if last > first:
        sheet.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)


def _boxed(sheet: Worksheet, row: int, values: Sequence[Any], bold: bool = False) -> None:
    for column, value in enumerate(values, start=1):
        cell = sheet.cell(row=row, column=column, value=safe(value))
        cell.border, cell.alignment = BOX, WRAP
        if bold:
            cell.font = Font(bold=True)


def _task_values(row: dict[str, Any]) -> list[Any]:
    return [row.get(key, "") for key, _ in TASK_COLUMNS]


def write_form(sheet: Worksheet, content: dict[str, Any], meta: dict[str, Any]) -> None:
    sheet.title = "月报表" if content["kind"] == "monthly" else "工作总结"
    sheet.cell(row=1, column=1, value=title_of(content)).font = Font(bold=True, size=14)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=WIDTH)
    sheet.cell(row=1, column=1).alignment = CENTER
    _merged(sheet, 2, f"填报单位（地区）：{content['unit']}", 1, WIDTH // 2)
    _merged(sheet, 2, f"填报时间：{meta.get('submitted_on') or ''}", WIDTH // 2 + 1, WIDTH)
    _merged(sheet, 3, content["section_one"])
    sheet.cell(row=3, column=1).font = Font(bold=True)
    row = 4
    for item in content["mechanism"]:
        answer = item["answer"] + (f"：{item['detail']}" if item["detail"] else "")
        _boxed(sheet, row, [item["no"], item["question"]])
        sheet.merge_cells(start_row=row, start_column=2, end_row=row, end_column=4)
        cell = sheet.cell(row=row, column=5, value=safe(answer))
        cell.alignment, cell.border = WRAP, BOX
        sheet.merge_cells(start_row=row, start_column=5, end_row=row, end_column=WIDTH)
        row += 1
    row += 1
    _merged(sheet, row, content["section_two"])
    sheet.cell(row=row, column=1).font = Font(bold=True)
    row += 1
    _boxed(sheet, row, ["序号", *(header for _, header in TASK_COLUMNS)], bold=True)
    row += 1
    for n, task in enumerate(content["rows"], start=1):
        _boxed(sheet, row, [n, *_task_values(task)])
        row += 1
    if not content["rows"]:
        _boxed(sheet, row, ["", "本期无随机抽查工作"])
        row += 1
    totals = content["totals"] | {
        "items": "合计",
        "ratio": "",
        "task": "",
        "joint": "",
        "departments": "",
    }
    _boxed(sheet, row, ["", *_task_values(totals)], bold=True)
    row += 2
    rates = "；".join(
        f"{label}：{'—' if content['totals'][key] is None else str(content['totals'][key]) + '%'}"
        for key, label in RATE_LABELS.items()
    )
    _merged(sheet, row, rates)
    row += 1
    if content["kind"] != "monthly":
        for key, label in NARRATIVE:
            row += 1
            _merged(sheet, row, label)
            sheet.cell(row=row, column=1).font = Font(bold=True)
            row += 1
            _merged(sheet, row, meta.get(key) or "")
    row += 1
    _merged(sheet, row, f"备注：{meta.get('remarks') or ''}")
    for column in range(1, WIDTH + 1):
        sheet.column_dimensions[get_column_letter(column)].width = 14
    sheet.column_dimensions["B"].width = 28
    sheet.column_dimensions["D"].width = 30


def write_departments(sheet: Worksheet, content: dict[str, Any]) -> None:
    keys = list(FIGURE_LABELS)
    _boxed(sheet, 1, ["成员单位", *FIGURE_LABELS.values(), *RATE_LABELS.values()], bold=True)
    for n, dept in enumerate(content.get("departments", []), start=2):
        _boxed(
            sheet,
            n,
            [dept["name"], *(dept[k] for k in keys), *(dept[k] for k in RATE_LABELS)],
        )
    sheet.column_dimensions["A"].width = 28


def write_submissions(sheet: Worksheet, submissions: list[dict[str, Any]]) -> None:
    _boxed(sheet, 1, ["成员单位", "报送期限", "报送情况", "报送时间"], bold=True)
    for n, s in enumerate(submissions, start=2):
        _boxed(
            sheet,
            n,
            [s["department_name"], s["due"], s["state_label"], (s["submitted_at"] or "")[:16]],
        )
    sheet.column_dimensions["A"].width = 28


def workbook_bytes(
    content: dict[str, Any], meta: dict[str, Any], submissions: list[dict[str, Any]] | None = None
) -> bytes:
    workbook = Workbook()
    write_form(workbook.active, content, meta)
    if content.get("aggregate"):
        write_departments(workbook.create_sheet("分部门"), content)
    if submissions is not None:
        write_submissions(workbook.create_sheet("报送情况"), submissions)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
