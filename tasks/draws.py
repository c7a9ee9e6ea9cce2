"""The subject draw (C2–C6, C11) as atomic steps around the `suiji` engine:

prepare (settings, witnesses) → witnesses register commitments → commit (pseudonymous pool and
parameters frozen, digest published) → witnesses reveal / lottery results entered → draw →
locked. Voiding needs a reason and the supervising leader's approval; the voided draw stays on
record. Settings, parameters and the preview are in `tasks.draw_params`; the public form of a
draw for the portal is `public_draw_bundle` / `public_team_bundle` (`tasks.bundle`).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

import suiji
from accounts.choices import Role
from accounts.models import User
from accounts.scope import can_edit_department_data
from audit.services import record_event
from tasks.bundle import PublicDrawBundle as PublicDrawBundle
from tasks.bundle import PublicTeamBundle as PublicTeamBundle
from tasks.bundle import public_draw_bundle as public_draw_bundle
from tasks.bundle import public_team_bundle as public_team_bundle
from tasks.choices import LIVE_DRAW_STATUSES, DrawStatus, TaskStatus
from tasks.credit import CreditRule
from tasks.draw_params import HASH as HASH
from tasks.draw_params import DrawSettings as DrawSettings
from tasks.draw_params import Preview as Preview
from tasks.draw_params import build_params as build_params
from tasks.draw_params import by_pool_id, c4_exclusions, commit_params, draw_candidates
from tasks.draw_params import preview as preview
from tasks.draw_params import settings_from_task as settings_from_task
from tasks.models import DrawnSubject, SubjectDraw, Task, Witness
from tasks.pool import save_pool_file
from tasks.pseudonyms import (
    INTERNAL_FORMAT,
    STRATUM_NAMES,
    MappingError,
    build,
    load_mapping,
    plan_layers,
    save_mapping,
)

# --- steps ----------------------------------------------------------------------------------


def _require_staff(by: User, task: Task) -> None:
    if not (can_edit_department_data(by, task.department_id) and by.has_role(Role.BUSINESS_STAFF)):
        raise PermissionDenied("只有牵头部门的业务人员可以组织抽取")


def prepare_draw(by: User, task: Task, settings: DrawSettings) -> SubjectDraw:
    """Start a draw. Two simultaneous requests give one draw: the task row is locked and the
    database allows one live draw per task."""
    _require_staff(by, task)
    if not task.is_random:
        raise ValidationError("定向检查任务不进行随机抽取")
    witnesses = list(User.objects.filter(pk__in=settings.witness_ids, is_active=True))
    if settings.witness_ids and (
        len(witnesses) < 2 or len(witnesses) != len(set(settings.witness_ids))
    ):
        raise ValidationError({"witnesses": "见证抽取须有两名以上见证人"})
    preview(task, settings)  # refuses an empty pool or impossible parameters now
    with transaction.atomic():
        task = Task.objects.select_for_update().get(pk=task.pk)
        if task.draws.filter(status__in=LIVE_DRAW_STATUSES).exists():
            raise ValidationError("该任务已有一次有效抽取；须先经批准作废才能重新抽取")
        draw = SubjectDraw.objects.create(
            task=task,
            number=task.draws.count() + 1,
            settings=settings.to_json(),
            conditions=settings.conditions,
            created_by=by,
            modified_by=by,
            status=DrawStatus.AWAITING_WITNESSES if witnesses else DrawStatus.COMMITTED,
        )
        for seq, user in enumerate(witnesses, start=1):
            Witness.objects.create(
                draw=draw, user=user, name=user.full_name or user.username, seq=seq
            )
        record_event(action="draw.prepared", actor=by, obj=draw, after=settings.to_json())
        if not witnesses:
            _commit_draw(by, draw)
    return draw


def register_witness_commitment(by: User, draw: SubjectDraw, commitment: str) -> SubjectDraw:
    """A witness registers H(name; secret) from their own screen; the secret stays with them."""
    commitment = commitment.strip().lower()
    if len(commitment) != 64 or any(ch not in "0123456789abcdef" for ch in commitment):
        raise ValidationError({"commitment": "承诺值应为 64 位十六进制数"})
    with transaction.atomic():
        draw = SubjectDraw.objects.select_for_update().get(pk=draw.pk)
        if draw.status != DrawStatus.AWAITING_WITNESSES:
            raise ValidationError("承诺阶段已结束，不能再提交承诺值")
        witness = draw.witnesses.filter(user=by).first()
        if witness is None:
            raise PermissionDenied("您不是本次抽取的见证人")
        if witness.commitment:
            raise ValidationError("您已提交过承诺值，不能更改")
        witness.commitment = commitment
        witness.save(update_fields=["commitment"])
        record_event(
            action="draw.witness_committed",
            actor=by,
            obj=draw,
            after={"witness": witness.name, "commitment": commitment},
        )
        if not draw.witnesses.filter(commitment="").exists():
            _commit_draw(by, draw)
    return draw


def _commit_draw(by: User, draw: SubjectDraw) -> None:
    """Freeze the pseudonymous pool and the parameters and publish their digest — before any
    randomness. Salts and the order of the neutral stratum numbers are drawn here (spec §12)."""
    settings = DrawSettings.from_json(draw.settings)
    as_of = timezone.now()
    found = draw_candidates(draw.task, settings, as_of)
    exclusions = c4_exclusions(draw.task, settings, {c.public_id for c in found})
    layers = plan_layers(settings.ratios, settings.count, shuffle=True)
    built = build(
        found, layers, settings.ratios, settings.count, weighted=settings.weighted, alg=HASH
    )
    ids = built.by_public_id
    params = build_params(
        draw.task,
        settings,
        layers,
        by_pool_id(ids, exclusions),
        by_pool_id(ids, settings.overrides),
        list(draw.witnesses.all()),
    )
    commitment = commit_params(built.pool, params)
    stem = f"{draw.task.code}-{draw.number}"
    path = save_pool_file(f"{stem}-pool.csv", built.pool)
    mapping_path, mapping_digest = save_mapping(f"{stem}-mapping.csv", built.mapping)
    draw.params, draw.commitment = params, commitment.as_json()
    draw.commitment_digest, draw.committed_at = commitment.digest, as_of
    draw.pool_file, draw.pool_count, draw.status = str(path), len(found), DrawStatus.COMMITTED
    draw.mapping_file = str(mapping_path)
    draw.internal = {
        "format": INTERNAL_FORMAT,
        "layers": [layer.as_json() for layer in layers],
        "mapping_digest": mapping_digest,
        "weighted": settings.weighted,
        "credit": CreditRule.current().as_json(as_of),
    }
    draw.save()
    Task.objects.filter(pk=draw.task_id).update(status=TaskStatus.DRAWING)
    record_event(
        action="draw.committed",
        actor=by,
        obj=draw,
        after={
            "commitment": commitment.digest,
            "pool_count": len(found),
            "exclusions": len(exclusions),
            "mapping_digest": mapping_digest,
        },
    )


def reveal_witness_secret(by: User, draw: SubjectDraw, secret: str) -> None:
    with transaction.atomic():
        draw = SubjectDraw.objects.select_for_update().get(pk=draw.pk)
        if draw.status != DrawStatus.COMMITTED:
            raise ValidationError("当前不在揭示阶段")
        witness = draw.witnesses.filter(user=by).first()
        if witness is None:
            raise PermissionDenied("您不是本次抽取的见证人")
        expected = suiji.witness_commitment(HASH, witness.name, secret)
        if expected != witness.commitment:
            record_event(
                action="draw.witness_reveal_refused", actor=by, obj=draw, outcome="refused"
            )
            raise ValidationError(
                {"secret": f"见证人“{witness.name}”揭示的秘密与其事先提交的承诺值不符，拒绝使用"}
            )
        witness.secret, witness.revealed_at = secret, timezone.now()
        witness.save(update_fields=["secret", "revealed_at"])
        record_event(
            action="draw.witness_revealed", actor=by, obj=draw, after={"witness": witness.name}
        )


def enter_lottery_result(by: User, draw: SubjectDraw, numbers: str) -> None:
    _require_staff(by, draw.task)
    try:
        groups = suiji.parse_lottery_numbers(numbers)
    except suiji.SuijiError as exc:
        raise ValidationError({"numbers": str(exc)}) from exc
    with transaction.atomic():
        draw = SubjectDraw.objects.select_for_update().get(pk=draw.pk)
        name = DrawSettings.from_json(draw.settings).lottery
        if draw.status != DrawStatus.COMMITTED or not name:
            raise ValidationError("本次抽取未在承诺阶段宣布彩票来源，或已不在抽取阶段")
        if draw.lottery_results:
            raise ValidationError("开奖结果已录入，不能更改")
        draw.lottery_results = {name: groups}
        draw.save(update_fields=["lottery_results"])
        record_event(
            action="draw.lottery_entered",
            actor=by,
            obj=draw,
            after={"lottery": name, "text": suiji.rfc3797_text(groups)},
        )


def execute_draw(by: User, draw: SubjectDraw) -> SubjectDraw:
    """Make the seed from every announced source, draw, and lock the list."""
    _require_staff(by, draw.task)
    with transaction.atomic():
        draw = SubjectDraw.objects.select_for_update().select_related("task").get(pk=draw.pk)
        if draw.status != DrawStatus.COMMITTED:
            raise ValidationError(f"抽取当前为“{draw.get_status_display()}”，不能执行抽取")
        record = _run_engine(draw, _sources(draw))
        draw.record, draw.seed = record, str(record["seed"])
        draw.drawn_at, draw.drawn_by, draw.status = timezone.now(), by, DrawStatus.LOCKED
        draw.save()
        selected = _store_selections(draw, record)
        Task.objects.filter(pk=draw.task_id).update(status=TaskStatus.LOCKED)
        record_event(
            action="draw.locked",
            actor=by,
            obj=draw,
            after={"commitment": draw.commitment_digest, "seed": draw.seed, "selected": selected},
        )
    return draw


def _run_engine(draw: SubjectDraw, sources: suiji.Sources) -> dict[str, Any]:
    """Re-read the committed pool, check it against the commitment, then draw."""
    try:
        pool = suiji.PoolFile(draw.pool_file)
        params = suiji.parse_params(draw.params or {})
        commitment = suiji.commit(pool, params)
        if commitment.digest != draw.commitment_digest:
            raise ValidationError("候选名单或参数与承诺不符，拒绝抽取")
        return suiji.draw(pool, params, sources=sources, commitment=commitment, inline_pool=False)
    except suiji.SuijiError as exc:
        raise ValidationError(str(exc)) from exc


def _sources(draw: SubjectDraw) -> suiji.Sources:
    witnesses = list(draw.witnesses.all())
    missing = [w.name for w in witnesses if not w.secret]
    if missing:
        raise ValidationError(f"尚待见证人揭示秘密：{'、'.join(missing)}")
    lottery = DrawSettings.from_json(draw.settings).lottery
    if lottery and not draw.lottery_results:
        raise ValidationError(f"尚未录入彩票“{lottery}”的开奖结果")
    return suiji.Sources(
        csprng=None,
        witnesses={w.name: w.secret for w in witnesses},
        lotteries={k: v for k, v in draw.lottery_results.items()},
    )


def _store_selections(draw: SubjectDraw, record: dict[str, Any]) -> int:
    """The selected and substitute rows, resolved through the private mapping."""
    from subjects.models import Subject

    try:
        mapping = load_mapping(draw.mapping_file, str(draw.internal.get("mapping_digest", "")))
    except MappingError as exc:
        raise ValidationError(str(exc)) from exc
    internal = {str(lay["name"]): str(lay["key"]) for lay in draw.internal.get("layers", [])}
    rows, selected = [], 0
    for stratum in record["subjects"]:
        for rank, pick in enumerate(stratum["selected"], start=1):
            rows.append((stratum["name"], rank, pick, False))
            selected += 1
        for rank, pick in enumerate(stratum["substitutes"], start=1):
            rows.append((stratum["name"], rank, pick, True))
    missing = [pick["id"] for _, _, pick, _ in rows if pick["id"] not in mapping]
    if missing:
        raise ValidationError(f"抽中的假名不在对照表中：{missing[0]}")
    DrawnSubject.objects.bulk_create(
        DrawnSubject(
            draw=draw,
            subject=Subject(pk=mapping[pick["id"]].subject_id),
            public_id=mapping[pick["id"]].public_id,
            pseudonym=pick["id"],
            salt=mapping[pick["id"]].salt,
            layer=name,
            stratum=STRATUM_NAMES.get(internal.get(name, ""), name),
            rank=rank,
            key=pick["key"],
            is_substitute=substitute,
        )
        for name, rank, pick, substitute in rows
    )
    return selected


def request_void(by: User, draw: SubjectDraw, reason: str) -> SubjectDraw:
    _require_staff(by, draw.task)
    if not reason.strip():
        raise ValidationError({"reason": "作废抽取须说明原因"})
    with transaction.atomic():
        draw = SubjectDraw.objects.select_for_update().get(pk=draw.pk)
        if draw.status != DrawStatus.LOCKED:
            raise ValidationError("只有已锁定的抽取可以申请作废")
        draw.status, draw.void_reason, draw.void_requested_by = (
            DrawStatus.VOID_REQUESTED,
            reason.strip(),
            by,
        )
        draw.save(update_fields=["status", "void_reason", "void_requested_by"])
        record_event(action="draw.void_requested", actor=by, obj=draw, reason=reason)
    return draw


def decide_void(by: User, draw: SubjectDraw, approve: bool, note: str = "") -> SubjectDraw:
    if not (by.has_role(Role.SUPERVISING_LEADER) and by.department_id == draw.task.department_id):
        raise PermissionDenied("只有牵头部门的分管领导可以批准作废抽取")
    with transaction.atomic():
        draw = SubjectDraw.objects.select_for_update().get(pk=draw.pk)
        if draw.status != DrawStatus.VOID_REQUESTED:
            raise ValidationError("该抽取没有待审批的作废申请")
        if approve:
            draw.status, draw.void_approved_by, draw.voided_at = (
                DrawStatus.VOIDED,
                by,
                timezone.now(),
            )
            Task.objects.filter(pk=draw.task_id).update(status=TaskStatus.PREPARING)
        else:
            draw.status = DrawStatus.LOCKED
        draw.save(update_fields=["status", "void_approved_by", "voided_at"])
        record_event(
            action="draw.voided" if approve else "draw.void_rejected",
            actor=by,
            obj=draw,
            before={"status": DrawStatus.VOID_REQUESTED},
            after={"status": draw.status},
            reason=note or draw.void_reason,
        )
    return draw


def distribute_by_region(by: User, draw: SubjectDraw) -> dict[str, int]:
    """C6: an upper level hands its locked subjects to the lower departments of its line by the
    subjects' regions; those departments then draw their own teams."""
    from organisations.models import Department

    _require_staff(by, draw.task)
    if draw.status != DrawStatus.LOCKED:
        raise ValidationError("名单锁定后才能分派")
    lower = {
        d.region_id: d
        for d in Department.objects.filter(parent=draw.task.department, is_active=True)
    }
    if not lower:
        raise ValidationError("本部门没有下级部门，无需分派")
    counts: dict[str, int] = {}
    with transaction.atomic():
        for pick in draw.selections.select_related("subject").select_for_update():
            target = lower.get(pick.subject.region_id or 0)
            if target is None or pick.assigned_department_id == target.pk:
                continue
            pick.assigned_department = target
            pick.save(update_fields=["assigned_department"])
            counts[target.name] = counts.get(target.name, 0) + 1
        record_event(action="draw.distributed", actor=by, obj=draw, after=counts)
    return counts


