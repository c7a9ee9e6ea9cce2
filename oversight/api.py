"""Oversight through the API: the dashboard figures, the reports (live or as submitted), the
submission list and the rule documents — the same functions as the pages and the xlsx."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import HasRole, acting_user
from oversight import reports, services
from oversight.access import select
from oversight.choices import ReportKind
from oversight.figures import COUNT_NAMES, RATE_LABELS
from oversight.models import RuleDocument
from oversight.views import EDITORS, OFFICE, READERS

YEAR = OpenApiParameter("year", OpenApiTypes.INT, description="年度（默认今年）")
MONTH = OpenApiParameter("month", OpenApiTypes.INT, description="月份 1–12（月报表）")
DEPARTMENT = OpenApiParameter(
    "department", OpenApiTypes.INT, description="部门 id（须在可见范围内；不填为全部可见部门）"
)
KIND = OpenApiParameter("kind", OpenApiTypes.STR, enum=ReportKind.values, description="报表类型")
AGGREGATE = OpenApiParameter(
    "aggregate", OpenApiTypes.STR, enum=["1"], description="1：全部可见部门的汇总表"
)


def _counts_serializer(name: str) -> serializers.Serializer[Any]:
    return inline_serializer(
        name,
        {
            **{n: serializers.IntegerField() for n in COUNT_NAMES},
            **{
                n: serializers.FloatField(allow_null=True, help_text=label)
                for n, label in RATE_LABELS.items()
            },
        },
    )


DASHBOARD = inline_serializer(
    "OversightDashboard",
    {
        "year": serializers.IntegerField(),
        "period": serializers.DictField(child=serializers.CharField()),
        "computed_on": serializers.DateField(),
        "computed_at": serializers.CharField(required=False, help_text="缓存的计算时间"),
        "totals": _counts_serializer("OversightCounts"),
        "departments": serializers.ListField(child=serializers.DictField()),
        "by_item": serializers.ListField(child=serializers.DictField()),
        "by_risk_class": serializers.ListField(child=serializers.DictField()),
        "joint": serializers.DictField(),
        "repeat": serializers.DictField(),
    },
)
REPORT = inline_serializer(
    "OversightReport",
    {
        "id": serializers.IntegerField(allow_null=True),
        "department": serializers.IntegerField(allow_null=True),
        "status": serializers.CharField(),
        "due": serializers.DateField(allow_null=True),
        "submitted_at": serializers.DateTimeField(allow_null=True),
        "remarks": serializers.CharField(),
        "work_done": serializers.CharField(),
        "problems": serializers.CharField(),
        "next_steps": serializers.CharField(),
        "content": serializers.JSONField(),
    },
)


class FiguresView(APIView):
    """Every dashboard figure for a year: totals and rates, per department, per item, per
    credit-risk class, joint inspections against the conference's targets, repeat inspections."""

    permission_classes = [HasRole]
    allowed_roles = READERS

    @extend_schema(parameters=[YEAR, DEPARTMENT], responses=DASHBOARD)
    def get(self, request: Request) -> Response:
        sel = select(acting_user(request), request.query_params)
        return Response(reports.cached_dashboard(sel.departments, sel.year, sel.listed))


def _kind(request: Request) -> str:
    kind = request.query_params.get("kind", ReportKind.MONTHLY)
    if kind not in ReportKind.values:
        raise ApiValidationError({"kind": "报表类型有误"})
    return kind


class ReportView(APIView):
    """A department's monthly report or summary (the submitted snapshot once submitted), or
    with aggregate=1 the aggregate of all visible departments."""

    permission_classes = [HasRole]
    allowed_roles = READERS

    @extend_schema(parameters=[KIND, YEAR, MONTH, DEPARTMENT, AGGREGATE], responses=REPORT)
    def get(self, request: Request) -> Response:
        user = acting_user(request)
        kind = _kind(request)
        sel = select(user, request.query_params, default_to_own=True)
        month = sel.month if kind == ReportKind.MONTHLY else 0
        if sel.department is None:
            content = reports.report_content(kind, sel.year, month, sel.departments, None, "汇总")
            empty = dict.fromkeys(services.TEXT_FIELDS, "")
            return Response(
                {"id": None, "department": None, "status": "aggregate", "due": None}
                | {"submitted_at": None, **empty, "content": content}
            )
        report = services.report_for(sel.department, kind, sel.year, month)
        if report.pk is None:
            from organisations.models import Department

            report.department = Department.objects.get(pk=sel.department)
        return Response(_report_json(report, services.live_content(report)))


