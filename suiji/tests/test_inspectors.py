"""The inspector draw: hard constraints on random instances, balance, precise messages, recusal."""

from collections import Counter
from math import ceil
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from suiji import InfeasibleError, InputError, parse_params, recuse, verify_record
from suiji.assign import State, assign
from suiji.inspectors import load_library
from suiji.params import InspectorParams
from suiji.tests.helpers import inspector_row, library, make_record, params, subjects_pool

WINDOW = {"start": "2025-04-01", "end": "2025-04-30"}


def inspector_params(groups: list[dict[str, Any]], **kw: Any) -> InspectorParams:
    raw = params(inspectors={"window": WINDOW, "groups": groups, **kw})
    ip = parse_params(raw).inspectors
    assert ip is not None
    return ip


def run(
    ip: InspectorParams, rows: list[list[str]], subjects: list[str], seed: bytes = b"s" * 32
) -> State:
    return assign("sha256", seed, ip, load_library(library(rows), "sha256"), subjects)


# -- an independent feasibility check: max flow, subjects × qualified inspectors -------------
def max_flow(
    subjects: list[str],
    people: list[str],
    need: int,
    cap: int | None,
    blocked: set[tuple[str, str]],
) -> int:
    load = dict.fromkeys(people, 0)
    match: dict[str, set[str]] = {s: set() for s in subjects}
    holders: dict[str, set[str]] = {p: set() for p in people}

    def augment(s: str, seen: set[str]) -> bool:
        for p in people:
            if p in seen or p in match[s] or (p, s) in blocked:
                continue
            seen.add(p)
            if cap is None or load[p] < cap:
                match[s].add(p)
                holders[p].add(s)
                load[p] += 1
                return True
            for other in sorted(holders[p]):
                if augment(other, seen):  # other takes someone else, frees p
                    match[other].discard(p)
                    holders[p].discard(other)
                    match[s].add(p)
                    holders[p].add(s)
                    return True
        return False

    return sum(1 for s in subjects for _ in range(need) if augment(s, set()))


def qualified(row: list[str], dept: str, role: str = "inspector") -> bool:
    _, department, _, r, areas, cert, vfrom, vuntil, status = row
    ok = department == dept and r == role and status == "active" and "食品安全" in areas.split(";")
    return ok and (
        role == "expert" or (bool(cert) and vfrom <= WINDOW["start"] and vuntil >= WINDOW["end"])
    )


people = st.lists(
    st.tuples(
        st.sampled_from(["甲局", "乙局"]),
        st.sampled_from(["一所", "二所"]),
        st.sampled_from(["食品安全", "食品安全;药品", "药品"]),
        st.sampled_from(["2030-12-31", "2030-12-31", "2025-04-15"]),
        st.sampled_from(["active", "active", "active", "retired"]),
    ),
    min_size=1,
    max_size=10,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    staff=people,
    n_subjects=st.integers(1, 10),
    count_a=st.integers(1, 2),
    count_b=st.integers(0, 1),
    units=st.booleans(),
    max_load=st.one_of(st.none(), st.integers(1, 6)),
    conflicts=st.lists(st.tuples(st.integers(0, 9), st.integers(0, 9)), max_size=12),
    seed=st.binary(min_size=32, max_size=32),
)
def test_every_hard_constraint_holds_or_the_draw_is_truly_infeasible(
    staff: list[tuple[str, str, str, str, str]],
    n_subjects: int,
    count_a: int,
    count_b: int,
    units: bool,
    max_load: int | None,
    conflicts: list[tuple[int, int]],
    seed: bytes,
) -> None:
    rows = [
        inspector_row(f"I{i}", department=d, unit=u, areas=a, valid_until=v, status=s)
        for i, (d, u, a, v, s) in enumerate(staff)
    ]
    subjects = [f"S{i}" for i in range(n_subjects)]
    groups: list[dict[str, Any]] = [
        {
            "name": "甲",
            "department": "甲局",
            "areas": ["食品安全"],
            "count": count_a,
            **({"units": ["一所"]} if units else {}),
        }
    ]
    if count_b:
        groups.append({"name": "乙", "department": "乙局", "areas": ["食品安全"], "count": count_b})
    if count_a + count_b < 2:
        return
    pairs = [{"inspector": f"I{i}", "subject": f"S{j}"} for i, j in conflicts]
    ip = inspector_params(groups, conflicts=pairs, **({"max_load": max_load} if max_load else {}))
    blocked = {(p["inspector"], p["subject"]) for p in pairs}
    try:
        state = run(ip, rows, subjects, seed)
    except InfeasibleError as exc:
        # every group is a separate department here, so groups are independent problems
        message = str(exc)
        assert message
        feasible = all(
            max_flow(
                subjects,
                [r[0] for r in rows if qualified(r, g.department)],
                g.count,
                max_load,
                blocked,
            )
            == len(subjects) * g.count
            for g in ip.groups
        )
        assert not feasible, message
        return
    by_id = {r[0]: r for r in rows}
    for subject in subjects:
        team = [p for g in ip.groups for p in state.teams[subject][g.name]]
        assert len(team) == len(set(team)) == count_a + count_b
        for g in ip.groups:
            chosen = state.teams[subject][g.name]
            assert len(chosen) == g.count
            for person in chosen:
                assert qualified(by_id[person], g.department), person
                assert (person, subject) not in blocked
                if g.units and by_id[person][2] not in g.units:
                    assert person in state.substitutes[g.name]
    loads = Counter(p for s in subjects for ppl in state.teams[s].values() for p in ppl)
    if max_load is not None:
        assert max(loads.values()) <= max_load


