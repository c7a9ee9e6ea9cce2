"""Pseudonymous pools and the reveal of the drawn rows (spec §12)."""

from __future__ import annotations

import json
import pathlib
from typing import Any

import pytest

from suiji import (
    REVEAL_FORMAT,
    Sources,
    check_reveal,
    draw,
    new_salts,
    parse_params,
    pool_from_rows,
    pseudonym,
)
from suiji.cli import main
from suiji.errors import InputError
from suiji.tests.helpers import CSPRNG, params

SALT = "000102030405060708090a0b0c0d0e0f"
USCC = "91480321MA0000024X"


def test_pseudonym_vectors() -> None:
    # frame("suiji/1/pseudonym"; salt) ‖ utf8(id), spec §2.2 and §12.1
    assert pseudonym("sha256", SALT, USCC) == (
        "23f2723b0adf10196dea4413c2ba0f9fb9274f131b58d05103b02554b900ef36"
    )
    assert pseudonym("sm3", SALT, USCC) == (
        "6c652c200254c89e3f78029f3b515c73f786c16e71b37959d085426ac4be184e"
    )


def test_salts_are_fresh_and_well_formed() -> None:
    salts = new_salts(50)
    assert len(set(salts)) == 50
    assert all(len(s) == 32 and int(s, 16) >= 0 for s in salts)
    with pytest.raises(InputError, match="32 位"):
        pseudonym("sha256", "00", USCC)


def _drawn(tmp_path: pathlib.Path) -> tuple[dict[str, Any], dict[str, Any], str]:
    ids = [f"91480321MA{i:07d}X" for i in range(30)]
    salts = new_salts(len(ids))
    names = {pseudonym("sha256", s, i): (i, s) for i, s in zip(ids, salts, strict=True)}
    pool = pool_from_rows(["id", "layer"], [[n, str(1 + k % 2)] for k, n in enumerate(names)])
    raw = params(
        substitutes=1,
        strata=[
            {"name": "第1层", "where": {"layer": "1"}, "count": 3},
            {"name": "第2层", "where": {"layer": "2"}, "count": 2},
        ],
    )
    record = draw(pool, parse_params(raw), sources=Sources(CSPRNG, {}, {}), inline_pool=False)
    drawn = [e["id"] for s in record["subjects"] for p in ("selected", "substitutes") for e in s[p]]
    reveal = {
        "format": REVEAL_FORMAT,
        "hash": "sha256",
        "commitment": record["commitment"]["digest"],
        "rows": [{"pseudonym": n, "id": names[n][0], "salt": names[n][1]} for n in sorted(drawn)],
    }
    pool_path = tmp_path / "pool.csv"
    pool_path.write_bytes(pool.header() + b"".join(pool.iter_blocks()))
    return record, reveal, str(pool_path)


def test_check_reveal_accepts_exactly_the_drawn_rows(tmp_path: pathlib.Path) -> None:
    record, reveal, _ = _drawn(tmp_path)
    assert len(reveal["rows"]) == 3 + 1 + 2 + 1
    assert check_reveal(reveal, record).ok
    missing = {**reveal, "rows": reveal["rows"][1:]}
    assert "未被揭示" in check_reveal(missing, record).message
    twice = {**reveal, "rows": [*reveal["rows"], reveal["rows"][0]]}
    assert "重复揭示" in check_reveal(twice, record).message
    wrong = json.loads(json.dumps(reveal))
    wrong["rows"][0]["salt"] = "ff" * 16
    assert not check_reveal(wrong, record).ok
    other = {**reveal, "commitment": "0" * 64}
    assert "承诺摘要" in check_reveal(other, record).message


def test_cli_verify_with_reveal(tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]) -> None:
    record, reveal, pool = _drawn(tmp_path)
    (tmp_path / "r.json").write_text(json.dumps(record, ensure_ascii=False), "utf-8")
    (tmp_path / "v.json").write_text(json.dumps(reveal), "utf-8")
    argv = [
        "verify",
        str(tmp_path / "r.json"),
        "--pool",
        pool,
        "--reveal",
        str(tmp_path / "v.json"),
    ]
    assert main(argv) == 0
    assert "揭示核对通过" in capsys.readouterr().out
    reveal["rows"][0]["id"] = "91480321MA9999999X"
    (tmp_path / "v.json").write_text(json.dumps(reveal), "utf-8")
    assert main(argv) == 1
    assert "揭示核对未通过" in capsys.readouterr().out
