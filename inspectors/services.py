"""Inspector registry and expert library operations (A8–A10). Writes are atomic and audited;
personal data is encrypted at rest, audited only in masked form, and every full view is logged
(security 8, 9, 12)."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from audit.services import diff, record_event
from core import crypto
from core.checkdigits import id_number_error
from core.registry_roles import can_edit_registry
from inspectors.choices import InspectorStatus
from inspectors.models import ID_CONTEXT, PHONE_CONTEXT, Expert, Inspector, PersonalDataModel
from items.models import EnforcementArea, InspectionItem
from organisations.models import Department, Unit

if TYPE_CHECKING:
    from accounts.models import User

INSPECTOR_FIELDS = (
    "certificate_no",
    "name",
    "unit",
    "position",
    "specialty",
    "experience_years",
    "certificate_valid_from",
    "certificate_valid_until",
    "enforcement_areas",
    "status",
    "id_number",
    "phone",
)
PHONE_PATTERN = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")


def personal_token(masked: str, digest: str) -> str:
    """How personal data appears in canonical values and the audit trail: the masked form and a
    keyed-hash prefix (changes are visible, the number is not)."""
    return f"{masked}#{digest[:12]}" if digest else ""


def id_token(number: str) -> str:
    return (
        personal_token(crypto.mask_id_number(number), crypto.lookup_hash(number, ID_CONTEXT))
        if number
        else ""
    )


def phone_token(phone: str) -> str:
    return (
        personal_token(crypto.mask_phone(phone), crypto.lookup_hash(phone, PHONE_CONTEXT))
        if phone
        else ""
    )


def check_id_number(number: str) -> str | None:
    return id_number_error(number) if number else None


def check_phone(phone: str) -> str | None:
    if phone and not PHONE_PATTERN.match(phone):
        return "手机号码应为 11 位手机号或带区号的固定电话"
    return None


def inspector_values(inspector: Inspector) -> dict[str, Any]:
    return {
        "certificate_no": inspector.certificate_no,
        "name": inspector.name,
        "unit": inspector.unit.name if inspector.unit is not None else "",
        "position": inspector.position,
        "specialty": inspector.specialty,
        "experience_years": inspector.experience_years,
        "certificate_valid_from": _iso(inspector.certificate_valid_from),
        "certificate_valid_until": _iso(inspector.certificate_valid_until),
        "enforcement_areas": sorted(a.code for a in inspector.enforcement_areas.all()),
        "status": inspector.status,
        "id_number": personal_token(inspector.id_number_masked, inspector.id_number_digest),
        "phone": personal_token(inspector.phone_masked, inspector.phone_digest),
    }


def _iso(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def check_inspector(values: dict[str, Any]) -> dict[str, str]:
    """A8 rules for every channel. Field → Chinese message."""
    errors: dict[str, str] = {}
    if not (values.get("name") or "").strip():
        errors["name"] = "请填写姓名"
    if not (values.get("certificate_no") or "").strip():
        errors["certificate_no"] = "请填写执法证号"
    start, end = values.get("certificate_valid_from"), values.get("certificate_valid_until")
    if start and end and end < start:
        errors["certificate_valid_until"] = "执法证有效期至不能早于有效期起"
    if values.get("status") not in InspectorStatus.values:
        errors["status"] = "状态无效"
    return errors


def save_inspector(
    by: User | None,
    department: Department,
    values: dict[str, Any],
    *,
    id_number: str | None = None,
    phone: str | None = None,
    reason: str = "",
    inspector: Inspector | None = None,
) -> Inspector:
    """Create or update an inspector. `id_number`/`phone`: None keeps, "" clears, else sets."""
    areas, unit = _validated_references(department, values, id_number, phone)
    with transaction.atomic():
        clash = Inspector.objects.filter(certificate_no=values["certificate_no"])
        if inspector is not None:
            clash = clash.exclude(pk=inspector.pk)
        if clash.exists():
            raise ValidationError({"certificate_no": "该执法证号已登记"})
        before = inspector_values(inspector) if inspector is not None else {}
        target = inspector or Inspector(department=department, created_by=by)
        for name in (
            "certificate_no",
            "name",
            "position",
            "specialty",
            "experience_years",
            "status",
        ):
            setattr(target, name, values.get(name, getattr(target, name)))
        target.unit = unit
        target.certificate_valid_from = _date(values.get("certificate_valid_from"))
        target.certificate_valid_until = _date(values.get("certificate_valid_until"))
        if id_number is not None:
            target.set_id_number(id_number)
        if id_number is not None:
            target.set_id_number(id_number)
        if phone is not None:
            target.set_phone(phone)
        target.modified_by = by
        target.save()
        target.enforcement_areas.set([areas[a] for a in values.get("enforcement_areas", [])])
        after = inspector_values(target)
        if inspector is None:
            record_event(
                action="inspector.created", actor=by, obj=target, after=after, reason=reason
            )
        else:
            old, new = diff(before, after)
            if new:
                record_event(
                    action="inspector.updated",
                    actor=by,
                    obj=target,
                    before=old,
                    after=new,
                    reason=reason,
                )
    return target


def _validated_references(
    department: Department, values: dict[str, Any], id_number: str | None, phone: str | None
) -> tuple[dict[str, int], Unit | None]:
    """Check the values (raising ValidationError); return area ids by code and the unit."""
    errors = check_inspector(values)
    for key, problem in (
        ("id_number", check_id_number(id_number or "")),
        ("phone", check_phone(phone or "")),
    ):
        if problem:
            errors[key] = problem
    areas = dict(EnforcementArea.objects.values_list("code", "pk"))
    unknown = [a for a in values.get("enforcement_areas", []) if a not in areas]
    if unknown:
        errors["enforcement_areas"] = f"执法领域不存在：{'、'.join(unknown)}"
    unit = None
    if values.get("unit"):
        unit = Unit.objects.filter(department=department, name=values["unit"]).first()
        if unit is None:
            errors["unit"] = f"本部门没有内设单位“{values['unit']}”"
    if errors:
        raise ValidationError(errors)
    return areas, unit


def _date(value: Any) -> dt.date | None:
    if not value:
        return None
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def reveal(by: User, person: PersonalDataModel, department_id: int, purpose: str) -> dict[str, str]:
    """The full ID and phone numbers, for the department's own registry manager, logged."""
    if not can_edit_registry(by, department_id):
        raise PermissionDenied("只有本部门的名录库管理员可以查看完整的身份证号和手机号码。")
    with transaction.atomic():
        record_event(
            action=f"{person._meta.model_name}.personal_data_viewed",
            actor=by,
            obj=person,
            reason=purpose or "查看完整个人信息",
        )
    return {"id_number": person.id_number(), "phone": person.phone()}


