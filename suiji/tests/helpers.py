"""Small builders shared by the tests."""

from __future__ import annotations

from typing import Any

from suiji import PoolData, Sources, draw, parse_params, pool_from_rows
from suiji.canonical import Json

CSPRNG = "11" * 32
INSPECTOR_COLUMNS = [
    "id",
    "department",
    "unit",
    "role",
    "areas",
    "certificate_no",
    "certificate_valid_from",
    "certificate_valid_until",
    "status",
]


def params(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "format": "suiji-params/1",
        "item_kind": "key",
        "strata": [{"name": "全部", "count": 3}],
    }
    base.update(overrides)
    return base


def subjects_pool(n: int, classes: str = "ABCD") -> PoolData:
    rows = [[f"S{i:04d}", classes[i % len(classes)], str(1 + i % 4)] for i in range(n)]
    return pool_from_rows(["id", "credit_risk_class", "weight"], rows)


def inspector_row(
    ident: str,
    *,
    department: str = "市场监管局",
    unit: str = "一所",
    role: str = "inspector",
    areas: str = "食品安全",
    cert: str = "Z",
    valid_from: str = "2020-01-01",
    valid_until: str = "2030-12-31",
    status: str = "active",
) -> list[str]:
    return [
        ident,
        department,
        unit,
        role,
        areas,
        cert and cert + ident,
        valid_from,
        valid_until,
        status,
    ]


def library(rows: list[list[str]]) -> PoolData:
    return pool_from_rows(INSPECTOR_COLUMNS, rows)


def make_record(raw_params: dict[str, Any], pool: PoolData, **kwargs: Any) -> dict[str, Json]:
    sources = kwargs.pop("sources", Sources(CSPRNG, {}, {}))
    return draw(pool, parse_params(raw_params), sources=sources, **kwargs)


def selected_ids(record: dict[str, Any]) -> list[list[str]]:
    return [[e["id"] for e in st["selected"]] for st in record["subjects"]]
