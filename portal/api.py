"""The public read-only API (E2, issue 6 part 8): no login, rate-limited per address, and every
response built from portal.public and then passed through a serializer that names each field —
a key that is not declared here cannot reach a client."""

from __future__ import annotations

from typing import Any, NoReturn

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from portal import public, search
from portal.throttles import PublicApiThrottle, wait_message

S = serializers


# --- serializers: every public field listed by name -----------------------------------------


class PublicInspectorSerializer(S.Serializer[Any]):
    name = S.CharField(label="姓名")
    certificate_no = S.CharField(label="执法证号")


class PublicContentSerializer(S.Serializer[Any]):
    subject_name = S.CharField(label="检查对象名称")
    subject_code = S.CharField(label="统一社会信用代码", allow_blank=True)
    subject_type = S.CharField(label="对象类型", allow_blank=True)
    plan_number = S.CharField(label="抽查计划编号", allow_blank=True)
    plan_name = S.CharField(label="抽查计划名称", allow_blank=True)
    task_code = S.CharField(label="抽查任务编号")
    task_name = S.CharField(label="抽查任务名称")
    inspection_type = S.CharField(label="抽查类型")
    authority = S.CharField(label="抽查机关")
    joint_departments = S.ListField(child=S.CharField(), label="联合抽查部门")
    items = S.ListField(child=S.CharField(), label="抽查事项")
    inspected_on = S.CharField(label="检查日期", allow_blank=True)
    completed_on = S.CharField(label="抽查完成日期", allow_blank=True)
    result = S.CharField(label="抽查结果", allow_blank=True)
    follow_up = S.CharField(label="后续处置", allow_blank=True)
    conclusion = S.CharField(label="检查结论说明", allow_blank=True)
    inspectors = PublicInspectorSerializer(many=True, label="检查人员（姓名、执法证号）")


class PublicResultRowSerializer(S.Serializer[Any]):
    id = S.IntegerField()
    subject_name = S.CharField(label="检查对象名称")
    subject_code = S.CharField(label="统一社会信用代码", allow_blank=True)
    task_code = S.CharField(label="抽查任务编号")
    task_name = S.CharField(label="抽查任务名称")
    authority = S.CharField(label="抽查机关")
    result = S.CharField(label="抽查结果")
    completed_on = S.CharField(label="抽查完成日期")
    published_on = S.CharField(label="公示日期")
    corrected = S.BooleanField(label="已更正")


class PublicChangeSerializer(S.Serializer[Any]):
    field = S.CharField()
    label = S.CharField()  # type: ignore[assignment]
    before = S.CharField(label="更正前")
    after = S.CharField(label="更正后")


class PublicCorrectionSerializer(S.Serializer[Any]):
    published_on = S.CharField(label="更正日期")
    reason = S.CharField(label="更正原因")
    changes = PublicChangeSerializer(many=True)


class PublicObjectionOutcomeSerializer(S.Serializer[Any]):
    decision = S.CharField(label="复核结论")
    decision_text = S.CharField(label="复核意见")
    decided_on = S.CharField(label="办结日期")


class PublicResultDetailSerializer(S.Serializer[Any]):
    id = S.IntegerField()
    subject_name = S.CharField(label="检查对象名称")
    subject_code = S.CharField(label="统一社会信用代码", allow_blank=True)
    state = S.CharField(label="状态")
    published_on = S.CharField(label="公示日期")
    public_until = S.CharField(label="公示截止日期")
    content = PublicContentSerializer(label="现公示内容（已含更正）")
    original = PublicContentSerializer(label="原公示内容")
    corrections = PublicCorrectionSerializer(many=True, label="更正")
    objections = PublicObjectionOutcomeSerializer(many=True, label="异议复核结果")


class PublicSubjectResultsSerializer(S.Serializer[Any]):
    subject_name = S.CharField()
    subject_code = S.CharField()
    results = PublicResultDetailSerializer(many=True)


