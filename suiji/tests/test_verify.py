import copy
from typing import Any

import pytest

from suiji import PoolFile, verify_record
from suiji.tests.helpers import inspector_row, library, make_record, params, subjects_pool


@pytest.fixture(scope="module")
def record() -> dict[str, Any]:
    raw = params(
        substitutes=1,
        strata=[
            {"name": "A类", "where": {"credit_risk_class": "A"}, "count": 3},
            {"name": "其他", "ratio": "0.1"},
        ],
        inspectors={
            "window": {"start": "2025-04-01", "end": "2025-04-30"},
            "groups": [
                {"name": "食品", "department": "市场监管局", "areas": ["食品安全"], "count": 2}
            ],
        },
    )
    lib = library([inspector_row(f"I{i:02d}") for i in range(6)])
    return make_record(raw, subjects_pool(80), inspectors=lib)


def test_the_same_record_verifies(record: dict[str, Any]) -> None:
    result = verify_record(record)
    assert result.ok, result.message
    assert "验证通过" in result.message


TAMPERING = [
    (
        "pool row",
        lambda r: r["pool"]["rows"].__setitem__(4, r["pool"]["rows"][4].replace(",A,", ",B,")),
        "commitment.pool.digest",
    ),
    ("pool row added", lambda r: r["pool"]["rows"].append("S9999,A,1"), "commitment.pool.digest"),
    (
        "parameter",
        lambda r: r["params"]["strata"][0].__setitem__("count", 4),
        "commitment.params_digest",
    ),
    ("csprng", lambda r: r["sources"].__setitem__("csprng", "22" * 32), "seed"),
    ("seed", lambda r: r.__setitem__("seed", "33" * 32), "seed"),
    (
        "selection",
        lambda r: r["subjects"][1]["selected"][0].__setitem__("id", "S0001"),
        "subjects[1].selected[0].id",
    ),
    (
        "key",
        lambda r: r["subjects"][0]["selected"][1].__setitem__("key", "00" * 32),
        "subjects[0].selected[1].key",
    ),
    (
        "substitute dropped",
        lambda r: r["subjects"][0]["substitutes"].pop(),
        "subjects[0].substitutes[0]",
    ),
    (
        "inspector",
        lambda r: r["assignment"]["teams"][0]["members"][0].__setitem__("inspector", "I99"),
        "assignment.teams[0].members[0].inspector",
    ),
    ("library", lambda r: r["inspector_pool"]["rows"].pop(), "commitment.inspector_pool"),
    (
        "commitment count",
        lambda r: r["commitment"]["strata"][0].__setitem__("size", 2),
        "commitment.strata[0].size",
    ),
]


@pytest.mark.parametrize(("what", "change", "path"), TAMPERING, ids=[t[0] for t in TAMPERING])
def test_any_change_is_detected_at_the_first_difference(
    record: dict[str, Any], what: str, change: Any, path: str
) -> None:
    tampered = copy.deepcopy(record)
    change(tampered)
    result = verify_record(tampered)
    assert not result.ok
    assert result.difference is not None, result.message
    assert result.difference.path.startswith(path), result.message
    assert "首个不一致之处" in result.message


def test_a_tampered_witness_reveal_is_refused() -> None:
    from suiji.tests.test_seed import GOOD, witnessed

    rec = make_record(witnessed(), subjects_pool(30), sources=GOOD)
    rec["sources"]["witnesses"][0]["secret"] = "secret-one-forged"
    result = verify_record(rec)
    assert not result.ok
    assert "揭示的秘密与其事先提交的承诺值不符" in result.message


def test_a_record_without_inline_pool_verifies_against_the_file(tmp_path: Any) -> None:
    pool = subjects_pool(200)
    path = tmp_path / "pool.csv"
    path.write_bytes(pool.header() + b"".join(pool.lines))
    rec = make_record(params(), pool, inline_pool=False)
    assert rec["pool"]["rows"] is None
    assert verify_record(rec, PoolFile(str(path))).ok
    assert "请用 --pool" in verify_record(rec).message
    path.write_bytes(pool.header() + b"".join(pool.lines[:-1]))
    assert verify_record(rec, PoolFile(str(path))).difference is not None
