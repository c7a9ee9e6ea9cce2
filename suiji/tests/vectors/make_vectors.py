"""Regenerate the spec's test vectors: ``python -m suiji.tests.vectors.make_vectors``.

Only after a deliberate change of the algorithm (which also needs a new algorithm version)."""

from __future__ import annotations

import json
import pathlib
from typing import Any

from suiji import Sources, draw, parse_params, pool_from_rows, witness_commitment
from suiji.tests.helpers import INSPECTOR_COLUMNS

HERE = pathlib.Path(__file__).parent


def basic() -> dict[str, Any]:
    rows = [
        ["91110000000000001X", "A", "0", "110101"],
        ["91110000000000002X", "A", "0", "110102"],
        ["91110000000000003X", "B", "1", "110101"],
        ["91110000000000004X", "B", "0", "110101"],
        ["91110000000000005X", "C", "0", "110102"],
        ["91110000000000006X", "C", "1", "110102"],
        ["91110000000000007X", "D", "0", "110101"],
        ["91110000000000008X", "A", "0", "110101"],
        ["91110000000000009X", "B", "0", "110102"],
        ["91110000000000010X", "A", "0", "110101"],
        ["91110000000000011X", "D", "0", "110102"],
        ["91110000000000012X", "A", "0", "110101"],
    ]
    secrets = {"张三": "zhangsan-secret-2025", "李四": "lisi-secret-2025"}
    params = {
        "format": "suiji-params/1",
        "task": "2025年某区市场监管局食品经营者双随机抽查（测试向量）",
        "hash": "sha256",
        "item_kind": "general",
        "max_ratio": "0.5",
        "substitutes": 1,
        "filter": {"region": ["110101", "110102"]},
        "strata": [
            {"name": "经营异常", "where": {"abnormal_list": "1"}, "ratio": "0.5"},
            {"name": "C和D类", "where": {"credit_risk_class": ["C", "D"]}, "ratio": "0.5"},
            {"name": "A和B类", "where": {"credit_risk_class": ["A", "B"]}, "count": 3},
        ],
        "exclusions": [{"id": "91110000000000008X", "reason": "本年度已就同一事项抽查"}],
        "overrides": [{"id": "91110000000000010X", "reason": "投诉较多，经分管领导批准"}],
        "sources": {
            "csprng": True,
            "witnesses": [
                {"name": n, "commitment": witness_commitment("sha256", n, s)}
                for n, s in secrets.items()
            ],
            "lotteries": [{"name": "中国福利彩票双色球2025045期"}],
        },
        "inspectors": {
            "window": {"start": "2025-04-01", "end": "2025-04-30"},
            "min_team_size": 2,
            "max_load": 3,
            "groups": [
                {
                    "name": "市场监管",
                    "department": "市场监管局",
                    "units": ["一所"],
                    "areas": ["食品安全"],
                    "count": 1,
                },
                {"name": "卫健", "department": "卫健委", "areas": ["食品安全"], "count": 1},
                {
                    "name": "专家",
                    "role": "expert",
                    "department": "市场监管局",
                    "areas": [],
                    "count": 1,
                },
            ],
            "conflicts": [{"inspector": "M1", "subject": "91110000000000003X"}],
        },
    }
    inspectors = [
        [
            "M1",
            "市场监管局",
            "一所",
            "inspector",
            "食品安全",
            "Z001",
            "2020-01-01",
            "2027-12-31",
            "active",
        ],
        [
            "M2",
            "市场监管局",
            "一所",
            "inspector",
            "食品安全;药品",
            "Z002",
            "",
            "2025-04-20",
            "active",
        ],
        ["M3", "市场监管局", "一所", "inspector", "食品安全", "Z003", "", "2025-04-15", "active"],
        ["M4", "市场监管局", "二所", "inspector", "食品安全", "Z004", "", "2027-12-31", "active"],
        ["M5", "市场监管局", "二所", "inspector", "食品安全", "Z005", "", "2027-12-31", "active"],
        ["M6", "市场监管局", "二所", "inspector", "药品", "Z006", "", "2027-12-31", "active"],
        ["W1", "卫健委", "监督所", "inspector", "食品安全", "W001", "", "2027-12-31", "active"],
        ["W2", "卫健委", "监督所", "inspector", "食品安全", "W002", "", "2027-12-31", "active"],
        ["W3", "卫健委", "监督所", "inspector", "食品安全", "W003", "", "2027-12-31", "retired"],
        ["E1", "市场监管局", "专家库", "expert", "食品安全", "", "", "", "active"],
        ["E2", "市场监管局", "专家库", "expert", "食品安全", "", "", "", "active"],
    ]
    sources = {
        "csprng": "5d" * 32,
        "witnesses": secrets,
        "lotteries": {"中国福利彩票双色球2025045期": [[3, 8, 12, 19, 25, 31], [7]]},
    }
    return vector(
        "basic",
        "分层、排除、见证人与彩票、联合抽查三部门分派（含递补与专家）",
        rows,
        ["id", "credit_risk_class", "abnormal_list", "region"],
        params,
        inspectors,
        sources,
    )


def weighted_sm3() -> dict[str, Any]:
    rows = [[f"P{i:03d}", str(1 + (i * 7) % 5), "B" if i % 3 else "A"] for i in range(30)]
    params = {
        "format": "suiji-params/1",
        "hash": "sm3",
        "item_kind": "key",
        "substitutes": 2,
        "strata": [
            {
                "name": "A类按投诉加权",
                "where": {"credit_risk_class": "A"},
                "count": 3,
                "method": "systematic",
                "weight": "complaints",
            },
            {
                "name": "B类泊松",
                "where": {"credit_risk_class": "B"},
                "count": 4,
                "method": "poisson",
                "weight": "complaints",
            },
        ],
        "sources": {"csprng": True},
    }
    sources = {"csprng": "a7" * 32, "witnesses": {}, "lotteries": {}}
    return vector(
        "weighted-sm3",
        "SM3；系统 πps 与泊松 πps 两种不等概率抽取",
        rows,
        ["id", "complaints", "credit_risk_class"],
        params,
        None,
        sources,
    )


def vector(
    name: str,
    title: str,
    rows: list[list[str]],
    columns: list[str],
    params: dict[str, Any],
    inspectors: list[list[str]] | None,
    sources: dict[str, Any],
) -> dict[str, Any]:
    lib = pool_from_rows(INSPECTOR_COLUMNS, inspectors) if inspectors else None
    record = draw(
        pool_from_rows(columns, rows),
        parse_params(params),
        sources=Sources(sources["csprng"], sources["witnesses"], sources["lotteries"]),
        inspectors=lib,
    )
    return {
        "name": name,
        "title": title,
        "input": {
            "columns": columns,
            "rows": rows,
            "params": params,
            "inspector_columns": INSPECTOR_COLUMNS if inspectors else None,
            "inspectors": inspectors,
            "sources": sources,
        },
        "expected": record,
    }


def main() -> None:
    for v in (basic(), weighted_sm3()):
        path = HERE / f"{v['name']}.json"
        path.write_text(json.dumps(v, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print("wrote", path)


if __name__ == "__main__":
    main()