class PublicResultPageSerializer(S.Serializer[Any]):
    count = S.IntegerField(label="条数（超过上限时为上限）")
    more = S.BooleanField(label="超过上限")
    page = S.IntegerField()
    next = S.CharField(allow_null=True)
    previous = S.CharField(allow_null=True)
    results = PublicResultRowSerializer(many=True)


class PublicTaskRowSerializer(S.Serializer[Any]):
    code = S.CharField(label="任务编号")
    name = S.CharField(label="任务名称")
    year = S.IntegerField(label="年度")
    department = S.CharField(label="牵头部门")
    inspection_type = S.CharField(label="抽查类型")
    window_start = S.CharField(label="检查开始日期")
    window_end = S.CharField(label="检查截止日期")
    status = S.CharField(label="状态")


class PublicTaskPageSerializer(S.Serializer[Any]):
    count = S.IntegerField()
    next = S.CharField(allow_null=True)
    previous = S.CharField(allow_null=True)
    results = PublicTaskRowSerializer(many=True)


class PublicCodeNameSerializer(S.Serializer[Any]):
    code = S.CharField()
    name = S.CharField()


class PublicFileSerializer(S.Serializer[Any]):
    name = S.CharField(label="文件名")
    description = S.CharField(label="说明")
    url = S.SerializerMethodField(label="下载地址")

    def get_url(self, obj: dict[str, str]) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(obj["url"]) if request else obj["url"]


class PublicDrawnSerializer(S.Serializer[Any]):
    name = S.CharField(label="名称")
    code = S.CharField(label="统一社会信用代码", allow_blank=True)
    layer = S.CharField(label="层")


class PublicStratumSerializer(S.Serializer[Any]):
    name = S.CharField()
    population = S.IntegerField()
    eligible = S.IntegerField()
    drawn = S.IntegerField()
    substitutes = S.IntegerField()
    method = S.CharField()


class PublicExplanationSerializer(S.Serializer[Any]):
    title = S.CharField()
    paragraphs = S.ListField(child=S.CharField())
    strata = PublicStratumSerializer(many=True)
    expected_output = S.CharField()


class PublicDrawSerializer(S.Serializer[Any]):
    number = S.IntegerField(label="第几次抽取")
    status = S.CharField()
    voided = S.BooleanField()
    drawn_at = S.CharField()
    commitment = S.CharField(label="承诺摘要")
    seed = S.CharField(label="种子")
    pool_count = S.IntegerField(label="候选对象数")
    voided_on = S.CharField()
    void_reason = S.CharField(label="作废原因")
    drawn = PublicDrawnSerializer(many=True)
    substitutes = S.IntegerField(label="备选数")
    explanation = PublicExplanationSerializer(allow_null=True)
    files = PublicFileSerializer(many=True)
    commands = S.ListField(child=S.CharField(), label="核验命令")


class PublicTeamInspectorSerializer(S.Serializer[Any]):
    name = S.CharField(label="姓名")
    certificate_no = S.CharField(label="执法证号", allow_blank=True)
    role = S.CharField()


class PublicTeamSerializer(S.Serializer[Any]):
    department = S.CharField()
    draw_number = S.IntegerField()
    drawn_at = S.CharField()
    commitment = S.CharField()
    seed = S.CharField()
    inspectors = PublicTeamInspectorSerializer(many=True)
    paragraphs = S.ListField(child=S.CharField())
    files = PublicFileSerializer(many=True)
    commands = S.ListField(child=S.CharField())


class PublicTaskDetailSerializer(PublicTaskRowSerializer):
    participants = S.ListField(child=S.CharField(), label="配合部门")
    plan_number = S.CharField(allow_blank=True)
    plan_name = S.CharField(allow_blank=True)
    methods = S.ListField(child=S.CharField())
    random = S.BooleanField(label="随机抽取")
    items = PublicCodeNameSerializer(many=True)
    draws = PublicDrawSerializer(many=True)
    teams = PublicTeamSerializer(many=True)
    results = PublicResultRowSerializer(many=True)


