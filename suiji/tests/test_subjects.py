import random
from fractions import Fraction

import pytest

from suiji import InputError, PoolFile, Sources, commit, draw, parse_params, pool_from_rows
from suiji.scan import NotSortedError
from suiji.subjects import stratum_size
from suiji.tests.helpers import CSPRNG, make_record, params, selected_ids, subjects_pool

STRATIFIED = params(
    item_kind="general",
    max_ratio="0.5",
    substitutes=2,
    strata=[
        {"name": "C和D类", "where": {"credit_risk_class": ["C", "D"]}, "ratio": "0.5"},
        {"name": "A类", "where": {"credit_risk_class": "A"}, "ratio": "0.02"},
        {"name": "B类", "where": {"credit_risk_class": "B"}, "count": 7},
    ],
)


def test_ratio_rounds_up_with_exact_arithmetic() -> None:
    stratum = parse_params(params(strata=[{"name": "x", "ratio": "0.07"}])).strata[0]
    assert stratum_size(stratum, 100, None) == 7  # 0.07 × 100 is exactly 7, no float drift up to 8
    assert stratum_size(stratum, 101, None) == 8  # ⌈7.07⌉
    assert stratum_size(stratum, 0, None) == 0


def test_count_larger_than_the_stratum_takes_everyone() -> None:
    stratum = parse_params(params(strata=[{"name": "x", "count": 50}])).strata[0]
    assert stratum_size(stratum, 12, None) == 12


def test_every_stratum_gets_exactly_its_size() -> None:
    pool = subjects_pool(400)  # 100 of each class
    record = make_record(STRATIFIED, pool)
    sizes = [len(ids) for ids in selected_ids(record)]
    assert sizes == [100, 2, 7]
    assert [len(st["substitutes"]) for st in record["subjects"]] == [2, 2, 2]
    cls = {line.split(b",")[0].decode(): line.split(b",")[1].decode() for line in pool.lines}
    assert {cls[i] for i in selected_ids(record)[0]} <= {"C", "D"}
    assert {cls[i] for i in selected_ids(record)[1]} == {"A"}


def test_selection_is_the_k_smallest_keys_then_substitutes() -> None:
    record = make_record(STRATIFIED, subjects_pool(400))
    for st in record["subjects"]:
        keys = [e["key"] for e in st["selected"] + st["substitutes"]]
        assert keys == sorted(keys)


def test_row_order_of_the_input_does_not_change_the_result() -> None:
    rows = [[f"S{i:04d}", "ABCD"[i % 4], "1"] for i in range(300)]
    shuffled = rows[:]
    random.Random(7).shuffle(shuffled)
    a = make_record(STRATIFIED, pool_from_rows(["id", "credit_risk_class", "weight"], rows))
    b = make_record(
        STRATIFIED,
        pool_from_rows(["weight", "credit_risk_class", "id"], [r[::-1] for r in shuffled]),
    )
    assert a["commitment"] == b["commitment"]
    assert a["subjects"] == b["subjects"]


def test_general_item_ratio_above_the_cap_is_refused() -> None:
    raw = params(item_kind="general", max_ratio="0.05", strata=[{"name": "A类", "ratio": "0.1"}])
    with pytest.raises(InputError, match="不得超过上限 5%.*层“A类”要求 10%"):
        parse_params(raw)


def test_general_item_count_above_the_cap_is_refused_at_commit() -> None:
    raw = params(item_kind="general", max_ratio="0.05", strata=[{"name": "A类", "count": 10}])
    with pytest.raises(InputError, match="最多抽取 5 户"):
        commit(subjects_pool(100), parse_params(raw))


def test_key_items_are_not_capped() -> None:
    raw = params(item_kind="key", strata=[{"name": "全部", "ratio": "1"}])
    assert len(selected_ids(make_record(raw, subjects_pool(30)))[0]) == 30


def test_exclusions_are_committed_and_never_drawn() -> None:
    excluded = [f"S{i:04d}" for i in range(0, 40, 2)]
    raw = params(
        strata=[{"name": "全部", "ratio": "1"}],
        exclusions=[{"id": i, "reason": "本年度已就同一事项抽查"} for i in excluded],
        overrides=[{"id": "S0001", "reason": "投诉较多，经分管领导批准再次抽查"}],
    )
    record = make_record(raw, subjects_pool(40))
    assert set(selected_ids(record)[0]).isdisjoint(excluded)
    assert record["commitment"]["strata"][0]["excluded"] == 20
    assert record["commitment"]["strata"][0]["eligible"] == 20
    with pytest.raises(InputError, match="同时出现在排除名单和例外名单"):
        parse_params({**raw, "overrides": [{"id": "S0000", "reason": "x"}]})


def test_duplicate_ids_are_refused() -> None:
    with pytest.raises(InputError, match="重复"):
        pool_from_rows(["id"], [["a"], ["b"], ["a"]])


def test_values_with_commas_or_quotes_are_refused() -> None:
    with pytest.raises(InputError, match="不允许的字符"):
        pool_from_rows(["id", "region"], [["a", "x,y"]])


def test_streaming_file_equals_in_memory_pool(tmp_path: pytest.TempPathFactory) -> None:
    pool = subjects_pool(500)
    path = tmp_path / "pool.csv"  # type: ignore[operator]
    # a non-canonical column order, CRLF endings and a quoted field: all canonicalised
    lines = ["weight,id,credit_risk_class"]
    for line in pool.lines:
        ident, cls, weight = line.decode().rstrip("\n").split(",")
        lines.append(f'{weight},"{ident}",{cls}')
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    p = parse_params(STRATIFIED)
    assert commit(PoolFile(str(path)), p).digest == commit(pool, p).digest
    a = draw(pool, p, sources=Sources(CSPRNG, {}, {}))
    b = draw(PoolFile(str(path)), p, sources=Sources(CSPRNG, {}, {}))
    assert a["subjects"] == b["subjects"]
    assert a["pool"] == b["pool"]


def test_unsorted_file_is_reported(tmp_path: pytest.TempPathFactory) -> None:
    path = tmp_path / "pool.csv"  # type: ignore[operator]
    path.write_text("id\nb\na\n", encoding="utf-8")
    with pytest.raises(NotSortedError, match="未按编号升序"):
        commit(PoolFile(str(path)), parse_params(params()))


def test_sm3_draws_differ_from_sha256_and_are_recorded() -> None:
    a = make_record(params(), subjects_pool(50))
    b = make_record(params(hash="sm3"), subjects_pool(50))
    assert b["commitment"]["hash"] == "sm3"
    assert a["seed"] != b["seed"]


def test_filter_keeps_only_directed_subjects() -> None:
    raw = params(filter={"credit_risk_class": ["A"]}, strata=[{"name": "全部", "ratio": "1"}])
    record = make_record(raw, subjects_pool(40))
    assert len(selected_ids(record)[0]) == 10
    assert record["commitment"]["pool"]["outside"] == 30


def test_weighted_strata_record_their_inclusion_probabilities() -> None:
    raw = params(
        strata=[{"name": "投诉加权", "count": 4, "method": "systematic", "weight": "weight"}]
    )
    record = make_record(raw, subjects_pool(20))
    chosen = record["subjects"][0]["selected"]
    assert len(chosen) == 4
    total = sum(1 + i % 4 for i in range(20))  # weights 1..4
    for e in chosen:
        w = 1 + int(e["id"][1:]) % 4
        assert Fraction(e["pi"]) == Fraction(4 * w, total)
