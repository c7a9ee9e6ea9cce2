"""Tasks and draws through the API: the same services and validation as the pages."""

from __future__ import annotations

from dataclasses import asdict
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.choices import Role
from accounts.permissions import HasRole, acting_user
from tasks import draws, joint_registry, services, teams
from tasks.choices import TaskTrigger
from tasks.forms import JointRegistryFilterForm
from tasks.models import DrawnSubject, SubjectDraw, Task, TeamMember
from tasks.views import DEPARTMENT_STAFF, READERS

R = Role


class TaskSerializer(serializers.ModelSerializer[Task]):
    items: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True
    )
    participants: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True
    )

    class Meta:
        model = Task
        fields = [
            "id",
            "code",
            "name",
            "year",
            "department",
            "participants",
            "plan_entry",
            "trigger",
            "reason",
            "items",
            "methods",
            "window_start",
            "window_end",
            "status",
        ]


class TaskCreateSerializer(serializers.Serializer[Task]):
    name = serializers.CharField(max_length=200)
    trigger = serializers.ChoiceField(choices=TaskTrigger.choices)
    item_ids = serializers.ListField(child=serializers.IntegerField())
    window_start = serializers.DateField()
    window_end = serializers.DateField()
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    participant_ids = serializers.ListField(
        child=serializers.IntegerField(), required=False, default=list
    )
    methods = serializers.ListField(child=serializers.CharField(), required=False, default=list)
    plan_entry_id = serializers.IntegerField(required=False, allow_null=True, default=None)


class DrawSettingsSerializer(serializers.Serializer[draws.DrawSettings]):
    ratios = serializers.DictField(
        child=serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True),
        required=False,
        default=dict,
        help_text="键：A、B、C、D、lists（名单标记）、none（未分类），值为百分比",
    )
    count = serializers.IntegerField(required=False, allow_null=True, min_value=1, default=None)
    substitutes = serializers.IntegerField(required=False, min_value=0, max_value=50, default=2)
    weighted = serializers.BooleanField(required=False, default=False)
    conditions = serializers.DictField(required=False, default=dict)
    witness_ids = serializers.ListField(
        child=serializers.IntegerField(), required=False, default=list
    )
    lottery = serializers.CharField(required=False, allow_blank=True, default="")
    overrides = serializers.DictField(child=serializers.CharField(), required=False, default=dict)

    def to_settings(self) -> draws.DrawSettings:
        data = dict(self.validated_data)
        data["ratios"] = {
            k: (Decimal(v) if v is not None else None) for k, v in data["ratios"].items()
        }
        return draws.DrawSettings(**data)


class SelectionSerializer(serializers.ModelSerializer[DrawnSubject]):
    subject_name = serializers.CharField(source="subject.name", read_only=True)

    class Meta:
        model = DrawnSubject
        fields = [
            "subject",
            "subject_name",
            "public_id",
            "pseudonym",
            "layer",
            "stratum",
            "rank",
            "key",
            "is_substitute",
            "assigned_department",
        ]


class DrawSerializer(serializers.ModelSerializer[SubjectDraw]):
    selections = SelectionSerializer(many=True, read_only=True)

    class Meta:
        model = SubjectDraw
        fields = [
            "id",
            "task",
            "number",
            "status",
            "settings",
            "conditions",
            "commitment",
            "commitment_digest",
            "committed_at",
            "pool_count",
            "seed",
            "drawn_at",
            "void_reason",
            "voided_at",
            "selections",
        ]


class TaskActionResultSerializer(serializers.Serializer[None]):
    created = serializers.IntegerField(required=False)
    status = serializers.CharField()