class PublicItemListRowSerializer(S.Serializer[Any]):
    id = S.IntegerField()
    department = S.CharField()
    title = S.CharField()
    version = S.IntegerField()
    current = S.BooleanField(label="现行版本")
    status = S.CharField()
    published_on = S.CharField()
    change_note = S.CharField(allow_blank=True)


class PublicItemSerializer(S.Serializer[Any]):
    code = S.CharField()
    seq = S.IntegerField()
    name = S.CharField()
    kind = S.CharField()
    legal_basis = S.CharField()
    object_scope = S.CharField(allow_blank=True)
    standard = S.CharField(allow_blank=True)
    ratio_percent = S.CharField(allow_blank=True)
    ratio_cap_percent = S.CharField(allow_blank=True)
    frequency = S.CharField(allow_blank=True)
    methods = S.ListField(child=S.CharField())
    mandate = S.CharField()
    inspecting_body = S.CharField(allow_blank=True)
    enforcement_area = S.CharField(allow_blank=True)
    points = S.ListField(child=S.CharField(), label="检查要点")


class PublicItemListDetailSerializer(PublicItemListRowSerializer):
    items = PublicItemSerializer(many=True)
    versions = PublicItemListRowSerializer(many=True)


class PublicPlanRowSerializer(S.Serializer[Any]):
    id = S.IntegerField()
    department = S.CharField()
    year = S.IntegerField()
    title = S.CharField()
    published_on = S.CharField()


class PublicEntrySerializer(S.Serializer[Any]):
    seq = S.IntegerField()
    name = S.CharField()
    items = S.ListField(child=S.CharField())
    object_scope = S.CharField()
    basis = S.CharField(label="抽取方式")
    count = S.IntegerField(allow_null=True)
    window_start = S.CharField()
    window_end = S.CharField()
    lead_department = S.CharField()
    participants = S.ListField(child=S.CharField())
    methods = S.ListField(child=S.CharField())


class PublicAdjustmentChangeSerializer(S.Serializer[Any]):
    label = S.CharField()  # type: ignore[assignment]
    before = S.CharField(allow_blank=True)
    after = S.CharField(allow_blank=True)


class PublicAdjustmentSerializer(S.Serializer[Any]):
    kind = S.CharField()
    entry = S.CharField()
    reason = S.CharField()
    approved_on = S.CharField()
    changes = PublicAdjustmentChangeSerializer(many=True)


class PublicPlanDetailSerializer(PublicPlanRowSerializer):
    entries = PublicEntrySerializer(many=True)
    adjustments = PublicAdjustmentSerializer(many=True)


# --- views ----------------------------------------------------------------------------------


