"""The inspector library (执法检查人员名录库) and who may serve in a group (spec §7.1–7.2)."""

from __future__ import annotations

from dataclasses import dataclass

from suiji.canonical import Json
from suiji.errors import InputError
from suiji.hashing import frame, new_hash
from suiji.params import Group, InspectorParams
from suiji.pool import PoolSource, iter_lines

LIBRARY_TAG = "suiji/1/inspectors"
REQUIRED = (
    "id",
    "department",
    "unit",
    "role",
    "areas",
    "certificate_no",
    "certificate_valid_from",
    "certificate_valid_until",
    "status",
)
ACTIVE = "active"


@dataclass(frozen=True)
class Inspector:
    id: str
    department: str
    unit: str
    role: str
    areas: frozenset[str]
    certificate_no: str
    valid_from: str
    valid_until: str
    status: str

    def certificate_covers(self, start: str, end: str) -> bool:
        """A certificate number, valid from on or before the first day to on or after the last."""
        return (
            bool(self.certificate_no)
            and (not self.valid_from or self.valid_from <= start)
            and bool(self.valid_until)
            and self.valid_until >= end
        )


@dataclass
class InspectorLibrary:
    digest: str
    columns: tuple[str, ...]
    rows: list[str]  # canonical lines without newline, sorted by id
    inspectors: dict[str, Inspector]

    def summary(self) -> dict[str, Json]:
        return {"digest": self.digest, "count": len(self.rows)}


def load_library(source: PoolSource, alg: str) -> InspectorLibrary:
    columns = source.columns
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise InputError(f"执法检查人员名录缺少列：{'、'.join(missing)}")
    pos = [columns.index(c) for c in REQUIRED]
    h = new_hash(alg)
    h.update(frame(LIBRARY_TAG))
    h.update(source.header())
    rows: list[str] = []
    people: dict[str, Inspector] = {}
    prev = ""
    for n, line in enumerate(iter_lines(source), start=1):
        h.update(line)
        text = line[:-1].decode("utf-8")
        fields = text.split(",")
        if len(fields) != len(columns):
            raise InputError(
                f"执法检查人员名录第 {n} 条记录有 {len(fields)} 个字段，表头有 {len(columns)} 列"
            )
        values = [fields[p] for p in pos]
        if not values[0] or values[0] <= prev:
            raise InputError(
                f"执法检查人员名录第 {n} 条记录“{values[0]}”编号为空、重复或未按升序排列"
            )
        prev = values[0]
        if values[3] not in ("inspector", "expert"):
            raise InputError(f"执法检查人员“{values[0]}”的 role 只能是 inspector 或 expert")
        areas = frozenset(a for a in values[4].split(";") if a)
        people[values[0]] = Inspector(
            values[0], values[1], values[2], values[3], areas, *values[5:]
        )
        rows.append(text)
    return InspectorLibrary(h.hexdigest(), columns, rows, people)


@dataclass(frozen=True)
class GroupPools:
    primary: list[str]  # sorted by id
    fallback: list[str]  # the overall library for 递补, sorted by id (ordered by key later)


def group_pools(lib: InspectorLibrary, group: Group, ip: InspectorParams) -> GroupPools:
    primary, fallback = [], []
    for person in lib.inspectors.values():
        if not _qualified(person, group, ip):
            continue
        if not group.units or person.unit in group.units:
            primary.append(person.id)
        else:
            fallback.append(person.id)
    return GroupPools(sorted(primary), sorted(fallback))


def _qualified(person: Inspector, group: Group, ip: InspectorParams) -> bool:
    return (
        person.role == group.role
        and person.department == group.department
        and person.status == ACTIVE
        and person.areas.issuperset(group.areas)
        and (group.role == "expert" or person.certificate_covers(ip.window_start, ip.window_end))
    )


def scope_name(group: Group) -> str:
    if group.units:
        return "单位" + "、".join(f"“{u}”" for u in group.units)
    return f"部门“{group.department}”"


def shortage_message(lib: InspectorLibrary, group: Group, ip: InspectorParams, have: int) -> str:
    """Why a group has too few people, with the funnel of each condition."""
    in_scope = [
        p
        for p in lib.inspectors.values()
        if p.role == group.role
        and p.department == group.department
        and (not group.units or p.unit in group.units)
    ]
    active = [p for p in in_scope if p.status == ACTIVE]
    who = "专家" if group.role == "expert" else "检查人员"
    if group.role == "expert":
        valid = active
        condition = "在岗且业务领域匹配的专家"
    else:
        valid = [p for p in active if p.certificate_covers(ip.window_start, ip.window_end)]
        condition = "在检查期内持有效执法证且业务领域匹配的检查人员"
    matching = [p for p in valid if p.areas.issuperset(group.areas)]
    fallback = "（含递补库）" if group.units else ""
    areas = "、".join(group.areas) or "不限"
    return (
        f"{scope_name(group)}{fallback}{condition}仅 {have} 人，每个检查对象需要 {group.count} 人"
        f"（分组“{group.name}”，检查期 {ip.window_start} 至 {ip.window_end}，业务领域：{areas}；"
        f"本范围{who}共 {len(in_scope)} 人，其中在岗 {len(active)} 人，"
        f"执法证有效 {len(valid)} 人，业务领域匹配 {len(matching)} 人）"
    )
