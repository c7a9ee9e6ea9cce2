"""Maintaining the organisation tree. Every change is audited."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction

from audit.services import record_event, snapshot
from organisations.choices import RegionLevel
from organisations.models import Department, JointConference, Region, Unit

if TYPE_CHECKING:
    from accounts.models import User


def validate_region_code(code: str, level: str, parent: Region | None) -> None:
    """行政区划代码 (GB/T 2260): 2 digits province, 2 city, 2 county."""
    if len(code) != 6 or not code.isdigit() or code[0] == "0":
        raise ValidationError({"code": "行政区划代码应为 6 位数字，且不以 0 开头"})
    if level == RegionLevel.PROVINCE and not code.endswith("0000"):
        raise ValidationError({"code": "省级行政区划代码的后 4 位应为 0000"})
    if level == RegionLevel.CITY and (code.endswith("0000") or not code.endswith("00")):
        raise ValidationError({"code": "市级行政区划代码的后 2 位应为 00，第 3–4 位不能为 00"})
    if level == RegionLevel.COUNTY and code.endswith("00"):
        raise ValidationError({"code": "县级行政区划代码的后 2 位不能为 00"})
    expected_parent: dict[str, str] = {
        RegionLevel.CITY: RegionLevel.PROVINCE,
        RegionLevel.COUNTY: RegionLevel.CITY,
    }
    if level in expected_parent:
        if parent is None or parent.level != expected_parent[level]:
            raise ValidationError({"parent": "上级区划的层级不正确"})
        prefix = 2 if level == RegionLevel.CITY else 4
        if code[:prefix] != parent.code[:prefix]:
            raise ValidationError({"code": f"代码前 {prefix} 位应与上级区划 {parent.code} 一致"})
    elif parent is not None:
        raise ValidationError({"parent": "省级区划没有上级"})


def save_region(by: User | None, region: Region, reason: str = "") -> Region:
    validate_region_code(region.code, region.level, region.parent)
    with transaction.atomic():
        before = _before(Region, region.pk)
        region.save()
        _audit(by, "region.saved", region, before, reason)
    return region


def save_department(by: User | None, department: Department, reason: str = "") -> Department:
    if department.parent_id is not None and department.parent_id == department.pk:
        raise ValidationError({"parent": "上级部门不能是本部门"})
    with transaction.atomic():
        before = _before(Department, department.pk)
        if department.pk is None:
            department.path = ""
            department.save()
        _set_path(department)
        department.save()
        _refresh_descendant_paths(department)
        _audit(by, "department.saved", department, before, reason)
    return department


def _set_path(department: Department) -> None:
    parent_path = department.parent.path if department.parent is not None else "/"
    if f"/{department.pk}/" in parent_path:
        raise ValidationError({"parent": "上级部门不能是本部门的下级"})
    department.path = f"{parent_path}{department.pk}/"


def _refresh_descendant_paths(department: Department) -> None:
    for child in Department.objects.filter(parent=department):
        _set_path(child)
        child.save(update_fields=["path"])
        _refresh_descendant_paths(child)


def save_unit(by: User | None, unit: Unit, reason: str = "") -> Unit:
    with transaction.atomic():
        before = _before(Unit, unit.pk)
        unit.save()
        _audit(by, "unit.saved", unit, before, reason)
    return unit


def save_conference(
    by: User | None, conference: JointConference, members: list[Department], reason: str = ""
) -> JointConference:
    with transaction.atomic():
        before = _before(JointConference, conference.pk)
        old_members = (
            sorted(conference.members.values_list("pk", flat=True)) if conference.pk else []
        )
        conference.save()
        conference.members.set(members)
        record_event(
            action="conference.saved",
            actor=by,
            obj=conference,
            before={**(before or {}), "members": old_members} if before else None,
            after={**snapshot(conference), "members": sorted(m.pk for m in members)},
            reason=reason,
        )
    return conference


def _before(
    model: type[Region | Department | Unit | JointConference], pk: int | None
) -> dict[str, object] | None:
    if pk is None:
        return None
    old = model.objects.filter(pk=pk).first()
    return snapshot(old) if old is not None else None


def _audit(
    by: User | None,
    action: str,
    obj: Region | Department | Unit,
    before: dict[str, object] | None,
    reason: str,
) -> None:
    record_event(
        action=action, actor=by, obj=obj, before=before, after=snapshot(obj), reason=reason
    )
