"""The single streaming pass over a pool: digest, stratum counts and, once a seed exists, keys.

The same pass serves the commitment (no seed: digest and counts only), the draw and the
verification (seed given: the digest is recomputed too, so a swapped pool is caught).

Speed notes (spec §11): the pool digest is taken over the large canonical blocks; each block is
then cut into slices of about 64 KiB so that the per-row lists stay in the CPU cache, and every
per-row step is a C-level ``map`` over a whole slice (no bytecode runs per row on the usual path).
"""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import repeat
from math import isqrt
from operator import call, itemgetter, lt

from suiji.errors import InputError
from suiji.hashing import Hasher, frame, new_hash, prefed_hasher
from suiji.params import Params
from suiji.pool import PoolSource
from suiji.weighted import TWO_256, Pps, parse_weight

POOL_TAG = "suiji/1/pool"
KEY_TAG = "suiji/1/subject-key"
SLICE_BYTES = 1 << 16  # rows handled together: large enough to amortise, small enough for cache
KEY_BYTES = 32  # SHA-256 and SM3
_TOP = b"\xff" * (KEY_BYTES + 1)  # above every key
_ID, _REST = itemgetter(0), itemgetter(2)


def key_prefix(seed: bytes, stratum: str) -> bytes:
    return frame(KEY_TAG, (seed, stratum.encode("utf-8")))


class _Classes(dict[bytes, int]):
    """Memo of "rest of the line after the id" → stratum code, each distinct value decided once."""

    def __init__(self, decide: Callable[[bytes], int]) -> None:
        super().__init__()
        self.decide = decide

    def __missing__(self, rest: bytes) -> int:
        code = self[rest] = self.decide(rest)
        return code


class _Targets(dict[bytes, Callable[[bytes], None]]):
    """Memo of rest-of-line → ``append`` of the list collecting that stratum's ids."""

    def __init__(self, classes: _Classes, appends: list[Callable[[bytes], None]]) -> None:
        super().__init__()
        self.classes = classes
        self.appends = appends

    def __missing__(self, rest: bytes) -> Callable[[bytes], None]:
        target = self[rest] = self.appends[self.classes[rest]]
        return target


def build_classifier(params: Params, columns: Sequence[str]) -> Callable[[bytes], int]:
    """rest-of-line → index of the first stratum whose conditions hold, or len(strata) when the
    row is outside the filter or in no stratum."""
    missing = sorted(params.attributes() - set(columns))
    if missing:
        raise InputError(f"候选名单缺少参数引用的列：{'、'.join(missing)}")
    outside = len(params.strata)
    names = list(columns[1:])

    def decide(rest: bytes) -> int:
        values = rest.decode("utf-8").split(",") if names else []
        if len(values) != len(names) or (names and rest[:0] != b""):
            raise InputError(
                f"候选名单中有记录的字段数与表头（{len(columns)} 列）不符：“…,{rest.decode()}”"
            )
        row = dict(zip(names, values, strict=True))
        if not all(row[a] in allowed for a, allowed in params.filter):
            return outside
        for n, s in enumerate(params.strata):
            if all(row[a] in allowed for a, allowed in s.where):
                return n
        return outside

    return decide


@dataclass
class StratumScan:
    population: int = 0
    excluded: int = 0
    eligible: int = 0
    weights: Counter[int] = field(default_factory=Counter)
    # filled only when a seed is given: during the scan, candidates as key ‖ id (keys are 32
    # bytes, so bytewise order of the concatenation is the (key, id) order); then (key, id)
    buffer: list[bytes] = field(default_factory=list)
    best: list[tuple[bytes, bytes]] = field(default_factory=list)
    entries: list[tuple[bytes, bytes, int]] = field(default_factory=list)


@dataclass
class ScanResult:
    digest: str
    count: int
    strata: list[StratumScan]
    outside: int  # rows outside the filter or in no stratum
    excluded_found: set[bytes]
    complete: bool = True  # False: a hinted threshold was too tight, scan again without hints


@dataclass(frozen=True)
class KeyPlan:
    """What the keyed pass keeps per stratum: the m = k + substitutes smallest keys (uniform),
    or every eligible entry (weighted methods)."""

    seed: bytes
    keep: tuple[int, ...]
    weighted: tuple[bool, ...]
    # eligible counts as committed: only a hint for the starting threshold (see start_threshold)
    eligible: tuple[int, ...] | None = None

    def unhinted(self) -> KeyPlan:
        return KeyPlan(self.seed, self.keep, self.weighted)