class PublicApiView(APIView):
    """No authentication (so no session or CSRF), anyone may read, rate-limited per address."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    throttle_classes = [PublicApiThrottle]

    def throttled(self, request: Request, wait: float | None) -> NoReturn:
        raise exceptions.Throttled(wait, detail=wait_message(wait))

    def out(self, serializer: type[S.Serializer[Any]], data: Any, **kw: Any) -> Response:
        return Response(serializer(data, context={"request": self.request}, **kw).data)


def _page_links(request: Request, number: int, has_next: bool) -> dict[str, str | None]:
    def link(n: int) -> str:
        query = request.GET.copy()
        query["page"] = str(n)
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

    return {
        "next": link(number + 1) if has_next else None,
        "previous": link(number - 1) if number > 1 else None,
    }


def _simple_page(request: Request, items: Any, rows: Any, per_page: int = 50) -> dict[str, Any]:
    page = Paginator(items, per_page).get_page(request.GET.get("page"))
    return {
        "count": page.paginator.count,
        **_page_links(request, page.number, page.has_next()),
        "results": [rows(x) for x in page.object_list],
    }


PAGE = OpenApiParameter("page", OpenApiTypes.INT, description="页码")


class ResultSearch(PublicApiView):
    @extend_schema(
        operation_id="results_search",
        summary="检索检查结果",
        description="按名称（包含）或统一社会信用代码（精确）检索已公示的检查结果；条数最多统计到上限。",
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR, description="名称或统一社会信用代码"),
            OpenApiParameter("by", OpenApiTypes.STR, enum=["name", "code"], description="检索方式"),
            PAGE,
        ],
        responses=PublicResultPageSerializer,
    )
    def get(self, request: Request) -> Response:
        query = search.parse(request.GET.get("q", ""), request.GET.get("by", ""))
        if query.error:
            raise exceptions.ValidationError({"q": query.error})
        number = search.page_number(request.GET.get("page"))
        page = search.search_page(public.public_results(), query, number)
        data = {
            "count": min(page.count, search.COUNT_CAP),
            "more": page.more_than_cap,
            "page": page.number,
            **_page_links(request, page.number, page.has_next),
            "results": [public.result_row(p) for p in page.rows],
        }
        return self.out(PublicResultPageSerializer, data)


class ResultDetail(PublicApiView):
    @extend_schema(
        summary="一条检查结果（含更正与异议复核结果）", responses=PublicResultDetailSerializer
    )
    def get(self, request: Request, pk: int) -> Response:
        pub = get_object_or_404(public.public_results(), pk=pk)
        return self.out(PublicResultDetailSerializer, public.result_detail(pub))


class SubjectResults(PublicApiView):
    @extend_schema(summary="某一检查对象的全部检查结果", responses=PublicSubjectResultsSerializer)
    def get(self, request: Request, code: str) -> Response:
        pubs = list(public.public_results().filter(subject_code=code.strip().upper()))
        if not pubs:
            raise Http404
        details = [public.result_detail(p) for p in pubs]
        data = {
            "subject_name": details[0]["subject_name"],
            "subject_code": details[0]["subject_code"],
            "results": details,
        }
        return self.out(PublicSubjectResultsSerializer, data)


class TaskList(PublicApiView):
    @extend_schema(
        operation_id="tasks_list",
        summary="抽查任务",
        parameters=[PAGE],
        responses=PublicTaskPageSerializer,
    )
    def get(self, request: Request) -> Response:
        data = _simple_page(request, public.public_tasks(), public.task_row)
        return self.out(PublicTaskPageSerializer, data)


class TaskDetail(PublicApiView):
    @extend_schema(
        summary="一项抽查任务：事项、抽取记录（含作废）、核验文件与命令、检查结果",
        responses=PublicTaskDetailSerializer,
    )
    def get(self, request: Request, code: str) -> Response:
        task = get_object_or_404(public.public_tasks(), code=code)
        return self.out(PublicTaskDetailSerializer, public.task_detail(task))


class ItemLists(PublicApiView):
    @extend_schema(
        summary="随机抽查事项清单（现行与历史版本）",
        responses=PublicItemListRowSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        lists = public.public_item_lists().order_by("department__code", "-version")
        return self.out(
            PublicItemListRowSerializer, [public.item_list_row(x) for x in lists], many=True
        )


class ItemListDetail(PublicApiView):
    @extend_schema(summary="一个版本的事项清单及其事项", responses=PublicItemListDetailSerializer)
    def get(self, request: Request, pk: int) -> Response:
        found = get_object_or_404(public.public_item_lists(), pk=pk)
        return self.out(PublicItemListDetailSerializer, public.item_list_detail(found))


class PlanList(PublicApiView):
    @extend_schema(summary="已公布的年度抽查工作计划", responses=PublicPlanRowSerializer(many=True))
    def get(self, request: Request) -> Response:
        return self.out(
            PublicPlanRowSerializer, [public.plan_row(p) for p in public.public_plans()], many=True
        )


class PlanDetail(PublicApiView):
    @extend_schema(summary="年度抽查工作计划及其已批准的调整", responses=PublicPlanDetailSerializer)
    def get(self, request: Request, pk: int) -> Response:
        found = get_object_or_404(public.public_plans(), pk=pk)
        return self.out(PublicPlanDetailSerializer, public.plan_detail(found))
