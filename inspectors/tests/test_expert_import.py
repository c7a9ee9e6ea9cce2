"""Import and export of the expert library (A9): the file, the command and the pages."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from openpyxl import load_workbook

from accounts.models import User
from audit.models import AuditEvent
from conftest import login_client
from core import testing
from core.checkdigits import make_id_number
from core.imports import ImportResult, run_import
from inspectors.imports import ExpertImport
from inspectors.models import Expert
from organisations.models import Department

pytestmark = pytest.mark.django_db

ID = make_id_number("48032119700101123")
OTHER_ID = make_id_number("48032119800202456")
HEADERS = [
    "姓名",
    "工作单位",
    "专业领域",
    "职称",
    "身份证号",
    "手机号码",
    "适用执法领域",
    "可参与抽取",
]
IMPORT_URL = "/inspectors/experts/import/"


def _rows() -> list[list[str]]:
    return [
        [
            "孙地质",
            "云台市地质勘查院",
            "矿产地质",
            "高级工程师",
            ID,
            "13900001111",
            "矿产资源",
            "是",
        ],
        ["李测绘", "青岭省第三测绘院", "工程测量", "", "", "", "surveying、土地管理", "否"],
        ["周规划", "青岭省国土空间规划研究院", "城乡规划", "正高级工程师", "", "", "", ""],
    ]


def _import(
    tmp_path: Path, rows: list[list[str]], *, commit: bool = True, name: str = "experts.csv"
) -> ImportResult:
    path = testing.write_csv(tmp_path / name, HEADERS, rows)
    return run_import(ExpertImport(testing.department(), None), path, commit=commit)


def test_a_good_file_creates_experts_with_encrypted_personal_data(
    demo_org: None, tmp_path: Path
) -> None:
    path = testing.write_xlsx(tmp_path / "experts.xlsx", HEADERS, _rows())
    result = run_import(ExpertImport(testing.department(), None), path, commit=True)
    assert result.committed, result.errors
    assert (result.created, result.updated) == (3, 0)
    sun = Expert.objects.get(name="孙地质")
    assert sun.department == testing.department()
    assert [a.code for a in sun.enforcement_areas.all()] == ["mineral"]
    assert sun.id_number() == ID
    assert sun.phone() == "13900001111"
    li = Expert.objects.get(name="李测绘")
    assert sorted(a.code for a in li.enforcement_areas.all()) == ["land", "surveying"]
    assert li.is_available is False
    assert Expert.objects.get(name="周规划").is_available is True  # blank: 是 for a new expert
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id_number_cipher, phone_cipher FROM inspectors_expert WHERE id = %s", [sun.pk]
        )
        id_cipher, phone_cipher = cursor.fetchone()
    assert ID not in id_cipher
    assert "13900001111" not in phone_cipher
    created = AuditEvent.objects.get(action="expert.created", object_id=str(sun.pk))
    assert ID not in str(created.after)
    assert "13900001111" not in str(created.after)
    assert AuditEvent.objects.filter(action="expert.imported").count() == 1


def test_one_bad_row_near_the_end_commits_nothing(demo_org: None, tmp_path: Path) -> None:
    rows = [
        [f"专家{i:02d}", "云台市地质勘查院", "矿产地质", "", "", "", "矿产资源", "是"]
        for i in range(40)
    ]
    rows[38][6] = "矿产资源、海洋渔业"
    result = _import(tmp_path, rows)
    assert not result.committed
    assert not Expert.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="expert.").exists()
    assert result.error_count == 1
    error = result.errors[0]
    assert (error.row, error.column) == (40, "适用执法领域")
    assert str(error) == "第 40 行“适用执法领域”列：执法领域不存在：海洋渔业"


def test_row_checks_name_the_row_column_and_reason(demo_org: None, tmp_path: Path) -> None:
    rows = _rows()
    rows[0][4] = ID[:-1] + ("0" if ID[-1] != "0" else "1")  # wrong check digit
    rows[1][2] = ""  # 专业领域 is required
    rows[2][7] = "也许"
    result = _import(tmp_path, rows)
    found = {(e.row, e.column) for e in result.errors}
    assert found == {(2, "身份证号"), (3, "专业领域"), (4, "可参与抽取")}
    assert ID[:-1] not in str(result.errors)  # personal data never echoed
    assert "请填写专业领域" in str(result.errors)


def test_duplicates_in_the_file_are_reported_with_both_rows(demo_org: None, tmp_path: Path) -> None:
    rows = [*_rows(), _rows()[0], ["王另一", "云台学院", "土地资源管理", "", ID, "", "", ""]]
    result = _import(tmp_path, rows, commit=False)
    messages = {(e.row, e.column): e.message for e in result.errors}
    assert messages[(5, "姓名")] == "与第 2 行是同一专家（姓名和工作单位都相同）"
    assert messages[(6, "身份证号")] == "与第 2 行的身份证号相同"
    assert len(messages) == 2


def test_reimporting_the_same_file_changes_nothing(demo_org: None, tmp_path: Path) -> None:
    assert _import(tmp_path, _rows()).created == 3
    events = AuditEvent.objects.filter(action__in=["expert.created", "expert.updated"]).count()
    again = _import(tmp_path, _rows(), name="again.csv")
    assert again.committed
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert (
        AuditEvent.objects.filter(action__in=["expert.created", "expert.updated"]).count() == events
    )


def test_an_export_can_be_imported_again_without_changes(
    client_as: Any, demo_org: None, tmp_path: Path
) -> None:
    _import(tmp_path, _rows())
    response = client_as("registry_manager").get("/inspectors/experts/?export=xlsx")
    path = tmp_path / "export.xlsx"
    path.write_bytes(response.content)
    header = next(load_workbook(path).worksheets[0].iter_rows(values_only=True))
    assert list(header) == [*HEADERS, "所属部门"]
    result = run_import(ExpertImport(testing.department(), None), path, commit=True)
    assert result.committed, result.errors
    assert (result.created, result.updated, result.unchanged) == (0, 0, 3)
    assert Expert.objects.get(name="孙地质").id_number() == ID  # masked cells keep the number


def test_an_update_is_traced_with_before_and_after(demo_org: None, tmp_path: Path) -> None:
    _import(tmp_path, _rows())
    rows = _rows()
    rows[0][3] = "正高级工程师"
    rows[0][5] = "13900002222"
    rows[0][7] = ""  # blank 可参与抽取 keeps the stored value
    rows[1][7] = ""
    result = _import(tmp_path, rows, name="update.csv")
    assert (result.created, result.updated, result.unchanged) == (0, 1, 2)
    sun = Expert.objects.get(name="孙地质")
    assert sun.title == "正高级工程师"
    assert sun.phone() == "13900002222"
    assert Expert.objects.get(name="李测绘").is_available is False
    event = AuditEvent.objects.get(action="expert.updated")
    assert event.object_id == str(sun.pk)
    assert set(event.after or {}) == {"title", "phone"}
    assert (event.before or {})["title"] == "高级工程师"
    assert (event.after or {})["title"] == "正高级工程师"
    assert "139****1111" in (event.before or {})["phone"]
    assert "13900002222" not in str(event.after)
    assert event.reason == "批量导入 update.csv"


def test_a_known_id_number_under_another_name_is_refused(demo_org: None, tmp_path: Path) -> None:
    _import(tmp_path, _rows())
    moved = [["孙地质", "云台学院", "矿产地质", "", ID, "", "", ""]]
    result = _import(tmp_path, moved, name="moved.csv")
    assert not result.committed
    assert result.errors[0].column == "身份证号"
    assert "孙地质（云台市地质勘查院）" in result.errors[0].message
    assert Expert.objects.count() == 3


def test_an_archived_expert_is_not_changed_by_import(demo_org: None, tmp_path: Path) -> None:
    _import(tmp_path, _rows())
    Expert.objects.filter(name="周规划").update(is_archived=True)
    rows = _rows()
    rows[2][3] = "研究员"
    result = _import(tmp_path, rows, name="archived.csv")
    assert not result.committed
    assert (result.errors[0].row, result.errors[0].column) == (4, "姓名")
    assert "已归档" in result.errors[0].message


def test_the_command_with_dry_run_writes_nothing(demo_org: None, tmp_path: Path) -> None:
    path = testing.write_csv(tmp_path / "experts.csv", HEADERS, _rows())
    out = io.StringIO()
    args = [str(path), "--department", testing.DEPARTMENT, "--no-progress"]
    call_command("import_experts", *args, "--dry-run", stdout=out)
    assert not Expert.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="expert.").exists()
    assert "新增 3 条" in out.getvalue()
    assert "第 2 行 新增 孙地质（云台市地质勘查院）" in out.getvalue()
    call_command("import_experts", *args, "--user", "registry", stdout=io.StringIO())
    assert Expert.objects.count() == 3
    assert AuditEvent.objects.get(action="expert.imported").actor_label == "registry"
    bad = testing.write_csv(tmp_path / "bad.csv", HEADERS, [["", "某单位", "某专业"]])
    err = io.StringIO()
    with pytest.raises(CommandError, match="未导入任何数据"):
        call_command("import_experts", str(bad), *args[1:], stdout=io.StringIO(), stderr=err)
    assert "第 2 行“姓名”列：请填写姓名" in err.getvalue()


def test_web_upload_preview_and_confirm(client_as: Any, demo_org: None, tmp_path: Path) -> None:
    client = client_as("registry_manager")
    page = client.get("/inspectors/experts/").content.decode()
    assert IMPORT_URL in page
    assert client.get(IMPORT_URL).status_code == 200
    upload = SimpleUploadedFile(
        "专家.csv",
        testing.write_csv(tmp_path / "experts.csv", HEADERS, _rows()).read_bytes(),
        content_type="text/csv",
    )
    preview = client.post(IMPORT_URL, {"file": upload})
    assert preview.status_code == 200
    assert preview.context["result"].created == 3
    assert "确认导入" in preview.content.decode()
    assert not Expert.objects.exists()
    done = client.post(f"{IMPORT_URL}confirm/", {"token": preview.context["token"]})
    assert done.status_code == 302
    assert done["Location"] == "/inspectors/experts/"
    assert Expert.objects.filter(department=testing.department()).count() == 3
    event = AuditEvent.objects.get(action="expert.imported")
    assert event.actor_label == "registry"
    assert (event.after or {})["file"] == "专家.csv"


def test_only_the_registry_manager_imports(client_as: Any, demo_org: None) -> None:
    for role in ("business_staff", "supervising_leader", "conference_office"):
        assert client_as(role).get(IMPORT_URL).status_code == 403
        assert client_as(role).post(f"{IMPORT_URL}confirm/", {}).status_code == 403
    page = client_as("business_staff").get("/inspectors/experts/").content.decode()
    assert IMPORT_URL not in page


def test_template_download_has_the_chinese_headers(client_as: Any, demo_org: None) -> None:
    client = client_as("registry_manager")
    xlsx = client.get(f"{IMPORT_URL}template/")
    assert (
        "%E4%B8%93%E5%AE%B6%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.xlsx" in xlsx["Content-Disposition"]
    )  # 专家导入模板.xlsx
    sheets = load_workbook(io.BytesIO(xlsx.content)).worksheets
    assert list(next(sheets[0].iter_rows(values_only=True))) == HEADERS
    assert sheets[1].title == "填写说明"
    csv = client.get(f"{IMPORT_URL}template/?format=csv").content.decode("utf-8-sig")
    assert csv.strip() == ",".join(HEADERS)


def test_exports_mask_personal_data_for_roles_without_the_right(
    client_as: Any, demo_org: None, tmp_path: Path
) -> None:
    _import(tmp_path, _rows())
    for role in ("business_staff", "supervising_leader", "inspector"):
        response = client_as(role).get("/inspectors/experts/?export=csv&full=1")
        body = b"".join(response.streaming_content).decode("utf-8-sig")
        assert ID not in body
        assert "13900001111" not in body
        assert "139****1111" in body
        assert ID[:6] + "********" + ID[-4:] in body
    assert not AuditEvent.objects.filter(action="expert.personal_data_exported").exists()
    full = client_as("registry_manager").get("/inspectors/experts/?export=xlsx&full=1")
    rows = list(load_workbook(io.BytesIO(full.content)).worksheets[0].iter_rows(values_only=True))
    sun = next(r for r in rows if r[0] == "孙地质")
    assert (sun[4], sun[5]) == (ID, "13900001111")
    assert AuditEvent.objects.get(action="expert.personal_data_exported").actor_label == "registry"


def test_exports_keep_the_list_filters(client_as: Any, demo_org: None, tmp_path: Path) -> None:
    _import(tmp_path, _rows())
    response = client_as("business_staff").get("/inspectors/experts/?is_available=false&export=csv")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "李测绘" in body
    assert "孙地质" not in body


def test_a_department_neither_imports_into_nor_sees_another_departments_experts(
    client_as: Any, demo_org: None, tmp_path: Path
) -> None:
    zrzy = testing.sample_expert()  # 钱专家 of 明溪县自然资源局
    market = Department.objects.get(code="DEMO-MX-SCJG")
    client = client_as("registry_manager")  # of 明溪县自然资源局
    other = login_client(Client(), User.objects.get(username="market"))  # of 县市场监管局
    same = [[zrzy.name, zrzy.organisation, "食品检验", "主任药师", "", "", "食品安全", "否"]]
    upload = SimpleUploadedFile(
        "market.csv",
        testing.write_csv(tmp_path / "market.csv", HEADERS, same).read_bytes(),
        content_type="text/csv",
    )
    preview = other.post(IMPORT_URL, {"file": upload})
    assert preview.context["result"].created == 1  # not an update of the other department's
    other.post(f"{IMPORT_URL}confirm/", {"token": preview.context["token"]})
    theirs = Expert.objects.get(department=market)
    assert (theirs.name, theirs.field) == (zrzy.name, "食品检验")
    zrzy.refresh_from_db()
    assert (zrzy.field, zrzy.is_available) == ("矿产地质", True)
    assert not AuditEvent.objects.filter(action="expert.updated").exists()
    # neither list nor export shows the other department's expert
    mine = client.get("/inspectors/experts/?export=csv")
    assert "食品检验" not in b"".join(mine.streaming_content).decode("utf-8-sig")
    assert "食品检验" not in client.get("/inspectors/experts/").content.decode()
    assert "矿产地质" not in other.get("/inspectors/experts/").content.decode()
    # a token of another department's upload is refused
    upload = SimpleUploadedFile(
        "x.csv", testing.write_csv(tmp_path / "x.csv", HEADERS, _rows()).read_bytes()
    )
    token = other.post(IMPORT_URL, {"file": upload}).context["token"]
    refused = client.post(f"{IMPORT_URL}confirm/", {"token": token})
    assert refused.status_code == 302
    assert refused["Location"] == IMPORT_URL
    assert Expert.objects.count() == 2


def test_a_bad_upload_lists_the_errors_and_offers_the_report(
    client_as: Any, demo_org: None, tmp_path: Path
) -> None:
    client = client_as("registry_manager")
    rows = _rows()
    rows[2][6] = "海洋渔业"
    upload = SimpleUploadedFile(
        "bad.csv", testing.write_csv(tmp_path / "bad.csv", HEADERS, rows).read_bytes()
    )
    preview = client.post(IMPORT_URL, {"file": upload})
    page = preview.content.decode()
    assert "整个文件都不会导入" in page
    assert "执法领域不存在：海洋渔业" in page
    assert "确认导入" not in page
    report = client.get(f"{IMPORT_URL}errors/", {"token": preview.context["token"]})
    rows_out = list(
        load_workbook(io.BytesIO(report.content)).worksheets[0].iter_rows(values_only=True)
    )
    assert rows_out[1][:3] == (4, "适用执法领域", "执法领域不存在：海洋渔业")
    assert not Expert.objects.exists()
