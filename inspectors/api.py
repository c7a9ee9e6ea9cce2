"""Inspector registry and expert library API: same scope, roles and validation as the pages.
Personal data is masked in every response; full numbers are only given by the logged
`personal-data` action to the department's own registry manager."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import HasRole, acting_user
from core.registry_roles import EDITORS, READERS, can_edit_registry
from inspectors import services
from inspectors.choices import InspectorStatus
from inspectors.filters import ExpertFilterSet, InspectorFilterSet
from inspectors.models import Expert, Inspector


class InspectorSerializer(serializers.Serializer[Inspector]):
    id = serializers.IntegerField(read_only=True)
    department = serializers.IntegerField(source="department_id", read_only=True)
    certificate_no = serializers.CharField(max_length=32)
    name = serializers.CharField(max_length=50)
    unit = serializers.CharField(max_length=100, required=False, allow_blank=True)
    position = serializers.CharField(max_length=50, required=False, allow_blank=True)
    specialty = serializers.CharField(max_length=200, required=False, allow_blank=True)
    experience_years = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    certificate_valid_from = serializers.DateField(required=False, allow_null=True)
    certificate_valid_until = serializers.DateField(required=False, allow_null=True)
    enforcement_areas = serializers.ListField(child=serializers.CharField(), required=False)
    status = serializers.ChoiceField(choices=InspectorStatus.choices, required=False)
    id_number = serializers.CharField(
        max_length=18,
        required=False,
        allow_blank=True,
        help_text="写入时为完整号码；读取时为脱敏号码",
    )
    phone = serializers.CharField(
        max_length=20,
        required=False,
        allow_blank=True,
        help_text="写入时为完整号码；读取时为脱敏号码",
    )
    drawable_today = serializers.BooleanField(read_only=True)
    not_drawable_reasons = serializers.ListField(child=serializers.CharField(), read_only=True)
    reason = serializers.CharField(write_only=True, required=False, allow_blank=True)

    def to_representation(self, instance: Inspector) -> dict[str, Any]:
        values = services.inspector_values(instance)
        needed = self.context.get("needed", {}).get(instance.department_id)
        if needed is None:
            needed = services.needed_areas([instance.department_id]).get(
                instance.department_id, set()
            )
        reasons = services.drawability(instance, timezone.localdate(), needed)
        return {
            "id": instance.pk,
            "department": instance.department_id,
            **values,
            "id_number": instance.id_number_masked,
            "phone": instance.phone_masked,
            "drawable_today": not reasons,
            "not_drawable_reasons": reasons,
        }

    def validate_id_number(self, value: str) -> str:
        problem = services.check_id_number(value.strip().upper())
        if problem:
            raise serializers.ValidationError(problem)
        return value.strip().upper()

    def validate_phone(self, value: str) -> str:
        problem = services.check_phone(value.strip())
        if problem:
            raise serializers.ValidationError(problem)
        return value.strip()

    def values(self, instance: Inspector | None) -> dict[str, Any]:
        data = {
            k: v
            for k, v in self.validated_data.items()
            if k not in ("reason", "id_number", "phone")
        }
        if "enforcement_areas" in data:
            data["enforcement_areas"] = sorted(set(data["enforcement_areas"]))
        base: dict[str, Any] = (
            services.inspector_values(instance)
            if instance
            else {"status": InspectorStatus.ACTIVE, "enforcement_areas": []}
        )
        return {**base, **data}


class ExpertSerializer(serializers.Serializer[Expert]):
    id = serializers.IntegerField(read_only=True)
    department = serializers.IntegerField(source="department_id", read_only=True)
    name = serializers.CharField(max_length=50)
    organisation = serializers.CharField(max_length=200)
    field = serializers.CharField(max_length=200)
    title = serializers.CharField(max_length=50, required=False, allow_blank=True)
    is_available = serializers.BooleanField(required=False)
    enforcement_areas = serializers.ListField(child=serializers.CharField(), required=False)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    reason = serializers.CharField(write_only=True, required=False, allow_blank=True)

    def to_representation(self, instance: Expert) -> dict[str, Any]:
        return {
            "id": instance.pk,
            "department": instance.department_id,
            **services.expert_values(instance),
            "id_number": instance.id_number_masked,
            "phone": instance.phone_masked,
        }

    def validate_phone(self, value: str) -> str:
        problem = services.check_phone(value.strip())
        if problem:
            raise serializers.ValidationError(problem)
        return value.strip()


class _Editable(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet[Any],
):
    permission_classes = [HasRole]
    allowed_roles = READERS
    write_roles = EDITORS

    def _check_edit(self, department_id: int | None) -> Any:
        user: Any = self.request.user
        if not can_edit_registry(user, department_id):
            raise PermissionDenied("只有本部门的名录库管理员可以修改。")
        return user


class InspectorViewSet(_Editable):
    """执法检查人员名录库。身份证号、手机号码在响应中脱敏；不提供删除。"""

    serializer_class = InspectorSerializer
    filterset_class = InspectorFilterSet

    def get_queryset(self) -> QuerySet[Inspector]:
        return (
            Inspector.objects.for_user(self.request.user)  # type: ignore[arg-type]
            .select_related("unit")
            .prefetch_related("enforcement_areas")
            .order_by("department_id", "name", "pk")
        )

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        context["needed"] = (
            services.needed_areas(
                Inspector.objects.for_user(self.request.user)
                .values_list("department_id", flat=True)
                .distinct()
            )
            if self.request.user.is_authenticated
            else {}
        )
        return context

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = self._check_edit(getattr(request.user, "department_id", None))
        serializer: Any = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        inspector = services.save_inspector(
            user,
            user.department,
            serializer.values(None),
            id_number=data.get("id_number"),
            phone=data.get("phone"),
            reason=data.get("reason", ""),
        )
        return Response(
            self.get_serializer(self.get_queryset().get(pk=inspector.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        inspector = self.get_object()
        user = self._check_edit(inspector.department_id)
        serializer: Any = self.get_serializer(
            inspector, data=request.data, partial=kwargs.get("partial", False)
        )
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.save_inspector(
            user,
            inspector.department,
            serializer.values(inspector),
            id_number=data.get("id_number"),
            phone=data.get("phone"),
            reason=data.get("reason", ""),
            inspector=inspector,
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=inspector.pk)).data)

    @extend_schema(
        request=None,
        responses=inline_serializer(
            "InspectorPersonalData",
            {"id_number": serializers.CharField(), "phone": serializers.CharField()},
        ),
    )
    @action(detail=True, methods=["post"], url_path="personal-data")
    def personal_data(self, request: Request, pk: str | None = None) -> Response:
        """完整的身份证号和手机号码（仅本部门名录库管理员；每次查看记入审计日志）。"""
        inspector = self.get_object()
        return Response(
            services.reveal(
                acting_user(request),
                inspector,
                inspector.department_id,
                str(request.data.get("purpose", "")) if hasattr(request.data, "get") else "",
            )
        )


class ExpertViewSet(_Editable):
    """专家库。身份证号、手机号码在响应中脱敏；不提供删除。"""

    serializer_class = ExpertSerializer
    filterset_class = ExpertFilterSet

    def get_queryset(self) -> QuerySet[Expert]:
        return (
            Expert.objects.for_user(self.request.user)  # type: ignore[arg-type]
            .prefetch_related("enforcement_areas")
            .order_by("department_id", "name", "pk")
        )

    def _values(self, serializer: Any, instance: Expert | None) -> dict[str, Any]:
        data = {k: v for k, v in serializer.validated_data.items() if k not in ("reason", "phone")}
        base = services.expert_values(instance) if instance else {"is_available": True}
        return {**base, **data}

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = self._check_edit(getattr(request.user, "department_id", None))
        serializer: Any = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        expert = services.save_expert(
            user,
            user.department,
            self._values(serializer, None),
            phone=serializer.validated_data.get("phone"),
            reason=serializer.validated_data.get("reason", ""),
        )
        return Response(self.get_serializer(expert).data, status=status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        expert = self.get_object()
        user = self._check_edit(expert.department_id)
        serializer: Any = self.get_serializer(
            expert, data=request.data, partial=kwargs.get("partial", False)
        )
        serializer.is_valid(raise_exception=True)
        saved = services.save_expert(
            user,
            expert.department,
            self._values(serializer, expert),
            phone=serializer.validated_data.get("phone"),
            reason=serializer.validated_data.get("reason", ""),
            expert=expert,
        )
        return Response(self.get_serializer(saved).data)
