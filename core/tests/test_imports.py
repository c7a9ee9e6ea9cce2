from __future__ import annotations

from pathlib import Path

import pytest

from core import imports


def test_gb18030_csv_is_detected(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes("名称,地址\n明溪县,城关镇\n".encode("gb18030"))
    assert imports.detect_encoding(path) == "gb18030"
    table = imports.open_table(path)
    assert table.headers == ["名称", "地址"]
    assert list(table.rows) == [(2, ["明溪县", "城关镇"])]
    table.close()


def test_old_excel_files_are_refused_with_advice(tmp_path: Path) -> None:
    path = tmp_path / "a.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 100)
    with pytest.raises(imports.ImportRejected, match="另存为"):
        imports.open_table(path)


def test_uploads_are_private_and_expire(tmp_path: Path, settings: pytest.FixtureRequest) -> None:
    settings.PRIVATE_FILES_ROOT = tmp_path  # type: ignore[attr-defined]
    token, path = imports.store_upload("x.csv", iter([b"a,b\n"]))
    assert path.stat().st_mode & 0o777 == 0o600
    assert imports.stored_upload(token) == path
    assert imports.purge_expired(now=path.stat().st_mtime + imports.file_ttl_seconds() + 1) == 1
    assert imports.stored_upload(token) is None


def test_only_csv_and_xlsx_uploads_are_accepted(
    tmp_path: Path, settings: pytest.FixtureRequest
) -> None:
    settings.PRIVATE_FILES_ROOT = tmp_path  # type: ignore[attr-defined]
    with pytest.raises(imports.ImportRejected, match="只能导入"):
        imports.store_upload("x.exe", iter([b"MZ"]))


def test_dates_in_the_forms_people_type() -> None:
    assert str(imports.parse_date("2025/1/31")) == "2025-01-31"
    assert str(imports.parse_date("2025年1月31日")) == "2025-01-31"
    assert imports.parse_date("31.13.2025") is None


def test_xlsx_reader_gives_text_numbers_and_dates_like_excel_shows_them(tmp_path: Path) -> None:
    import datetime as dt

    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["名称", "日期", "数量", "代码"])
    sheet.append(["明溪县", dt.date(2025, 1, 31), 12, "0012"])
    sheet.append([])
    sheet.append(["龙泉镇", None, 1.5, True])
    path = tmp_path / "a.xlsx"
    workbook.save(path)
    table = imports.open_table(path)
    assert table.headers == ["名称", "日期", "数量", "代码"]
    assert list(table.rows) == [
        (2, ["明溪县", "2025-01-31", "12", "0012"]),
        (3, []),
        (4, ["龙泉镇", "", "1.5", "是"]),
    ]


def test_imports_set_the_collector_back_as_they_found_it() -> None:
    import gc

    before = gc.get_threshold()
    frozen = gc.get_freeze_count()
    with imports._fewer_collections():
        assert gc.get_threshold()[0] == imports.IMPORT_GC_THRESHOLD
        with imports._fewer_collections():  # a second import in another thread
            pass
        assert gc.get_threshold()[0] == imports.IMPORT_GC_THRESHOLD  # the first still runs
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == frozen


def test_imports_leave_a_heap_frozen_by_the_server_frozen() -> None:
    import gc

    gc.freeze()  # as a preloading server does before it forks
    try:
        frozen = gc.get_freeze_count()
        with imports._fewer_collections():
            pass
        assert gc.get_freeze_count() > frozen - 100  # not unfrozen (a few may have been freed)
    finally:
        gc.unfreeze()
