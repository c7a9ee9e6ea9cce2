"""Unequal-probability (πps) inclusion probabilities with exact rational arithmetic (spec §5.4)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from fractions import Fraction

from suiji.errors import InputError

_WEIGHT = re.compile(rb"[1-9][0-9]{0,17}")
TWO_256 = 1 << 256


def parse_weight(raw: bytes, ident: bytes, column: str) -> int:
    if not _WEIGHT.fullmatch(raw):
        raise InputError(
            f"检查对象“{ident.decode('utf-8', 'replace')}”的权重列“{column}”必须是正整数，"
            f"实际为“{raw.decode('utf-8', 'replace')}”"
        )
    return int(raw)


@dataclass(frozen=True)
class Pps:
    """π(w) = 1 if w ≥ capped_weight, else w·scale; Σπ over the stratum equals its size k."""

    capped_weight: int | None
    capped: int
    scale: Fraction
    total_weight: int

    def pi(self, weight: int) -> Fraction:
        if self.capped_weight is not None and weight >= self.capped_weight:
            return Fraction(1)
        return self.scale * weight

    def pi_scaled(self, weight: int) -> int:
        """π(w)·D as an integer, D = scale's denominator (the systematic interval length)."""
        den = self.scale.denominator
        if self.capped_weight is not None and weight >= self.capped_weight:
            return den
        return self.scale.numerator * weight


def compute_pps(weights: Counter[int], k: int) -> Pps:
    """Find c with Σ min(1, c·w_i) = k by capping whole groups of equal weight, heaviest first."""
    total = sum(w * n for w, n in weights.items())
    units = sum(weights.values())
    if k >= units:
        return Pps(min(weights) if weights else None, units, Fraction(0), total)
    capped = 0
    rest = total
    capped_weight: int | None = None
    for w in sorted(weights, reverse=True):
        scale = Fraction(k - capped, rest)
        if scale * w <= 1:
            return Pps(capped_weight, capped, scale, total)
        capped += weights[w]
        rest -= w * weights[w]
        capped_weight = w
    raise AssertionError("unreachable: capping stops before every unit is capped when k < N")


def systematic_select(
    entries: list[tuple[bytes, bytes, int]], pps: Pps, start: int, k: int
) -> list[int]:
    """Indices of selected entries; entries sorted by (key, id); start U in [0, 2^256).

    Unit i covers [S_{i-1}, S_i) with S_i = Σ_{j≤i} π_j·D; the points are (U/2^256 + t)·D for
    t = 0…k−1. Compared after multiplying everything by 2^256, all integers.
    """
    den = pps.scale.denominator
    step = den * TWO_256
    point = start * den
    last = point + (k - 1) * step
    chosen: list[int] = []
    low = 0
    for i, (_, _, w) in enumerate(entries):
        high = low + pps.pi_scaled(w) * TWO_256
        if low <= point < high:
            chosen.append(i)
            point += step
            if point > last:
                break
        low = high
    if len(chosen) != k:
        raise AssertionError("systematic πps sampling must select exactly k units")
    return chosen