class JointRegistrySubjectSerializer(serializers.Serializer[Any]):
    """One firm of a joint task's combined subject registry (internal)."""

    subject_id = serializers.IntegerField(help_text="抽取时取用的名录记录")
    public_id = serializers.CharField(help_text="统一社会信用代码，或 部门代码:对象编码")
    name = serializers.CharField()
    subject_type = serializers.CharField()
    region = serializers.CharField()
    departments = serializers.ListField(child=serializers.CharField(), help_text="登记该对象的部门")
    eligible = serializers.BooleanField(help_text="本任务不定向抽取时可进入候选名单")
    reasons = serializers.ListField(child=serializers.CharField(), help_text="不可抽取的原因")
    credit_risk_class = serializers.CharField(
        allow_null=True, help_text="内部信息；无权查看该对象所在名录库时为 null"
    )


class JointRegistryInspectorSerializer(serializers.Serializer[Any]):
    """One inspector of a joint task's combined inspector registry (no personal data)."""

    inspector_id = serializers.IntegerField()
    name = serializers.CharField()
    department = serializers.CharField()
    unit = serializers.CharField()
    certificate_no = serializers.CharField()
    certificate_valid_from = serializers.DateField(allow_null=True)
    certificate_valid_until = serializers.DateField(allow_null=True)
    areas = serializers.ListField(child=serializers.CharField())
    drawable = serializers.BooleanField(help_text="本任务检查人员抽取可选派")
    reasons = serializers.ListField(child=serializers.CharField(), help_text="不可抽取的原因")


class JointRegistrySubjectPageSerializer(serializers.Serializer[None]):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = JointRegistrySubjectSerializer(many=True)


class JointRegistryInspectorPageSerializer(serializers.Serializer[None]):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = JointRegistryInspectorSerializer(many=True)


JOINT_REGISTRY_PARAMETERS = [
    OpenApiParameter("department", OpenApiTypes.INT, description="部门（检查对象：由该部门登记）"),
    OpenApiParameter("eligible", OpenApiTypes.BOOL, description="只看可抽取的"),
    OpenApiParameter("archived", OpenApiTypes.BOOL, description="含已移出名录库的"),
    OpenApiParameter("page", OpenApiTypes.INT, description="页码"),
]


class TaskViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Task]):
    """抽查任务：创建、预览候选名单、确定名单与参数（承诺）。"""

    serializer_class = TaskSerializer
    permission_classes = [HasRole]
    allowed_roles = READERS
    write_roles = (R.BUSINESS_STAFF,)
    filterset_fields = ["year", "status", "trigger"]

    def get_queryset(self) -> QuerySet[Task]:
        if getattr(self, "swagger_fake_view", False):
            return Task.objects.none()
        return Task.objects.for_user(acting_user(self.request)).prefetch_related(
            "items", "participants"
        )

    @extend_schema(request=TaskCreateSerializer, responses=TaskSerializer)
    def create(self, request: Request) -> Response:
        serializer = TaskCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        task = services.create_task(
            acting_user(request), services.TaskValues(**serializer.validated_data)
        )
        return Response(TaskSerializer(task).data, status=201)

    @extend_schema(request=DrawSettingsSerializer, responses=dict)
    @action(detail=True, methods=["post"])
    def preview(self, request: Request, pk: str) -> Response:
        serializer = DrawSettingsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = draws.preview(self.get_object(), serializer.to_settings())
        return Response(asdict(result))

    @extend_schema(request=None, responses=TaskActionResultSerializer)
    @action(detail=True, methods=["post"])
    def records(self, request: Request, pk: str) -> Response:
        """生成检查记录表（名单锁定、检查人员选派之后）。"""
        from inspections.services import generate_records

        task = self.get_object()
        created = generate_records(acting_user(request), task)
        return Response({"created": created, "status": task.status}, status=201)

    @extend_schema(request=None, responses=TaskActionResultSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk: str) -> Response:
        """办结任务并生成工作总结初稿。"""
        from tasks.summary import complete_task

        summary = complete_task(acting_user(request), self.get_object())
        return Response({"status": summary.task.status}, status=201)

    def _joint(self, request: Request) -> tuple[Task, joint_registry.RegistryFilters]:
        task = self.get_object()
        joint_registry.require_joint(task)
        form = JointRegistryFilterForm(task, request.query_params)
        if not form.is_valid():
            raise serializers.ValidationError(
                {k: [str(e) for e in v] for k, v in form.errors.items()}
            )
        return task, form.filters()

    @extend_schema(
        parameters=JOINT_REGISTRY_PARAMETERS, responses=JointRegistrySubjectPageSerializer
    )
    @action(detail=True, methods=["get"], url_path="joint-registry/subjects")
    def joint_registry_subjects(self, request: Request, pk: str) -> Response:
        """联合名录库·检查对象：各参与部门的检查对象，同一统一社会信用代码只列一户。"""
        task, filters = self._joint(request)
        page = self.paginate_queryset(joint_registry.subject_firms(task, filters))
        rows = joint_registry.subject_rows(
            task, page or [], acting_user(request), include_archived=filters.include_archived
        )
        return self.get_paginated_response(JointRegistrySubjectSerializer(rows, many=True).data)

    @extend_schema(
        parameters=JOINT_REGISTRY_PARAMETERS, responses=JointRegistryInspectorPageSerializer
    )
    @action(detail=True, methods=["get"], url_path="joint-registry/inspectors")
    def joint_registry_inspectors(self, request: Request, pk: str) -> Response:
        """联合名录库·执法检查人员：各参与部门的人员及本任务能否抽取（不含个人信息）。"""
        task, filters = self._joint(request)
        page = self.paginate_queryset(joint_registry.inspector_queryset(task, filters))  # type: ignore[arg-type]
        rows = joint_registry.inspector_rows(task, page or [], acting_user(request))
        return self.get_paginated_response(JointRegistryInspectorSerializer(rows, many=True).data)

    @extend_schema(request=DrawSettingsSerializer, responses=DrawSerializer)
    @action(detail=True, methods=["post"], url_path="draws")
    def prepare(self, request: Request, pk: str) -> Response:
        serializer = DrawSettingsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        draw = draws.prepare_draw(acting_user(request), self.get_object(), serializer.to_settings())
        return Response(DrawSerializer(draw).data, status=201)


class TextSerializer(serializers.Serializer[None]):
    text = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="承诺值、秘密、开奖号码或原因"
    )


class VoidDecisionSerializer(serializers.Serializer[None]):
    approve = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class TeamSettingsSerializer(serializers.Serializer[None]):
    min_team_size = serializers.IntegerField(min_value=2, max_value=10, required=False, default=2)
    max_load = serializers.IntegerField(min_value=1, required=False, allow_null=True, default=None)
    with_expert = serializers.BooleanField(required=False, default=False)
    units = serializers.ListField(
        child=serializers.CharField(), required=False, allow_null=True, default=None
    )


class DrawViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[SubjectDraw]
):
    """检查对象抽取：见证、开奖号码、抽取锁定、作废、记录、检查人员选派、分派。"""

    serializer_class = DrawSerializer
    permission_classes = [HasRole]
    allowed_roles = READERS
    write_roles = DEPARTMENT_STAFF
    filterset_fields = ["task", "status"]

    def get_queryset(self) -> QuerySet[SubjectDraw]:
        if getattr(self, "swagger_fake_view", False):
            return SubjectDraw.objects.none()
        tasks = Task.objects.for_user(acting_user(self.request))
        return (
            SubjectDraw.objects.filter(task__in=tasks)
            .select_related("task")
            .prefetch_related("selections__subject")
        )

    def _text(self, request: Request) -> str:
        serializer = TextSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return str(serializer.validated_data["text"])

    def _done(self, draw: SubjectDraw) -> Response:
        draw.refresh_from_db()
        return Response(DrawSerializer(draw).data)

    @extend_schema(request=TextSerializer, responses=DrawSerializer)
    @action(detail=True, methods=["post"], url_path="witness-commitment")
    def witness_commitment(self, request: Request, pk: str) -> Response:
        draw = self.get_object()
        draws.register_witness_commitment(acting_user(request), draw, self._text(request))
        return self._done(draw)

    @extend_schema(request=TextSerializer, responses=DrawSerializer)
    @action(detail=True, methods=["post"])
    def reveal(self, request: Request, pk: str) -> Response:
        draw = self.get_object()
        draws.reveal_witness_secret(acting_user(request), draw, self._text(request))
        return self._done(draw)

    @extend_schema(request=TextSerializer, responses=DrawSerializer)
    @action(detail=True, methods=["post"])
    def lottery(self, request: Request, pk: str) -> Response:
        draw = self.get_object()
        draws.enter_lottery_result(acting_user(request), draw, self._text(request))
        return self._done(draw)

    @extend_schema(request=None, responses=DrawSerializer)
    @action(detail=True, methods=["post"])
    def execute(self, request: Request, pk: str) -> Response:
        return Response(
            DrawSerializer(draws.execute_draw(acting_user(request), self.get_object())).data
        )

    @extend_schema(request=TextSerializer, responses=DrawSerializer)
    @action(detail=True, methods=["post"])
    def void(self, request: Request, pk: str) -> Response:
        draw = self.get_object()
        draws.request_void(acting_user(request), draw, self._text(request))
        return self._done(draw)

    @extend_schema(request=VoidDecisionSerializer, responses=DrawSerializer)
    @action(detail=True, methods=["post"], url_path="void-decision")
    def void_decision(self, request: Request, pk: str) -> Response:
        serializer = VoidDecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        draw = self.get_object()
        draws.decide_void(
            acting_user(request),
            draw,
            serializer.validated_data["approve"],
            serializer.validated_data["note"],
        )
        return self._done(draw)

    @extend_schema(responses=dict)
    @action(detail=True, methods=["get"])
    def record(self, request: Request, pk: str) -> Response:
        return Response(self.get_object().record)

    @extend_schema(request=TeamSettingsSerializer, responses=dict)
    @action(detail=True, methods=["post"])
    def teams(self, request: Request, pk: str) -> Response:
        serializer = TeamSettingsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        team_draw = teams.draw_teams(
            acting_user(request), self.get_object(), teams.TeamSettings(**serializer.validated_data)
        )
        members = team_draw.members.values("subject", "inspector", "expert", "group", "substitute")
        return Response(
            {"id": team_draw.pk, "seed": team_draw.seed, "members": list(members)}, status=201
        )

    @extend_schema(request=None, responses=dict)
    @action(detail=True, methods=["post"])
    def distribute(self, request: Request, pk: str) -> Response:
        return Response(draws.distribute_by_region(acting_user(request), self.get_object()))


class TeamMemberSerializer(serializers.ModelSerializer[TeamMember]):
    class Meta:
        model = TeamMember
        fields = [
            "id",
            "team_draw",
            "subject",
            "inspector",
            "expert",
            "group",
            "substitute",
            "step",
            "active",
        ]


class TeamMemberViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[TeamMember]
):
    """检查组成员；回避。"""

    serializer_class = TeamMemberSerializer
    permission_classes = [HasRole]
    allowed_roles = READERS
    write_roles = (R.BUSINESS_STAFF, R.UNIT_HEAD, R.INSPECTOR)
    filterset_fields = ["team_draw", "subject", "active"]

    def get_queryset(self) -> QuerySet[TeamMember]:
        if getattr(self, "swagger_fake_view", False):
            return TeamMember.objects.none()
        return TeamMember.objects.filter(
            team_draw__task__in=Task.objects.for_user(acting_user(self.request))
        )

    @extend_schema(request=TextSerializer, responses=dict)
    @action(detail=True, methods=["post"])
    def recuse(self, request: Request, pk: str) -> Response:
        serializer = TextSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        recusal = teams.recuse(
            acting_user(request), self.get_object(), serializer.validated_data["text"]
        )
        return Response(
            {
                "removed": recusal.removed_id,
                "replacement": TeamMemberSerializer(recusal.replacement).data,
            }
        )
