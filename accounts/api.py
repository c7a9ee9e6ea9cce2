from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from accounts import services
from accounts.choices import Role
from accounts.models import User
from accounts.permissions import HasRole, acting_user


class UserSerializer(serializers.ModelSerializer[User]):
    roles = serializers.ListField(
        child=serializers.ChoiceField(choices=Role.choices), required=False, write_only=True
    )
    password = serializers.CharField(write_only=True, required=True)
    locked = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "full_name",
            "department",
            "unit",
            "conference",
            "roles",
            "is_active",
            "locked",
            "password",
        ]
        read_only_fields = ["is_active"]

    def get_locked(self, user: User) -> bool:
        return user.is_locked()

    def to_representation(self, instance: User) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["roles"] = sorted(instance.role_codes())
        return data

    def create(self, validated_data: dict[str, Any]) -> User:
        return services.create_user(self.context["request"].user, **validated_data)


class UserViewSet(viewsets.ModelViewSet[User]):
    """用户（系统管理员维护，安全管理员只读）。"""

    serializer_class = UserSerializer
    permission_classes = [HasRole]
    allowed_roles = (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN)
    write_roles = (Role.SYSTEM_ADMIN,)
    http_method_names = ["get", "post", "head", "options"]
    filterset_fields = ["department", "is_active"]

    def get_queryset(self) -> QuerySet[User]:
        return User.objects.prefetch_related("roles").order_by("username")


class MeSerializer(serializers.Serializer[User]):
    username = serializers.CharField()
    full_name = serializers.CharField()
    department = serializers.CharField(allow_null=True)
    roles = serializers.ListField(child=serializers.CharField())


@extend_schema(responses=MeSerializer, summary="当前用户")
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def me(request: Request) -> Response:
    user = acting_user(request)
    return Response(
        {
            "username": user.username,
            "full_name": user.full_name,
            "department": user.department.name if user.department else None,
            "roles": sorted(user.role_codes()),
        }
    )
