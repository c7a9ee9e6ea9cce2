"""Read-only calendar API: a year's holidays and make-up workdays, and deadline computation."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.choices import Role
from accounts.permissions import HasRole
from workdays import services
from workdays.choices import DayKind, Source, YearStatus
from workdays.models import MAX_YEAR, MIN_YEAR

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

ALL_ROLES = tuple(Role.values)
MAX_SPAN_DAYS = 3660
_DATE_ERRORS: dict[str, str | StrPromise] = {
    "required": "请提供日期（YYYY-MM-DD）。",
    "invalid": "日期格式应为 YYYY-MM-DD。",
}


class DaySerializer(serializers.Serializer[services.CalendarEntry]):
    date = serializers.DateField(source="day")
    kind = serializers.ChoiceField(choices=DayKind.choices)
    kind_label = serializers.CharField()
    name = serializers.CharField()
    source = serializers.ChoiceField(choices=Source.choices)  # type: ignore[assignment]


class YearSerializer(serializers.Serializer[Any]):
    year = serializers.IntegerField()
    status = serializers.ChoiceField(choices=YearStatus.choices, help_text="official/provisional")
    source = serializers.ChoiceField(choices=Source.choices)  # type: ignore[assignment]
    days = DaySerializer(many=True)


class DeadlineQuerySerializer(serializers.Serializer[Any]):
    start = serializers.DateField(help_text="生效日期（第 0 天）", error_messages=_DATE_ERRORS)
    days = serializers.IntegerField(
        min_value=0,
        max_value=services.MAX_WORKING_DAYS,
        help_text="工作日天数",
        error_messages={
            "required": "请提供工作日天数 days。",
            "invalid": "days 应为整数。",
            "min_value": "days 不能为负数。",
            "max_value": f"days 不能超过 {services.MAX_WORKING_DAYS}。",
            "max_string_length": "days 数值过大。",
        },
    )

    def validate_start(self, value: date) -> date:
        return _in_range(value)


class DeadlineSerializer(serializers.Serializer[services.Deadline]):
    start = serializers.DateField()
    days = serializers.IntegerField()
    deadline = serializers.DateField(source="due")
    provisional = serializers.BooleanField(
        help_text="期间含尚无官方节假日安排的年度，按周一至周五推算"
    )
    provisional_years = serializers.ListField(child=serializers.IntegerField())


class BetweenQuerySerializer(serializers.Serializer[Any]):
    start = serializers.DateField(help_text="起始日期（不计入）", error_messages=_DATE_ERRORS)
    end = serializers.DateField(help_text="截止日期（计入）", error_messages=_DATE_ERRORS)

    def validate_start(self, value: date) -> date:
        return _in_range(value)

    def validate_end(self, value: date) -> date:
        return _in_range(value)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if abs((attrs["end"] - attrs["start"]).days) > MAX_SPAN_DAYS:
            raise serializers.ValidationError({"end": ["日期跨度不能超过 10 年。"]})
        return attrs


class BetweenSerializer(serializers.Serializer[Any]):
    start = serializers.DateField()
    end = serializers.DateField()
    working_days = serializers.IntegerField()
    provisional = serializers.BooleanField()


def _in_range(value: date) -> date:
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise serializers.ValidationError(f"日期应在 {MIN_YEAR} 至 {MAX_YEAR} 年之间。")
    return value


def _bad_request(errors: Any) -> Response:
    return Response({"detail": "查询参数有误。", "errors": errors}, status=400)


class WorkdayYearView(APIView):
    """某年度的法定节假日与调休上班日，以及该年度数据是官方还是临时。"""

    permission_classes = [HasRole]
    allowed_roles = ALL_ROLES

    @extend_schema(responses=YearSerializer, operation_id="workdays_year")
    def get(self, request: Request, year: int) -> Response:
        if not MIN_YEAR <= year <= MAX_YEAR:
            return _bad_request({"year": [f"年度应在 {MIN_YEAR} 至 {MAX_YEAR} 之间。"]})
        cal = services.year_calendar(year)
        data = {
            "year": year,
            "status": cal.status,
            "source": cal.source,
            "days": services.year_entries(year),
        }
        return Response(YearSerializer(data).data)


class DeadlineView(APIView):
    """自生效日（第 0 天）起第 N 个工作日的日期；期间含无官方数据的年度时 provisional 为 true。"""

    permission_classes = [HasRole]
    allowed_roles = ALL_ROLES

    @extend_schema(
        parameters=[DeadlineQuerySerializer],
        responses=DeadlineSerializer,
        operation_id="workdays_deadline",
    )
    def get(self, request: Request) -> Response:
        query = DeadlineQuerySerializer(data=request.query_params)
        if not query.is_valid():
            return _bad_request(query.errors)
        data = query.validated_data
        result = services.add_working_days(data["start"], data["days"])
        return Response(DeadlineSerializer(result).data)


class BetweenView(APIView):
    """两个日期之间的工作日数：start 之后（不含）至 end（含）。"""

    permission_classes = [HasRole]
    allowed_roles = ALL_ROLES

    @extend_schema(
        parameters=[BetweenQuerySerializer],
        responses=BetweenSerializer,
        operation_id="workdays_between",
    )
    def get(self, request: Request) -> Response:
        query = BetweenQuerySerializer(data=request.query_params)
        if not query.is_valid():
            return _bad_request(query.errors)
        start, end = query.validated_data["start"], query.validated_data["end"]
        data = {
            "start": start,
            "end": end,
            "working_days": services.working_days_between(start, end),
            "provisional": services.range_is_provisional(start, end),
        }
        return Response(BetweenSerializer(data).data)
