"""Inspector assignment (spec §7.3–7.6): balanced greedy with hash priorities, completed by
augmenting paths, with 递补 from the overall library, and recusal steps after the draw."""

from __future__ import annotations

import heapq
from collections import deque
from dataclasses import dataclass, field
from math import ceil

from suiji.canonical import Json
from suiji.errors import InfeasibleError
from suiji.hashing import frame, key_function_for, u32
from suiji.inspectors import InspectorLibrary, group_pools, scope_name, shortage_message
from suiji.params import Group, InspectorParams

ORDER_TAG = "suiji/1/team-order"
PICK_TAG = "suiji/1/pick"
FALLBACK_TAG = "suiji/1/fallback"
RECUSAL_TAG = "suiji/1/recusal"


@dataclass
class State:
    """Teams, loads and pools while assigning; also what recusal steps replay on."""

    alg: str
    seed: bytes
    ip: InspectorParams
    subjects: list[str]
    teams: dict[str, dict[str, list[str]]]  # subject → group → inspectors
    members: dict[str, set[str]]  # subject → every inspector on its team
    load: dict[str, int] = field(default_factory=dict)
    conflicts: set[tuple[str, str]] = field(default_factory=set)
    pools: dict[str, list[str]] = field(default_factory=dict)  # group → primary + added substitutes
    fallback: dict[str, list[str]] = field(default_factory=dict)  # group → remaining, in key order
    substitutes: dict[str, list[str]] = field(default_factory=dict)  # group → added, in order

    def hash(self, tag: str, fields: list[bytes], last: str) -> bytes:
        return key_function_for(self.alg)(frame(tag, [self.seed, *fields]) + last.encode()).digest()

    def allowed(self, subject: str, person: str) -> bool:
        return person not in self.members[subject] and (person, subject) not in self.conflicts


