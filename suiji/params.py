"""The draw parameters document ``suiji-params/1`` (spec §3), parsed into typed values."""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from suiji.canonical import Json, normalize_json, parse_decimal
from suiji.errors import InputError
from suiji.hashing import check_algorithm

PARAMS_FORMAT = "suiji-params/1"
METHODS = ("uniform", "poisson", "systematic")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_HEX64 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class Stratum:
    name: str
    where: tuple[tuple[str, frozenset[str]], ...]
    ratio: Fraction | None
    count: int | None
    method: str
    weight: str | None
    substitutes: int


@dataclass(frozen=True)
class Group:
    name: str
    role: str  # "inspector" (certified, counts toward the team minimum) or "expert"
    department: str
    units: tuple[str, ...]  # empty: the whole department is the primary library
    areas: tuple[str, ...]
    count: int


@dataclass(frozen=True)
class InspectorParams:
    window_start: str
    window_end: str
    min_team_size: int
    max_load: int | None
    groups: tuple[Group, ...]
    conflicts: frozenset[tuple[str, str]]  # (inspector id, subject id)


@dataclass(frozen=True)
class Witness:
    name: str
    commitment: str


@dataclass(frozen=True)
class Params:
    raw: Json
    hash: str
    item_kind: str
    max_ratio: Fraction | None
    filter: tuple[tuple[str, frozenset[str]], ...]
    strata: tuple[Stratum, ...]
    exclusions: dict[str, str]
    overrides: dict[str, str]
    csprng: bool
    witnesses: tuple[Witness, ...]
    lotteries: tuple[str, ...]
    inspectors: InspectorParams | None

    def attributes(self) -> set[str]:
        """Pool columns that the filter, the strata or the weights read."""
        names = {a for a, _ in self.filter}
        for s in self.strata:
            names.update(a for a, _ in s.where)
            if s.weight:
                names.add(s.weight)
        return names


