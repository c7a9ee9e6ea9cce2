"""Publications, corrections and objections through the API: the same services, scope and
validation as the pages."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import HasRole, acting_user
from publication import services
from publication.choices import Classification, ObjectionDecision
from publication.filters import ObjectionFilterSet, PublicationFilterSet
from publication.models import Correction, Objection, ResultPublication
from publication.views import READERS, WRITERS


class PublicationCorrectionSerializer(serializers.ModelSerializer[Correction]):
    class Meta:
        model = Correction
        fields = [
            "id",
            "publication",
            "source",
            "objection",
            "state",
            "verified_on",
            "due",
            "due_provisional",
            "reason",
            "changes",
            "submitted_at",
            "submitted_by",
            "reviewed_by",
            "published_at",
            "published_late",
        ]
        read_only_fields = fields


class PublicationSerializer(serializers.ModelSerializer[ResultPublication]):
    shown = serializers.SerializerMethodField(help_text="公众当前看到的内容（已应用更正）")
    corrections = PublicationCorrectionSerializer(many=True, read_only=True)

    class Meta:
        model = ResultPublication
        fields = [
            "id",
            "record",
            "department",
            "task",
            "subject",
            "subject_name",
            "subject_code",
            "state",
            "effective_on",
            "due",
            "due_provisional",
            "public_conclusion",
            "content",
            "shown",
            "submitted_at",
            "submitted_by",
            "reviewed_at",
            "reviewed_by",
            "review_note",
            "published_at",
            "published_on",
            "published_late",
            "public_until",
            "classification",
            "ended_at",
            "end_reason",
            "corrections",
        ]
        read_only_fields = fields

    def get_shown(self, obj: ResultPublication) -> dict[str, Any]:
        return services.shown_content(obj) if obj.content else {}


class DraftSerializer(serializers.Serializer[None]):
    public_conclusion = serializers.CharField(allow_blank=True)


class NoteSerializer(serializers.Serializer[None]):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ReasonSerializer(serializers.Serializer[None]):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class WithholdSerializer(serializers.Serializer[None]):
    classification = serializers.ChoiceField(choices=Classification.choices)
    reason = serializers.CharField(allow_blank=True)


class CorrectionInputSerializer(serializers.Serializer[None]):
    reason = serializers.CharField(allow_blank=True)
    verified_on = serializers.DateField(required=False, allow_null=True, default=None)
    changes = serializers.DictField(
        child=serializers.CharField(allow_blank=True),
        help_text="字段名 → 更正后的内容（可更正：result、follow_up、conclusion、inspected_on、subject_name）",
    )


class ObjectionInputSerializer(serializers.Serializer[None]):
    contact_name = serializers.CharField(allow_blank=True)
    contact_phone = serializers.CharField(allow_blank=True)
    statement = serializers.CharField(allow_blank=True)


class PublicationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[ResultPublication]
):
    """检查结果公示：整理、提交审核、审核公示、退回、不予公示、撤下、登记更正、录入异议。"""

    serializer_class = PublicationSerializer
    permission_classes = [HasRole]
    allowed_roles = READERS
    write_roles = WRITERS
    filterset_class = PublicationFilterSet

    def get_queryset(self) -> QuerySet[ResultPublication]:
        if getattr(self, "swagger_fake_view", False):
            return ResultPublication.objects.none()
        return (
            ResultPublication.objects.for_user(acting_user(self.request))
            .prefetch_related("corrections")
            .order_by("due", "pk")
        )

    def _answer(self, publication: ResultPublication) -> Response:
        return Response(PublicationSerializer(self.get_queryset().get(pk=publication.pk)).data)

    @extend_schema(request=DraftSerializer, responses=PublicationSerializer)
    @action(detail=True, methods=["post"])
    def draft(self, request: Request, pk: str) -> Response:
        data = _valid(DraftSerializer, request)
        return self._answer(
            services.save_draft(acting_user(request), self.get_object(), data["public_conclusion"])
        )

    @extend_schema(request=NoteSerializer, responses=PublicationSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str) -> Response:
        data = _valid(NoteSerializer, request)
        return self._answer(services.submit(acting_user(request), self.get_object(), data["note"]))

    @extend_schema(request=NoteSerializer, responses=PublicationSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str) -> Response:
        data = _valid(NoteSerializer, request)
        return self._answer(services.approve(acting_user(request), self.get_object(), data["note"]))

    @extend_schema(request=ReasonSerializer, responses=PublicationSerializer)
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request: Request, pk: str) -> Response:
        data = _valid(ReasonSerializer, request)
        return self._answer(
            services.return_for_changes(acting_user(request), self.get_object(), data["reason"])
        )

    @extend_schema(request=WithholdSerializer, responses=PublicationSerializer)
    @action(detail=True, methods=["post"])
    def withhold(self, request: Request, pk: str) -> Response:
        data = _valid(WithholdSerializer, request)
        return self._answer(
            services.withhold(
                acting_user(request), self.get_object(), data["classification"], data["reason"]
            )
        )

    @extend_schema(request=ReasonSerializer, responses=PublicationSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str) -> Response:
        data = _valid(ReasonSerializer, request)
        return self._answer(
            services.withdraw(acting_user(request), self.get_object(), data["reason"])
        )

    @extend_schema(request=CorrectionInputSerializer, responses=PublicationCorrectionSerializer)
    @action(detail=True, methods=["post"])
    def correct(self, request: Request, pk: str) -> Response:
        data = _valid(CorrectionInputSerializer, request)
        correction = services.start_correction(
            acting_user(request),
            self.get_object(),
            data["reason"],
            dict(data["changes"]),
            data["verified_on"],
        )
        return Response(PublicationCorrectionSerializer(correction).data, status=201)

    @extend_schema(request=ObjectionInputSerializer, responses={201: None})
    @action(detail=True, methods=["post"])
    def object(self, request: Request, pk: str) -> Response:
        data = _valid(ObjectionInputSerializer, request)
        objection = services.receive_objection(
            self.get_object(),
            data["contact_name"],
            data["contact_phone"],
            data["statement"],
            by=acting_user(request),
        )
        return Response(ObjectionSerializer(objection).data, status=201)


def _valid(serializer_class: type[serializers.Serializer[None]], request: Request) -> Any:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class CorrectionViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Correction]
):
    """更正：提交审核、另一人审核公示、退回。"""

    serializer_class = PublicationCorrectionSerializer
    permission_classes = [HasRole]
    allowed_roles = READERS
    write_roles = WRITERS

    def get_queryset(self) -> QuerySet[Correction]:
        if getattr(self, "swagger_fake_view", False):
            return Correction.objects.none()
        return Correction.objects.for_user(acting_user(self.request)).order_by("pk")

    @extend_schema(request=None, responses=PublicationCorrectionSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str) -> Response:
        done = services.submit_correction(acting_user(request), self.get_object())
        return Response(PublicationCorrectionSerializer(done).data)

    @extend_schema(request=NoteSerializer, responses=PublicationCorrectionSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str) -> Response:
        data = _valid(NoteSerializer, request)
        done = services.approve_correction(acting_user(request), self.get_object(), data["note"])
        return Response(PublicationCorrectionSerializer(done).data)

    @extend_schema(request=ReasonSerializer, responses=PublicationCorrectionSerializer)
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request: Request, pk: str) -> Response:
        data = _valid(ReasonSerializer, request)
        done = services.return_correction(acting_user(request), self.get_object(), data["reason"])
        return Response(PublicationCorrectionSerializer(done).data)


class ObjectionSerializer(serializers.ModelSerializer[Objection]):
    class Meta:
        model = Objection
        fields = [
            "id",
            "number",
            "publication",
            "channel",
            "contact_name",
            "contact_phone_masked",
            "statement",
            "state",
            "received_on",
            "due",
            "due_provisional",
            "reviewer",
            "decision",
            "decision_text",
            "decided_at",
            "feedback_on",
            "feedback_method",
        ]
        read_only_fields = fields


class ObjectionDecisionSerializer(serializers.Serializer[None]):
    decision = serializers.ChoiceField(choices=ObjectionDecision.choices)
    decision_text = serializers.CharField(allow_blank=True)
    feedback_on = serializers.DateField(required=False, allow_null=True, default=None)
    feedback_method = serializers.CharField(required=False, allow_blank=True, default="")
    changes = serializers.DictField(
        child=serializers.CharField(allow_blank=True), required=False, default=dict
    )


class ObjectionViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Objection]
):
    """异议：开始复核、办结（维持或予以更正）。联系电话只显示脱敏形式。"""

    serializer_class = ObjectionSerializer
    permission_classes = [HasRole]
    allowed_roles = READERS
    write_roles = WRITERS
    filterset_class = ObjectionFilterSet

    def get_queryset(self) -> QuerySet[Objection]:
        if getattr(self, "swagger_fake_view", False):
            return Objection.objects.none()
        return Objection.objects.for_user(acting_user(self.request)).order_by("pk")

    @extend_schema(request=None, responses=ObjectionSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request: Request, pk: str) -> Response:
        done = services.start_objection_review(acting_user(request), self.get_object())
        return Response(ObjectionSerializer(done).data)

    @extend_schema(request=ObjectionDecisionSerializer, responses=ObjectionSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str) -> Response:
        data = _valid(ObjectionDecisionSerializer, request)
        done = services.decide_objection(
            acting_user(request),
            self.get_object(),
            data["decision"],
            data["decision_text"],
            data["feedback_on"],
            data["feedback_method"],
            dict(data["changes"]),
        )
        return Response(ObjectionSerializer(done).data)
