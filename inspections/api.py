"""Inspection records and follow-ups through the API: the same services and validation as the
pages."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.choices import Role
from accounts.permissions import HasRole, acting_user
from inspections import follow_ups, services
from inspections.choices import (
    CheckMethod,
    Confirmation,
    FeedbackMethod,
    FollowUpAction,
    PointOutcome,
)
from inspections.filters import FollowUpFilterSet, RecordFilterSet
from inspections.models import ChecklistResult, Evidence, FollowUp, InspectionRecord
from inspections.views import FOLLOW_UP_ROLES, READERS


class InspectionChecklistSerializer(serializers.ModelSerializer[ChecklistResult]):
    finding = serializers.ChoiceField(
        source="outcome", choices=PointOutcome.choices, allow_blank=True, read_only=True
    )

    class Meta:
        model = ChecklistResult
        fields = ["id", "item", "seq", "text", "finding", "note"]


class InspectionEvidenceSerializer(serializers.ModelSerializer[Evidence]):
    class Meta:
        model = Evidence
        fields = [
            "id",
            "original_name",
            "kind",
            "size",
            "sha256",
            "source",
            "created_by",
            "created_at",
            "is_archived",
        ]


class InspectionRecordSerializer(serializers.ModelSerializer[InspectionRecord]):
    result: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    result_name = serializers.CharField(source="result.name", read_only=True, default="")
    methods = serializers.ListField(source="method_list", child=serializers.CharField())
    checklist = InspectionChecklistSerializer(many=True, read_only=True)
    evidence = InspectionEvidenceSerializer(many=True, read_only=True)

    class Meta:
        model = InspectionRecord
        fields = [
            "id",
            "task",
            "subject",
            "department",
            "status",
            "inspected_on",
            "methods",
            "onsite_notes",
            "confirmation",
            "confirmed_by_name",
            "confirmed_at",
            "refusal_reason",
            "result",
            "result_name",
            "conclusion",
            "follow_up_action",
            "late_entry",
            "submitted_at",
            "reviewed_at",
            "return_reason",
            "effective_at",
            "feedback_on",
            "feedback_method",
            "follow_up_due",
            "follow_up_due_provisional",
            "follow_up_closed_at",
            "checklist",
            "evidence",
        ]
        read_only_fields = fields


class InspectionPointInputSerializer(serializers.Serializer[None]):
    id = serializers.IntegerField()
    finding = serializers.ChoiceField(choices=PointOutcome.choices, allow_blank=True)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


class InspectionRecordInputSerializer(serializers.Serializer[None]):
    inspected_on = serializers.DateField(required=False, allow_null=True)
    methods = serializers.ListField(
        child=serializers.ChoiceField(choices=CheckMethod.choices), required=False
    )
    onsite_notes = serializers.CharField(required=False, allow_blank=True, default="")
    confirmation = serializers.ChoiceField(
        choices=Confirmation.choices, default=Confirmation.PENDING
    )
    confirmed_by_name = serializers.CharField(required=False, allow_blank=True, default="")
    confirmed_at = serializers.DateTimeField(required=False, allow_null=True)
    refusal_reason = serializers.CharField(required=False, allow_blank=True, default="")
    result = serializers.CharField(required=False, allow_blank=True, default="")
    conclusion = serializers.CharField(required=False, allow_blank=True, default="")
    follow_up_action = serializers.ChoiceField(
        choices=FollowUpAction.choices, required=False, allow_blank=True, default=""
    )
    checklist = InspectionPointInputSerializer(many=True, required=False)

    def to_values(self) -> services.RecordValues:
        data: dict[str, Any] = self.validated_data
        return services.RecordValues(
            inspected_on=data.get("inspected_on"),
            methods=list(data.get("methods", [])),
            onsite_notes=data["onsite_notes"],
            confirmation=data["confirmation"],
            confirmed_by_name=data["confirmed_by_name"],
            confirmed_at=data.get("confirmed_at"),
            refusal_reason=data["refusal_reason"],
            result_code=data["result"],
            conclusion=data["conclusion"],
            follow_up_action=data["follow_up_action"],
            checklist={p["id"]: (p["finding"], p["note"]) for p in data.get("checklist", [])},
        )


class InspectionReasonSerializer(serializers.Serializer[None]):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class InspectionApproveSerializer(serializers.Serializer[None]):
    note = serializers.CharField(required=False, allow_blank=True, default="")
    feedback_on = serializers.DateField(required=False, allow_null=True, default=None)
    feedback_method = serializers.ChoiceField(
        choices=FeedbackMethod.choices, required=False, allow_blank=True, default=""
    )


class InspectionRecordViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[InspectionRecord]
):
    """检查记录表：查看、填写、一键住所无法联系、提交、审核通过、退回补充核查。"""

    serializer_class = InspectionRecordSerializer
    permission_classes = [HasRole]
    allowed_roles = READERS
    write_roles = (Role.INSPECTOR, Role.UNIT_HEAD)
    filterset_class = RecordFilterSet

    def get_queryset(self) -> QuerySet[InspectionRecord]:
        if getattr(self, "swagger_fake_view", False):
            return InspectionRecord.objects.none()
        return (
            InspectionRecord.objects.for_user(acting_user(self.request))
            .select_related("result")
            .prefetch_related("checklist", "evidence")
            .order_by("pk")
        )

    def _answer(self, record: InspectionRecord) -> Response:
        fresh = self.get_queryset().get(pk=record.pk)
        return Response(InspectionRecordSerializer(fresh).data)

    @extend_schema(request=InspectionRecordInputSerializer, responses=InspectionRecordSerializer)
    @action(detail=True, methods=["post"])
    def fill(self, request: Request, pk: str) -> Response:
        serializer = InspectionRecordInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        record = self.get_object()
        return self._answer(
            services.save_record(acting_user(request), record, serializer.to_values())
        )

    @extend_schema(request=None, responses=InspectionRecordSerializer)
    @action(detail=True, methods=["post"])
    def unreachable(self, request: Request, pk: str) -> Response:
        return self._answer(
            services.mark_address_unreachable(acting_user(request), self.get_object())
        )

    @extend_schema(request=None, responses=InspectionRecordSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str) -> Response:
        return self._answer(services.submit_record(acting_user(request), self.get_object()))

    @extend_schema(request=InspectionApproveSerializer, responses=InspectionRecordSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str) -> Response:
        serializer = InspectionApproveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        record = services.approve_record(
            acting_user(request),
            self.get_object(),
            data["note"],
            data["feedback_on"],
            data["feedback_method"],
        )
        return self._answer(record)

    @extend_schema(request=InspectionReasonSerializer, responses=InspectionRecordSerializer)
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request: Request, pk: str) -> Response:
        serializer = InspectionReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        record = services.return_record(
            acting_user(request), self.get_object(), serializer.validated_data["reason"]
        )
        return self._answer(record)


class FollowUpSerializer(serializers.ModelSerializer[FollowUp]):
    class Meta:
        model = FollowUp
        fields = [
            "id",
            "record",
            "kind",
            "status",
            "started_on",
            "due",
            "due_provisional",
            "working_days",
            "description",
            "case_number",
            "target_department",
            "agency",
            "acknowledged_by",
            "acknowledged_at",
            "rechecked_on",
            "rectified",
            "outcome",
            "closed_at",
        ]
        read_only_fields = [
            "status",
            "due",
            "due_provisional",
            "working_days",
            "acknowledged_by",
            "acknowledged_at",
            "rechecked_on",
            "rectified",
            "outcome",
            "closed_at",
        ]
        extra_kwargs = {"started_on": {"required": False}}

    def create(self, validated_data: dict[str, Any]) -> FollowUp:
        user = acting_user(self.context["request"])
        record = (
            InspectionRecord.objects.for_user(user).filter(pk=validated_data["record"].pk).first()
        )
        if record is None:
            from rest_framework.exceptions import NotFound

            raise NotFound("未找到该检查记录，或您无权查看。")
        department = validated_data.get("target_department")
        values = follow_ups.FollowUpValues(
            kind=validated_data["kind"],
            description=validated_data.get("description", ""),
            started_on=validated_data.get("started_on"),
            case_number=validated_data.get("case_number", ""),
            target_department_id=department.pk if department else None,
            agency=validated_data.get("agency", ""),
        )
        return follow_ups.open_follow_up(user, record, values)


class FollowUpRecheckSerializer(serializers.Serializer[None]):
    rechecked_on = serializers.DateField()
    rectified = serializers.BooleanField()
    outcome = serializers.CharField(required=False, allow_blank=True, default="")


class FollowUpOutcomeSerializer(serializers.Serializer[None]):
    outcome = serializers.CharField(required=False, allow_blank=True, default="")


class FollowUpViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[FollowUp],
):
    """后续处置：责令改正及复查、立案、移送及接收确认、涉嫌犯罪移送。"""

    serializer_class = FollowUpSerializer
    permission_classes = [HasRole]
    allowed_roles = READERS
    write_roles = FOLLOW_UP_ROLES
    filterset_class = FollowUpFilterSet

    def get_queryset(self) -> QuerySet[FollowUp]:
        if getattr(self, "swagger_fake_view", False):
            return FollowUp.objects.none()
        return FollowUp.objects.for_user(acting_user(self.request)).order_by("due", "pk")

    @extend_schema(request=FollowUpOutcomeSerializer, responses=FollowUpSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request: Request, pk: str) -> Response:
        serializer = FollowUpOutcomeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        item = follow_ups.acknowledge_transfer(
            acting_user(request), self.get_object(), serializer.validated_data["outcome"]
        )
        return Response(FollowUpSerializer(item).data)

    @extend_schema(request=FollowUpRecheckSerializer, responses=FollowUpSerializer)
    @action(detail=True, methods=["post"])
    def recheck(self, request: Request, pk: str) -> Response:
        serializer = FollowUpRecheckSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        item = follow_ups.record_recheck(
            acting_user(request),
            self.get_object(),
            data["rechecked_on"],
            data["rectified"],
            data["outcome"],
        )
        return Response(FollowUpSerializer(item).data)

    @extend_schema(request=FollowUpOutcomeSerializer, responses=FollowUpSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str) -> Response:
        serializer = FollowUpOutcomeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        item = follow_ups.close_follow_up(
            acting_user(request), self.get_object(), serializer.validated_data["outcome"]
        )
        return Response(FollowUpSerializer(item).data)
