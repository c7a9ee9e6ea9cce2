"""Pseudonymous pools and the reveal of the drawn rows (spec §12).

A pool may carry, instead of each candidate's public id, a pseudonym
``H("suiji/1/pseudonym"; salt; utf8(public id))`` with a fresh random salt per row, chosen when the
pool is committed (before any seed exists). The draw runs over the pseudonyms as over any ids.
Afterwards the publisher reveals ``(public id, salt)`` for the selected and substitute rows only;
anyone checks that each revealed pair hashes to its pseudonym and that exactly the drawn rows are
revealed. The other rows stay unlinkable to their firms (and so to their strata).
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from suiji.canonical import nfc
from suiji.errors import InputError
from suiji.hashing import check_algorithm, tagged_hash

REVEAL_FORMAT = "suiji-reveal/1"
PSEUDONYM_TAG = "suiji/1/pseudonym"
SALT_BYTES = 16


def new_salts(count: int) -> list[str]:
    """``count`` fresh salts from the operating system's CSPRNG, as 32 hex digits each."""
    blob = secrets.token_bytes(SALT_BYTES * count)
    return [blob[i : i + SALT_BYTES].hex() for i in range(0, len(blob), SALT_BYTES)]


def pseudonym(alg: str, salt: str, public_id: str) -> str:
    """``hex H("suiji/1/pseudonym"; salt bytes; utf8(NFC(public id)))`` — 64 hex digits."""
    check_algorithm(alg)
    try:
        raw = bytes.fromhex(salt)
    except ValueError as exc:
        raise InputError(f"盐值“{salt}”不是十六进制数") from exc
    if len(raw) != SALT_BYTES:
        raise InputError(f"盐值“{salt}”应为 {SALT_BYTES * 2} 位十六进制数")
    if not public_id:
        raise InputError("公开标识不能为空")
    return tagged_hash(alg, PSEUDONYM_TAG, [raw], nfc(public_id).encode("utf-8")).hex()


@dataclass(frozen=True)
class RevealResult:
    ok: bool
    message: str


def _drawn(record: Mapping[str, Any]) -> list[str]:
    """Pseudonyms of every selected and substitute row of the record, in record order."""
    out: list[str] = []
    for stratum in record.get("subjects") or []:
        for part in ("selected", "substitutes"):
            out.extend(str(entry["id"]) for entry in stratum.get(part) or [])
    return out


def check_reveal(reveal: Any, record: Mapping[str, Any]) -> RevealResult:
    """Every revealed (id, salt) hashes to its pseudonym, and the revealed pseudonyms are exactly
    the record's selected and substitute rows (each once)."""
    try:
        _check(reveal, record)
    except InputError as exc:
        return RevealResult(False, f"揭示核对未通过（FAILED）：{exc}")
    count = len(reveal["rows"])
    return RevealResult(
        True,
        f"揭示核对通过（OK）：{count} 个抽中或备选对象的公开标识与盐值均与其假名一致，"
        "且恰好是抽取记录中的全部抽中和备选对象。",
    )


def _check(reveal: Any, record: Mapping[str, Any]) -> None:
    alg = _check_header(reveal, record)
    seen: dict[str, str] = {}
    for n, row in enumerate(reveal["rows"], start=1):
        if not isinstance(row, dict):
            raise InputError(f"第 {n} 行格式不正确")
        name, pid, salt = str(row.get("pseudonym")), str(row.get("id")), str(row.get("salt"))
        expected = pseudonym(alg, salt, pid)
        if expected != name:
            raise InputError(
                f"第 {n} 行：公开标识“{pid}”与盐值算得的假名为 {expected}，揭示文件中为 {name}"
            )
        if name in seen:
            raise InputError(f"第 {n} 行：假名 {name} 重复揭示")
        seen[name] = pid
    drawn = _drawn(record)
    missing = [p for p in drawn if p not in seen]
    if missing:
        raise InputError(f"抽取记录中的抽中或备选对象 {missing[0]} 未被揭示")
    extra = [p for p in seen if p not in set(drawn)]
    if extra:
        raise InputError(f"假名 {extra[0]} 不是抽中或备选对象，不应揭示")


def _check_header(reveal: Any, record: Mapping[str, Any]) -> str:
    """The reveal belongs to this record; return the hash algorithm."""
    if not isinstance(reveal, dict) or reveal.get("format") != REVEAL_FORMAT:
        raise InputError(f"揭示文件不是 {REVEAL_FORMAT} 格式")
    params = record.get("params") or {}
    alg = str(params.get("hash", "sha256"))
    if reveal.get("hash") != alg:
        raise InputError(f"揭示文件的哈希算法“{reveal.get('hash')}”与抽取记录的“{alg}”不同")
    digest = (record.get("commitment") or {}).get("digest")
    if reveal.get("commitment") != digest:
        raise InputError("揭示文件所属的承诺摘要与抽取记录不同")
    if not isinstance(reveal.get("rows"), list):
        raise InputError("揭示文件缺少 rows")
    return alg