class GroupRun:
    """Fills one group's slots: ``count`` distinct inspectors for every subject."""

    def __init__(self, state: State, group: Group, lib: InspectorLibrary) -> None:
        self.st = state
        self.g = group
        self.lib = lib
        self.gname = group.name.encode("utf-8")
        self.assigned: dict[str, set[str]] = {}  # inspector → subjects in this group
        pools = group_pools(lib, group, state.ip)
        fb = sorted(pools.fallback, key=lambda i: (state.hash(FALLBACK_TAG, [self.gname], i), i))
        state.pools[group.name] = list(pools.primary)
        state.fallback[group.name] = fb
        state.substitutes[group.name] = []
        self.pool = state.pools[group.name]
        self.cap = state.ip.max_load
        self.heap: list[tuple[int, bytes, str]] = []
        for person in self.pool:
            self._push(person)
        self.level = 0
        self.reached = False  # did the last failed search reach anyone who could take one more?

    # -- priorities -------------------------------------------------------------------------
    def _push(self, person: str) -> None:
        load = self.st.load.get(person, 0)
        prio = self.st.hash(PICK_TAG, [self.gname, u32(load)], person)
        heapq.heappush(self.heap, (load, prio, person))

    def _room(self) -> int | None:
        if self.cap is None:
            return None
        return sum(self.cap - self.st.load.get(p, 0) for p in self.pool)

    def _short(self, slots: int) -> bool:
        room = self._room()
        return room is not None and room < slots

    def _add_substitute(self) -> bool:
        fb = self.st.fallback[self.g.name]
        if not fb:
            return False
        person = fb.pop(0)
        self.pool.append(person)
        self.st.substitutes[self.g.name].append(person)
        self._push(person)
        return True

    # -- the run -------------------------------------------------------------------------------
    def run(self) -> None:
        st, g = self.st, self.g
        slots = len(st.subjects) * g.count
        while len(self.pool) < g.count or self._short(slots):
            if not self._add_substitute():
                break
        if len(self.pool) < g.count:
            raise InfeasibleError(shortage_message(self.lib, g, st.ip, len(self.pool)))
        room = self._room()
        if room is not None and room < slots:
            raise InfeasibleError(
                f"{scope_name(g)}{'（含递补库）' if g.units else ''}符合条件的 {len(self.pool)} 人"
                f"在工作量上限（每人最多 {self.cap} 个检查对象）下最多承担 {room} 人次，"
                f"分组“{g.name}”需要 {slots} 人次"
            )
        self._check_subjects()
        total = sum(st.load.get(p, 0) for p in self.pool) + slots
        self.level = ceil(total / len(self.pool))
        if self.cap is not None:
            self.level = min(self.level, self.cap)
        order = sorted(st.subjects, key=lambda s: (st.hash(ORDER_TAG, [self.gname], s), s))
        for subject in order:
            st.teams[subject][g.name] = []
            for _ in range(g.count):
                self._fill(subject)

    def _check_subjects(self) -> None:
        people = set(self.pool) | set(self.st.fallback[self.g.name])
        blocked: dict[str, set[str]] = {}
        for person, subject in self.st.conflicts:
            blocked.setdefault(subject, set()).add(person)
        for subject in self.st.subjects:
            taken = blocked.get(subject, set()) | self.st.members[subject]
            free = len(people) - len(taken & people)
            if free < self.g.count:
                raise InfeasibleError(
                    f"检查对象“{subject}”因回避（利益冲突）或已在本组其他分组中，"
                    f"分组“{self.g.name}”可选检查人员仅 {free} 人，需要 {self.g.count} 人"
                )

    def _fill(self, subject: str) -> None:
        while True:
            if self._pick(subject) or self._augment(subject):
                return
            if self.reached and self._can_raise():
                self.level += 1
            elif not self._add_substitute():
                raise InfeasibleError(
                    f"在回避和工作量上限（每人最多 {self.cap} 个检查对象）的约束下，"
                    f"分组“{self.g.name}”无法为检查对象“{subject}”再分派 1 名检查人员"
                    f"（{scope_name(self.g)}及递补库均已用尽）"
                )

    def _pick(self, subject: str) -> bool:
        """The allowed inspector with the least load, ties by the pick hash, then id."""
        st, aside, chosen = self.st, [], None
        while self.heap:
            entry = heapq.heappop(self.heap)
            load, _, person = entry
            if load != st.load.get(person, 0):
                continue  # stale: a fresher entry exists
            if load >= self.level:
                aside.append(entry)
                break
            if st.allowed(subject, person):
                chosen = person
                break
            aside.append(entry)
        for entry in aside:
            heapq.heappush(self.heap, entry)
        if chosen is None:
            return False
        self._give(subject, chosen)
        self._push(chosen)
        return True

    def _give(self, subject: str, person: str) -> None:
        st = self.st
        st.teams[subject][self.g.name].append(person)
        st.members[subject].add(person)
        st.load[person] = st.load.get(person, 0) + 1
        self.assigned.setdefault(person, set()).add(subject)

    def _can_raise(self) -> bool:
        return self.cap is None or self.level < self.cap

    def _augment(self, subject: str) -> bool:
        """Breadth-first search for an augmenting path; see spec §7.5 for the exact order."""
        st = self.st
        pool = sorted(self.pool)
        pred: dict[str, tuple[str | None, str]] = {}
        queue: deque[str] = deque()
        for person in pool:
            if st.allowed(subject, person):
                pred[person] = (None, subject)
                if st.load.get(person, 0) < self.level:
                    self._apply(person, pred)
                    return True
                queue.append(person)
        while queue:
            person = queue.popleft()
            for other in sorted(self.assigned.get(person, ())):
                for nxt in pool:
                    if nxt in pred or not st.allowed(other, nxt):
                        continue
                    pred[nxt] = (person, other)
                    if st.load.get(nxt, 0) < self.level:
                        self._apply(nxt, pred)
                        return True
                    queue.append(nxt)
        self.reached = bool(pred)
        return False

    def _apply(self, end: str, pred: dict[str, tuple[str | None, str]]) -> None:
        st, gname = self.st, self.g.name
        person: str | None = end
        while person is not None:
            prev, subject = pred[person]
            team = st.teams[subject][gname]
            if prev is None:
                team.append(person)
            else:
                team[team.index(prev)] = person
                st.members[subject].discard(prev)
                self.assigned[prev].discard(subject)
            st.members[subject].add(person)
            self.assigned.setdefault(person, set()).add(subject)
            person = prev
        st.load[end] = st.load.get(end, 0) + 1
        self._push(end)


