"""The public, verifiable form of a draw, for the portal (E3, C11, security 15; spec §12).

`public_draw_bundle(draw)` returns the subject draw's record over the pseudonymous pool, the pool
file, the reveal of the selected and substitute rows, and a plain-language explanation;
`public_team_bundle(team_draw)` the same for an inspector draw, with the inspectors as name and
执法证号 only and recusal reasons withheld. Nothing here names a credit-risk class: the class
names live only in the draw's internal data.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError

import suiji
from tasks.choices import DrawStatus
from tasks.models import SubjectDraw, TeamDraw
from tasks.pseudonyms import INTERNAL_FORMAT

PUBLIC_STATUSES = (DrawStatus.LOCKED, DrawStatus.VOID_REQUESTED, DrawStatus.VOIDED)
WITHHELD_REASON = "（回避原因涉及个人信息，不予公开）"
METHODS = {"uniform": "等概率抽取", "systematic": "按权重不等概率抽取（系统πps）"}
METHODS["poisson"] = "按权重不等概率抽取（泊松πps）"


def _json_bytes(value: Any) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


@dataclass(frozen=True)
class RevealedRow:
    """A selected or substitute subject: its pseudonym in the pool and what opens it."""

    pseudonym: str
    public_id: str
    salt: str
    name: str
    layer: str  # the neutral stratum name, e.g. 第2层
    rank: int
    substitute: bool


@dataclass(frozen=True)
class PublicDrawBundle:
    """Everything the portal publishes for one subject draw.

    `files()` gives the three downloads by file name; `explanation` is Chinese text and figures
    for the page. `record` is `suiji-draw-record/1` (pool not inlined), `reveal` is
    `suiji-reveal/1`, `pool_path` the canonical pseudonymous pool file (columns id, layer[, weight]).
    """

    task_code: str
    draw_number: int
    status: str
    record: dict[str, Any]
    reveal: dict[str, Any]
    pool_path: Path
    revealed: list[RevealedRow]
    explanation: dict[str, Any]
    record_name: str
    pool_name: str
    reveal_name: str

    @property
    def params(self) -> dict[str, Any]:
        return dict(self.record["params"])

    @property
    def commitment(self) -> dict[str, Any]:
        return dict(self.record["commitment"])

    @property
    def pool_csv(self) -> bytes:
        """The pool file's bytes; read only when asked for (a provincial pool is large)."""
        return self.pool_path.read_bytes()

    def small_files(self) -> dict[str, bytes]:
        """The record and the reveal, without reading the pool."""
        return {
            self.record_name: _json_bytes(self.record),
            self.reveal_name: _json_bytes(self.reveal),
        }

    def files(self) -> dict[str, bytes]:
        return {**self.small_files(), self.pool_name: self.pool_csv}


def _refuse_unless_public(draw: SubjectDraw) -> None:
    if draw.record is None or draw.status not in PUBLIC_STATUSES:
        raise ValidationError("该抽取尚未完成，没有可公开的抽取记录")
    if (draw.internal or {}).get("format") != INTERNAL_FORMAT:
        raise ValidationError("该抽取的候选名单不是假名形式，不能公开（请由内部核验）")


def public_draw_bundle(draw: SubjectDraw) -> PublicDrawBundle:
    _refuse_unless_public(draw)
    record: dict[str, Any] = copy.deepcopy(draw.record or {})
    picks = list(
        draw.selections.select_related("subject").order_by("is_substitute", "layer", "rank")
    )
    revealed = [
        RevealedRow(
            p.pseudonym, p.public_id, p.salt, p.subject.name, p.layer, p.rank, p.is_substitute
        )
        for p in picks
    ]
    reveal = {
        "format": suiji.REVEAL_FORMAT,
        "hash": record["params"].get("hash", "sha256"),
        "commitment": draw.commitment_digest,
        "rows": [
            {"pseudonym": r.pseudonym, "id": r.public_id, "salt": r.salt}
            for r in sorted(revealed, key=lambda r: r.pseudonym)
        ],
    }
    stem = f"{draw.task.code}-{draw.number}"
    names = (f"draw-{stem}.json", f"pool-{stem}.csv", f"reveal-{stem}.json")
    return PublicDrawBundle(
        task_code=draw.task.code,
        draw_number=draw.number,
        status=draw.status,
        record=record,
        reveal=reveal,
        pool_path=Path(draw.pool_file),
        revealed=revealed,
        explanation=_explain_draw(draw, record, *names),
        record_name=names[0],
        pool_name=names[1],
        reveal_name=names[2],
    )


