"""Subject registry API: same scope, roles and validation (services.check_subject) as pages."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import HasRole
from core.registry_roles import APPROVERS, EDITORS, READERS, can_edit_registry
from subjects import services
from subjects.choices import CreditRiskClass, OperatingStatus, RemovalReason
from subjects.filters import SubjectFilterSet
from subjects.models import Industry, LicenceType, RemovalRequest, Subject, SubjectType, Tag
from subjects.tagging import TagChange

# Subjects named in one tagging request; larger sets are sent in several requests.
MAX_TAGGING_ITEMS = 5000


class SubjectTypeSerializer(serializers.ModelSerializer[SubjectType]):
    class Meta:
        model = SubjectType
        fields = ["id", "code", "name", "has_uscc", "is_natural_person", "is_active"]


class IndustrySerializer(serializers.ModelSerializer[Industry]):
    parent = serializers.SlugRelatedField[Industry](  # type: ignore[assignment]
        slug_field="code", read_only=True
    )

    class Meta:
        model = Industry
        fields = ["id", "code", "name", "level", "parent"]


class LicenceTypeSerializer(serializers.ModelSerializer[LicenceType]):
    class Meta:
        model = LicenceType
        fields = ["id", "code", "name", "sector", "is_active"]


class SubjectSerializer(serializers.Serializer[Subject]):
    """A subject as canonical values: reference data by code, relations as lists of codes."""

    id = serializers.IntegerField(read_only=True)
    department = serializers.IntegerField(source="department_id", read_only=True)
    code = serializers.CharField(max_length=64, required=False, allow_blank=True)
    subject_type = serializers.CharField(max_length=64)
    name = serializers.CharField(max_length=200)
    uscc = serializers.CharField(max_length=18, required=False, allow_blank=True)
    legal_representative = serializers.CharField(max_length=50, required=False, allow_blank=True)
    address = serializers.CharField(max_length=255, required=False, allow_blank=True)
    region = serializers.CharField(max_length=6, required=False, allow_blank=True)
    town = serializers.CharField(max_length=50, required=False, allow_blank=True)
    industry = serializers.CharField(max_length=64, required=False, allow_blank=True)
    licence_types = serializers.ListField(child=serializers.CharField(), required=False)
    operating_status = serializers.ChoiceField(choices=OperatingStatus.choices, required=False)
    credit_risk_class = serializers.ChoiceField(
        choices=[("", "未分类")] + CreditRiskClass.choices, required=False, allow_blank=True
    )
    abnormal_list = serializers.BooleanField(required=False)
    serious_violation_list = serializers.BooleanField(required=False)
    complaint_count = serializers.IntegerField(min_value=0, required=False)
    applicable_items = serializers.ListField(child=serializers.CharField(), required=False)
    tags = serializers.ListField(child=serializers.CharField(), required=False)
    is_archived = serializers.BooleanField(read_only=True)
    reason = serializers.CharField(write_only=True, required=False, allow_blank=True)

    def to_representation(self, instance: Subject) -> dict[str, Any]:
        return {
            "id": instance.pk,
            "department": instance.department_id,
            **services.subject_values(instance),
            "is_archived": instance.is_archived,
        }

    def values(self, instance: Subject | None) -> dict[str, Any]:
        data = {k: v for k, v in self.validated_data.items() if k != "reason"}
        if "uscc" in data:
            data["uscc"] = data["uscc"].strip().upper()
        for key in services.M2M_FIELDS:
            if key in data:
                data[key] = sorted(set(data[key]))
        base = services.subject_values(instance) if instance is not None else services.DEFAULTS
        return {**base, **data}


class RemovalRequestSerializer(serializers.ModelSerializer[RemovalRequest]):
    class Meta:
        model = RemovalRequest
        fields = [
            "id",
            "subject",
            "reason_kind",
            "reason",
            "status",
            "created_at",
            "decided_by",
            "decided_at",
            "decision_note",
        ]
        read_only_fields = fields


class RemovalInputSerializer(serializers.Serializer[Any]):
    reason_kind = serializers.ChoiceField(choices=RemovalReason.choices)
    reason = serializers.CharField(max_length=2000)


class DecisionSerializer(serializers.Serializer[Any]):
    approve = serializers.BooleanField()
    note = serializers.CharField(max_length=1000, required=False, allow_blank=True)


class _Reference(viewsets.ReadOnlyModelViewSet[Any]):
    permission_classes = [HasRole]
    allowed_roles = READERS


class SubjectTypeViewSet(_Reference):
    """检查对象类型（参考数据）。"""

    queryset = SubjectType.objects.all()
    serializer_class = SubjectTypeSerializer


class IndustryViewSet(_Reference):
    """国民经济行业分类（GB/T 4754-2017 门类、大类）。"""

    queryset = Industry.objects.select_related("parent")
    serializer_class = IndustrySerializer
    filterset_fields = ["level"]


class LicenceTypeViewSet(_Reference):
    """许可证类型。"""

    queryset = LicenceType.objects.all()
    serializer_class = LicenceTypeSerializer


class SubjectViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet[Subject],
):
    """检查对象名录库。写入限本部门名录库管理员；不提供删除，移出须申请并经分管领导审批。"""

    serializer_class = SubjectSerializer
    permission_classes = [HasRole]
    allowed_roles = READERS
    write_roles = EDITORS
    filterset_class = SubjectFilterSet

    def get_queryset(self) -> QuerySet[Subject]:
        queryset = Subject.objects.for_user(self.request.user)  # type: ignore[arg-type]
        return services.with_values_related(queryset).order_by("name", "pk")  # type: ignore[no-any-return]

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user: Any = request.user
        if not can_edit_registry(user, user.department_id):
            raise PermissionDenied("只有本部门的名录库管理员可以新增检查对象。")
        serializer: Any = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        subject = services.save_subject(
            user,
            user.department,
            serializer.values(None),
            serializer.validated_data.get("reason", ""),
        )
        return Response(
            self.get_serializer(self.get_queryset().get(pk=subject.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        subject = self.get_object()
        user: Any = request.user
        if not can_edit_registry(user, subject.department_id):
            raise PermissionDenied("只有本部门的名录库管理员可以修改该对象。")
        serializer: Any = self.get_serializer(
            subject, data=request.data, partial=kwargs.get("partial", False)
        )
        serializer.is_valid(raise_exception=True)
        services.save_subject(
            user,
            subject.department,
            serializer.values(subject),
            serializer.validated_data.get("reason", ""),
            subject=subject,
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=subject.pk)).data)

    @extend_schema(request=RemovalInputSerializer, responses=RemovalRequestSerializer)
    @action(detail=True, methods=["post"], url_path="removal-request")
    def removal_request(self, request: Request, pk: str | None = None) -> Response:
        """申请将对象移出名录库（待分管领导审批）。"""
        subject = self.get_object()
        user: Any = request.user
        if not can_edit_registry(user, subject.department_id):
            raise PermissionDenied("只有本部门的名录库管理员可以申请移出。")
        data = RemovalInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        removal = services.request_removal(
            user, subject, data.validated_data["reason_kind"], data.validated_data["reason"]
        )
        return Response(RemovalRequestSerializer(removal).data, status=status.HTTP_201_CREATED)


class RemovalRequestViewSet(viewsets.ReadOnlyModelViewSet[RemovalRequest]):
    """检查对象移出申请；分管领导审批。"""

    serializer_class = RemovalRequestSerializer
    permission_classes = [HasRole]
    allowed_roles = READERS
    write_roles = APPROVERS
    filterset_fields = ["status"]

    def get_queryset(self) -> QuerySet[RemovalRequest]:
        subjects = Subject.objects.for_user(self.request.user)  # type: ignore[arg-type]
        return RemovalRequest.objects.filter(subject__in=subjects)

    @extend_schema(request=DecisionSerializer, responses=RemovalRequestSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str | None = None) -> Response:
        """批准或驳回移出申请（本部门分管领导）。"""
        removal = self.get_object()
        data = DecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.decide_removal(
            request.user,  # type: ignore[arg-type]
            removal,
            data.validated_data["approve"],
            data.validated_data.get("note", ""),
        )
        removal.refresh_from_db()
        return Response(RemovalRequestSerializer(removal).data)


class SubjectTagSerializer(serializers.ModelSerializer[Tag]):
    department = serializers.SlugRelatedField[Any](slug_field="code", read_only=True)
    shared_with = serializers.SlugRelatedField[Any](slug_field="code", many=True, read_only=True)
    subject_count = serializers.IntegerField(read_only=True, help_text="名录库中（未移出）的对象数")

    class Meta:
        model = Tag
        fields = [
            "id",
            "department",
            "name",
            "description",
            "shared_with",
            "is_archived",
            "subject_count",
        ]
        read_only_fields = fields


class SubjectTagAssignmentSerializer(serializers.Serializer[Any]):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        max_length=MAX_TAGGING_ITEMS,
        help_text="检查对象 id",
    )
    codes = serializers.ListField(
        child=serializers.CharField(max_length=64),
        required=False,
        max_length=MAX_TAGGING_ITEMS,
        help_text="本部门的对象编码",
    )
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs.get("ids") and not attrs.get("codes"):
            raise serializers.ValidationError("请提供检查对象的 ids 或 codes。")
        return attrs


class SubjectTagChangeSerializer(serializers.Serializer[Any]):
    tag = serializers.IntegerField()
    count = serializers.IntegerField(help_text="添加（或移除）了标签的对象数")
    skipped = serializers.IntegerField(help_text="原已带有（或原本没有）该标签的对象数")
    codes = serializers.ListField(child=serializers.CharField(), help_text="变更的对象编码")


def _requested_subjects(user: Any, tag: Tag, data: dict[str, Any]) -> QuerySet[Subject]:
    """The subjects named by id (any the user sees) or by code (in the tag's department); an id
    or code that names nothing the user sees is refused, not skipped."""
    ids, codes = set(data.get("ids") or []), set(data.get("codes") or [])
    subjects = Subject.objects.for_user(user).filter(
        Q(pk__in=ids) | Q(department_id=tag.department_id, code__in=codes)
    )
    found = list(subjects.values_list("pk", "code", "department_id"))
    errors = {}
    missing_ids = ids - {pk for pk, _, _ in found}
    if missing_ids:
        errors["ids"] = f"不存在或无权查看：{'、'.join(map(str, sorted(missing_ids)))}"
    missing_codes = codes - {code for _, code, dept in found if dept == tag.department_id}
    if missing_codes:
        errors["codes"] = f"本部门名录库中没有：{'、'.join(sorted(missing_codes))}"
    if errors:
        raise ValidationError(errors)
    return subjects


class SubjectTagViewSet(viewsets.ReadOnlyModelViewSet[Tag]):
    """子库标签（分类标注）。批量添加、移除限本部门名录库管理员：只能使用本部门未归档的标签，只能
    标注本部门名录库中的对象；每次操作记一条审计事件。"""

    serializer_class = SubjectTagSerializer
    permission_classes = [HasRole]
    allowed_roles = READERS
    write_roles = EDITORS
    filterset_fields = ["is_archived"]

    def get_queryset(self) -> QuerySet[Tag]:
        return (
            Tag.objects.for_user(self.request.user)  # type: ignore[arg-type]
            .select_related("department")
            .prefetch_related("shared_with")
            .annotate(subject_count=Count("subjects", filter=Q(subjects__is_archived=False)))
            .order_by("department__code", "name")
        )

    @extend_schema(request=SubjectTagAssignmentSerializer, responses=SubjectTagChangeSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, pk: str | None = None) -> Response:
        """为所列对象添加该标签（已带有的跳过）。"""
        return self._change(request, services.assign_tag)

    @extend_schema(request=SubjectTagAssignmentSerializer, responses=SubjectTagChangeSerializer)
    @action(detail=True, methods=["post"])
    def remove(self, request: Request, pk: str | None = None) -> Response:
        """从所列对象移除该标签（原本没有的跳过）。"""
        return self._change(request, services.remove_tag)

    def _change(self, request: Request, operation: Any) -> Response:
        tag = self.get_object()
        user: Any = request.user
        if not can_edit_registry(user, tag.department_id):
            raise PermissionDenied("只能使用本部门的标签，由本部门名录库管理员标注。")
        data = SubjectTagAssignmentSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        subjects = _requested_subjects(user, tag, data.validated_data)
        change: TagChange = operation(user, tag, subjects, data.validated_data.get("reason", ""))
        return Response(
            SubjectTagChangeSerializer(
                {
                    "tag": change.tag.pk,
                    "count": change.count,
                    "skipped": change.skipped,
                    "codes": change.codes,
                }
            ).data
        )
