"""Plans through the API: the same services and validation as the pages."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.choices import Role
from accounts.permissions import HasRole, acting_user
from plans import services
from plans.choices import AdjustmentKind, DrawBasis
from plans.models import AnnualPlan, PlanAdjustment, PlanEntry
from plans.values import EntryValues
from plans.views import READERS


class EntrySerializer(serializers.ModelSerializer[PlanEntry]):
    items: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True
    )
    participants: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True
    )

    class Meta:
        model = PlanEntry
        fields = [
            "id",
            "plan",
            "seq",
            "name",
            "items",
            "object_scope",
            "basis",
            "ratio_a",
            "ratio_b",
            "ratio_c",
            "ratio_d",
            "count",
            "window_start",
            "window_end",
            "lead_department",
            "participants",
            "methods",
            "remarks",
            "is_archived",
        ]


class EntryValuesSerializer(serializers.Serializer[EntryValues]):
    name = serializers.CharField(max_length=200)
    item_ids = serializers.ListField(child=serializers.IntegerField())
    object_scope = serializers.CharField()
    window_start = serializers.DateField()
    window_end = serializers.DateField()
    basis = serializers.ChoiceField(choices=DrawBasis.choices, default=DrawBasis.RATIO)
    ratios = serializers.DictField(
        child=serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True),
        required=False,
    )
    count = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    participant_ids = serializers.ListField(child=serializers.IntegerField(), required=False)
    methods = serializers.ListField(child=serializers.CharField(), required=False)
    remarks = serializers.CharField(required=False, allow_blank=True)

    def to_values(self) -> EntryValues:
        return EntryValues(**self.validated_data)


class PlanSerializer(serializers.ModelSerializer[AnnualPlan]):
    entries = serializers.SerializerMethodField()

    class Meta:
        model = AnnualPlan
        fields = [
            "id",
            "department",
            "year",
            "title",
            "status",
            "submitted_at",
            "filed_at",
            "published_at",
            "entries",
        ]
        read_only_fields = ["department", "status", "submitted_at", "filed_at", "published_at"]
        extra_kwargs = {"title": {"required": False, "allow_blank": True}}

    def get_entries(self, plan: AnnualPlan) -> list[dict[str, Any]]:
        live = [e for e in plan.entries.all() if not e.is_archived]
        return EntrySerializer(live, many=True).data  # type: ignore[return-value]

    def create(self, validated_data: dict[str, Any]) -> AnnualPlan:
        user = acting_user(self.context["request"])
        return services.create_plan(user, validated_data["year"], validated_data.get("title", ""))


class PlanReasonSerializer(serializers.Serializer[None]):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class PlanViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[AnnualPlan],
):
    """年度抽查工作计划：查看、编制、提交、备案、公布、退回。"""

    serializer_class = PlanSerializer
    permission_classes = [HasRole]
    allowed_roles = READERS
    write_roles = (Role.BUSINESS_STAFF, Role.SUPERVISING_LEADER)
    filterset_fields = ["year", "status", "department"]

    def get_queryset(self) -> QuerySet[AnnualPlan]:
        if getattr(self, "swagger_fake_view", False):
            return AnnualPlan.objects.none()
        return AnnualPlan.objects.for_user(acting_user(self.request)).prefetch_related(
            "entries__items", "entries__participants"
        )

    @extend_schema(request=EntryValuesSerializer, responses=EntrySerializer)
    @action(detail=True, methods=["post"])
    def entries(self, request: Request, pk: str) -> Response:
        serializer = EntryValuesSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        entry = services.add_entry(acting_user(request), self.get_object(), serializer.to_values())
        return Response(EntrySerializer(entry).data, status=201)

    def _transition(self, request: Request, run: Any) -> Response:
        serializer = PlanReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        plan = run(acting_user(request), self.get_object(), serializer.validated_data["reason"])
        return Response(PlanSerializer(plan, context={"request": request}).data)

    @extend_schema(request=PlanReasonSerializer, responses=PlanSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str) -> Response:
        return self._transition(request, lambda u, p, r: services.submit_plan(u, p))

    @extend_schema(request=PlanReasonSerializer, responses=PlanSerializer)
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request: Request, pk: str) -> Response:
        return self._transition(request, services.return_plan)

    @extend_schema(request=PlanReasonSerializer, responses=PlanSerializer)
    @action(detail=True, methods=["post"])
    def file(self, request: Request, pk: str) -> Response:
        return self._transition(request, services.file_plan)

    @extend_schema(request=PlanReasonSerializer, responses=PlanSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str) -> Response:
        return self._transition(request, lambda u, p, r: services.publish_plan(u, p))


class AdjustmentSerializer(serializers.ModelSerializer[PlanAdjustment]):
    values = EntryValuesSerializer(required=False, write_only=True)

    class Meta:
        model = PlanAdjustment
        fields = [
            "id",
            "plan",
            "entry",
            "kind",
            "reason",
            "proposed",
            "before",
            "status",
            "decided_by",
            "decided_at",
            "decision_note",
            "values",
        ]
        read_only_fields = [
            "proposed",
            "before",
            "status",
            "decided_by",
            "decided_at",
            "decision_note",
        ]

    def create(self, validated_data: dict[str, Any]) -> PlanAdjustment:
        user = acting_user(self.context["request"])
        raw = validated_data.get("values")
        values = (
            EntryValues(**raw) if raw and validated_data["kind"] != AdjustmentKind.REMOVE else None
        )
        plan = AnnualPlan.objects.for_user(user).filter(pk=validated_data["plan"].pk).first()
        if plan is None:
            raise NotFound("未找到该计划，或您无权查看。")
        return services.propose_adjustment(
            user,
            plan,
            validated_data["kind"],
            validated_data["reason"],
            entry=validated_data.get("entry"),
            values=values,
        )


class AdjustmentDecisionSerializer(serializers.Serializer[None]):
    approve = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class AdjustmentViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[PlanAdjustment],
):
    """计划调整：提出与审批。"""

    serializer_class = AdjustmentSerializer
    permission_classes = [HasRole]
    allowed_roles = READERS
    write_roles = (Role.BUSINESS_STAFF, Role.SUPERVISING_LEADER, Role.CONFERENCE_OFFICE)
    filterset_fields = ["plan", "status"]

    def get_queryset(self) -> QuerySet[PlanAdjustment]:
        if getattr(self, "swagger_fake_view", False):
            return PlanAdjustment.objects.none()
        return PlanAdjustment.objects.filter(
            plan__in=AnnualPlan.objects.for_user(acting_user(self.request))
        )

    @extend_schema(request=AdjustmentDecisionSerializer, responses=AdjustmentSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str) -> Response:
        serializer = AdjustmentDecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        adjustment = services.decide_adjustment(
            acting_user(request),
            self.get_object(),
            serializer.validated_data["approve"],
            serializer.validated_data["note"],
        )
        return Response(AdjustmentSerializer(adjustment).data)
