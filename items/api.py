"""Item list API: same scope, roles and validation (services.check_item) as the pages."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import HasRole
from core.registry_roles import EDITORS, READERS, can_edit_registry
from items import services
from items.choices import InspectionMethod
from items.filters import ItemFilterSet
from items.models import EnforcementArea, InspectionItem, ItemList


class EnforcementAreaSerializer(serializers.ModelSerializer[EnforcementArea]):
    class Meta:
        model = EnforcementArea
        fields = ["id", "code", "name", "sector", "is_active"]


class ItemListSerializer(serializers.ModelSerializer[ItemList]):
    department_name = serializers.CharField(source="department.name", read_only=True)

    class Meta:
        model = ItemList
        fields = [
            "id",
            "department",
            "department_name",
            "version",
            "title",
            "status",
            "change_note",
            "published_at",
        ]


class InspectionItemSerializer(serializers.ModelSerializer[InspectionItem]):
    methods = serializers.ListField(
        child=serializers.ChoiceField(choices=InspectionMethod.choices),
        required=False,
        write_only=True,
        help_text="抽查方式代码列表（响应中同名字段为列表）",
    )
    points = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        write_only=True,
        help_text="抽查内容（检查要点）列表（响应中同名字段为列表）",
    )
    enforcement_area = serializers.SlugRelatedField(
        slug_field="code", queryset=EnforcementArea.objects.all(), allow_null=True, required=False
    )
    department = serializers.IntegerField(source="item_list.department_id", read_only=True)
    reason = serializers.CharField(write_only=True, required=False, allow_blank=True)

    class Meta:
        model = InspectionItem
        fields = [
            "id",
            "item_list",
            "department",
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
            "points",
            "remarks",
            "is_archived",
            "reason",
        ]
        read_only_fields = ["item_list", "is_archived"]

    def to_representation(self, instance: InspectionItem) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["methods"] = [m for m in instance.methods.split(",") if m]
        data["points"] = [p.text for p in instance.points.all()]
        return data

    def values(self, instance: InspectionItem | None) -> dict[str, Any]:
        return _values(dict(self.validated_data), instance)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        instance = self.instance if isinstance(self.instance, InspectionItem) else None
        errors = services.check_item(_values(attrs, instance))
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


def _values(data: dict[str, Any], instance: InspectionItem | None) -> dict[str, Any]:
    """Canonical values from validated data (on top of the stored ones for a PATCH)."""
    base = (
        services.item_values(instance)
        if instance is not None
        else {"seq": 0, "kind": "general", "mandate": "own", "points": [], "methods": ""}
    )
    values = dict(base)
    for key in services.ITEM_FIELDS:
        if key not in data:
            continue
        value = data[key]
        if key == "methods":
            value = services.method_codes(value)
        elif key in ("ratio_percent", "ratio_cap_percent"):
            value = services.ratio_text(value)
        elif key == "enforcement_area":
            value = value.code if value else ""
        values[key] = value
    for key in services.ITEM_FIELDS:
        values.setdefault(key, "")
    return values


class EnforcementAreaViewSet(viewsets.ReadOnlyModelViewSet[EnforcementArea]):
    """执法领域（参考数据，只读）。"""

    queryset = EnforcementArea.objects.all()
    serializer_class = EnforcementAreaSerializer
    permission_classes = [HasRole]
    allowed_roles = READERS


class ItemListViewSet(viewsets.ReadOnlyModelViewSet[ItemList]):
    """随机抽查事项清单的各个版本（本部门及下级、联席会议成员单位）。"""

    serializer_class = ItemListSerializer
    permission_classes = [HasRole]
    allowed_roles = READERS
    filterset_fields = ["department", "status"]

    def get_queryset(self) -> QuerySet[ItemList]:
        return ItemList.objects.for_user(self.request.user).select_related(  # type: ignore[arg-type]
            "department"
        )


class InspectionItemViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet[InspectionItem],
):
    """抽查事项。新增与修改写入本部门的草稿版本；已发布版本只读；不提供删除。"""

    serializer_class = InspectionItemSerializer
    permission_classes = [HasRole]
    allowed_roles = READERS
    write_roles = EDITORS
    filterset_class = ItemFilterSet

    def get_queryset(self) -> QuerySet[InspectionItem]:
        return (
            InspectionItem.objects.for_user(self.request.user)  # type: ignore[arg-type]
            .select_related("item_list", "enforcement_area")
            .prefetch_related("points")
            .order_by("item_list__department_id", "item_list__version", "seq", "code")
        )

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user: Any = request.user
        if not can_edit_registry(user, user.department_id):
            raise PermissionDenied("只有本部门的名录库管理员可以新增事项。")
        serializer: Any = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        draft = services.draft_for(user, user.department, "新增检查事项")
        item = services.save_item(
            user, draft, serializer.values(None), serializer.validated_data.get("reason", "")
        )
        return Response(self.get_serializer(item).data, status=status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        item = self.get_object()
        user: Any = request.user
        if not can_edit_registry(user, item.item_list.department_id):
            raise PermissionDenied("只有本部门的名录库管理员可以修改事项。")
        serializer: Any = self.get_serializer(
            item, data=request.data, partial=kwargs.get("partial", False)
        )
        serializer.is_valid(raise_exception=True)
        saved = services.save_item(
            user,
            item.item_list,
            serializer.values(item),
            serializer.validated_data.get("reason", ""),
            item=item,
        )
        saved = self.get_queryset().get(pk=saved.pk)
        return Response(self.get_serializer(saved).data)
