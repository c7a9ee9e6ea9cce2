"""Re-running a record and reporting the first difference (spec §9)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from suiji.assign import State, assign, recuse_step
from suiji.canonical import Json
from suiji.commitment import build_commitment
from suiji.errors import InputError, SuijiError
from suiji.inspectors import InspectorLibrary, load_library
from suiji.parallel import scan_any
from suiji.params import Params, parse_params
from suiji.pool import PoolSource, pool_from_text_rows
from suiji.record import Outcome, assignment_of, layout
from suiji.scan import KeyPlan
from suiji.seed import derive_seed, sources_from_record, sources_record
from suiji.subjects import key_plan, plan_strata, select


@dataclass(frozen=True)
class Difference:
    path: str
    expected: Json
    found: Json

    def message(self) -> str:
        return (
            f"首个不一致之处 {self.path}：按记录重新计算应为 {_short(self.expected)}，"
            f"记录中为 {_short(self.found)}"
        )


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    message: str
    difference: Difference | None = None


@dataclass
class Rerun:
    record: dict[str, Json]
    state: State | None


def _short(value: Json) -> str:
    import json

    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 200 else text[:197] + "…"


def _pool_source(record: dict[str, Any], pool: PoolSource | None) -> PoolSource:
    if pool is not None:
        return pool
    data = record.get("pool") or {}
    if data.get("rows") is None:
        raise InputError("记录中未内嵌候选名单，请用 --pool 提供承诺时公布的候选名单文件")
    return pool_from_text_rows(data["columns"], data["rows"])


def _library(record: dict[str, Any], params: Params) -> InspectorLibrary | None:
    data = record.get("inspector_pool")
    if params.inspectors is None or data is None:
        return None
    return load_library(pool_from_text_rows(data["columns"], data["rows"]), params.hash)


def _hinted_plan(record: dict[str, Any], params: Params, seed: bytes) -> KeyPlan | None:
    """Stratum sizes as the record states them, so one pass suffices when they are right."""
    try:
        strata = record["commitment"]["strata"]
        keep = tuple(int(s["size"]) + int(s["substitutes"]) for s in strata)
    except (KeyError, TypeError, ValueError):
        return None
    if len(keep) != len(params.strata):
        return None
    try:
        eligible: tuple[int, ...] | None = tuple(int(s["eligible"]) for s in strata)
    except (KeyError, TypeError, ValueError):
        eligible = None
    return KeyPlan(seed, keep, tuple(s.weight is not None for s in params.strata), eligible)


def rerun(record: dict[str, Any], pool: PoolSource | None = None) -> Rerun:
    """Recompute the whole record from its inputs: params, pool, inspector library, sources and
    the inputs of each recusal step."""
    params = parse_params(record.get("params"))
    source = _pool_source(record, pool)
    library = _library(record, params)
    engine = str((record.get("commitment") or {}).get("engine", ""))
    record_sources = sources_record(params, sources_from_record(record.get("sources")))
    claimed = str((record.get("commitment") or {}).get("digest", "0" * 64))
    try:
        used_seed = bytes.fromhex(derive_seed(params.hash, claimed, record_sources))
    except ValueError:
        used_seed = b"\0" * 32
    plan = _hinted_plan(record, params, used_seed)
    scan = scan_any(source, params, plan)
    commitment = build_commitment(params, scan, library, engine)
    if plan is None or plan != key_plan(used_seed, commitment.plans):
        scan = scan_any(source, params, key_plan(used_seed, commitment.plans))
    seed_hex = derive_seed(params.hash, commitment.digest, record_sources)
    seed = bytes.fromhex(seed_hex)
    subjects = select(params, plan_strata(params, scan), scan, used_seed)
    state = None
    if params.inspectors is not None and library is not None:
        chosen = [e["id"] for st in subjects for e in st["selected"]]
        state = assign(params.hash, seed, params.inspectors, library, chosen)
    inline = (record.get("pool") or {}).get("rows") is not None
    outcome = Outcome(commitment, record_sources, seed_hex, subjects, assignment_of(state), state)
    steps = _replay(record.get("steps") or [], state)
    expected = layout(params, outcome, source, steps, inline)
    expected["engine"] = record.get("engine")  # informative: which build wrote the record
    return Rerun(expected, state)


def _replay(steps: list[Any], state: State | None) -> list[Json]:
    out: list[Json] = []
    for n, step in enumerate(steps, start=1):
        if state is None or not isinstance(step, dict):
            out.append(None)
            continue
        try:
            out.append(
                recuse_step(
                    state, str(step["subject"]), str(step["removed"]), str(step["reason"]), n
                )
            )
        except (KeyError, SuijiError):
            out.append({"step": n, "error": "该回避步骤无法按记录重放"})
    return out


def first_difference(expected: Json, found: Json, path: str = "") -> Difference | None:
    """The first field, in the expected document's order, where ``found`` differs."""
    if isinstance(expected, dict) and isinstance(found, dict):
        return _dict_difference(expected, found, path)
    if isinstance(expected, list) and isinstance(found, list):
        return _list_difference(expected, found, path)
    if type(expected) is not type(found) or expected != found:
        return Difference(path or "$", expected, found)
    return None


def _dict_difference(
    expected: dict[str, Json], found: dict[str, Json], path: str
) -> Difference | None:
    for key, value in expected.items():
        sub = f"{path}.{key}" if path else key
        if key not in found:
            return Difference(sub, value, "（缺失）")
        diff = first_difference(value, found[key], sub)
        if diff:
            return diff
    extra = [k for k in found if k not in expected]
    if extra:
        sub = f"{path}.{extra[0]}" if path else extra[0]
        return Difference(sub, "（不应存在）", found[extra[0]])
    return None


_TEXT = {str}


def _list_difference(expected: list[Json], found: list[Json], path: str) -> Difference | None:
    for i, (a, b) in enumerate(zip(expected, found, strict=False)):
        if type(a) is type(b) is dict and a == b and set(map(type, a.values())) == _TEXT:
            continue  # equal and only strings inside (a str equals only a str): no difference
        diff = first_difference(a, b, f"{path}[{i}]")
        if diff:
            return diff
    if len(expected) == len(found):
        return None
    i = min(len(expected), len(found))
    return Difference(
        f"{path}[{i}]",
        expected[i] if i < len(expected) else "（不应存在）",
        found[i] if i < len(found) else "（缺失）",
    )


def verify_record(record: dict[str, Any], pool: PoolSource | None = None) -> VerifyResult:
    """Re-run the draw described by ``record``; ok only if every field matches."""
    try:
        expected = rerun(record, pool).record
    except SuijiError as exc:
        return VerifyResult(False, f"验证失败：{exc}")
    diff = first_difference(expected, record)
    if diff is not None:
        return VerifyResult(False, "验证未通过（FAILED）。" + diff.message(), diff)
    seed = record["seed"]
    count = sum(len(s["selected"]) for s in record["subjects"])
    return VerifyResult(
        True,
        f"验证通过（OK）：重新计算的承诺、种子 {seed[:16]}…、{count} 个检查对象的抽取结果"
        "及检查人员分派与记录完全一致。",
    )
