"""The fast scan paths (slices, hinted thresholds, chunked two-process scan) against a plain
reference: sort every eligible candidate of a stratum by (key, id) and take the first k + s."""

from __future__ import annotations

import pathlib

import pytest

from suiji import PoolData, PoolFile, commit, parallel, parse_params, scan
from suiji.hashing import tagged_hash
from suiji.scan import NotSortedError, scan_pool
from suiji.subjects import key_plan
from suiji.tests.helpers import params, subjects_pool

SEED = bytes(range(32))


def _params(alg: str = "sha256", exclusions: int = 0) -> dict[str, object]:
    return params(
        hash=alg,
        substitutes=2,
        exclusions=[{"id": f"S{i:04d}", "reason": "已抽查"} for i in range(0, exclusions * 7, 7)],
        strata=[
            {"name": "A类", "where": {"credit_risk_class": "A"}, "ratio": "0.05"},
            {"name": "B类", "where": {"credit_risk_class": "B"}, "count": 3},
            {"name": "其他", "ratio": "0.5"},
        ],
    )


def _reference(pool: PoolData, raw: dict[str, object]) -> list[list[tuple[bytes, bytes]]]:
    p = parse_params(raw)
    plans = commit(pool, p).plans
    excluded = {i.encode() for i in p.exclusions}
    out: list[list[tuple[bytes, bytes]]] = [[] for _ in plans]
    for line in pool.lines:
        ident, cls, _ = line[:-1].split(b",")
        code = {b"A": 0, b"B": 1}.get(cls, 2)
        if ident not in excluded:
            name = p.strata[code].name.encode()
            key = tagged_hash(p.hash, "suiji/1/subject-key", [SEED, name], ident)
            out[code].append((key, ident))
    return [
        sorted(keys)[: pl.size + pl.stratum.substitutes]
        for keys, pl in zip(out, plans, strict=True)
    ]


@pytest.mark.parametrize(("alg", "exclusions"), [("sha256", 0), ("sm3", 0), ("sha256", 30)])
def test_slices_and_hints_give_the_reference_selection(
    alg: str, exclusions: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    pool = subjects_pool(5000)
    raw = _params(alg, exclusions)
    p = parse_params(raw)
    plan = key_plan(SEED, commit(pool, p).plans)
    expected = _reference(pool, raw)
    monkeypatch.setattr(scan, "SLICE_BYTES", 500)  # many slices per block
    assert [st.best for st in scan_pool(pool, p, plan).strata] == expected
    assert [st.best for st in scan_pool(pool, p, plan.unhinted()).strata] == expected


def test_a_hint_that_is_too_tight_falls_back_to_an_exact_scan() -> None:
    pool = subjects_pool(5000)
    raw = _params()
    p = parse_params(raw)
    plan = key_plan(SEED, commit(pool, p).plans)
    assert plan.eligible is not None
    wrong = type(plan)(plan.seed, plan.keep, plan.weighted, tuple(50 * e for e in plan.eligible))
    assert not scan._scan_serial(pool, p, wrong).complete
    assert [st.best for st in scan_pool(pool, p, wrong).strata] == _reference(pool, raw)


@pytest.fixture
def many_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUIJI_WORKERS", "2")
    monkeypatch.setattr(parallel, "MIN_BYTES", 0)
    monkeypatch.setattr(parallel, "MIN_CHUNK", 1000)


def test_chunked_two_process_scan_gives_the_reference(
    tmp_path: pathlib.Path, many_chunks: None
) -> None:
    pool = subjects_pool(5000)
    path = tmp_path / "pool.csv"
    path.write_bytes(pool.header() + b"".join(pool.lines))
    raw = _params(exclusions=10)
    p = parse_params(raw)
    source = PoolFile(str(path))
    assert len(parallel._cuts(str(path))) > 10
    plan = key_plan(SEED, commit(source, p).plans)
    result = parallel.scan_any(source, p, plan)
    serial = scan_pool(pool, p, plan)
    assert [st.best for st in result.strata] == _reference(pool, raw)
    assert (result.digest, result.count, result.excluded_found) == (
        serial.digest,
        serial.count,
        serial.excluded_found,
    )


def test_disorder_at_a_chunk_cut_names_the_exact_row(
    tmp_path: pathlib.Path, many_chunks: None
) -> None:
    lines = [f"S{i:05d},A,1\n" for i in range(3000)]
    path = tmp_path / "pool.csv"
    path.write_text("id,credit_risk_class,weight\n" + "".join(lines), encoding="ascii")
    cuts = parallel._cuts(str(path))
    row = (cuts[3] - cuts[0]) // len(lines[0])  # the first row of chunk 3 (0-based)
    lines[row - 1], lines[row] = lines[row], lines[row - 1]
    path.write_text("id,credit_risk_class,weight\n" + "".join(lines), encoding="ascii")
    with pytest.raises(NotSortedError, match=f"第 {row + 1} 条记录"):
        commit(PoolFile(str(path)), parse_params(params()))
