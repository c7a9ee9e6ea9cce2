import hashlib

import pytest

from suiji import (
    InputError,
    Sources,
    WitnessMismatch,
    parse_params,
    rfc3797_text,
    witness_commitment,
)
from suiji.seed import derive_seed, parse_lottery_numbers, sources_record
from suiji.tests.helpers import CSPRNG, make_record, params, subjects_pool


def test_rfc3797_key_string_matches_the_rfc_example() -> None:
    # RFC 3797 §6: three sources; the first MD5 in the RFC's table is 990DD0A5…
    key = rfc3797_text([[9319], [2, 5, 12, 8, 10], [9, 18, 26, 34, 41, 45]])
    assert key == "9319./2.5.8.10.12./9.18.26.34.41.45./"
    index = (0).to_bytes(2, "big")
    assert hashlib.md5(index + key.encode() + index).hexdigest().upper().startswith("990DD0A5")


def test_lottery_numbers_parse_from_free_text() -> None:
    assert parse_lottery_numbers("3 8，12、19,25 31 / 07") == [[3, 8, 12, 19, 25, 31], [7]]
    with pytest.raises(InputError):
        parse_lottery_numbers("3 8 x")


def witnessed(**kw: object) -> dict[str, object]:
    witnesses = [
        {"name": "张三", "commitment": witness_commitment("sha256", "张三", "secret-one-zhang")},
        {"name": "李四", "commitment": witness_commitment("sha256", "李四", "secret-two-li")},
    ]
    return params(
        sources={
            "csprng": False,
            "witnesses": witnesses,
            "lotteries": [{"name": "双色球2025045期"}],
        },
        **kw,
    )


GOOD = Sources(
    None, {"张三": "secret-one-zhang", "李四": "secret-two-li"}, {"双色球2025045期": [[3, 8], [7]]}
)


def test_witnesses_and_lottery_make_a_reproducible_seed() -> None:
    a = make_record(witnessed(), subjects_pool(30), sources=GOOD)
    b = make_record(witnessed(), subjects_pool(30), sources=GOOD)
    assert a["seed"] == b["seed"]
    assert len(a["seed"]) == 64
    assert a["sources"]["lotteries"][0]["text"] == "3.8./7./"


def test_a_reveal_that_does_not_match_its_commitment_is_refused() -> None:
    bad = Sources(None, {"张三": "secret-one-zhang", "李四": "secret-two-WRONG"}, GOOD.lotteries)
    with pytest.raises(WitnessMismatch, match="见证人“李四”揭示的秘密与其事先提交的承诺值不符"):
        make_record(witnessed(), subjects_pool(30), sources=bad)


def test_a_single_witness_is_not_enough() -> None:
    one = [{"name": "张三", "commitment": "0" * 64}]
    with pytest.raises(InputError, match="至少需要 2 位见证人"):
        parse_params(params(sources={"witnesses": one}))


def test_unannounced_or_missing_sources_are_refused() -> None:
    p = parse_params(witnessed())
    with pytest.raises(InputError, match="缺少事先宣布的彩票开奖结果"):
        sources_record(p, Sources(None, GOOD.witnesses, {}))
    with pytest.raises(InputError, match="未在承诺阶段宣布"):
        sources_record(p, Sources(None, GOOD.witnesses, {**GOOD.lotteries, "大乐透": [[1]]}))
    with pytest.raises(InputError, match="不能临时加入"):
        sources_record(p, Sources(CSPRNG, GOOD.witnesses, GOOD.lotteries))


def test_every_source_and_the_commitment_change_the_seed() -> None:
    p = parse_params(witnessed())
    base = sources_record(p, GOOD)
    seed = derive_seed("sha256", "ab" * 32, base)
    assert derive_seed("sha256", "ac" * 32, base) != seed
    other_lottery = sources_record(
        p, Sources(None, GOOD.witnesses, {"双色球2025045期": [[3, 9], [7]]})
    )
    assert derive_seed("sha256", "ab" * 32, other_lottery) != seed
    assert derive_seed("sm3", "ab" * 32, base) != seed
