"""Inclusion frequencies over a fixed list of seeds against the documented probabilities.

Each test has false-alarm probability ≤ 1e-4 under the documented law; the seeds are fixed, so
the outcome is deterministic and cannot flake.
"""

import hashlib
from collections import Counter
from fractions import Fraction
from itertools import combinations
from math import sqrt
from statistics import NormalDist
from typing import Any

from suiji import parse_params, pool_from_rows
from suiji.commitment import commit
from suiji.scan import scan_pool
from suiji.subjects import key_plan, select

ALPHA = 1e-4


def chi2_critical(df: int, alpha: float = ALPHA) -> float:
    """Upper-α quantile of χ²(df), Wilson–Hilferty; exact through the normal for df = 1."""
    if df == 1:
        return NormalDist().inv_cdf(1 - alpha / 2) ** 2
    z = NormalDist().inv_cdf(1 - alpha)
    h = 2 / (9 * df)
    return float(df * (1 - h + z * sqrt(h)) ** 3)


def test_wilson_hilferty_matches_tabulated_values() -> None:
    assert abs(chi2_critical(1, 0.05) - 3.841) < 0.01
    assert abs(chi2_critical(14, 0.05) - 23.685) < 0.1
    assert abs(chi2_critical(10, 1e-4) - 35.56) < 0.5


def seeds(n: int) -> list[bytes]:
    return [hashlib.sha256(b"suiji-test-seed" + i.to_bytes(4, "big")).digest() for i in range(n)]


def draws(raw: Any, rows: list[list[str]], n: int) -> list[list[str]]:
    p = parse_params(raw)
    pool = pool_from_rows(["id", "w"], rows)
    plans = commit(pool, p).plans
    out = []
    for seed in seeds(n):
        result = select(p, plans, scan_pool(pool, p, key_plan(seed, plans)), seed)
        out.append([e["id"] for e in result[0]["selected"]])
    return out


def test_uniform_draw_makes_every_k_subset_equally_likely() -> None:
    ids = [f"u{i}" for i in range(6)]
    raw = {"format": "suiji-params/1", "item_kind": "key", "strata": [{"name": "s", "count": 2}]}
    runs = 12000
    counts = Counter(tuple(sorted(d)) for d in draws(raw, [[i, "1"] for i in ids], runs))
    subsets = list(combinations(ids, 2))
    assert all(len(d) == 2 for d in counts)
    expected = runs / len(subsets)
    stat = sum((counts[s] - expected) ** 2 / expected for s in subsets)
    assert stat < chi2_critical(len(subsets) - 1), stat


def weighted_check(method: str, weights: list[int], k: int, runs: int) -> None:
    rows = [[f"w{i}", str(w)] for i, w in enumerate(weights)]
    raw = {
        "format": "suiji-params/1",
        "item_kind": "key",
        "strata": [{"name": "s", "count": k, "method": method, "weight": "w"}],
    }
    p = parse_params(raw)
    pps = commit(pool_from_rows(["id", "w"], rows), p).plans[0].pps
    assert pps is not None
    pi = {f"w{i}": pps.pi(w) for i, w in enumerate(weights)}
    assert sum(pi.values()) == k
    results = draws(raw, rows, runs)
    if method == "systematic":
        assert all(len(d) == k for d in results)
    counts = Counter(i for d in results for i in d)
    random_units = [u for u in pi if 0 < pi[u] < 1]
    for unit, prob in pi.items():
        if prob == 1:
            assert counts[unit] == runs
    # each unit's count is exactly Binomial(runs, π): per-unit test at α/units (Bonferroni)
    for unit in random_units:
        mean = runs * pi[unit]
        var = runs * pi[unit] * (1 - pi[unit])
        z2 = float((counts[unit] - mean) ** 2 / var)
        assert z2 < chi2_critical(1, ALPHA / len(random_units)), (unit, counts[unit], float(mean))
    if method == "poisson":  # inclusions are independent across units: one χ² over all
        stat = sum(
            float((counts[u] - runs * pi[u]) ** 2 / (runs * pi[u] * (1 - pi[u])))
            for u in random_units
        )
        assert stat < chi2_critical(len(random_units)), stat


def test_poisson_sampling_includes_each_unit_with_its_documented_probability() -> None:
    weighted_check("poisson", [1, 1, 2, 2, 3, 5, 8, 10], 3, 6000)


def test_poisson_sampling_caps_heavy_units_at_one() -> None:
    weighted_check("poisson", [1, 1, 1, 1, 20], 2, 2000)


def test_systematic_sampling_has_fixed_size_and_documented_probabilities() -> None:
    weighted_check("systematic", [1, 1, 2, 2, 3, 5, 8, 10], 3, 6000)


def test_systematic_sampling_with_capping() -> None:
    weighted_check("systematic", [1, 2, 1, 1, 30, 3], 3, 2000)


def test_capping_finds_the_exact_scale() -> None:
    from suiji.weighted import compute_pps

    pps = compute_pps(Counter({20: 1, 1: 4}), 2)
    assert pps.capped == 1
    assert pps.scale == Fraction(1, 4)
    assert pps.pi(20) == 1
    assert pps.pi(1) == Fraction(1, 4)