@settings(max_examples=100, deadline=None)
@given(
    n_people=st.integers(2, 12),
    n_subjects=st.integers(1, 25),
    count=st.integers(1, 3),
    seed=st.binary(min_size=32, max_size=32),
)
def test_loads_are_within_one_when_nothing_else_constrains(
    n_people: int, n_subjects: int, count: int, seed: bytes
) -> None:
    if count > n_people:
        return
    rows = [inspector_row(f"I{i:02d}") for i in range(n_people)]
    ip = inspector_params(
        [{"name": "甲", "department": "市场监管局", "areas": ["食品安全"], "count": count}],
        min_team_size=1,
    )
    state = run(ip, rows, [f"S{i}" for i in range(n_subjects)], seed)
    loads = [state.load.get(r[0], 0) for r in rows]
    assert max(loads) - min(loads) <= 1


@settings(max_examples=100, deadline=None)
@given(
    n_people=st.integers(2, 8),
    n_subjects=st.integers(1, 12),
    conflicts=st.lists(st.tuples(st.integers(0, 7), st.integers(0, 11)), max_size=25),
    seed=st.binary(min_size=32, max_size=32),
)
def test_the_largest_load_is_the_smallest_any_valid_assignment_allows(
    n_people: int, n_subjects: int, conflicts: list[tuple[int, int]], seed: bytes
) -> None:
    rows = [inspector_row(f"I{i}") for i in range(n_people)]
    subjects = [f"S{i}" for i in range(n_subjects)]
    pairs = [
        {"inspector": f"I{i}", "subject": f"S{j}"}
        for i, j in conflicts
        if i < n_people and j < n_subjects
    ]
    blocked = {(p["inspector"], p["subject"]) for p in pairs}
    ip = inspector_params(
        [{"name": "甲", "department": "市场监管局", "areas": ["食品安全"], "count": 2}],
        conflicts=pairs,
    )
    people_ids = [r[0] for r in rows]
    try:
        state = run(ip, rows, subjects, seed)
    except InfeasibleError:
        assert max_flow(subjects, people_ids, 2, None, blocked) < 2 * n_subjects
        return
    best = next(
        cap
        for cap in range(ceil(2 * n_subjects / n_people), 2 * n_subjects + 1)
        if max_flow(subjects, people_ids, 2, cap, blocked) == 2 * n_subjects
    )
    assert max(state.load.values()) == best


def test_too_few_valid_inspectors_names_the_unit_and_the_numbers() -> None:
    rows = [
        inspector_row("I1", unit="XX执法大队"),
        inspector_row("I2", unit="XX执法大队", valid_until="2025-04-20"),
        inspector_row("I3", unit="XX执法大队", areas="药品"),
        inspector_row("I4", unit="XX执法大队", status="retired"),
    ]
    ip = inspector_params(
        [
            {
                "name": "食品",
                "department": "市场监管局",
                "units": ["XX执法大队"],
                "areas": ["食品安全"],
                "count": 2,
            }
        ]
    )
    with pytest.raises(InfeasibleError) as err:
        run(ip, rows, ["S1"])
    message = str(err.value)
    assert (
        "单位“XX执法大队”（含递补库）在检查期内持有效执法证且业务领域匹配的检查人员仅 1 人，"
        "每个检查对象需要 2 人" in message
    )
    assert "在岗 3 人" in message
    assert "执法证有效 2 人" in message


