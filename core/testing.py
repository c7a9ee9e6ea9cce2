"""Test helpers for the registries: sample objects of 明溪县自然资源局 and import files."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from core.checkdigits import make_id_number, make_uscc

DEPARTMENT = "DEMO-MX-ZRZY"


def department() -> Any:
    from organisations.models import Department

    return Department.objects.get(code=DEPARTMENT)


def sample_item_list(published: bool = True) -> Any:
    from items import services
    from items.models import ItemList

    existing = ItemList.objects.filter(department__code=DEPARTMENT).order_by("-version").first()
    if existing is not None:
        return existing
    draft = services.new_version(None, department(), "测试")
    services.save_item(
        None,
        draft,
        {
            "code": "ZRZY-T01",
            "seq": 1,
            "name": "土地利用情况的检查",
            "kind": "general",
            "legal_basis": "《中华人民共和国土地管理法》第六十七条",
            "object_scope": "",
            "standard": "",
            "ratio_percent": "5",
            "ratio_cap_percent": "10",
            "frequency": "每年 1 次",
            "methods": "on_site",
            "mandate": "own",
            "entrusted_unit": "",
            "authorising_authority": "",
            "inspecting_body": "",
            "enforcement_area": "land",
            "remarks": "",
            "points": ["是否按合同约定用途使用土地"],
        },
    )
    if published:
        return services.publish_list(None, draft, "测试")
    return draft


def sample_item() -> Any:
    return sample_item_list().items.first()


def sample_subject() -> Any:
    from subjects import services
    from subjects.models import Subject

    existing = Subject.objects.filter(department__code=DEPARTMENT).first()
    if existing is not None:
        return existing
    return services.save_subject(
        None,
        department(),
        {
            "subject_type": "enterprise",
            "name": "明溪县示例矿业有限公司",
            "uscc": make_uscc("91480321MA2Y00001"),
            "town": "城关镇",
            "industry": "10",
            "credit_risk_class": "B",
        },
    )


def sample_removal() -> Any:
    from subjects.models import RemovalRequest

    subject = sample_subject()
    existing = RemovalRequest.objects.filter(subject=subject).first()
    if existing is not None:
        return existing
    return RemovalRequest.objects.create(subject=subject, reason_kind="extinct", reason="已注销")


def sample_inspector() -> Any:
    from inspectors import services
    from inspectors.models import Inspector

    existing = Inspector.objects.filter(department__code=DEPARTMENT).first()
    if existing is not None:
        return existing
    today = dt.date.today()
    return services.save_inspector(
        None,
        department(),
        {
            "certificate_no": "35480000000001",
            "name": "吴检查",
            "unit": "执法监察大队",
            "position": "执法队员",
            "specialty": "土地执法",
            "experience_years": 5,
            "certificate_valid_from": today - dt.timedelta(days=365),
            "certificate_valid_until": today + dt.timedelta(days=365),
            "enforcement_areas": ["land"],
            "status": "active",
        },
        id_number=make_id_number("48032119850101123"),
        phone="13800138000",
    )


def sample_expert() -> Any:
    from inspectors import services
    from inspectors.models import Expert

    existing = Expert.objects.filter(department__code=DEPARTMENT).first()
    if existing is not None:
        return existing
    return services.save_expert(
        None,
        department(),
        {
            "name": "钱专家",
            "organisation": "云台市地质勘查院",
            "field": "矿产地质",
            "title": "高级工程师",
            "is_available": True,
            "enforcement_areas": ["mineral"],
        },
        phone="13900139000",
    )


SUBJECT_HEADERS = [
    "对象编码",
    "对象类型",
    "名称",
    "统一社会信用代码",
    "法定代表人（负责人）",
    "住所（经营场所）",
    "乡镇（街道）",
    "行业",
    "信用风险分类",
    "投诉举报次数",
]


def subject_rows(count: int, start: int = 0) -> list[list[str]]:
    """Valid subject rows with real-format USCCs (check digits computed)."""
    rows = []
    for i in range(start, start + count):
        body = f"91480321MA{i:07d}"
        rows.append(
            [
                "",
                "企业",
                f"明溪县测试{i:05d}有限公司",
                make_uscc(body),
                "张三",
                f"明溪县城关镇解放路{i % 300 + 1}号",
                "城关镇",
                "10",
                "ABCD"[i % 4],
                str(i % 3),
            ]
        )
    return rows


def write_csv(
    path: Path, headers: Sequence[str], rows: Sequence[Sequence[str]], encoding: str = "utf-8-sig"
) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_xlsx(path: Path, headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> Path:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("数据")
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    workbook.save(path)
    return path