def _sources(record: dict[str, Any]) -> list[str]:
    sources = record.get("sources") or {}
    out = []
    if sources.get("csprng"):
        out.append(f"平台在抽取时生成的密码学随机数 {sources['csprng']}")
    witnesses = sources.get("witnesses") or []
    if witnesses:
        names = "、".join(str(w["name"]) for w in witnesses)
        out.append(
            f"见证人{names}各自事先提交秘密的承诺值（名单承诺前登记），抽取时当众揭示秘密；"
            "核验程序会检查每个秘密与其承诺值一致"
        )
    for lottery in sources.get("lotteries") or []:
        out.append(
            f"事先宣布、在名单承诺之后才开奖的彩票“{lottery['name']}”，开奖号码 {lottery['text']}"
        )
    return out


def _explain_draw(
    draw: SubjectDraw, record: dict[str, Any], record_name: str, pool_name: str, reveal_name: str
) -> dict[str, Any]:
    commitment = record["commitment"]
    drawn = {s["name"]: s for s in record["subjects"]}
    strata = [
        {
            "name": s["name"],
            "population": s["population"],
            "excluded": s["excluded"],
            "eligible": s["eligible"],
            "size": s["size"],
            "drawn": len(drawn.get(s["name"], {}).get("selected", [])),
            "substitutes": len(drawn.get(s["name"], {}).get("substitutes", [])),
            "method": METHODS.get(str(s["method"]), str(s["method"])),
        }
        for s in commitment["strata"]
    ]
    command = f"python -m suiji verify {record_name} --pool {pool_name} --reveal {reveal_name}"
    weighted = any(s.get("weight") for s in record["params"]["strata"])
    paragraphs = [
        f"本次抽取的候选对象共 {commitment['pool']['count']} 户，分为 {len(strata)} 层"
        f"（层的编号在承诺时随机排定，不反映任何内部分类）；其中 {commitment['pool']['outside']} 户"
        f"不参加本次抽取，{commitment['exclusions_in_pool']} 户因本年度已就同一事项随机抽查而排除。",
        "在产生任何随机数之前，候选名单和抽取参数已经确定并公布其摘要（承诺摘要 "
        f"{draw.commitment_digest}）。名单中每个对象以假名出现：假名 = 哈希（随机盐值 ‖ 公开标识），"
        "盐值在承诺时为每一户单独随机生成，因此未被抽中的对象无法被识别。",
        "种子由承诺摘要和以下随机源共同算出：" + "；".join(_sources(record)) + "。",
        "每一层中，每个候选对象的排序键 = 哈希（种子 ‖ 层名 ‖ 假名），排序键最小的若干户被抽中，"
        "其后若干户为备选。" + ("本次按权重抽取，权重列见候选名单。" if weighted else ""),
        "抽取之后，公开被抽中和备选对象的公开标识及其盐值；任何人都可以核对它们的假名，"
        "并用公开的程序重新计算整次抽取。",
    ]
    return {
        "title": f"任务 {draw.task.code} 第 {draw.number} 次检查对象抽取 · 公开核验说明",
        "paragraphs": paragraphs,
        "pool_count": commitment["pool"]["count"],
        "outside": commitment["pool"]["outside"],
        "excluded": commitment["exclusions_in_pool"],
        "strata": strata,
        "sources": _sources(record),
        "commitment": draw.commitment_digest,
        "seed": record["seed"],
        "files": {
            record_name: "抽取记录：参数、承诺、随机源、种子和抽取结果（以假名表示）",
            pool_name: "候选名单：每行一个假名、层号" + ("和权重" if weighted else ""),
            reveal_name: "揭示文件：被抽中和备选对象的公开标识与盐值",
        },
        "commands": [
            "# 需要 Python 3.11 与本平台开源代码中的 suiji 目录（仅用标准库，无需联网）",
            command,
        ],
        "expected_output": "验证通过（OK）……；揭示核对通过（OK）……（退出码 0）",
    }


