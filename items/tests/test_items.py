from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from audit.models import AuditEvent
from core import testing
from items import services
from items.choices import ItemListStatus
from items.models import InspectionItem, ItemList

pytestmark = pytest.mark.django_db

HEADERS = [
    "事项编码",
    "事项名称",
    "事项类别",
    "抽查依据",
    "抽查比例（%）",
    "比例上限（%）",
    "抽查方式",
    "执法领域",
    "抽查内容",
]


def _rows() -> list[list[str]]:
    return [
        [
            "ZRZY-101",
            "土地利用情况的检查",
            "一般",
            "《中华人民共和国土地管理法》第六十七条",
            "5",
            "10",
            "现场检查、书面检查",
            "土地管理",
            "是否按约定用途使用土地；是否按期开竣工",
        ],
        [
            "ZRZY-102",
            "采矿权人开采情况的检查",
            "重点",
            "《中华人民共和国矿产资源法》第十八条",
            "",
            "",
            "现场检查",
            "mineral",
            "是否越界开采",
        ],
    ]


def test_a_new_version_copies_the_list_and_old_versions_stay_readable(demo_org: None) -> None:
    first = testing.sample_item_list()
    assert first.status == ItemListStatus.PUBLISHED
    second = services.new_version(None, testing.department(), "法律修订")
    assert second.version == 2
    assert second.items.count() == first.items.count()
    item = second.items.get()
    assert item.points.count() == 1
    values = services.item_values(item) | {"legal_basis": "《土地管理法实施条例》第三十九条"}
    services.save_item(None, second, values, "法规修订", item=item)
    services.publish_list(None, second, "发布")
    first.refresh_from_db()
    assert first.status == ItemListStatus.SUPERSEDED
    assert first.items.get().legal_basis.startswith("《中华人民共和国土地管理法》")
    assert set(ItemList.objects.published()) == {first, second}
    assert list(InspectionItem.objects.in_force()) == [second.items.get()]


def test_published_versions_cannot_change(demo_org: None) -> None:
    published = testing.sample_item_list()
    item = published.items.get()
    with pytest.raises(ValidationError, match="已发布"):
        services.save_item(None, published, services.item_values(item), item=item)


def test_general_items_have_a_capped_ratio_and_key_items_none(demo_org: None) -> None:
    base = {"code": "X", "name": "n", "legal_basis": "b", "mandate": "own"}
    assert (
        "超过"
        in services.check_item(
            base | {"kind": "general", "ratio_percent": "20", "ratio_cap_percent": "10"}
        )["ratio_percent"]
    )
    assert (
        "不设比例上限"
        in services.check_item(base | {"kind": "key", "ratio_cap_percent": "10"})[
            "ratio_cap_percent"
        ]
    )
    assert "受委托单位" in services.check_item(base | {"mandate": "entrusted"})["entrusted_unit"]
    assert (
        "授权机关" in services.check_item(base | {"mandate": "authorised"})["authorising_authority"]
    )


def test_import_into_a_draft_and_reimport_is_a_noop(demo_org: None, tmp_path: Path) -> None:
    path = testing.write_csv(tmp_path / "items.csv", HEADERS, _rows())
    call_command("import_items", str(path), "--department", "DEMO-MX-ZRZY", "--dry-run")
    assert not InspectionItem.objects.exists()
    call_command("import_items", str(path), "--department", "DEMO-MX-ZRZY")
    draft = ItemList.objects.get(department__code="DEMO-MX-ZRZY")
    assert draft.status == ItemListStatus.DRAFT
    assert draft.items.count() == 2
    key = draft.items.get(code="ZRZY-102")
    assert key.kind == "key"
    assert key.ratio_cap_percent is None
    assert [p.text for p in draft.items.get(code="ZRZY-101").points.all()] == [
        "是否按约定用途使用土地",
        "是否按期开竣工",
    ]
    events = AuditEvent.objects.count()
    call_command("import_items", str(path), "--department", "DEMO-MX-ZRZY")
    assert AuditEvent.objects.filter(action__in=["item.created", "item.updated"]).count() == 2
    assert AuditEvent.objects.count() == events + 1  # only the import's own record


def test_bad_item_rows_are_named(demo_org: None, tmp_path: Path) -> None:
    from core.imports import run_import
    from items.imports import ItemImport

    rows = _rows()
    rows[1][5] = "10"  # a cap on a key item
    rows[0][6] = "飞行检查"
    result = run_import(
        ItemImport(testing.department(), None),
        testing.write_csv(tmp_path / "bad.csv", HEADERS, rows),
        commit=True,
    )
    assert not result.committed
    found = {(e.row, e.column) for e in result.errors}
    assert (2, "抽查方式") in found
    assert (3, "比例上限（%）") in found


def test_list_scope_and_publish_page(client_as: Any, demo_org: None) -> None:
    draft = testing.sample_item_list(published=False)
    assert "土地利用情况的检查" in client_as("inspector").get("/items/").content.decode()
    office = client_as("conference_office").get("/api/v1/items/").json()
    assert office["count"] == 1
    assert (
        client_as("business_staff")
        .post(f"/items/versions/{draft.pk}/publish/", {"reason": "x"})
        .status_code
        == 403
    )
    response = client_as("registry_manager").post(
        f"/items/versions/{draft.pk}/publish/", {"reason": "年度清单"}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == ItemListStatus.PUBLISHED


def test_api_creates_items_in_the_draft_with_page_validation(
    client_as: Any, demo_org: None
) -> None:
    client = client_as("registry_manager")
    bad = client.post(
        "/api/v1/items/",
        {"code": "A", "name": "n", "legal_basis": "b", "kind": "key", "ratio_cap_percent": "5"},
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert "不设比例上限" in str(bad.json())
    good = client.post(
        "/api/v1/items/",
        {
            "code": "A",
            "name": "n",
            "legal_basis": "b",
            "methods": ["on_site"],
            "points": ["一", "二"],
        },
        content_type="application/json",
    )
    assert good.status_code == 201
    assert good.json()["points"] == ["一", "二"]


def test_item_list_query_budget(
    client_as: Any, demo_registries: None, django_assert_max_num_queries: Any
) -> None:
    client = client_as("conference_office")
    with django_assert_max_num_queries(25):
        assert client.get("/items/").status_code == 200
    with django_assert_max_num_queries(25):
        assert client.get("/items/?export=csv").status_code == 200