def start_threshold(keep: int, eligible: int) -> bytes:
    """A starting bound for the keys of a uniform stratum of ``eligible`` units keeping ``keep``.

    Keys are uniform, so the number of keys ≤ (keep + margin)/N · 2²⁵⁶ is binomial with mean
    keep + margin; the margin is ≥ 10 standard deviations, so fewer than ``keep`` fall under the
    bound with probability < 10⁻²⁰. The bound only filters: a scan that ends with fewer than
    ``keep`` keys under it is incomplete and is repeated without hints, so the result never
    depends on the hint (a wrong count in a tampered record only costs a second pass).
    """
    want = keep + 10 * isqrt(keep) + 100
    if keep <= 0 or 2 * want >= eligible:
        return _TOP
    return ((want << 256) // eligible).to_bytes(32, "big")


@dataclass
class Tally:
    """What a scan of a range accumulates (plain data: it crosses process boundaries)."""

    counts: list[int]  # codes: 0…n−1 strata, n outside, n+1+s excluded from stratum s
    strata: list[StratumScan]
    found: set[bytes] = field(default_factory=set)
    rows: int = 0
    prev: bytes = b""  # last id seen


class _Scanner:
    """Slice-at-a-time processing; see the module docstring."""

    def __init__(self, source: PoolSource, params: Params, plan: KeyPlan | None) -> None:
        self.params = params
        n = self.n = len(params.strata)
        self.columns = source.columns
        self.classes = _Classes(build_classifier(params, source.columns))
        self.excluded = {i.encode("utf-8") for i in params.exclusions}
        self.tally = Tally([0] * (2 * n + 1), [StratumScan() for _ in params.strata])
        self.plan = plan
        self.keep = list(plan.keep) if plan else [0] * n
        weighted = [s.weight is not None for s in params.strata]
        self.weighted = weighted + [False] * (n + 1)
        self.any_weighted = any(weighted)
        self.need = [
            bool(plan) and k > 0 and not w for k, w in zip(self.keep, weighted, strict=True)
        ]
        prefixes = [key_prefix(plan.seed, s.name) for s in params.strata] if plan else []
        self.hashers = [prefed_hasher(params.hash, p) for p in prefixes]
        hints = plan.eligible if plan and plan.eligible else (0,) * n
        self.threshold = [
            start_threshold(k, e) if need else _TOP
            for k, e, need in zip(self.keep, hints, self.need, strict=True)
        ]
        self.hinted = [t != _TOP for t in self.threshold]
        self.weight_pos = [
            self.columns.index(s.weight) - 1 if s.weight else -1 for s in params.strata
        ]
        self.groups: list[list[bytes]] = [[] for _ in range(2 * n + 1)]
        self.appends = [g.append for g in self.groups]
        self.targets = _Targets(self.classes, self.appends)

    def block(self, data: bytes) -> None:
        """A block of whole canonical lines, processed in slices of about SLICE_BYTES."""
        start, end = 0, len(data)
        while start < end:
            cut = data.find(b"\n", start + SLICE_BYTES) + 1 or end
            self._slice(data if start == 0 and cut == end else data[start:cut])
            start = cut

    def _slice(self, data: bytes) -> None:
        lines = data.split(b"\n")
        lines.pop()
        parts = list(map(bytes.partition, lines, repeat(b",")))
        ids = list(map(_ID, parts))
        self._check_order(ids)
        if self.any_weighted or (self.excluded and not self.excluded.isdisjoint(ids)):
            self._general(ids, parts)
        else:  # per row: one dict lookup and one list append, all inside C
            any(map(call, map(self.targets.__getitem__, map(_REST, parts)), ids))
        counts = self.tally.counts
        for code, group in enumerate(self.groups):
            if group:
                counts[code] += len(group)
                if code < self.n and self.need[code]:
                    self._keys(code, group)
                group.clear()
        self.tally.rows += len(lines)

    def _check_order(self, ids: list[bytes]) -> None:
        t = self.tally
        if not ids:
            return
        if t.prev < ids[0] and all(map(lt, ids, ids[1:])):
            t.prev = ids[-1]
            return
        for n, ident in enumerate(ids, start=t.rows + 1):
            if not ident or ident <= t.prev:
                _bad_row(ident, t.prev, n)
            t.prev = ident

    def _general(self, ids: list[bytes], parts: list[tuple[bytes, bytes, bytes]]) -> None:
        """Exclusions in this slice or weighted strata: codes per row, then the same grouping."""
        codes = list(map(self.classes.__getitem__, map(_REST, parts)))
        if self.excluded:
            codes = self._exclude(ids, codes)
        if self.any_weighted:
            self._weighted(ids, parts, codes)
        any(map(call, map(self.appends.__getitem__, codes), ids))

    def _exclude(self, ids: list[bytes], codes: list[int]) -> list[int]:
        excluded, shift = self.excluded, self.n + 1
        hits = [i for i in ids if i in excluded]
        if not hits:
            return codes
        self.tally.found.update(hits)
        return [
            c + shift if c < self.n and i in excluded else c
            for i, c in zip(ids, codes, strict=True)
        ]

    def _weighted(
        self, ids: list[bytes], parts: list[tuple[bytes, bytes, bytes]], codes: list[int]
    ) -> None:
        flag = self.weighted
        for ident, part, code in zip(ids, parts, codes, strict=True):
            if not flag[code]:
                continue
            stratum = self.params.strata[code]
            raw = part[2].split(b",")[self.weight_pos[code]]
            w = parse_weight(raw, ident, stratum.weight or "")
            st = self.tally.strata[code]
            st.weights[w] += 1
            if self.plan is not None:
                h = self.hashers[code].copy()
                h.update(ident)
                st.entries.append((h.digest(), ident, w))

    def _keys(self, code: int, mine: list[bytes]) -> None:
        """Keys of one slice of a uniform stratum; only keys ≤ the current threshold (the largest
        of the best ``keep`` so far) are kept, the buffer is compacted when it doubles."""
        h0 = self.hashers[code]
        kind: type[Hasher] = type(h0)
        hashers = list(map(kind.copy, repeat(h0, len(mine))))
        any(map(kind.update, hashers, mine))
        keys = list(map(kind.digest, hashers))
        buffer = self.tally.strata[code].buffer
        threshold = self.threshold[code]
        buffer += [k + i for k, i in zip(keys, mine, strict=True) if k <= threshold]
        keep = self.keep[code]
        if len(buffer) >= 2 * keep + 1024 or (threshold == _TOP and len(buffer) > keep):
            buffer.sort()
            del buffer[keep:]
            self.threshold[code] = buffer[-1][:KEY_BYTES]


def finish(tally: Tally, keep: Sequence[int], hinted: Sequence[bool], digest: str) -> ScanResult:
    n = len(tally.strata)
    complete = all(
        len(st.buffer) >= k for st, k, h in zip(tally.strata, keep, hinted, strict=True) if h
    )
    for code, st in enumerate(tally.strata):
        st.eligible = tally.counts[code]
        st.excluded = tally.counts[code + n + 1]
        st.population = st.eligible + st.excluded
        st.buffer.sort()
        st.best = [(b[:KEY_BYTES], b[KEY_BYTES:]) for b in st.buffer[: keep[code]]]
        st.buffer = []
    return ScanResult(digest, tally.rows, tally.strata, tally.counts[n], tally.found, complete)


def scan_pool(source: PoolSource, params: Params, plan: KeyPlan | None = None) -> ScanResult:
    result = _scan_serial(source, params, plan)
    if plan is not None and not result.complete:
        result = _scan_serial(source, params, plan.unhinted())
    return result


def _scan_serial(source: PoolSource, params: Params, plan: KeyPlan | None) -> ScanResult:
    scanner = _Scanner(source, params, plan)
    h = new_hash(params.hash)
    h.update(frame(POOL_TAG))
    h.update(source.header())
    collect = gc.isenabled()
    gc.disable()  # millions of short-lived tuples, no cycles: the collector only costs time
    try:
        for block in source.iter_blocks():
            h.update(block)
            scanner.block(block)
    finally:
        if collect:
            gc.enable()
    return finish(scanner.tally, scanner.keep, scanner.hinted, h.hexdigest())


def _bad_row(ident: bytes, prev: bytes, row: int) -> None:
    text = ident.decode("utf-8", "replace")
    if not ident:
        raise InputError(f"候选名单第 {row} 条记录的编号为空")
    if ident == prev:
        raise InputError(f"候选名单中检查对象编号“{text}”重复")
    raise NotSortedError(f"候选名单未按编号升序排列：第 {row} 条记录“{text}”排在前一条之后")


class NotSortedError(InputError):
    """The streaming reader needs rows sorted by id; the caller may sort in memory and retry."""


def key_int(key: bytes) -> int:
    return int.from_bytes(key, "big")


def poisson_select(
    entries: list[tuple[bytes, bytes, int]], pps: Pps
) -> tuple[list[tuple[bytes, bytes, int]], list[tuple[bytes, bytes, int]]]:
    """Include i iff u_i < π_i, u_i = key_i / 2^256. Returns (selected, others)."""
    chosen, others = [], []
    for entry in entries:
        pi = pps.pi(entry[2])
        if key_int(entry[0]) * pi.denominator < pi.numerator * TWO_256:
            chosen.append(entry)
        else:
            others.append(entry)
    return chosen, others


def xi_order(entries: list[tuple[bytes, bytes, int]]) -> list[tuple[bytes, bytes, int]]:
    """Sequential-Poisson rank u_i/π_i; for uncapped units that orders as key_i / w_i."""
    return sorted(entries, key=lambda e: (Fraction(key_int(e[0]), e[2]), e[1]))
