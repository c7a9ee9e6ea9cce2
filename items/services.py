"""Item list operations (A1–A3). Every write is atomic and audited with before/after."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from audit.services import diff, record_event, snapshot
from items.choices import InspectionMethod, ItemKind, ItemListStatus, Mandate
from items.models import ChecklistPoint, EnforcementArea, InspectionItem, ItemList
from organisations.models import Department

if TYPE_CHECKING:
    from accounts.models import User

# Canonical values of an item: what forms, the API and imports set and what the audit trail shows.
ITEM_FIELDS = (
    "code",
    "seq",
    "name",
    "kind",
    "legal_basis",
    "object_scope",
    "standard",
    "ratio_percent",
    "ratio_cap_percent",
    "frequency",
    "methods",
    "mandate",
    "entrusted_unit",
    "authorising_authority",
    "inspecting_body",
    "enforcement_area",
    "remarks",
    "points",
)
_LIST_FIELDS = ["department_id", "version", "title", "status", "change_note", "published_at"]
_METHOD_ORDER = {code: i for i, code in enumerate(InspectionMethod.values)}


def ratio_text(value: Decimal | None) -> str:
    if value is None:
        return ""
    text = format(value.normalize(), "f")
    return text


def parse_ratio(text: str) -> Decimal | None:
    """'5', '5%', '5.5' → Decimal; '' → None. Raises ValueError with a Chinese message."""
    cleaned = text.strip().rstrip("%％").strip()
    if not cleaned:
        return None
    try:
        value = Decimal(cleaned)
    except InvalidOperation as exc:
        raise ValueError(f"“{text}”不是有效的百分比数字") from exc
    if not value.is_finite() or value < 0 or value > 100:
        raise ValueError("比例应在 0 到 100 之间")
    return value.quantize(Decimal("0.01"))


def method_codes(codes: list[str] | tuple[str, ...] | set[str]) -> str:
    return ",".join(sorted(set(codes), key=lambda c: _METHOD_ORDER.get(c, 99)))


def item_values(item: InspectionItem, points: list[str] | None = None) -> dict[str, Any]:
    if points is None:
        points = [p.text for p in item.points.all()]
    return {
        "code": item.code,
        "seq": item.seq,
        "name": item.name,
        "kind": item.kind,
        "legal_basis": item.legal_basis,
        "object_scope": item.object_scope,
        "standard": item.standard,
        "ratio_percent": ratio_text(item.ratio_percent),
        "ratio_cap_percent": ratio_text(item.ratio_cap_percent),
        "frequency": item.frequency,
        "methods": item.methods,
        "mandate": item.mandate,
        "entrusted_unit": item.entrusted_unit,
        "authorising_authority": item.authorising_authority,
        "inspecting_body": item.inspecting_body,
        "enforcement_area": (
            item.enforcement_area.code if item.enforcement_area is not None else ""
        ),
        "remarks": item.remarks,
        "points": list(points),
    }


def check_item(values: dict[str, Any]) -> dict[str, str]:
    """The rules of A1/A2 every channel (page, API, import) applies. Field → message."""
    errors: dict[str, str] = {}
    for key, label in (("code", "事项编码"), ("name", "事项名称"), ("legal_basis", "抽查依据")):
        if not str(values.get(key) or "").strip():
            errors[key] = f"请填写{label}"
    ratio, cap = values.get("ratio_percent") or "", values.get("ratio_cap_percent") or ""
    if values.get("kind") == ItemKind.KEY and cap:
        errors["ratio_cap_percent"] = "重点检查事项不设比例上限"
    elif ratio and cap and Decimal(ratio) > Decimal(cap):
        errors["ratio_percent"] = f"抽查比例 {ratio}% 超过了一般检查事项的比例上限 {cap}%"
    mandate = values.get("mandate")
    if mandate == Mandate.ENTRUSTED and not values.get("entrusted_unit"):
        errors["entrusted_unit"] = "委托实施的事项须注明受委托单位"
    if mandate == Mandate.AUTHORISED:
        if not values.get("authorising_authority"):
            errors["authorising_authority"] = "授权实施的事项须注明授权机关"
        if not values.get("inspecting_body"):
            errors["inspecting_body"] = "授权实施的事项须注明检查主体（被授权机构）"
    return errors


def current_list(department_id: int) -> ItemList | None:
    """The list being worked on: the draft if there is one, else the version in force."""
    lists = ItemList.objects.filter(
        department_id=department_id, status__in=[ItemListStatus.DRAFT, ItemListStatus.PUBLISHED]
    )
    return min(lists, key=lambda lst: 0 if lst.status == ItemListStatus.DRAFT else 1, default=None)


def new_version(by: User | None, department: Department, reason: str, title: str = "") -> ItemList:
    """A new draft version, copied from the version in force (if any)."""
    with transaction.atomic():
        Department.objects.select_for_update().filter(pk=department.pk).first()
        if ItemList.objects.filter(department=department, status=ItemListStatus.DRAFT).exists():
            raise ValidationError("已有草稿版本，请先发布或继续编辑该草稿")
        source = ItemList.objects.filter(
            department=department, status=ItemListStatus.PUBLISHED
        ).first()
        last = ItemList.objects.filter(department=department).aggregate(m=Max("version"))["m"]
        draft = ItemList.objects.create(
            department=department,
            version=(last or 0) + 1,
            title=title or (source.title if source else f"{department.name}随机抽查事项清单"),
            change_note=reason,
            created_by=by,
            modified_by=by,
        )
        if source is not None:
            _copy_items(source, draft, by)
        record_event(
            action="item_list.version_created",
            actor=by,
            obj=draft,
            after=snapshot(draft, _LIST_FIELDS) | {"copied_from": source.pk if source else None},
            reason=reason,
        )
    return draft


def draft_for(by: User | None, department: Department, reason: str) -> ItemList:
    draft = ItemList.objects.filter(department=department, status=ItemListStatus.DRAFT).first()
    return draft or new_version(by, department, reason)


def _copy_items(source: ItemList, target: ItemList, by: User | None) -> None:
    items = list(source.items.prefetch_related("points"))
    copies = InspectionItem.objects.bulk_create(
        [
            InspectionItem(
                item_list=target,
                created_by=by,
                modified_by=by,
                **{f.attname: getattr(item, f.attname) for f in _copied_fields()},
            )
            for item in items
        ]
    )
    ChecklistPoint.objects.bulk_create(
        [
            ChecklistPoint(item=copy, seq=p.seq, text=p.text)
            for item, copy in zip(items, copies, strict=True)
            for p in item.points.all()
        ]
    )


def _copied_fields() -> list[Any]:
    skip = {"id", "item_list", "created_at", "modified_at", "created_by", "modified_by"}
    return [f for f in InspectionItem._meta.concrete_fields if f.name not in skip]


def publish_list(by: User | None, item_list: ItemList, reason: str) -> ItemList:
    """Publish a draft (A3): it becomes the version in force, the previous one is superseded."""
    with transaction.atomic():
        item_list = ItemList.objects.select_for_update().get(pk=item_list.pk)
        if item_list.status != ItemListStatus.DRAFT:
            raise ValidationError("只有草稿版本可以发布")
        if not item_list.items.filter(is_archived=False).exists():
            raise ValidationError("清单中没有事项，不能发布")
        previous = ItemList.objects.filter(
            department_id=item_list.department_id, status=ItemListStatus.PUBLISHED
        ).first()
        if previous is not None:
            previous.status = ItemListStatus.SUPERSEDED
            previous.save(update_fields=["status", "modified_at"])
            record_event(
                action="item_list.superseded",
                actor=by,
                obj=previous,
                before={"status": ItemListStatus.PUBLISHED},
                after={"status": ItemListStatus.SUPERSEDED},
                reason=reason,
            )
        before = snapshot(item_list, _LIST_FIELDS)
        item_list.status = ItemListStatus.PUBLISHED
        item_list.published_at = timezone.now()
        item_list.published_by = by
        item_list.modified_by = by
        item_list.save()
        old, new = diff(before, snapshot(item_list, _LIST_FIELDS))
        record_event(
            action="item_list.published",
            actor=by,
            obj=item_list,
            before=old,
            after=new,
            reason=reason,
        )
    return item_list


def area_by_code(code: str) -> EnforcementArea | None:
    if not code:
        return None
    return EnforcementArea.objects.filter(code=code).first()


def apply_values(item: InspectionItem, values: dict[str, Any], areas: dict[str, int]) -> None:
    """Set the model fields from canonical values (points are saved separately)."""
    for name in ITEM_FIELDS:
        if name in ("points", "enforcement_area") or name not in values:
            continue
        value = values[name]
        if name in ("ratio_percent", "ratio_cap_percent"):
            value = Decimal(value) if value else None
        setattr(item, name, value)
    if "enforcement_area" in values:
        item.enforcement_area_id = (
            areas.get(values["enforcement_area"]) if values["enforcement_area"] else None
        )


def save_item(
    by: User | None,
    item_list: ItemList,
    values: dict[str, Any],
    reason: str = "",
    item: InspectionItem | None = None,
) -> InspectionItem:
    """Create (item None) or update an item of a draft list, with its checklist points."""
    if not item_list.is_editable:
        raise ValidationError("已发布的清单版本不能修改，请先新建版本")
    errors = check_item(values)
    if errors:
        raise ValidationError(errors)
    areas = dict(EnforcementArea.objects.values_list("code", "pk"))
    if values.get("enforcement_area") and values["enforcement_area"] not in areas:
        raise ValidationError({"enforcement_area": "执法领域不存在"})
    with transaction.atomic():
        duplicate = InspectionItem.objects.filter(item_list=item_list, code=values["code"])
        if item is not None:
            duplicate = duplicate.exclude(pk=item.pk)
        if duplicate.exists():
            raise ValidationError({"code": "本清单中已有此事项编码"})
        before = item_values(item) if item is not None else {}
        target = item or InspectionItem(item_list=item_list, created_by=by)
        apply_values(target, values, areas)
        target.modified_by = by
        target.save()
        points = values.get("points")
        if points is not None and (item is None or points != before.get("points")):
            replace_points(target, points)
        after = item_values(target, points if points is not None else None)
        if item is None:
            record_event(action="item.created", actor=by, obj=target, after=after, reason=reason)
        else:
            old, new = diff(before, after)
            if new:
                record_event(
                    action="item.updated",
                    actor=by,
                    obj=target,
                    before=old,
                    after=new,
                    reason=reason,
                )
    return target


def replace_points(item: InspectionItem, texts: list[str]) -> None:
    ChecklistPoint.objects.filter(item=item).delete()
    ChecklistPoint.objects.bulk_create(
        [ChecklistPoint(item=item, seq=i, text=t) for i, t in enumerate(texts, start=1)]
    )


def archive_item(by: User, item: InspectionItem, reason: str) -> None:
    """Take an item out of a draft list (it stays on record)."""
    if not reason.strip():
        raise ValidationError("请填写原因")
    with transaction.atomic():
        item = (
            InspectionItem.objects.select_for_update().select_related("item_list").get(pk=item.pk)
        )
        if not item.item_list.is_editable:
            raise ValidationError("已发布的清单版本不能修改，请先新建版本")
        if item.is_archived:
            return
        item.is_archived, item.archived_at, item.archived_reason = True, timezone.now(), reason
        item.modified_by = by
        item.save()
        record_event(
            action="item.archived",
            actor=by,
            obj=item,
            before={"is_archived": False},
            after={"is_archived": True},
            reason=reason,
        )


def items_without_plan(department_id: int, year: int | None = None) -> list[InspectionItem]:
    """A3: items in force that no live entry of the department's plans for `year` covers (as
    lead or as participant). Items are matched by code, so an entry made on an earlier version of
    the list still covers the item."""
    from django.db.models import Q
    from django.utils import timezone

    from plans.models import PlanEntry

    year = year or timezone.localdate().year
    covered = PlanEntry.objects.filter(
        Q(plan__department_id=department_id) | Q(participants=department_id),
        plan__year=year,
        is_archived=False,
    ).values("items__code")
    return list(
        InspectionItem.objects.in_force()
        .filter(item_list__department_id=department_id)
        .exclude(code__in=covered)
    )
