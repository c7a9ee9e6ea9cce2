"""分类标注 (A5): a department's tags (子库标签) and labelling subjects with them in bulk.

Bulk labelling is set-based (a few queries whatever the number of subjects), all-or-nothing
(one transaction) and traced by one audit event per operation with the affected subject codes.
Only a department's own registry manager labels, only with the department's own tags and only
the department's own subjects; tags are archived, never deleted (A7)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from audit.services import diff, record_event
from core.registry_roles import can_edit_registry
from organisations.models import Department
from subjects.models import Subject, Tag

if TYPE_CHECKING:
    from accounts.models import User

ASSIGNED = "subject_tag.assigned"
UNASSIGNED = "subject_tag.unassigned"
_BATCH = 500


@dataclass(frozen=True)
class TagChange:
    """What one bulk labelling did: the codes of the subjects whose link was added (or removed)
    and how many of the requested subjects already had (or did not have) the tag."""

    tag: Tag
    codes: list[str]
    skipped: int

    @property
    def count(self) -> int:
        return len(self.codes)


def editable_subjects(user: User) -> QuerySet[Subject]:
    """The subjects `user` may label: their own department's, still in the registry — not those
    they only see as a department above, or through a tag another department shares."""
    department_id = user.department_id
    if department_id is None or not can_edit_registry(user, department_id):
        return Subject.objects.none()
    return Subject.objects.for_user(user).filter(department_id=department_id, is_archived=False)


def assign_tag(by: User, tag: Tag, subjects: QuerySet[Subject], reason: str = "") -> TagChange:
    """添加标签: link `tag` to every subject of `subjects` that does not have it yet."""
    through = Subject.tags.through
    with transaction.atomic():
        tag, targets, total = _prepare(by, tag, subjects, assigning=True)
        linked = through.objects.filter(tag_id=tag.pk).values("subject_id")
        rows = list(targets.exclude(pk__in=linked).order_by("code").values_list("pk", "code"))
        through.objects.bulk_create(
            [through(subject_id=pk, tag_id=tag.pk) for pk, _ in rows],
            batch_size=_BATCH,
            ignore_conflicts=True,
        )
        return _finish(by, tag, ASSIGNED, rows, total, reason)


def remove_tag(by: User, tag: Tag, subjects: QuerySet[Subject], reason: str = "") -> TagChange:
    """移除标签: unlink `tag` from every subject of `subjects` that has it. The subjects and the
    tag stay; the audit event keeps which subjects had it."""
    through = Subject.tags.through
    with transaction.atomic():
        tag, targets, total = _prepare(by, tag, subjects, assigning=False)
        links = list(
            through.objects.filter(tag_id=tag.pk, subject_id__in=targets.values("pk"))
            .order_by("subject__code")
            .values_list("pk", "subject_id", "subject__code")
        )
        for chunk in _chunks([link for link, _, _ in links]):
            through.objects.filter(pk__in=chunk).delete()
        return _finish(by, tag, UNASSIGNED, [(pk, code) for _, pk, code in links], total, reason)


def _prepare(
    by: User, tag: Tag, subjects: QuerySet[Subject], assigning: bool
) -> tuple[Tag, QuerySet[Subject], int]:
    """Lock the tag and check every rule before anything is written; refuse the whole operation
    if any requested subject may not be labelled."""
    tag = _own_tag(by, tag)
    if assigning and tag.is_archived:
        raise ValidationError(f"标签“{tag.name}”已归档，不能再添加。")
    requested = Subject.objects.filter(pk__in=subjects.values("pk"))
    counts = requested.aggregate(
        total=Count("pk"),
        foreign=Count("pk", filter=~Q(department_id=tag.department_id)),
        archived=Count("pk", filter=Q(is_archived=True)),
    )
    if not counts["total"]:
        raise ValidationError("请选择要标注的检查对象。")
    if counts["foreign"]:
        raise PermissionDenied(
            f"所选对象中有 {counts['foreign']} 个不属于本部门（下级部门或其他部门共享的对象），"
            "只能标注本部门的对象；可先将“所属部门”筛选为本部门。"
        )
    if counts["archived"]:
        raise ValidationError(f"所选对象中有 {counts['archived']} 个已移出名录库，不能标注。")
    return tag, editable_subjects(by).filter(pk__in=requested.values("pk")), counts["total"]


def _finish(
    by: User, tag: Tag, action: str, rows: Sequence[tuple[int, str]], total: int, reason: str
) -> TagChange:
    change = TagChange(tag, [code for _, code in rows], total - len(rows))
    if not rows:
        return change
    now = timezone.now()
    for chunk in _chunks([pk for pk, _ in rows]):
        Subject.objects.filter(pk__in=chunk).update(modified_by=by, modified_at=now)
    record_event(
        action=action,
        actor=by,
        obj=tag,
        after={
            "tag": tag.name,
            "tag_id": tag.pk,
            "department": tag.department.code,
            "count": change.count,
            "skipped": change.skipped,
            "codes": change.codes,
        },
        reason=reason,
    )
    return change


def _chunks(values: list[int]) -> Iterable[list[int]]:
    for start in range(0, len(values), _BATCH):
        yield values[start : start + _BATCH]


def _own_tag(by: User, tag: Tag) -> Tag:
    """The tag, locked, if `by` is a registry manager of the tag's department."""
    if not can_edit_registry(by, by.department_id):
        raise PermissionDenied("只有本部门的名录库管理员可以管理标签、标注检查对象。")
    tag = Tag.objects.select_for_update(of=("self",)).select_related("department").get(pk=tag.pk)
    if tag.department_id != by.department_id:
        raise PermissionDenied(f"标签“{tag.name}”属于其他部门，只能使用本部门的标签。")
    return tag