# --- inspector draws ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicInspector:
    id: str  # the id in the record (I12 / E3)
    name: str
    certificate_no: str  # 执法证号 ("" for experts)
    role: str  # 执法检查人员 / 专家


@dataclass(frozen=True)
class PublicTeamBundle:
    """Everything the portal publishes for one inspector draw. `record` is a complete
    `suiji-draw-record/1` with the subject list and the inspector library inlined (no ID numbers,
    phones or leave status) and recusal reasons withheld; it verifies on its own."""

    task_code: str
    department: str
    record: dict[str, Any]
    inspectors: list[PublicInspector]
    explanation: dict[str, Any]
    record_name: str = field(default="")

    def files(self) -> dict[str, bytes]:
        return {self.record_name: _json_bytes(self.record)}


def public_team_record(team_draw: TeamDraw) -> dict[str, Any]:
    record: dict[str, Any] = copy.deepcopy(team_draw.record)
    for step in record.get("steps") or []:
        step["reason"] = WITHHELD_REASON
    return record


def _people(record: dict[str, Any]) -> list[PublicInspector]:
    from inspectors.models import Expert, Inspector

    ids: set[str] = set()
    for team in (record.get("assignment") or {}).get("teams", []):
        ids.update(str(m["inspector"]) for m in team["members"])
    for step in record.get("steps") or []:
        ids.update((str(step["removed"]), str(step["added"])))
    inspectors = Inspector.objects.filter(pk__in=[int(i[1:]) for i in ids if i[0] == "I"])
    experts = Expert.objects.filter(pk__in=[int(i[1:]) for i in ids if i[0] == "E"])
    people = [
        PublicInspector(f"I{i.pk}", i.name, i.certificate_no, "执法检查人员") for i in inspectors
    ]
    people += [PublicInspector(f"E{e.pk}", e.name, "", "专家") for e in experts]
    return sorted(people, key=lambda p: p.id)


def public_team_bundle(team_draw: TeamDraw) -> PublicTeamBundle:
    if team_draw.subject_draw.status not in PUBLIC_STATUSES:
        raise ValidationError("该抽取尚未完成，没有可公开的抽取记录")
    record = public_team_record(team_draw)
    library = record.get("inspector_pool") or {}
    status = list(library.get("columns") or []).index("status") if library else -1
    if status >= 0 and any(r.split(",")[status] != "active" for r in library["rows"]):
        raise ValidationError("检查人员名录含有不在岗人员的状态，不能公开")
    name = f"teams-{team_draw.task.code}-{team_draw.subject_draw.number}-{team_draw.department.code}.json"
    teams = (record.get("assignment") or {}).get("teams", [])
    explanation = {
        "title": f"任务 {team_draw.task.code} 检查人员抽取（{team_draw.department.name}）· 公开核验说明",
        "paragraphs": [
            f"本次为 {len(teams)} 个检查对象随机选派检查人员。名录中只含在岗人员，"
            "每人以编号、所属单位、执法领域和执法证号（及有效期）出现，不含身份证号、电话等个人信息；"
            "下表给出编号对应的姓名和执法证号。",
            "种子由承诺摘要和平台在抽取时生成的密码学随机数算出；分组、工作量均衡和回避规则见"
            "抽取算法规范第 7 节。抽取后的回避替换作为新步骤附在记录之后，回避原因涉及个人信息，"
            "不予公开，但不影响重新计算。",
        ],
        "subjects": len(teams),
        "steps": len(record.get("steps") or []),
        "commitment": team_draw.commitment_digest,
        "seed": team_draw.seed,
        "files": {name: "检查人员抽取记录（含检查对象名单和检查人员名录），可单独核验"},
        "commands": [
            "# 需要 Python 3.11 与本平台开源代码中的 suiji 目录（仅用标准库，无需联网）",
            f"python -m suiji verify {name}",
        ],
        "expected_output": "验证通过（OK）……（退出码 0）",
    }
    return PublicTeamBundle(
        task_code=team_draw.task.code,
        department=team_draw.department.name,
        record=record,
        inspectors=_people(record),
        explanation=explanation,
        record_name=name,
    )
