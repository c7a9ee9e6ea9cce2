"""The hash chain: canonical bytes of an event and the checks a verifier makes.

hash(n) = H(canonical_json(fields of event n, including prev_hash = hash(n-1))); the first
event's prev_hash is GENESIS. H is recorded per event (`hash_alg`, default SM3).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

GENESIS = "0" * 64
HASHED_FIELDS = (
    "seq",
    "occurred_at",
    "actor_id",
    "actor_label",
    "client_ip",
    "channel",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "before",
    "after",
    "reason",
    "outcome",
    "hash_alg",
    "prev_hash",
)


def to_jsonable(value: Any) -> Any:
    """Values as they will read back from any database's JSON column: no floats, no objects."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float | Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [to_jsonable(v) for v in value]
        return sorted(items, key=repr) if isinstance(value, set | frozenset) else items
    return str(value)


def format_time(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_bytes(fields: Mapping[str, Any]) -> bytes:
    payload = {name: fields[name] for name in HASHED_FIELDS}
    payload["occurred_at"] = format_time(payload["occurred_at"])
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def digest(fields: Mapping[str, Any]) -> str:
    return hashlib.new(str(fields["hash_alg"]), canonical_bytes(fields)).hexdigest()


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    kind: str  # "altered", "removed", "reordered", "truncated"
    message: str


@dataclass(frozen=True)
class ChainReport:
    checked: int
    last_seq: int
    last_hash: str
    problem: ChainProblem | None

    @property
    def intact(self) -> bool:
        return self.problem is None


def walk(
    events: Iterable[Mapping[str, Any]],
    hash_exists: Any,
    head: tuple[int, str] | None,
) -> ChainReport:
    """Check events given in ascending `seq` order; stop at the first problem.

    `hash_exists(h)` says whether some stored event has hash h (to tell reordering from removal);
    `head` is the recorded tip (last_seq, last_hash) or an externally kept checkpoint.
    """
    expected_seq, prev_hash, checked = 1, GENESIS, 0
    for event in events:
        problem = _check_one(event, expected_seq, prev_hash, hash_exists)
        if problem is not None:
            return ChainReport(checked, expected_seq - 1, prev_hash, problem)
        checked += 1
        expected_seq, prev_hash = int(event["seq"]) + 1, str(event["hash"])
    last_seq = expected_seq - 1
    if head is not None and (head[0] > last_seq or (head[0] == last_seq and head[1] != prev_hash)):
        problem = ChainProblem(
            last_seq + 1,
            "truncated",
            f"链头记录到第 {head[0]} 号事件，但链只到第 {last_seq} 号：末尾事件被删除或链头被改动",
        )
        return ChainReport(checked, last_seq, prev_hash, problem)
    return ChainReport(checked, last_seq, prev_hash, None)


def _check_one(
    event: Mapping[str, Any], expected_seq: int, prev_hash: str, hash_exists: Any
) -> ChainProblem | None:
    seq = int(event["seq"])
    if seq != expected_seq:
        return ChainProblem(
            expected_seq,
            "removed",
            f"第 {expected_seq} 号事件缺失（下一条是第 {seq} 号）：事件被删除",
        )
    if event["prev_hash"] != prev_hash:
        if hash_exists(event["prev_hash"]):
            return ChainProblem(
                seq, "reordered", f"第 {seq} 号事件与前一事件的链接不符：事件顺序被调换"
            )
        return ChainProblem(
            seq, "removed", f"第 {seq} 号事件指向一条不存在的前序事件：前序事件被删除或改动"
        )
    if digest(event) != event["hash"]:
        return ChainProblem(seq, "altered", f"第 {seq} 号事件的内容与其摘要不符：事件被改动")
    return None
