from fractions import Fraction

import pytest

from suiji.canonical import canonical_json, parse_decimal
from suiji.errors import InputError
from suiji.hashing import frame, tagged_hash


def test_canonical_json_sorts_keys_and_drops_whitespace() -> None:
    assert canonical_json({"b": [1, True, None], "a": "x"}) == b'{"a":"x","b":[1,true,null]}'


def test_canonical_json_writes_utf8_and_normalises_to_nfc() -> None:
    decomposed = "e\u0301"  # e + combining acute
    assert canonical_json({"名": decomposed}) == '{"名":"é"}'.encode()


def test_canonical_json_escapes_only_what_json_requires() -> None:
    assert canonical_json('a"\\\n\x01/') == b'"a\\"\\\\\\n\\u0001/"'


def test_floats_are_refused() -> None:
    with pytest.raises(InputError, match="浮点数"):
        canonical_json({"ratio": 0.05})


def test_large_integers_are_refused() -> None:
    with pytest.raises(InputError, match="整数超出范围"):
        canonical_json(2**53)


def test_decimal_strings_are_exact() -> None:
    assert parse_decimal("0.05", "比例") == Fraction(1, 20)
    assert parse_decimal("1", "比例") == 1


@pytest.mark.parametrize("bad", ["5%", ".5", "0,5", "1e-2", "-0.1", "01", 0.5])
def test_malformed_decimals_are_refused(bad: object) -> None:
    with pytest.raises(InputError):
        parse_decimal(bad, "比例")


def test_frame_length_prefixes_every_field() -> None:
    assert frame("t", [b"ab", b""]) == b"\0\0\0\x01t\0\0\0\x02ab\0\0\0\0"


def test_sm3_is_available_and_differs_from_sha256() -> None:
    a = tagged_hash("sha256", "suiji/1/x", [], b"")
    b = tagged_hash("sm3", "suiji/1/x", [], b"")
    assert len(a) == len(b) == 32
    assert a != b