def _obj(value: Any, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InputError(f"{what}必须是 JSON 对象")
    return value


def _list(value: Any, what: str) -> list[Any]:
    if not isinstance(value, list):
        raise InputError(f"{what}必须是 JSON 数组")
    return value


def _text(value: Any, what: str, *, empty: bool = False) -> str:
    if not isinstance(value, str) or (not empty and not value.strip()):
        raise InputError(f"{what}必须是非空字符串")
    return value


def _flag(value: Any, what: str) -> bool:
    if not isinstance(value, bool):
        raise InputError(f"{what}必须是 true 或 false")
    return value


def _int(value: Any, what: str, low: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise InputError(f"{what}必须是不小于 {low} 的整数")
    return int(value)


def _conditions(value: Any, what: str) -> tuple[tuple[str, frozenset[str]], ...]:
    out = []
    for attr, allowed in sorted(_obj(value, what).items()):
        values = [allowed] if isinstance(allowed, str) else _list(allowed, f"{what}.{attr}")
        out.append((attr, frozenset(_text(v, f"{what}.{attr} 的取值", empty=True) for v in values)))
    return tuple(out)


def _stratum(value: Any, index: int, default_subs: int) -> Stratum:
    what = f"strata[{index}]"
    obj = _obj(value, what)
    name = _text(obj.get("name"), f"{what}.name")
    if ("ratio" in obj) == ("count" in obj):
        raise InputError(f"层“{name}”必须且只能给出 ratio（比例）或 count（数量）之一")
    ratio = parse_decimal(obj["ratio"], f"层“{name}”的比例") if "ratio" in obj else None
    if ratio is not None and ratio > 1:
        raise InputError(f"层“{name}”的比例 {obj['ratio']} 大于 1")
    count = _int(obj["count"], f"层“{name}”的数量") if "count" in obj else None
    method = obj.get("method", "uniform")
    if method not in METHODS:
        raise InputError(f"层“{name}”的抽取方法“{method}”无效，可选：{'、'.join(METHODS)}")
    weight = obj.get("weight")
    if (method == "uniform") != (weight is None):
        raise InputError(f"层“{name}”：按权重抽取（poisson、systematic）须且只须指定 weight 列")
    subs = _int(obj.get("substitutes", default_subs), f"层“{name}”的备选数量")
    where = _conditions(obj.get("where", {}), f"层“{name}”的条件")
    return Stratum(name, where, ratio, count, method, weight, subs)


def _witnesses(value: Any) -> tuple[Witness, ...]:
    out = []
    for i, item in enumerate(_list(value, "sources.witnesses")):
        obj = _obj(item, f"sources.witnesses[{i}]")
        name = _text(obj.get("name"), f"第 {i + 1} 位见证人的姓名")
        commitment = obj.get("commitment")
        if not isinstance(commitment, str) or not _HEX64.fullmatch(commitment):
            raise InputError(f"见证人“{name}”的承诺值必须是 64 位小写十六进制")
        out.append(Witness(name, commitment))
    if len(out) == 1:
        raise InputError("使用见证人秘密时至少需要 2 位见证人")
    if len({w.name for w in out}) != len(out):
        raise InputError("见证人姓名重复")
    return tuple(out)


def _id_reasons(value: Any, what: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for i, item in enumerate(_list(value, what)):
        obj = _obj(item, f"{what}[{i}]")
        ident = _text(obj.get("id"), f"{what}[{i}].id")
        out[ident] = _text(obj.get("reason"), f"{what}[{i}].reason（理由）")
    return out


def _group(value: Any, index: int) -> Group:
    what = f"inspectors.groups[{index}]"
    obj = _obj(value, what)
    name = _text(obj.get("name"), f"{what}.name")
    role = obj.get("role", "inspector")
    if role not in ("inspector", "expert"):
        raise InputError(f"分组“{name}”的 role 只能是 inspector（执法检查人员）或 expert（专家）")
    units = tuple(_text(u, f"分组“{name}”的单位") for u in _list(obj.get("units", []), what))
    areas = tuple(_text(a, f"分组“{name}”的业务领域") for a in _list(obj.get("areas", []), what))
    return Group(
        name=name,
        role=role,
        department=_text(obj.get("department"), f"分组“{name}”的部门"),
        units=units,
        areas=areas,
        count=_int(obj.get("count"), f"分组“{name}”的每组人数", 1),
    )


def _date(value: Any) -> str:
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        raise InputError("检查期的起止日期必须写成 YYYY-MM-DD")
    return value


def _inspector_params(value: Any) -> InspectorParams:
    obj = _obj(value, "inspectors")
    window = _obj(obj.get("window"), "inspectors.window（检查期）")
    start, end = _date(window.get("start")), _date(window.get("end"))
    if start > end:
        raise InputError("检查期的开始日期晚于结束日期")
    groups = tuple(
        _group(g, i) for i, g in enumerate(_list(obj.get("groups"), "inspectors.groups"))
    )
    if not groups or len({g.name for g in groups}) != len(groups):
        raise InputError("检查人员分组不能为空，且分组名称不能重复")
    min_team = _int(obj.get("min_team_size", 2), "min_team_size", 1)
    certified = sum(g.count for g in groups if g.role == "inspector")
    if certified < min_team:
        raise InputError(
            f"每个检查对象至少需要 {min_team} 名持证执法检查人员，各分组合计仅 {certified} 人"
            "（专家不计入）"
        )
    max_load = obj.get("max_load")
    conflicts = set()
    for i, item in enumerate(_list(obj.get("conflicts", []), "inspectors.conflicts")):
        pair = _obj(item, f"inspectors.conflicts[{i}]")
        conflicts.add(
            (
                _text(pair.get("inspector"), "回避人员编号"),
                _text(pair.get("subject"), "回避对象编号"),
            )
        )
    return InspectorParams(
        window_start=start,
        window_end=end,
        min_team_size=min_team,
        max_load=None if max_load is None else _int(max_load, "max_load（每人最多检查对象数）", 1),
        groups=groups,
        conflicts=frozenset(conflicts),
    )


def parse_params(value: Json) -> Params:
    raw = normalize_json(value)
    obj = _obj(raw, "参数")
    if obj.get("format") != PARAMS_FORMAT:
        raise InputError(f"参数文件的 format 必须是“{PARAMS_FORMAT}”")
    kind = obj.get("item_kind")
    if kind not in ("general", "key"):
        raise InputError("item_kind 必须是 general（一般检查事项）或 key（重点检查事项）")
    max_ratio = None
    if kind == "general":
        max_ratio = parse_decimal(obj.get("max_ratio"), "一般检查事项的比例上限 max_ratio")
    default_subs = _int(obj.get("substitutes", 0), "substitutes（备选数量）")
    strata = tuple(
        _stratum(s, i, default_subs) for i, s in enumerate(_list(obj.get("strata"), "strata"))
    )
    if not strata or len({s.name for s in strata}) != len(strata):
        raise InputError("抽取分层不能为空，且层名称不能重复")
    sources = _obj(obj.get("sources", {"csprng": True}), "sources")
    lotteries = tuple(
        _text(_obj(x, "sources.lotteries[]").get("name"), "彩票开奖来源名称")
        for x in _list(sources.get("lotteries", []), "sources.lotteries")
    )
    if len(set(lotteries)) != len(lotteries):
        raise InputError("彩票开奖来源名称重复")
    params = Params(
        raw=raw,
        hash=check_algorithm(obj.get("hash", "sha256")),
        item_kind=kind,
        max_ratio=max_ratio,
        filter=_conditions(obj.get("filter", {}), "filter（定向条件）"),
        strata=strata,
        exclusions=_id_reasons(obj.get("exclusions", []), "exclusions"),
        overrides=_id_reasons(obj.get("overrides", []), "overrides"),
        csprng=_flag(sources.get("csprng", True), "sources.csprng"),
        witnesses=_witnesses(sources.get("witnesses", [])),
        lotteries=lotteries,
        inspectors=_inspector_params(obj["inspectors"]) if "inspectors" in obj else None,
    )
    if not (params.csprng or params.witnesses or params.lotteries):
        raise InputError("至少需要一种随机源：csprng、见证人秘密或彩票开奖结果")
    both = sorted(set(params.exclusions) & set(params.overrides))
    if both:
        raise InputError(f"检查对象“{both[0]}”同时出现在排除名单和例外名单中")
    _check_caps(params)
    return params


def _check_caps(params: Params) -> None:
    if params.max_ratio is None:
        return
    for s in params.strata:
        if s.ratio is not None and s.ratio > params.max_ratio:
            raise InputError(
                f"一般检查事项的抽查比例不得超过上限 {_pct(params.max_ratio)}，"
                f"层“{s.name}”要求 {_pct(s.ratio)}；如确需提高，请将事项设为重点检查事项"
            )


def _pct(value: Fraction) -> str:
    pct = value * 100
    return f"{pct.numerator}%" if pct.denominator == 1 else f"{float(pct):g}%"
