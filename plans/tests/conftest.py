from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest

from items.choices import ItemKind, ItemListStatus
from items.models import InspectionItem, ItemList
from organisations.models import Department


def published_list(department: Department) -> ItemList:
    current = ItemList.objects.filter(
        department=department, status=ItemListStatus.PUBLISHED
    ).first()
    if current is not None:
        return current
    version = (ItemList.objects.filter(department=department).count() or 0) + 1
    return ItemList.objects.create(
        department=department,
        version=version,
        title=f"{department.name}随机抽查事项清单",
        status=ItemListStatus.PUBLISHED,
    )


@pytest.fixture
def make_item(demo_org: None) -> Callable[..., InspectionItem]:
    def make(
        code: str,
        department_code: str = "DEMO-MX-ZRZY",
        kind: str = ItemKind.GENERAL,
        cap: str | None = "20",
    ) -> InspectionItem:
        department = Department.objects.get(code=department_code)
        return InspectionItem.objects.create(
            item_list=published_list(department),
            code=code,
            name=f"事项{code}",
            kind=kind,
            legal_basis="《中华人民共和国土地管理法》",
            ratio_cap_percent=Decimal(cap) if cap and kind == ItemKind.GENERAL else None,
        )

    return make