def needed_areas(department_ids: Iterable[int]) -> dict[int, set[int]]:
    """Enforcement areas the items in force of each department need (one query)."""
    needed: dict[int, set[int]] = defaultdict(set)
    rows = (
        InspectionItem.objects.in_force()
        .filter(item_list__department_id__in=list(department_ids), enforcement_area__isnull=False)
        .values_list("item_list__department_id", "enforcement_area_id")
    )
    for department_id, area_id in rows:
        needed[department_id].add(area_id)
    return needed


def drawability(inspector: Inspector, today: dt.date, needed: set[int]) -> list[str]:
    """Why `inspector` cannot be drawn today (empty when drawable). Mirrors
    InspectorQuerySet.drawable; uses the prefetched enforcement areas."""
    reasons = []
    if inspector.is_archived:
        reasons.append("已移出名录库")
    if inspector.status != InspectorStatus.ACTIVE:
        reasons.append(f"状态为“{inspector.get_status_display()}”")
    start, end = inspector.certificate_valid_from, inspector.certificate_valid_until
    if start is None or end is None:
        reasons.append("未登记执法证有效期")
    elif end < today:
        reasons.append(f"执法证已于 {end:%Y-%m-%d} 过期")
    elif start > today:
        reasons.append(f"执法证自 {start:%Y-%m-%d} 起生效")
    areas = {a.pk for a in inspector.enforcement_areas.all()}
    if not areas:
        reasons.append("未登记执法领域")
    elif not areas & needed:
        reasons.append("执法领域与本部门现行抽查事项不匹配")
    return reasons


EXPERT_FIELDS = (
    "name",
    "organisation",
    "field",
    "title",
    "is_available",
    "enforcement_areas",
    "id_number",
    "phone",
)
_EXPERT_TEXT = (
    ("name", "姓名", 50, True),
    ("organisation", "工作单位", 200, True),
    ("field", "专业领域", 200, True),
    ("title", "职称", 50, False),
)


def check_expert(values: dict[str, Any]) -> dict[str, str]:
    """A9 rules for every channel (form, API, import). Field → Chinese message."""
    errors: dict[str, str] = {}
    for key, label, limit, required in _EXPERT_TEXT:
        text = (values.get(key) or "").strip()
        if required and not text:
            errors[key] = f"请填写{label}"
        elif len(text) > limit:
            errors[key] = f"{label}不能超过 {limit} 个字"
    return errors


def _check_expert(values: dict[str, Any], id_number: str | None, phone: str | None) -> None:
    errors = check_expert(values)
    for key, problem in (
        ("id_number", check_id_number(id_number or "")),
        ("phone", check_phone(phone or "")),
    ):
        if problem:
            errors[key] = problem
    if errors:
        raise ValidationError(errors)


def expert_values(expert: Expert) -> dict[str, Any]:
    return {
        "name": expert.name,
        "organisation": expert.organisation,
        "field": expert.field,
        "title": expert.title,
        "is_available": expert.is_available,
        "enforcement_areas": sorted(a.code for a in expert.enforcement_areas.all()),
        "id_number": personal_token(expert.id_number_masked, expert.id_number_digest),
        "phone": personal_token(expert.phone_masked, expert.phone_digest),
    }


def save_expert(
    by: User | None,
    department: Department,
    values: dict[str, Any],
    *,
    id_number: str | None = None,
    phone: str | None = None,
    reason: str = "",
    expert: Expert | None = None,
) -> Expert:
    """Create or update an expert. `id_number`/`phone`: None keeps, "" clears, else sets."""
    _check_expert(values, id_number, phone)
    areas = dict(EnforcementArea.objects.values_list("code", "pk"))
    with transaction.atomic():
        clash = Expert.objects.filter(
            department=department, name=values["name"], organisation=values["organisation"]
        )
        if expert is not None:
            clash = clash.exclude(pk=expert.pk)
        if clash.exists():
            raise ValidationError("本部门专家库中已有同一单位的同名专家")
        before = expert_values(expert) if expert is not None else {}
        target = expert or Expert(department=department, created_by=by)
        for name in ("name", "organisation", "field", "title", "is_available"):
            if name in values:
                setattr(target, name, values[name])
        if id_number is not None:
            target.set_id_number(id_number)
        if phone is not None:
            target.set_phone(phone)
        target.modified_by = by
        target.save()
        target.enforcement_areas.set(
            [areas[a] for a in values.get("enforcement_areas", []) if a in areas]
        )
        after = expert_values(target)
        old, new = diff(before, after)
        if expert is None or new:
            record_event(
                action="expert.created" if expert is None else "expert.updated",
                actor=by,
                obj=target,
                before=old or None,
                after=new,
                reason=reason,
            )
    return target