def _report_json(report: Any, content: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": report.pk,
        "department": report.department_id,
        "status": report.status,
        "due": report.due,
        "submitted_at": report.submitted_at,
        **{name: getattr(report, name) for name in services.TEXT_FIELDS},
        "content": content,
    }


class SubmitSerializer(serializers.Serializer[dict[str, Any]]):
    kind = serializers.ChoiceField(choices=ReportKind.choices)
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    month = serializers.IntegerField(min_value=0, max_value=12, default=0)
    remarks = serializers.CharField(required=False, allow_blank=True, default="")
    work_done = serializers.CharField(required=False, allow_blank=True, default="")
    problems = serializers.CharField(required=False, allow_blank=True, default="")
    next_steps = serializers.CharField(required=False, allow_blank=True, default="")
    submit = serializers.BooleanField(
        default=False, help_text="true：报送（数据固定）；false：保存"
    )


class ReportSubmitView(APIView):
    """Save the remarks and narrative of the user's own department's report, or submit it."""

    permission_classes = [HasRole]
    allowed_roles = EDITORS
    write_roles = EDITORS

    @extend_schema(request=SubmitSerializer, responses=REPORT)
    def post(self, request: Request) -> Response:
        user = acting_user(request)
        data = SubmitSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        if user.department_id is None:
            raise ApiValidationError("账户没有所属部门")
        texts = {name: v[name] for name in services.TEXT_FIELDS}
        try:
            if v["submit"]:
                report = services.submit_report(
                    user, user.department_id, v["kind"], v["year"], v["month"], texts
                )
            else:
                report = services.save_report(
                    user, user.department_id, v["kind"], v["year"], v["month"], texts
                )
        except ValidationError as exc:
            raise ApiValidationError(exc.messages) from exc
        return Response(_report_json(report, services.live_content(report)))


class SubmissionsView(APIView):
    """Who of the conference's member departments has submitted, and when (the office)."""

    permission_classes = [HasRole]
    allowed_roles = OFFICE

    @extend_schema(
        parameters=[KIND, YEAR, MONTH],
        responses=inline_serializer(
            "OversightSubmission",
            {
                "department": serializers.IntegerField(),
                "department_name": serializers.CharField(),
                "state": serializers.CharField(),
                "state_label": serializers.CharField(),
                "due": serializers.DateField(),
                "report": serializers.IntegerField(allow_null=True),
                "submitted_at": serializers.DateTimeField(allow_null=True),
            },
            many=True,
        ),
    )
    def get(self, request: Request) -> Response:
        kind = _kind(request)
        sel = select(acting_user(request), request.query_params, default_to_own=True)
        month = sel.month if kind == ReportKind.MONTHLY else 0
        members = reports.conference_members(sel.scope)
        return Response([s.to_json() for s in services.submissions(members, kind, sel.year, month)])


class RuleDocumentSerializer(serializers.ModelSerializer[RuleDocument]):
    class Meta:
        model = RuleDocument
        fields = ["id", "department", "name", "number", "issued_on"]
        read_only_fields = ["id", "department"]


class RuleDocumentsView(APIView):
    """The 工作细则和工作指引 of the visible departments; POST records one for the user's own."""

    permission_classes = [HasRole]
    allowed_roles = READERS
    write_roles = EDITORS

    @extend_schema(responses=RuleDocumentSerializer(many=True))
    def get(self, request: Request) -> Response:
        docs = RuleDocument.objects.for_user(acting_user(request)).filter(is_archived=False)
        return Response(RuleDocumentSerializer(docs, many=True).data)

    @extend_schema(request=RuleDocumentSerializer, responses=RuleDocumentSerializer)
    def post(self, request: Request) -> Response:
        user = acting_user(request)
        data = RuleDocumentSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if user.department is None:
            raise NotFound("账户没有所属部门")
        try:
            doc = services.add_rule_document(
                user, user.department, services.RuleValues(**data.validated_data)
            )
        except ValidationError as exc:
            raise ApiValidationError(exc.messages) from exc
        return Response(RuleDocumentSerializer(doc).data, status=201)
