"""Subject registry operations (A4–A7). Every write is atomic and audited (who, when,
before/after, why); removal is a request the supervising leader decides; nothing is deleted.
Tag operations (分类标注: bulk add/remove, archive) live in `subjects.tagging`, re-exported here."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from audit.services import diff, record_event
from core.checkdigits import uscc_error
from core.registry_roles import can_approve_removal
from items.models import InspectionItem
from items.services import current_list
from organisations.models import Department, Region
from subjects.choices import CreditRiskClass, OperatingStatus, RemovalStatus
from subjects.models import (
    Industry,
    LicenceType,
    RemovalRequest,
    SavedFilter,
    Subject,
    SubjectType,
    Tag,
)
from subjects.tagging import archive_tag as archive_tag
from subjects.tagging import assign_tag as assign_tag
from subjects.tagging import remove_tag as remove_tag
from subjects.tagging import restore_tag as restore_tag
from subjects.tagging import save_tag as save_tag

if TYPE_CHECKING:
    from accounts.models import User

# Canonical values of a subject: what pages, the API and imports set, and the audit trail shows.
SUBJECT_FIELDS = (
    "code",
    "subject_type",
    "name",
    "uscc",
    "legal_representative",
    "address",
    "region",
    "town",
    "industry",
    "licence_types",
    "operating_status",
    "credit_risk_class",
    "abnormal_list",
    "serious_violation_list",
    "complaint_count",
    "applicable_items",
    "tags",
)
M2M_FIELDS = ("licence_types", "applicable_items", "tags")
DEFAULTS: dict[str, Any] = {
    "uscc": "",
    "legal_representative": "",
    "address": "",
    "region": "",
    "town": "",
    "industry": "",
    "licence_types": [],
    "operating_status": OperatingStatus.ACTIVE,
    "credit_risk_class": "",
    "abnormal_list": False,
    "serious_violation_list": False,
    "complaint_count": 0,
    "applicable_items": [],
    "tags": [],
}


_RISK_VALUES = frozenset(("", *CreditRiskClass.values))
_STATUS_VALUES = frozenset(OperatingStatus.values)
_SCALAR_COLUMNS = (
    "code",
    "subject_type__code",
    "name",
    "uscc",
    "legal_representative",
    "address",
    "region__code",
    "town",
    "industry__code",
    "operating_status",
    "credit_risk_class",
    "abnormal_list",
    "serious_violation_list",
    "complaint_count",
)
_RELATION_COLUMNS = {
    "licence_types": "licencetype__code",
    "applicable_items": "inspectionitem__code",
    "tags": "tag__name",
}


@dataclass
class Lookups:
    """Codes → ids of everything a subject refers to, loaded once per import or save."""

    department: Department
    types: dict[str, SubjectType] = field(default_factory=dict)
    regions: dict[str, int] = field(default_factory=dict)
    industries: dict[str, int] = field(default_factory=dict)
    licences: dict[str, int] = field(default_factory=dict)
    items: dict[str, int] = field(default_factory=dict)
    tags: dict[str, int] = field(default_factory=dict)

    @classmethod
    def load(cls, department: Department) -> Lookups:
        lookups = cls(department)
        lookups.types = {t.code: t for t in SubjectType.objects.filter(is_active=True)}
        lookups.regions = dict(Region.objects.values_list("code", "pk"))
        lookups.industries = dict(
            Industry.objects.filter(is_active=True, level="division").values_list("code", "pk")
        )
        lookups.licences = dict(
            LicenceType.objects.filter(is_active=True).values_list("code", "pk")
        )
        item_list = current_list(department.pk)
        if item_list is not None:
            lookups.items = dict(
                InspectionItem.objects.filter(item_list=item_list, is_archived=False).values_list(
                    "code", "pk"
                )
            )
        lookups.tags = dict(Tag.objects.filter(department=department).values_list("name", "pk"))
        return lookups


def generated_code(type_code: str, name: str, address: str) -> str:
    """A stable code for a subject without a USCC, so re-importing the same row matches it."""
    digest = hashlib.blake2b(f"{name}\x00{address}".encode(), digest_size=6).hexdigest().upper()
    return f"{type_code.upper()}-{digest}"[:64]


def check_subject(values: dict[str, Any], lookups: Lookups) -> dict[str, str]:
    """A4/A6 rules every channel applies (page, API, import). Field → Chinese message."""
    errors: dict[str, str] = {}
    subject_type = lookups.types.get(values.get("subject_type") or "")
    if subject_type is None:
        errors["subject_type"] = "对象类型不存在或已停用"
    for key, table, label in (
        ("region", lookups.regions, "行政区划"),
        ("industry", lookups.industries, "行业（大类）"),
    ):
        if values.get(key) and values[key] not in table:
            errors[key] = f"{label}“{values[key]}”不存在"
    for key, table, label in (
        ("licence_types", lookups.licences, "许可证类型"),
        ("applicable_items", lookups.items, "本部门现行清单中的抽查事项"),
        ("tags", lookups.tags, "本部门的子库标签"),
    ):
        unknown = [v for v in values.get(key) or [] if v not in table]
        if unknown:
            errors[key] = f"{label}中没有：{'、'.join(unknown)}"
    errors.update(check_rules(values, subject_type))
    return errors


def check_rules(values: dict[str, Any], subject_type: SubjectType | None) -> dict[str, str]:
    """The rules on a subject's own values, once its references are known to exist (the import
    resolves references itself while parsing, then applies these)."""
    errors: dict[str, str] = {}
    if not (values.get("name") or "").strip():
        errors["name"] = "请填写名称"
    uscc = values.get("uscc") or ""
    if uscc:
        problem = uscc_error(uscc)
        if problem:
            errors["uscc"] = problem
    elif subject_type is not None and subject_type.has_uscc:
        errors["uscc"] = f"“{subject_type.name}”须填写统一社会信用代码"
    if values.get("credit_risk_class", "") not in _RISK_VALUES:
        errors["credit_risk_class"] = "信用风险分类应为 A、B、C、D 之一"
    if values.get("operating_status", OperatingStatus.ACTIVE) not in _STATUS_VALUES:
        errors["operating_status"] = "经营状态无效"
    for key, limit in TEXT_LIMITS.items():
        if len(values.get(key) or "") > limit:
            errors[key] = f"不能超过 {limit} 个字"
    if not 0 <= (values.get("complaint_count") or 0) <= MAX_COUNT:
        errors["complaint_count"] = "投诉举报次数超出范围"
    return errors


# The text columns' lengths in the database, checked before writing (PostgreSQL refuses longer
# text; SQLite would store it).
TEXT_LIMITS: dict[str, int] = {
    name: int(getattr(Subject._meta.get_field(name), "max_length", 0))
    for name in ("code", "name", "legal_representative", "address", "town")
}
MAX_COUNT = 2_147_483_647  # the column is a 32-bit integer


def subject_values(subject: Subject) -> dict[str, Any]:
    """Canonical values (reference data as codes, many-to-many as sorted lists)."""
    return {
        "code": subject.code,
        "subject_type": subject.subject_type.code,
        "name": subject.name,
        "uscc": subject.uscc,
        "legal_representative": subject.legal_representative,
        "address": subject.address,
        "region": subject.region.code if subject.region is not None else "",
        "town": subject.town,
        "industry": subject.industry.code if subject.industry is not None else "",
        "licence_types": sorted(lt.code for lt in subject.licence_types.all()),
        "operating_status": subject.operating_status,
        "credit_risk_class": subject.credit_risk_class,
        "abnormal_list": subject.abnormal_list,
        "serious_violation_list": subject.serious_violation_list,
        "complaint_count": subject.complaint_count,
        "applicable_items": sorted(i.code for i in subject.applicable_items.all()),
        "tags": sorted(t.name for t in subject.tags.all()),
    }


def stored_values(queryset: Any, with_pk: bool = False) -> dict[str, dict[str, Any]]:
    """Canonical values of many subjects by code, read as plain rows (no model instances):
    one query for the fields and one per many-to-many relation."""
    by_pk: dict[int, dict[str, Any]] = {}
    for pk, *row in queryset.values_list("pk", *_SCALAR_COLUMNS):
        values = dict(
            zip(SUBJECT_FIELDS[:8] + ("industry",) + SUBJECT_FIELDS[10:15], row, strict=True)
        )
        values["region"] = values["region"] or ""
        values["industry"] = values["industry"] or ""
        values.update(licence_types=[], applicable_items=[], tags=[])
        by_pk[pk] = values
    if by_pk:
        for name, column in _RELATION_COLUMNS.items():
            through = getattr(Subject, name).through
            subjects = queryset.values("pk") if with_pk else list(by_pk)
            links = through.objects.filter(subject_id__in=subjects).values_list(
                "subject_id", column
            )
            for pk, code in links:
                by_pk[pk][name].append(code)
        for values in by_pk.values():
            for name in M2M_FIELDS:
                values[name].sort()
    if with_pk:
        for pk, values in by_pk.items():
            values["pk"] = pk
    return {values["code"]: values for values in by_pk.values()}


def stored_values_in_batches(
    department_id: int, batch: int = 5000
) -> Iterator[dict[str, dict[str, Any]]]:
    """stored_values() of a whole department, a pk range at a time (memory stays flat)."""
    last = 0
    base = Subject.objects.filter(department_id=department_id)
    while True:
        pks = list(base.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:batch])
        if not pks:
            return
        yield stored_values(base.filter(pk__gte=pks[0], pk__lte=pks[-1]), with_pk=True)
        last = pks[-1]


def with_values_related(queryset: Any) -> Any:
    return queryset.select_related("subject_type", "region", "industry").prefetch_related(
        "licence_types", "applicable_items", "tags"
    )


def apply_values(subject: Subject, values: dict[str, Any], lookups: Lookups) -> None:
    """Set the scalar fields of `subject` from canonical values."""
    for name in (
        "code",
        "name",
        "uscc",
        "legal_representative",
        "address",
        "town",
        "operating_status",
        "credit_risk_class",
        "abnormal_list",
        "serious_violation_list",
        "complaint_count",
    ):
        if name in values:
            setattr(subject, name, values[name])
    if "subject_type" in values:
        subject.subject_type = lookups.types[values["subject_type"]]
    if "region" in values:
        subject.region_id = lookups.regions.get(values["region"]) if values["region"] else None
    if "industry" in values:
        subject.industry_id = (
            lookups.industries.get(values["industry"]) if values["industry"] else None
        )


def set_relations(subject: Subject, values: dict[str, Any], lookups: Lookups) -> None:
    if "licence_types" in values:
        subject.licence_types.set([lookups.licences[c] for c in values["licence_types"]])
    if "applicable_items" in values:
        subject.applicable_items.set([lookups.items[c] for c in values["applicable_items"]])
    if "tags" in values:
        subject.tags.set([lookups.tags[n] for n in values["tags"]])


def _check_unique(department: Department, values: dict[str, Any], pk: int | None) -> None:
    others = Subject.objects.filter(department=department)
    if pk is not None:
        others = others.exclude(pk=pk)
    if others.filter(code=values["code"]).exists():
        raise ValidationError({"code": f"本部门已有对象编码“{values['code']}”"})
    if values.get("uscc") and others.filter(uscc=values["uscc"]).exists():
        raise ValidationError({"uscc": f"本部门名录库中已有统一社会信用代码“{values['uscc']}”"})


def _check_new_tags_active(department: Department, names: set[str]) -> None:
    """An archived tag stays on the subjects that have it but is not added to any more."""
    archived = Tag.objects.filter(department=department, name__in=names, is_archived=True)
    if names and archived.exists():
        listed = "、".join(archived.values_list("name", flat=True))
        raise ValidationError({"tags": f"标签已归档，不能再添加：{listed}"})


def save_subject(
    by: User | None,
    department: Department,
    values: dict[str, Any],
    reason: str = "",
    subject: Subject | None = None,
) -> Subject:
    """Create (subject None) or update a subject, traced with before/after and reason."""
    lookups = Lookups.load(department)
    values = dict(values)
    if not values.get("code"):
        values["code"] = values.get("uscc") or generated_code(
            values.get("subject_type", ""), values.get("name", ""), values.get("address", "")
        )
    errors = check_subject(DEFAULTS | values, lookups)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if subject is not None:
            locked = Subject.objects.select_for_update(of=("self",))  # not the outer-joined rows
            subject = with_values_related(locked).get(pk=subject.pk)
            if subject.is_archived:
                raise ValidationError("该对象已移出名录库，不能修改")
        _check_unique(department, values, subject.pk if subject else None)
        before = subject_values(subject) if subject is not None else {}
        _check_new_tags_active(
            department, set(values.get("tags", [])) - set(before.get("tags", []))
        )
        target = subject or Subject(department=department, created_by=by)
        apply_values(target, DEFAULTS | values if subject is None else values, lookups)
        target.modified_by = by
        target.save()
        set_relations(target, DEFAULTS | values if subject is None else values, lookups)
        after = subject_values(with_values_related(Subject.objects).get(pk=target.pk))
        if subject is None:
            record_event(action="subject.created", actor=by, obj=target, after=after, reason=reason)
        else:
            old, new = diff(before, after)
            if new:
                record_event(
                    action="subject.updated",
                    actor=by,
                    obj=target,
                    before=old,
                    after=new,
                    reason=reason,
                )
    return target


def request_removal(by: User, subject: Subject, reason_kind: str, reason: str) -> RemovalRequest:
    """A7: ask the supervising leader to remove a subject from the registry."""
    if not reason.strip():
        raise ValidationError("请填写情况说明")
    with transaction.atomic():
        subject = Subject.objects.select_for_update().get(pk=subject.pk)
        if subject.is_archived:
            raise ValidationError("该对象已移出名录库")
        if subject.removal_requests.filter(status=RemovalStatus.PENDING).exists():
            raise ValidationError("该对象已有待审批的移出申请")
        request = RemovalRequest.objects.create(
            subject=subject,
            reason_kind=reason_kind,
            reason=reason,
            created_by=by,
            modified_by=by,
        )
        record_event(
            action="subject.removal_requested",
            actor=by,
            obj=subject,
            after={"request": request.pk, "reason_kind": reason_kind},
            reason=reason,
        )
    return request


def decide_removal(by: User, request: RemovalRequest, approve: bool, note: str = "") -> None:
    """The supervising leader of the subject's department approves or rejects. Approval archives
    the subject (kept on record, excluded from draws); nothing is deleted."""
    with transaction.atomic():
        request = (
            RemovalRequest.objects.select_for_update().select_related("subject").get(pk=request.pk)
        )
        subject = request.subject
        if not can_approve_removal(by, subject.department_id):
            raise PermissionDenied("只有本部门的分管领导可以审批移出申请。")
        if request.status != RemovalStatus.PENDING:
            raise ValidationError("该申请已处理")
        if request.created_by_id == by.pk:
            raise ValidationError("申请人不能审批自己的申请")
        if not approve and not note.strip():
            raise ValidationError("驳回时请填写审批意见")
        request.status = RemovalStatus.APPROVED if approve else RemovalStatus.REJECTED
        request.decided_by, request.decided_at = by, timezone.now()
        request.decision_note, request.modified_by = note, by
        request.save()
        record_event(
            action="subject.removal_approved" if approve else "subject.removal_rejected",
            actor=by,
            obj=subject,
            before={"status": RemovalStatus.PENDING},
            after={"status": request.status, "request": request.pk},
            reason=note,
        )
        if approve:
            subject.is_archived, subject.archived_at = True, timezone.now()
            subject.archived_reason = f"{request.get_reason_kind_display()}：{request.reason}"
            subject.modified_by = by
            subject.save()
            record_event(
                action="subject.archived",
                actor=by,
                obj=subject,
                before={"is_archived": False},
                after={"is_archived": True},
                reason=subject.archived_reason,
            )


def save_filter(by: User | None, department: Department, name: str, query: str) -> SavedFilter:
    name = name.strip()
    if not name:
        raise ValidationError("请填写子库名称")
    with transaction.atomic():
        saved, created = SavedFilter.objects.get_or_create(
            department=department,
            name=name,
            defaults={"query": query, "created_by": by, "modified_by": by},
        )
        if not created:
            if saved.query == query:
                return saved
            before = {"query": saved.query}
            saved.query, saved.modified_by = query, by
            saved.save()
        record_event(
            action="subject_filter.saved",
            actor=by,
            obj=saved,
            before=None if created else before,
            after={"name": name, "query": query},
        )
    return saved
