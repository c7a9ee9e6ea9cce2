"""The commitment (spec §4): digests of the pool, the parameters and the inspector library,
with the stratum sizes they imply — all fixed before any randomness exists."""

from __future__ import annotations

from dataclasses import dataclass

from suiji.canonical import Json, canonical_json
from suiji.hashing import tagged_hash
from suiji.inspectors import InspectorLibrary, load_library
from suiji.parallel import scan_any
from suiji.params import Params
from suiji.pool import PoolSource
from suiji.scan import ScanResult
from suiji.subjects import StratumPlan, plan_strata

ALGORITHM = "suiji-draw/1"
PARAMS_TAG = "suiji/1/params"
COMMITMENT_TAG = "suiji/1/commitment"


def params_digest(params: Params) -> str:
    return tagged_hash(params.hash, PARAMS_TAG, [], canonical_json(params.raw)).hex()


def commitment_digest(alg: str, body: Json) -> str:
    return tagged_hash(alg, COMMITMENT_TAG, [], canonical_json(body)).hex()


@dataclass
class Commitment:
    body: dict[str, Json]  # everything but the digest
    digest: str
    plans: list[StratumPlan]
    library: InspectorLibrary | None

    def as_json(self) -> dict[str, Json]:
        return {**self.body, "digest": self.digest}


def build_commitment(
    params: Params,
    scan: ScanResult,
    library: InspectorLibrary | None,
    engine: str,
) -> Commitment:
    plans = plan_strata(params, scan)
    body: dict[str, Json] = {
        "algorithm": ALGORITHM,
        "engine": engine,
        "hash": params.hash,
        "params_digest": params_digest(params),
        "pool": {"digest": scan.digest, "count": scan.count, "outside": scan.outside},
        "strata": [p.commitment() for p in plans],
        "exclusions_in_pool": len(scan.excluded_found),
        "inspector_pool": library.summary() if library else None,
    }
    return Commitment(body, commitment_digest(params.hash, body), plans, library)


def commit(
    pool: PoolSource,
    params: Params,
    inspectors: PoolSource | None = None,
    *,
    engine: str | None = None,
) -> Commitment:
    """Pass 1: read the pool once, count every stratum, and fix the commitment."""
    from suiji import ENGINE

    if params.inspectors is not None and inspectors is None:
        from suiji.errors import InputError

        raise InputError("参数包含检查人员分派，但未提供执法检查人员名录")
    scan = scan_any(pool, params)
    library = load_library(inspectors, params.hash) if inspectors is not None else None
    return build_commitment(params, scan, library, engine or ENGINE)
