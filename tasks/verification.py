"""The internal auditor's check of a draw (`manage.py draw verify TASK`): the public form as anyone
would check it, and the private mapping against the registry snapshot it records.

Checks that must hold are `ok`/failed; differences between the snapshot and today's registry are
reported as notes (a subject may have been reclassified since the commit).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import suiji
from tasks.bundle import public_draw_bundle, public_team_record
from tasks.credit import CreditRule
from tasks.models import SubjectDraw
from tasks.pseudonyms import MappingError, MappingRow, load_mapping, stratum_key


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    message: str


@dataclass
class Report:
    checks: list[Check] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)

    def add(self, name: str, ok: bool, message: str) -> None:
        self.checks.append(Check(name, ok, message))


def verify_draw(draw: SubjectDraw) -> Report:
    report = Report()
    if draw.record is None:
        report.add("抽取记录", False, "尚未抽取，没有抽取记录")
        return report
    result = suiji.verify_record(draw.record, suiji.PoolFile(draw.pool_file))
    report.add("公开记录复核（suiji verify）", result.ok, result.message)
    try:
        bundle = public_draw_bundle(draw)
    except Exception as exc:  # noqa: BLE001 — reported, not raised
        report.add("公开核验包", False, str(exc))
        return report
    revealed = suiji.check_reveal(bundle.reveal, bundle.record)
    report.add("揭示核对", revealed.ok, revealed.message)
    try:
        mapping = load_mapping(draw.mapping_file, str(draw.internal.get("mapping_digest", "")))
    except MappingError as exc:
        report.add("假名对照表", False, str(exc))
        return report
    report.add("假名对照表摘要", True, f"对照表 {len(mapping)} 行，摘要与承诺时记录的一致")
    _check_pool(report, draw, mapping)
    _check_rules(report, draw, mapping)
    _check_selections(report, draw, mapping)
    _check_registry(report, mapping)
    for team_draw in draw.team_draws.select_related("department"):
        team = suiji.verify_record(team_draw.record, suiji.PoolFile(team_draw.pool_file))
        public = suiji.verify_record(public_team_record(team_draw))
        report.add(
            f"检查人员抽取（{team_draw.department.name}）",
            team.ok and public.ok,
            team.message if not team.ok else public.message,
        )
    return report


def _pool_rows(draw: SubjectDraw) -> dict[str, list[str]]:
    pool = suiji.PoolFile(draw.pool_file)
    out: dict[str, list[str]] = {}
    for line in pool.as_text_rows():
        values = line.split(",")
        out[values[0]] = values
    return out


def _check_pool(report: Report, draw: SubjectDraw, mapping: dict[str, MappingRow]) -> None:
    """Every pool row is a mapping row (same layer and weight) and hashes from its salt."""
    pool = _pool_rows(draw)
    columns = list(suiji.PoolFile(draw.pool_file).columns)
    weight_at = columns.index("weight") if "weight" in columns else -1
    alg = str((draw.params or {}).get("hash", "sha256"))
    problems = []
    if set(pool) != set(mapping):
        problems.append("候选名单与对照表的假名集合不一致")
    for name, row in mapping.items():
        values = pool.get(name)
        if values is None:
            continue
        if suiji.pseudonym(alg, row.salt, row.public_id) != name:
            problems.append(f"假名 {name} 与其公开标识、盐值不符")
        if values[1] != row.layer or (weight_at >= 0 and values[weight_at] != str(row.weight)):
            problems.append(f"假名 {name} 的层号或权重与对照表不符")
        if len(problems) > 5:
            break
    report.add(
        "候选名单与对照表",
        not problems,
        "；".join(problems)
        or f"{len(pool)} 个假名均由对照表中的公开标识和盐值算出，层号、权重一致",
    )


def _check_rules(report: Report, draw: SubjectDraw, mapping: dict[str, MappingRow]) -> None:
    """The snapshot's attributes place each row in its layer and give its weight."""
    from tasks.draws import DrawSettings
    from tasks.pool import Candidate

    settings = DrawSettings.from_json(draw.settings)
    layers = {str(lay["key"]): str(lay["layer"]) for lay in draw.internal.get("layers", [])}
    credit = draw.internal.get("credit") or {}
    rule = CreditRule(int(credit.get("lookback_years", 0)), int(credit.get("adverse_weight", 0)))
    problems = []
    for row in mapping.values():
        c = Candidate(
            row.public_id,
            row.subject_id,
            row.risk,
            row.flagged,
            row.complaints,
            row.adverse,
            row.cases,
            row.weight,
        )
        key = stratum_key(c, settings.ratios, settings.count)
        if layers.get(key or "", "0") != row.layer or (key or "") != row.stratum:
            problems.append(
                f"{row.public_id} 按其信用风险分类和名单标记应在层 {layers.get(key or '', '0')}"
            )
        if rule.weight(row.complaints, row.adverse, row.cases) != row.weight:
            problems.append(f"{row.public_id} 的权重不符合信用加权规则")
        if len(problems) > 5:
            break
    excluded = {e["id"] for e in (draw.params or {}).get("exclusions", [])}
    overrides = {e["id"]: e["reason"] for e in (draw.params or {}).get("overrides", [])}
    if not excluded <= set(mapping):
        problems.append("排除名单中有不在对照表中的假名")
    by_pid = {row.public_id: name for name, row in mapping.items()}
    wanted = {by_pid[p]: r for p, r in settings.overrides.items() if p in by_pid}
    if overrides != wanted:
        problems.append("参数中的“仍需抽查”名单与抽取设置不一致")
    report.add(
        "分层、权重与排除",
        not problems,
        "；".join(problems) or "每一行的层号、权重都由对照表记录的名录库快照按规则得出",
    )


def _check_selections(report: Report, draw: SubjectDraw, mapping: dict[str, MappingRow]) -> None:
    """The stored list is the record's, resolved through the mapping."""
    expected = set()
    for stratum in (draw.record or {}).get("subjects", []):
        for part, substitute in (("selected", False), ("substitutes", True)):
            for rank, pick in enumerate(stratum[part], start=1):
                row = mapping.get(pick["id"])
                sid = row.subject_id if row else 0
                expected.add((sid, stratum["name"], rank, pick["key"], substitute))
    stored = set(draw.selections.values_list("subject_id", "layer", "rank", "key", "is_substitute"))
    report.add(
        "抽中名单",
        stored == expected,
        "锁定的名单与抽取记录一致" if stored == expected else "锁定的名单与抽取记录不一致",
    )


def _check_registry(report: Report, mapping: dict[str, MappingRow]) -> None:
    """Snapshot against today's registry: ids must match; changed attributes are notes."""
    from subjects.models import Subject
    from tasks.pool import public_id

    subjects = Subject.objects.select_related("department").in_bulk(
        [row.subject_id for row in mapping.values()]
    )
    wrong: list[str] = []
    changed = 0
    for row in mapping.values():
        subject = subjects.get(row.subject_id)
        if subject is None or public_id(subject) != row.public_id:
            wrong.append(row.public_id)
            continue
        now: Any = (
            subject.credit_risk_class,
            subject.abnormal_list or subject.serious_violation_list,
        )
        if now != (row.risk, row.flagged) or subject.complaint_count != row.complaints:
            changed += 1
    report.add(
        "对照表与名录库",
        not wrong,
        f"公开标识与名录库不符：{'、'.join(wrong[:5])}"
        if wrong
        else "每个假名都对应名录库中的检查对象",
    )
    if changed:
        report.notes.append(
            f"{changed} 户的信用风险分类、名单标记或投诉次数在承诺之后有变化（不影响本次抽取）"
        )