def test_workload_cap_shortfall_is_explained() -> None:
    rows = [inspector_row(f"I{i}") for i in range(3)]
    ip = inspector_params(
        [{"name": "食品", "department": "市场监管局", "areas": ["食品安全"], "count": 2}],
        max_load=2,
    )
    with pytest.raises(InfeasibleError, match="最多承担 6 人次，分组“食品”需要 8 人次"):
        run(ip, rows, ["S1", "S2", "S3", "S4"])


def test_conflicts_that_leave_too_few_are_named() -> None:
    rows = [inspector_row(f"I{i}") for i in range(3)]
    ip = inspector_params(
        [{"name": "食品", "department": "市场监管局", "areas": ["食品安全"], "count": 2}],
        conflicts=[{"inspector": "I0", "subject": "S1"}, {"inspector": "I1", "subject": "S1"}],
    )
    with pytest.raises(InfeasibleError, match="检查对象“S1”因回避.*仅 1 人，需要 2 人"):
        run(ip, rows, ["S1", "S2"])


def test_unit_shortage_draws_substitutes_from_the_overall_library() -> None:
    rows = [inspector_row("I1", unit="一所")] + [
        inspector_row(f"J{i}", unit="二所") for i in range(5)
    ]
    ip = inspector_params(
        [
            {
                "name": "食品",
                "department": "市场监管局",
                "units": ["一所"],
                "areas": ["食品安全"],
                "count": 2,
            }
        ]
    )
    state = run(ip, rows, ["S1", "S2", "S3"])
    assert len(state.substitutes["食品"]) == 1
    assert all("I1" in state.teams[s]["食品"] for s in ["S1", "S2", "S3"])


def test_experts_come_only_in_addition_to_certified_inspectors() -> None:
    with pytest.raises(InputError, match="至少需要 2 名持证执法检查人员"):
        inspector_params(
            [
                {"name": "执法", "department": "市场监管局", "count": 1},
                {"name": "专家", "role": "expert", "department": "市场监管局", "count": 1},
            ]
        )
    rows = [inspector_row(f"I{i}") for i in range(3)] + [
        inspector_row("E1", role="expert", cert="")
    ]
    ip = inspector_params(
        [
            {"name": "执法", "department": "市场监管局", "count": 2},
            {"name": "专家", "role": "expert", "department": "市场监管局", "count": 1},
        ]
    )
    state = run(ip, rows, ["S1", "S2"])
    assert all(state.teams[s]["专家"] == ["E1"] for s in ["S1", "S2"])
    assert all("E1" not in state.teams[s]["执法"] for s in ["S1", "S2"])


def joint_record() -> dict[str, Any]:
    raw = params(
        strata=[{"name": "全部", "count": 6}],
        inspectors={
            "window": WINDOW,
            "max_load": 3,
            "groups": [
                {"name": "市场监管", "department": "市场监管局", "areas": ["食品安全"], "count": 1},
                {"name": "卫健", "department": "卫健委", "areas": ["食品安全"], "count": 1},
            ],
        },
    )
    rows = [inspector_row(f"M{i}") for i in range(3)] + [
        inspector_row(f"W{i}", department="卫健委") for i in range(3)
    ]
    return make_record(raw, subjects_pool(20), inspectors=library(rows))


def test_joint_task_takes_the_composition_from_each_department() -> None:
    record = joint_record()
    for team in record["assignment"]["teams"]:
        groups = [m["group"] for m in team["members"]]
        assert groups == ["市场监管", "卫健"]
        assert team["members"][0]["inspector"].startswith("M")
        assert team["members"][1]["inspector"].startswith("W")


def test_recusal_replaces_one_inspector_and_keeps_the_history() -> None:
    record = joint_record()
    team = record["assignment"]["teams"][0]
    gone = team["members"][1]["inspector"]
    after = recuse(record, team["subject"], gone, "与该企业负责人系近亲属")
    step = after["steps"][0]
    assert step["removed"] == gone
    assert step["added"] != gone
    assert step["added"].startswith("W")
    assert after["assignment"] == record["assignment"]  # the drawn assignment stays on record
    assert verify_record(after).ok
    again = recuse(after, team["subject"], step["added"], "曾在该企业任职")
    assert [s["step"] for s in again["steps"]] == [1, 2]
    assert again["steps"][1]["added"] not in (gone, step["added"])
    assert verify_record(again).ok
    forged = {**again, "steps": [again["steps"][0], {**again["steps"][1], "added": gone}]}
    result = verify_record(forged)
    assert result.difference is not None
    assert result.difference.path == "steps[1].added"


def test_recusal_is_refused_for_someone_not_on_the_team() -> None:
    record = joint_record()
    with pytest.raises(InfeasibleError, match="不在检查对象"):
        recuse(record, record["assignment"]["teams"][0]["subject"], "nobody", "理由")
