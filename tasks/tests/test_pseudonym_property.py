"""Salts cannot steer a draw: the selection is a function of the seed and the committed pool only,
and whatever the salts, every row keeps its inclusion probability over the seed (spec §12)."""

from __future__ import annotations

import math
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

import suiji
from suiji.hashing import tagged_hash
from tasks.pool import Candidate
from tasks.pseudonyms import Layer, build, plan_layers

SALT = st.binary(min_size=16, max_size=16).map(bytes.hex)
FIRMS = st.lists(
    st.tuples(st.from_regex(r"91[0-9A-H]{16}", fullmatch=True), st.sampled_from("ABCD")),
    min_size=4,
    max_size=40,
    unique_by=lambda firm: firm[0],
)


def _candidates(firms: list[tuple[str, str]]) -> list[Candidate]:
    return [Candidate(pid, n, risk, False, 0, 0, 0, 1) for n, (pid, risk) in enumerate(firms)]


def _params(layers: list[Layer]) -> dict[str, object]:
    return {
        "format": "suiji-params/1",
        "hash": "sha256",
        "item_kind": "key",
        "substitutes": 1,
        "strata": [
            {"name": lay.label, "where": {"layer": lay.number}, "ratio": "0.3"} for lay in layers
        ],
        "sources": {"csprng": True},
    }


def _expected(
    seed: bytes, pool_rows: list[str], layers: list[Layer], ratio: Decimal = Decimal("0.3")
) -> list[list[str]]:
    """The selection recomputed from the seed and the pool text alone (spec §5.2–5.3)."""
    out = []
    for lay in layers:
        ids = [r.split(",")[0] for r in pool_rows if r.split(",")[1] == lay.number]
        name = lay.label.encode("utf-8")
        keyed = sorted(
            (tagged_hash("sha256", "suiji/1/subject-key", [seed, name], i.encode()), i) for i in ids
        )
        k = math.ceil(ratio * len(ids))
        out.append([i for _, i in keyed[:k]])
    return out


@settings(max_examples=25, deadline=None)
@given(firms=FIRMS, data=st.data(), csprng=st.binary(min_size=32, max_size=32).map(bytes.hex))
def test_selection_depends_only_on_the_seed_and_the_committed_pool(
    firms: list[tuple[str, str]], data: st.DataObject, csprng: str
) -> None:
    salts = data.draw(st.lists(SALT, min_size=len(firms), max_size=len(firms), unique=True))
    ratios: dict[str, Decimal | None] = {c: Decimal(30) for c in "ABCD"}
    layers = plan_layers(ratios, None, shuffle=True)
    built = build(
        _candidates(firms), layers, ratios, None, weighted=False, alg="sha256", salts=salts
    )
    params = suiji.parse_params(_params(layers))
    sources = suiji.Sources(csprng, {}, {})
    record = suiji.draw(built.pool, params, sources=sources)
    # the same draw from the pool text alone — no salts, no public ids — and by hand
    text_rows = built.pool.as_text_rows()
    again = suiji.draw(
        suiji.pool_from_rows(("id", "layer"), [r.split(",") for r in text_rows]),
        params,
        sources=sources,
    )
    assert again["subjects"] == record["subjects"]
    selected = [[e["id"] for e in s["selected"]] for s in record["subjects"]]
    assert selected == _expected(bytes.fromhex(record["seed"]), text_rows, layers)


@settings(max_examples=10, deadline=None)
@given(salts=st.lists(SALT, min_size=8, max_size=8, unique=True))
def test_salts_do_not_change_any_rows_inclusion_probability(salts: list[str]) -> None:
    """Over seeds, each of 8 rows (k = 2) is drawn with frequency 1/4 whatever the salts."""
    firms = [(f"91480321MA{n:07d}X", "A") for n in range(8)]
    ratios: dict[str, Decimal | None] = {"A": Decimal(25)}
    layers = plan_layers(ratios, None, shuffle=True)
    built = build(
        _candidates(firms), layers, ratios, None, weighted=False, alg="sha256", salts=salts
    )
    rows = built.pool.as_text_rows()
    trials = 800
    counts = dict.fromkeys((r.split(",")[0] for r in rows), 0)
    for t in range(trials):
        seed = tagged_hash("sha256", "test/seed", [], t.to_bytes(4, "big"))
        for pid in _expected(seed, rows, layers, Decimal("0.25"))[0]:
            counts[pid] += 1
    sigma = math.sqrt(trials * 0.25 * 0.75)
    assert all(abs(n - trials / 4) < 5 * sigma for n in counts.values()), counts
