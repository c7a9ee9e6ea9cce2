from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from audit.models import AuditEvent
from core import testing
from core.imports import run_import
from subjects.imports import SubjectImport
from subjects.models import Subject

pytestmark = pytest.mark.django_db


def _import(path: Path, commit: bool = True) -> Any:
    return run_import(SubjectImport(testing.department(), None), path, commit=commit)


def test_ten_thousand_rows_with_one_bad_row_near_the_end_commit_nothing(
    demo_org: None, tmp_path: Path
) -> None:
    rows = testing.subject_rows(10_000)
    bad = rows[9_876]
    bad[3] = bad[3][:17] + ("0" if bad[3][17] != "0" else "1")  # wrong check digit
    path = testing.write_csv(tmp_path / "subjects.csv", testing.SUBJECT_HEADERS, rows)
    events = AuditEvent.objects.count()

    result = _import(path)

    assert not result.committed
    assert Subject.objects.count() == 0
    assert AuditEvent.objects.count() == events
    assert result.error_count == 1
    error = result.errors[0]
    assert error.row == 9_878  # header is row 1, first data row is row 2
    assert error.column == "统一社会信用代码"
    assert "校验位错误" in error.message
    assert str(error).startswith("第 9878 行“统一社会信用代码”列")


def test_reimporting_the_same_file_changes_nothing(demo_org: None, tmp_path: Path) -> None:
    path = testing.write_csv(tmp_path / "s.csv", testing.SUBJECT_HEADERS, testing.subject_rows(50))
    first = _import(path)
    assert first.committed
    assert first.created == 50
    before = list(Subject.objects.values_list("pk", "modified_at").order_by("pk"))
    updates = AuditEvent.objects.filter(action="subject.updated").count()

    again = _import(path)

    assert again.created == again.updated == 0
    assert again.unchanged == 50
    assert list(Subject.objects.values_list("pk", "modified_at").order_by("pk")) == before
    assert AuditEvent.objects.filter(action="subject.updated").count() == updates


def test_a_code_column_updates_and_the_change_is_traced(demo_org: None, tmp_path: Path) -> None:
    rows = testing.subject_rows(3)
    _import(testing.write_csv(tmp_path / "a.csv", testing.SUBJECT_HEADERS, rows))
    code = rows[1][3]
    changed = [r[:] for r in rows]
    changed[1][0] = code
    changed[1][8] = "D"
    changed[1][2] = "明溪县改名后有限公司"

    result = _import(testing.write_csv(tmp_path / "b.csv", testing.SUBJECT_HEADERS, changed))

    assert result.committed
    assert (result.created, result.updated, result.unchanged) == (0, 1, 2)
    subject = Subject.objects.get(code=code)
    assert subject.credit_risk_class == "D"
    assert subject.name == "明溪县改名后有限公司"
    event = AuditEvent.objects.get(action="subject.updated", object_id=str(subject.pk))
    assert event.before == {"name": rows[1][2], "credit_risk_class": rows[1][8]}
    assert event.after == {"name": "明溪县改名后有限公司", "credit_risk_class": "D"}
    assert "批量导入" in event.reason


def test_partial_columns_update_only_those_columns(demo_org: None, tmp_path: Path) -> None:
    rows = testing.subject_rows(2)
    _import(testing.write_csv(tmp_path / "a.csv", testing.SUBJECT_HEADERS, rows))
    path = testing.write_csv(
        tmp_path / "b.csv",
        ["对象编码", "对象类型", "名称", "统一社会信用代码", "投诉举报次数"],
        [[rows[0][3], "企业", rows[0][2], rows[0][3], "7"]],
    )
    result = _import(path)
    assert result.updated == 1
    subject = Subject.objects.get(code=rows[0][3])
    assert subject.complaint_count == 7
    assert subject.town == "城关镇"


def test_header_problems_stop_the_import_before_any_row(demo_org: None, tmp_path: Path) -> None:
    from core.imports import ImportRejected

    path = testing.write_csv(tmp_path / "h.csv", ["名称", "奇怪的列"], [["a", "b"]])
    with pytest.raises(ImportRejected) as info:
        _import(path)
    assert "无法识别的列：奇怪的列" in str(info.value)
    path = testing.write_csv(tmp_path / "m.csv", ["名称", "统一社会信用代码"], [["a", "b"]])
    with pytest.raises(ImportRejected, match="缺少必填列：对象类型"):
        _import(path)


def test_duplicates_within_the_file_and_unknown_references_are_named(
    demo_org: None, tmp_path: Path
) -> None:
    rows = testing.subject_rows(3)
    rows[2][3] = rows[0][3]
    rows[1][7] = "99"
    result = _import(testing.write_csv(tmp_path / "d.csv", testing.SUBJECT_HEADERS, rows), False)
    messages = {(e.row, e.column): e.message for e in result.errors}
    assert "与第 2 行重复" in messages[(4, "统一社会信用代码")]
    assert "不是国民经济行业分类的大类" in messages[(3, "行业")]


