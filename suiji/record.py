"""The draw record ``suiji-draw-record/1`` (spec §8): running a draw and writing what re-runs it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from suiji.assign import State, assign, assignment_json, recuse_step
from suiji.canonical import Json
from suiji.commitment import Commitment, build_commitment, commit
from suiji.errors import CommitmentMismatch, InputError
from suiji.inspectors import InspectorLibrary
from suiji.parallel import scan_any
from suiji.params import Params
from suiji.pool import PoolSource
from suiji.seed import Sources, derive_seed, fresh_csprng, sources_record
from suiji.subjects import key_plan, select

RECORD_FORMAT = "suiji-draw-record/1"


@dataclass
class Outcome:
    """Everything a draw computes, before it is laid out as a record."""

    commitment: Commitment
    sources: dict[str, Json]
    seed: str
    subjects: list[Json]
    assignment: Json  # the assignment as drawn, before any recusal step
    state: State | None


def run_draw(
    pool: PoolSource, params: Params, commitment: Commitment, record_sources: dict[str, Json]
) -> Outcome:
    """Pass 2: the seed from the committed digest, keys for every candidate, the pool digest
    recomputed in the same pass and compared with the commitment."""
    seed_hex = derive_seed(params.hash, commitment.digest, record_sources)
    seed = bytes.fromhex(seed_hex)
    scan = scan_any(pool, params, key_plan(seed, commitment.plans))
    engine = str(commitment.body["engine"])
    found = build_commitment(params, scan, commitment.library, engine)
    if found.digest != commitment.digest:
        raise CommitmentMismatch(
            "抽取时读取的候选名单或参数与承诺时不一致，拒绝抽取"
            f"（承诺摘要 {commitment.digest}，现为 {found.digest}）"
        )
    subjects = select(params, commitment.plans, scan, seed)
    state = None
    if params.inspectors is not None and commitment.library is not None:
        chosen = [e["id"] for st in subjects for e in st["selected"]]
        state = assign(params.hash, seed, params.inspectors, commitment.library, chosen)
    return Outcome(commitment, record_sources, seed_hex, subjects, assignment_of(state), state)


def assignment_of(state: State | None) -> Json:
    return assignment_json(state) if state else None


def layout(
    params: Params,
    out: Outcome,
    pool: PoolSource,
    steps: list[Json],
    inline_pool: bool,
) -> dict[str, Json]:
    from suiji import __version__

    library = out.commitment.library
    rows = pool.as_text_rows() if inline_pool else None
    return {
        "format": RECORD_FORMAT,
        "engine": {"name": "suiji", "version": __version__},
        "params": params.raw,
        "commitment": out.commitment.as_json(),
        "sources": out.sources,
        "seed": out.seed,
        "subjects": out.subjects,
        "assignment": out.assignment,
        "steps": steps,
        "pool": {"columns": list(pool.columns), "rows": rows},
        "inspector_pool": _library_json(library),
    }


def _library_json(library: InspectorLibrary | None) -> Json:
    if library is None:
        return None
    return {"columns": list(library.columns), "rows": list(library.rows)}


def draw(
    pool: PoolSource,
    params: Params,
    *,
    sources: Sources | None = None,
    commitment: Commitment | None = None,
    inspectors: PoolSource | None = None,
    inline_pool: bool = True,
) -> dict[str, Json]:
    """Commit (unless a commitment is given), make the seed, draw subjects and inspectors.

    ``sources`` defaults to a fresh CSPRNG value alone; witnesses and lotteries announced in the
    parameters must be supplied. ``inline_pool=False`` leaves the pool rows out of the record
    (the verifier then needs the pool file).
    """
    if commitment is None:
        commitment = commit(pool, params, inspectors)
    if sources is None:
        sources = Sources(csprng=None, witnesses={}, lotteries={})
    if params.csprng and sources.csprng is None:
        sources = Sources(fresh_csprng(), sources.witnesses, sources.lotteries)
    record_sources = sources_record(params, sources)
    outcome = run_draw(pool, params, commitment, record_sources)
    return layout(params, outcome, pool, [], inline_pool)


def recuse(
    record: dict[str, Json],
    subject_id: str,
    inspector_id: str,
    reason: str,
    *,
    pool: PoolSource | None = None,
) -> dict[str, Json]:
    """Append a recusal step to a verified record and return the new record (the old one is kept
    unchanged: every earlier assignment and step stays in the document)."""
    from suiji.verify import rerun

    if not reason.strip():
        raise InputError("回避必须填写理由")
    expected = rerun(record, pool)
    state = expected.state
    if state is None:
        raise InputError("该记录没有检查人员分派，无法回避")
    steps = list(record.get("steps") or [])
    step = recuse_step(state, subject_id, inspector_id, reason, len(steps) + 1)
    return {**record, "steps": [*steps, step]}


def dump_record(record: dict[str, Json]) -> str:
    return json.dumps(record, ensure_ascii=False, indent=1) + "\n"


def load_record(path: str) -> dict[str, Any]:
    from suiji.canonical import load_json_file

    data = load_json_file(path)
    if not isinstance(data, dict) or data.get("format") != RECORD_FORMAT:
        raise InputError(f"“{path}”不是 {RECORD_FORMAT} 格式的抽取记录")
    return data
