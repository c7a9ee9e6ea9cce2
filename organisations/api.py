from __future__ import annotations

from django.db.models import QuerySet
from rest_framework import serializers, viewsets

from accounts.choices import Role
from accounts.permissions import HasRole
from organisations.models import Department, Region, Unit
from organisations.views import READERS


class RegionSerializer(serializers.ModelSerializer[Region]):
    class Meta:
        model = Region
        fields = ["id", "code", "name", "level", "parent"]


class DepartmentSerializer(serializers.ModelSerializer[Department]):
    region_code = serializers.CharField(source="region.code", read_only=True)

    class Meta:
        model = Department
        fields = [
            "id",
            "code",
            "name",
            "short_name",
            "region",
            "region_code",
            "sector",
            "parent",
            "is_active",
        ]


class UnitSerializer(serializers.ModelSerializer[Unit]):
    class Meta:
        model = Unit
        fields = ["id", "department", "name", "kind", "region", "is_active"]


class RegionViewSet(viewsets.ReadOnlyModelViewSet[Region]):
    """行政区划（只读）。"""

    queryset = Region.objects.all()
    serializer_class = RegionSerializer
    permission_classes = [HasRole]
    allowed_roles = READERS
    filterset_fields = ["level", "parent"]


class DepartmentViewSet(viewsets.ReadOnlyModelViewSet[Department]):
    """部门：按本人所在部门及其下级、或联席会议成员单位范围返回。"""

    serializer_class = DepartmentSerializer
    permission_classes = [HasRole]
    allowed_roles = READERS
    filterset_fields = ["sector", "region", "is_active"]

    def get_queryset(self) -> QuerySet[Department]:
        if getattr(self, "swagger_fake_view", False):
            return Department.objects.none()
        user = self.request.user
        if user.has_role(Role.SYSTEM_ADMIN):  # type: ignore[union-attr]
            return Department.objects.select_related("region").all()
        return Department.objects.for_user(user).select_related("region")  # type: ignore[arg-type]


class UnitViewSet(viewsets.ReadOnlyModelViewSet[Unit]):
    """内设单位。"""

    serializer_class = UnitSerializer
    permission_classes = [HasRole]
    allowed_roles = READERS
    filterset_fields = ["department", "kind"]

    def get_queryset(self) -> QuerySet[Unit]:
        if getattr(self, "swagger_fake_view", False):
            return Unit.objects.none()
        user = self.request.user
        if user.has_role(Role.SYSTEM_ADMIN):  # type: ignore[union-attr]
            return Unit.objects.all()
        return Unit.objects.filter(department__in=Department.objects.for_user(user))  # type: ignore[arg-type]