def add_targeted_subjects(by: User, task: Task, codes: list[str], reason: str) -> SubjectDraw:
    """C12: a targeted inspection (complaint, referral, data monitoring) names its subjects; no
    random draw. The list is kept like a locked draw so teams, records and publication work
    alike; a complaint raises each subject's complaint count, hence its future draw weight."""
    from django.db.models import F, Q

    from subjects.models import Subject
    from tasks.choices import TaskTrigger
    from tasks.pool import candidates, public_id

    _require_staff(by, task)
    if task.is_random:
        raise ValidationError("随机抽查任务的检查对象只能随机抽取")
    if not reason.strip():
        raise ValidationError({"reason": "请说明定向检查这些对象的依据（如投诉举报编号）"})
    wanted = {c.strip() for c in codes if c.strip()}
    subjects = list(
        candidates(task, {})
        .filter(Q(uscc__in=wanted) | Q(code__in=wanted))
        .select_related("department")
    )
    found = {s.uscc for s in subjects} | {s.code for s in subjects}
    missing = sorted(wanted - found)
    if missing or not subjects:
        raise ValidationError(f"名录库中找不到这些检查对象：{'、'.join(missing) or '（未填写）'}")
    with transaction.atomic():
        task = Task.objects.select_for_update().get(pk=task.pk)
        draw = task.draws.filter(status=DrawStatus.LOCKED).first() or SubjectDraw.objects.create(
            task=task,
            number=task.draws.count() + 1,
            status=DrawStatus.LOCKED,
            settings={"targeted": True},
            drawn_at=timezone.now(),
            drawn_by=by,
            created_by=by,
            modified_by=by,
        )
        existing = set(draw.selections.values_list("subject_id", flat=True))
        new = [s for s in subjects if s.pk not in existing]
        rank = draw.selections.count()
        DrawnSubject.objects.bulk_create(
            DrawnSubject(
                draw=draw,
                subject=s,
                public_id=public_id(s),
                stratum="定向检查",
                rank=rank + n,
                key="",
                is_substitute=False,
            )
            for n, s in enumerate(new, start=1)
        )
        if task.trigger == TaskTrigger.COMPLAINT:
            Subject.objects.filter(pk__in=[s.pk for s in new]).update(
                complaint_count=F("complaint_count") + 1
            )
        Task.objects.filter(pk=task.pk).update(status=TaskStatus.LOCKED)
        record_event(
            action="task.targeted_subjects_added",
            actor=by,
            obj=draw,
            reason=reason,
            after={
                "subjects": [public_id(s) for s in new],
                "complaint_count_raised": task.trigger == TaskTrigger.COMPLAINT,
            },
        )
    return draw
