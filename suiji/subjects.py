"""Subject draw (spec §5): stratum sizes, rounding, caps and the hash-ranked selection."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from math import ceil

from suiji.canonical import Json, fraction_text
from suiji.errors import InputError
from suiji.hashing import tagged_hash
from suiji.params import Params, Stratum
from suiji.scan import KeyPlan, ScanResult, key_int, poisson_select, xi_order
from suiji.weighted import Pps, compute_pps, systematic_select

START_TAG = "suiji/1/systematic-start"


@dataclass(frozen=True)
class StratumPlan:
    stratum: Stratum
    population: int
    excluded: int
    eligible: int
    size: int
    pps: Pps | None

    def commitment(self) -> dict[str, Json]:
        out: dict[str, Json] = {
            "name": self.stratum.name,
            "method": self.stratum.method,
            "population": self.population,
            "excluded": self.excluded,
            "eligible": self.eligible,
            "size": self.size,
            "substitutes": self.stratum.substitutes,
        }
        if self.pps is not None:
            out["total_weight"] = self.pps.total_weight
            out["capped_weight"] = self.pps.capped_weight
            out["capped"] = self.pps.capped
            out["scale"] = fraction_text(self.pps.scale)
        return out


def stratum_size(stratum: Stratum, eligible: int, max_ratio: Fraction | None) -> int:
    """k = min(N, ⌈r·N⌉) for a ratio r, min(N, count) for a count; N = eligible after exclusions."""
    if stratum.ratio is not None:
        size = min(eligible, ceil(stratum.ratio * eligible))
    else:
        size = min(eligible, stratum.count or 0)
    if max_ratio is not None and stratum.count is not None:
        cap = ceil(max_ratio * eligible)
        if size > cap:
            raise InputError(
                f"一般检查事项的抽查比例上限为 {max_ratio.numerator}/{max_ratio.denominator}："
                f"层“{stratum.name}”可抽 {eligible} 户，最多抽取 {cap} 户，要求 {stratum.count} 户"
            )
    return size


def plan_strata(params: Params, scan: ScanResult) -> list[StratumPlan]:
    plans = []
    for stratum, st in zip(params.strata, scan.strata, strict=True):
        size = stratum_size(stratum, st.eligible, params.max_ratio)
        pps = compute_pps(st.weights, size) if stratum.weight else None
        plans.append(StratumPlan(stratum, st.population, st.excluded, st.eligible, size, pps))
    return plans


def key_plan(seed: bytes, plans: list[StratumPlan]) -> KeyPlan:
    return KeyPlan(
        seed=seed,
        keep=tuple(p.size + p.stratum.substitutes for p in plans),
        weighted=tuple(p.pps is not None for p in plans),
        eligible=tuple(p.eligible for p in plans),
    )


def _entry(key: bytes, ident: bytes, pi: Fraction | None = None) -> dict[str, Json]:
    out: dict[str, Json] = {"id": ident.decode("utf-8"), "key": key.hex()}
    if pi is not None:
        out["pi"] = fraction_text(pi)
    return out


def select(params: Params, plans: list[StratumPlan], scan: ScanResult, seed: bytes) -> list[Json]:
    """Per stratum, in parameter order: the selected subjects and the ordered substitutes."""
    out: list[Json] = []
    for plan, st in zip(plans, scan.strata, strict=True):
        subs = plan.stratum.substitutes
        pps = plan.pps
        if pps is None:
            chosen = [_entry(k, i) for k, i in st.best[: plan.size]]
            spare = [_entry(k, i) for k, i in st.best[plan.size : plan.size + subs]]
        else:
            entries = sorted(st.entries)
            if plan.stratum.method == "poisson":
                picked, others = poisson_select(entries, pps)
            else:
                start = tagged_hash(params.hash, START_TAG, [seed, plan.stratum.name.encode()], b"")
                idx = set(systematic_select(entries, pps, key_int(start), plan.size))
                picked = [e for n, e in enumerate(entries) if n in idx]
                others = [e for n, e in enumerate(entries) if n not in idx]
            chosen = [_entry(k, i, pps.pi(w)) for k, i, w in picked]
            spare = [_entry(k, i, pps.pi(w)) for k, i, w in xi_order(others)[:subs]]
        out.append({"name": plan.stratum.name, "selected": chosen, "substitutes": spare})
    return out
