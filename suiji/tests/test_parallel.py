import pathlib

import pytest

from suiji import PoolFile, Sources, commit, draw, parallel, parse_params, verify_record
from suiji.scan import NotSortedError
from suiji.tests.helpers import CSPRNG, params, subjects_pool

RAW = params(
    substitutes=2,
    exclusions=[{"id": "S0004", "reason": "本年度已抽查"}],
    strata=[
        {"name": "A类", "where": {"credit_risk_class": "A"}, "ratio": "0.1"},
        {
            "name": "加权",
            "where": {"credit_risk_class": "B"},
            "count": 5,
            "method": "systematic",
            "weight": "weight",
        },
        {"name": "其他", "count": 9},
    ],
)


@pytest.fixture
def pool_file(tmp_path: pathlib.Path) -> PoolFile:
    pool = subjects_pool(3000)
    path = tmp_path / "pool.csv"
    path.write_bytes(pool.header() + b"".join(pool.lines))
    return PoolFile(str(path))


def test_sharded_scan_gives_the_serial_result(
    pool_file: PoolFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    p = parse_params(RAW)
    monkeypatch.setenv("SUIJI_WORKERS", "1")
    serial = draw(pool_file, p, sources=Sources(CSPRNG, {}, {}))
    monkeypatch.setenv("SUIJI_WORKERS", "2")
    monkeypatch.setattr(parallel, "MIN_BYTES", 0)
    sharded = draw(pool_file, p, sources=Sources(CSPRNG, {}, {}))
    assert sharded == serial
    assert verify_record(sharded, pool_file).ok


def test_sharded_scan_reports_disorder_with_the_exact_row(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = [f"S{i:05d},A,1\n" for i in range(2000)]
    lines[1500], lines[1501] = lines[1501], lines[1500]
    path = tmp_path / "pool.csv"
    path.write_text("id,credit_risk_class,weight\n" + "".join(lines), encoding="ascii")
    monkeypatch.setenv("SUIJI_WORKERS", "2")
    monkeypatch.setattr(parallel, "MIN_BYTES", 0)
    with pytest.raises(NotSortedError, match="第 1502 条记录"):
        commit(PoolFile(str(path)), parse_params(params()))