def assign(
    alg: str, seed: bytes, ip: InspectorParams, lib: InspectorLibrary, subjects: list[str]
) -> State:
    subjects = sorted(subjects)
    state = State(
        alg=alg,
        seed=seed,
        ip=ip,
        subjects=subjects,
        teams={s: {} for s in subjects},
        members={s: set() for s in subjects},
        conflicts=set(ip.conflicts),
    )
    for group in ip.groups:
        GroupRun(state, group, lib).run()
    return state


def recuse_step(state: State, subject: str, person: str, reason: str, step: int) -> dict[str, Json]:
    """Replace ``person`` on ``subject``'s team: least-loaded allowed member of the same group's
    pool first (ties by the recusal hash), else the next allowed inspector of the 递补 order."""
    if subject not in state.teams:
        raise InfeasibleError(f"检查对象“{subject}”不在本次抽取结果中")
    gname = next((g for g, ppl in state.teams[subject].items() if person in ppl), None)
    if gname is None:
        raise InfeasibleError(f"检查人员“{person}”不在检查对象“{subject}”的检查组中")
    team = state.teams[subject][gname]
    state.conflicts.add((person, subject))
    state.members[subject].discard(person)
    state.load[person] -= 1
    cap = state.ip.max_load
    fields = [gname.encode("utf-8"), u32(step), subject.encode("utf-8")]
    options = [
        (state.load.get(p, 0), state.hash(RECUSAL_TAG, fields, p), p)
        for p in state.pools[gname]
        if state.allowed(subject, p) and (cap is None or state.load.get(p, 0) < cap)
    ]
    substitute = False
    if options:
        _, key, chosen = min(options)
    else:
        fb = state.fallback[gname]
        chosen = next((p for p in fb if state.allowed(subject, p)), "")
        if not chosen:
            raise InfeasibleError(
                f"检查对象“{subject}”的检查人员“{person}”回避后，分组“{gname}”及递补库中已无"
                "符合条件、无利益冲突且未达工作量上限的检查人员"
            )
        fb.remove(chosen)
        state.pools[gname].append(chosen)
        state.substitutes[gname].append(chosen)
        key = state.hash(RECUSAL_TAG, fields, chosen)
        substitute = True
    team[team.index(person)] = chosen
    state.members[subject].add(chosen)
    state.load[chosen] = state.load.get(chosen, 0) + 1
    return {
        "step": step,
        "kind": "recusal",
        "subject": subject,
        "group": gname,
        "removed": person,
        "added": chosen,
        "substitute": substitute,
        "key": key.hex(),
        "reason": reason,
    }


def assignment_json(state: State) -> dict[str, Json]:
    subs = {g: set(v) for g, v in state.substitutes.items()}
    teams = []
    for subject in state.subjects:
        members = [
            {"group": g.name, "inspector": p, "substitute": p in subs[g.name]}
            for g in state.ip.groups
            for p in sorted(state.teams[subject].get(g.name, []))
        ]
        teams.append({"subject": subject, "members": members})
    groups = [
        {"name": g.name, "substitutes": list(state.substitutes[g.name])} for g in state.ip.groups
    ]
    return {"groups": groups, "teams": teams}
