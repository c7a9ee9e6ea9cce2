"""The single streaming pass over a pool: digest, stratum counts and, once a seed exists, keys.

The same pass serves the commitment (no seed: digest and counts only), the draw and the
verification (seed given: the digest is recomputed too, so a swapped pool is caught).
"""

from __future__ import annotations

import gc
import hashlib
import operator
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from functools import partial

from suiji.errors import InputError
from suiji.hashing import frame, new_hash
from suiji.params import Params
from suiji.pool import PoolSource
from suiji.weighted import TWO_256, Pps, parse_weight

POOL_TAG = "suiji/1/pool"
KEY_TAG = "suiji/1/subject-key"
_TOP = b"\xff" * 33  # above every 32-byte key


def key_function(alg: str) -> Callable[[bytes], hashlib._Hash]:
    if alg == "sha256":
        return hashlib.sha256
    return partial(hashlib.new, alg)


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
    # filled only when a seed is given
    best: list[tuple[bytes, bytes]] = field(default_factory=list)
    entries: list[tuple[bytes, bytes, int]] = field(default_factory=list)


@dataclass
class ScanResult:
    digest: str
    count: int
    strata: list[StratumScan]
    outside: int  # rows outside the filter or in no stratum
    excluded_found: set[bytes]


@dataclass(frozen=True)
class KeyPlan:
    """What the keyed pass keeps per stratum: the m = k + substitutes smallest keys (uniform),
    or every eligible entry (weighted methods)."""

    seed: bytes
    keep: tuple[int, ...]
    weighted: tuple[bool, ...]


class _Scanner:
    """Block-at-a-time processing: the per-row work stays inside list comprehensions."""

    def __init__(self, source: PoolSource, params: Params, plan: KeyPlan | None) -> None:
        self.params = params
        n = len(params.strata)
        self.n = n
        self.columns = source.columns
        self.classes = _Classes(build_classifier(params, source.columns))
        self.excluded = {i.encode("utf-8") for i in params.exclusions}
        self.found: set[bytes] = set()
        self.counts: Counter[int] = Counter()
        self.strata = [StratumScan() for _ in params.strata]
        self.plan = plan
        self.hfn = key_function(params.hash)
        # codes: 0…n−1 strata, n outside, n+1+s excluded from stratum s
        keep = list(plan.keep) if plan else [0] * n
        weighted = [s.weight is not None for s in params.strata]
        self.weighted = weighted + [False] * (n + 1)
        self.need = [bool(plan) and k > 0 and not w for k, w in zip(keep, weighted, strict=True)]
        self.need += [False] * (n + 1)
        self.keep = keep
        self.prefix = [key_prefix(plan.seed, s.name) for s in params.strata] if plan else []
        self.prefix += [b""] * (n + 1)
        self.threshold = [_TOP] * n + [b""] * (n + 1)
        self.weight_pos = [
            self.columns.index(s.weight) - 1 if s.weight else -1 for s in params.strata
        ]
        self.prev = b""
        self.rows = 0
        # one stratum, no filter, no exclusions: every row is in stratum 0
        self.single = (
            n == 1 and not params.filter and not params.strata[0].where and not self.excluded
        )

    def block(self, data: bytes) -> None:
        lines = data.split(b"\n")
        lines.pop()
        parts = [line.partition(b",") for line in lines]
        ids = [p[0] for p in parts]
        self._check_order(ids)
        classes = self.classes
        codes = [classes[p[2]] for p in parts]
        if self.excluded:
            codes = self._exclude(ids, codes)
        self.counts.update(codes)
        if any(self.weighted):
            self._weighted(ids, parts, codes)
        if self.plan is not None:
            self._keys(ids, codes)
        self.rows += len(lines)

    def _check_order(self, ids: list[bytes]) -> None:
        if ids and (self.prev < ids[0] and all(map(operator.lt, ids, ids[1:]))):
            self.prev = ids[-1]
            return
        for n, ident in enumerate(ids, start=self.rows + 1):
            if not ident or ident <= self.prev:
                _bad_row(ident, self.prev, n)
            self.prev = ident

    def _exclude(self, ids: list[bytes], codes: list[int]) -> list[int]:
        excluded, shift = self.excluded, self.n + 1
        hits = [i for i in ids if i in excluded]
        if not hits:
            return codes
        self.found.update(hits)
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
            st = self.strata[code]
            st.weights[w] += 1
            if self.plan is not None:
                st.entries.append((self.hfn(self.prefix[code] + ident).digest(), ident, w))

    def _keys(self, ids: list[bytes], codes: list[int]) -> None:
        groups: list[list[bytes]] = [[] for _ in self.need]
        if self.single:
            groups[0] = ids
        else:
            adders = [g.append for g in groups]
            for ident, code in zip(ids, codes, strict=True):
                adders[code](ident)
        for code, st in enumerate(self.strata):
            if not self.need[code]:
                continue
            mine = groups[code]
            keep = self.keep[code]
            # slices keep the list short until the threshold has settled (first block)
            step = max(4096, 2 * keep) if self.threshold[code] == _TOP else len(mine)
            for start in range(0, len(mine), step or 1):
                self._slice(code, st.best, mine[start : start + step] if step < len(mine) else mine)

    def _slice(self, code: int, best: list[tuple[bytes, bytes]], mine: list[bytes]) -> None:
        hfn, prefix, threshold = self.hfn, self.prefix[code], self.threshold[code]
        best += [
            (key, ident) for ident in mine if (key := hfn(prefix + ident).digest()) <= threshold
        ]
        keep = self.keep[code]
        if len(best) >= 2 * keep + 1024 or (threshold == _TOP and len(best) > keep):
            best.sort()
            del best[keep:]
            self.threshold[code] = best[-1][0]

    def result(self, digest: str) -> ScanResult:
        outside = self.counts[self.n]
        for code, st in enumerate(self.strata):
            st.eligible = self.counts[code]
            st.excluded = self.counts[code + self.n + 1]
            st.population = st.eligible + st.excluded
            st.best.sort()
            del st.best[self.keep[code] :]
        return ScanResult(digest, self.rows, self.strata, outside, self.found)


def scan_pool(source: PoolSource, params: Params, plan: KeyPlan | None = None) -> ScanResult:
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
    return scanner.result(h.hexdigest())


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