def save_tag(
    by: User | None,
    department: Department,
    name: str,
    description: str = "",
    shared_with: Iterable[Department] = (),
    tag: Tag | None = None,
) -> Tag:
    """Create (tag None) or change a tag: name, description and the departments it is shared
    with (共享子库)."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": "请填写标签名称"})
    with transaction.atomic():
        if tag is not None:
            tag = Tag.objects.select_for_update().get(pk=tag.pk)
            if tag.is_archived:
                raise ValidationError("该标签已归档，请先恢复再修改")
        clash = Tag.objects.filter(department=department, name=name)
        if tag is not None:
            clash = clash.exclude(pk=tag.pk)
        existing = clash.first()
        if existing is not None:
            hint = "（已归档，可在标签列表中恢复使用）" if existing.is_archived else ""
            raise ValidationError({"name": f"本部门已有同名标签{hint}"})
        before = _tag_state(tag) if tag is not None else {}
        target = tag or Tag(department=department, created_by=by)
        target.name, target.description, target.modified_by = name, description, by
        target.save()
        target.shared_with.set([d for d in shared_with if d.pk != department.pk])
        after = _tag_state(target)
        old, new = diff(before, after)
        if tag is None or new:
            record_event(
                action="subject_tag.created" if tag is None else "subject_tag.updated",
                actor=by,
                obj=target,
                before=old or None,
                after=new,
            )
    return target


def archive_tag(by: User, tag: Tag, reason: str) -> Tag:
    """Archive a tag: no longer offered for labelling and no longer shared; its links stay."""
    if not reason.strip():
        raise ValidationError("请填写归档原因")
    with transaction.atomic():
        tag = _own_tag(by, tag)
        if tag.is_archived:
            raise ValidationError("该标签已归档")
        tag.is_archived, tag.archived_at, tag.archived_reason = True, timezone.now(), reason
        tag.modified_by = by
        tag.save()
        record_event(
            action="subject_tag.archived",
            actor=by,
            obj=tag,
            before={"is_archived": False},
            after={"is_archived": True, "subjects": tag.subjects.count()},
            reason=reason,
        )
    return tag


def restore_tag(by: User, tag: Tag) -> Tag:
    with transaction.atomic():
        tag = _own_tag(by, tag)
        if not tag.is_archived:
            raise ValidationError("该标签未归档")
        before = {"is_archived": True, "archived_reason": tag.archived_reason}
        tag.is_archived, tag.archived_at, tag.archived_reason = False, None, ""
        tag.modified_by = by
        tag.save()
        record_event(
            action="subject_tag.restored",
            actor=by,
            obj=tag,
            before=before,
            after={"is_archived": False},
        )
    return tag


def _tag_state(tag: Tag) -> dict[str, Any]:
    return {
        "name": tag.name,
        "description": tag.description,
        "shared_with": sorted(tag.shared_with.values_list("code", flat=True)),
    }