def test_xlsx_and_gbk_csv_are_read(demo_org: None, tmp_path: Path) -> None:
    rows = testing.subject_rows(5)
    xlsx = testing.write_xlsx(tmp_path / "s.xlsx", testing.SUBJECT_HEADERS, rows)
    assert _import(xlsx, commit=False).created == 5
    gbk = testing.write_csv(tmp_path / "g.csv", testing.SUBJECT_HEADERS, rows, encoding="gb18030")
    assert _import(gbk).created == 5


def test_subjects_without_uscc_get_a_stable_code(demo_org: None, tmp_path: Path) -> None:
    rows = [
        [
            "",
            "项目",
            "明溪县城关镇某安置房项目",
            "",
            "",
            "城关镇解放路 1 号",
            "城关镇",
            "47",
            "",
            "",
        ]
    ]
    path = testing.write_csv(tmp_path / "p.csv", testing.SUBJECT_HEADERS, rows)
    assert _import(path).created == 1
    assert _import(path).unchanged == 1
    rows[0][3] = ""
    rows[0][1] = "企业"
    result = _import(testing.write_csv(tmp_path / "e.csv", testing.SUBJECT_HEADERS, rows), False)
    assert "须填写统一社会信用代码" in result.errors[0].message


def test_cli_dry_run_writes_nothing_and_commit_writes(
    demo_org: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = testing.write_csv(tmp_path / "c.csv", testing.SUBJECT_HEADERS, testing.subject_rows(20))
    call_command("import_subjects", str(path), "--department", "DEMO-MX-ZRZY", "--dry-run")
    assert Subject.objects.count() == 0
    assert "试运行" in capsys.readouterr().out
    call_command("import_subjects", str(path), "--department", "DEMO-MX-ZRZY", "--user", "registry")
    assert Subject.objects.count() == 20
    event = AuditEvent.objects.get(action="subject.import_committed")
    assert event.channel == "cli"
    assert event.actor_label == "registry"


def test_cli_reports_errors_and_exits_nonzero(demo_org: None, tmp_path: Path) -> None:
    rows = testing.subject_rows(3)
    rows[1][1] = "外星企业"
    path = testing.write_csv(tmp_path / "c.csv", testing.SUBJECT_HEADERS, rows)
    report = tmp_path / "errors.xlsx"
    with pytest.raises(CommandError, match="未导入任何数据"):
        call_command(
            "import_subjects",
            str(path),
            "--department",
            "DEMO-MX-ZRZY",
            "--errors-out",
            str(report),
            "--no-progress",
        )
    assert report.exists()
    assert Subject.objects.count() == 0
    with pytest.raises(CommandError, match="部门机构代码"):
        call_command("import_subjects", str(path), "--department", "NOPE")


def test_a_failing_bulk_insert_rolls_the_whole_import_back(
    demo_org: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An error while writing a later chunk reaches the caller, and nothing of the import (rows
    of earlier chunks, links, audit events) is kept."""
    from core.import_tools import StreamingInsert

    real = StreamingInsert.add
    calls = {"n": 0}

    def fail_on_third(*args: Any) -> None:
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("磁盘已满")
        real(*args)

    monkeypatch.setattr(StreamingInsert, "add", fail_on_third)
    monkeypatch.setattr(SubjectImport, "chunk_size", 5)
    path = testing.write_csv(tmp_path / "s.csv", testing.SUBJECT_HEADERS, testing.subject_rows(20))
    events = AuditEvent.objects.count()

    with pytest.raises(RuntimeError, match="磁盘已满"):
        _import(path)

    assert Subject.objects.count() == 0
    assert AuditEvent.objects.count() == events


def test_every_chunk_is_written_and_audited_in_file_order(
    demo_org: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from core import import_tools

    monkeypatch.setattr(SubjectImport, "chunk_size", 7)
    monkeypatch.setattr(import_tools, "ROWS_PER_INSERT", 3)  # 3 + 3 + 1 rows a chunk
    rows = testing.subject_rows(50)
    result = _import(testing.write_csv(tmp_path / "s.csv", testing.SUBJECT_HEADERS, rows))
    assert result.committed
    assert result.created == Subject.objects.count() == 50
    assert [c.row for c in result.samples] == list(range(2, 22))
    imported = AuditEvent.objects.filter(action="subject.imported").order_by("seq")
    codes = [(e.after or {})["codes"] for e in imported]
    assert [len(c) for c in codes] == [7] * 7 + [1]
    assert [code for chunk in codes for code in chunk] == [r[3] for r in rows]


def _with_tags(rows: list[list[str]], tags: list[str]) -> tuple[list[str], list[list[str]]]:
    return [*testing.SUBJECT_HEADERS, "子库标签"], [
        [*row, tag] for row, tag in zip(rows, tags, strict=True)
    ]


@pytest.mark.parametrize("commit", [True, False])
def test_repeated_codes_and_usccs_name_both_rows_across_chunks(
    demo_org: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, commit: bool
) -> None:
    """The commit streams rows without keeping every key: a repeat is refused by the database
    and a preview pass names the rows; the preview finds it with its ledger on disk."""
    monkeypatch.setattr(SubjectImport, "chunk_size", 4)
    rows = testing.subject_rows(12)
    rows[9][3] = rows[1][3]  # row 11 repeats row 3's USCC (its code defaults to the USCC)
    rows[10][0] = rows[11][0] = "SAME-CODE"  # rows 12 and 13: the same code, another chunk
    rows[11][3] = testing.subject_rows(1, start=99)[0][3]
    events = AuditEvent.objects.count()

    result = _import(testing.write_csv(tmp_path / "s.csv", testing.SUBJECT_HEADERS, rows), commit)

    assert not result.committed
    assert Subject.objects.count() == 0
    assert AuditEvent.objects.count() == events
    found = [(e.row, e.column, e.message) for e in result.errors]
    assert (11, "对象编码", "编码与第 3 行重复") in found
    assert (11, "统一社会信用代码", "统一社会信用代码与第 3 行重复") in found
    assert (13, "对象编码", "编码与第 12 行重复") in found
    assert [e.row for e in result.errors] == sorted(e.row for e in result.errors)


def test_a_repeated_stored_code_is_found_while_committing(demo_org: None, tmp_path: Path) -> None:
    rows = testing.subject_rows(3)
    assert _import(testing.write_csv(tmp_path / "a.csv", testing.SUBJECT_HEADERS, rows)).committed
    rows[2][0] = rows[0][0] = rows[0][3]
    rows[2][3] = rows[0][3]
    rows[2][2] = "改名后的名称有限公司"

    result = _import(testing.write_csv(tmp_path / "b.csv", testing.SUBJECT_HEADERS, rows))

    assert not result.committed
    assert ("对象编码", "编码与第 2 行重复") in [(e.column, e.message) for e in result.errors]
    assert not Subject.objects.filter(name="改名后的名称有限公司").exists()


def test_an_archived_tag_stays_on_its_subjects_but_is_not_added(
    demo_org: None, tmp_path: Path
) -> None:
    from subjects.models import Tag

    tag = Tag.objects.create(department=testing.department(), name="旧专项")
    headers, rows = _with_tags(testing.subject_rows(2), ["旧专项", ""])
    assert _import(testing.write_csv(tmp_path / "a.csv", headers, rows)).committed
    Tag.objects.filter(pk=tag.pk).update(is_archived=True, archived_reason="专项结束")

    again = _import(testing.write_csv(tmp_path / "b.csv", headers, rows))
    assert again.committed
    assert again.unchanged == 2

    rows[1][-1] = "旧专项"
    refused = _import(testing.write_csv(tmp_path / "c.csv", headers, rows))
    assert not refused.committed
    assert [(e.row, e.column, e.message) for e in refused.errors] == [
        (3, "子库标签", "标签已归档，不能再添加：旧专项")
    ]


@pytest.mark.parametrize("commit", [True, False])
def test_too_long_text_and_odd_digits_are_row_errors_not_crashes(
    demo_org: None, tmp_path: Path, commit: bool
) -> None:
    """PostgreSQL refuses text longer than its column (SQLite would store it), and "²" passes
    str.isdigit but not int(): both must come back as row errors on every database."""
    rows = testing.subject_rows(3)
    rows[0][2] = "明" * 201
    rows[2][9] = "²"

    result = _import(testing.write_csv(tmp_path / "s.csv", testing.SUBJECT_HEADERS, rows), commit)

    assert not result.committed
    assert Subject.objects.count() == 0
    assert [(e.row, e.column, e.message) for e in result.errors] == [
        (2, "名称", "不能超过 200 个字"),
        (4, "投诉举报次数", "投诉举报次数应为非负整数"),
    ]


def test_an_update_of_two_relations_after_a_stretch_of_links(
    demo_org: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A stretch of links sent without waiting must be read before the next relation's DELETE
    (on PostgreSQL the connection refused the statement; found in review)."""
    from core.import_tools import StreamingInsert
    from subjects.models import LicenceType, Tag

    Tag.objects.create(department=testing.department(), name="专项一")
    licences = list(LicenceType.objects.filter(is_active=True).values_list("name", flat=True)[:2])
    headers = [*testing.SUBJECT_HEADERS, "许可证类型", "子库标签"]
    rows = [[*row, "", ""] for row in testing.subject_rows(4)]
    assert _import(testing.write_csv(tmp_path / "a.csv", headers, rows)).committed
    for row in rows:
        row[0], row[-2], row[-1] = row[3], "、".join(licences), "专项一"
    monkeypatch.setattr(StreamingInsert, "EPOCH_ROWS", 4)  # 50,000 links, scaled down

    result = _import(testing.write_csv(tmp_path / "b.csv", headers, rows))

    assert result.committed
    assert result.updated == 4
    assert Subject.objects.filter(tags__name="专项一").count() == 4
    assert Subject.objects.filter(licence_types__name=licences[1]).count() == 4
