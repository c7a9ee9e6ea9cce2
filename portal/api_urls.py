"""/api/public/: the public read-only API with its own OpenAPI schema and docs page."""

from typing import Any

from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny

from portal import api

app_name = "public-api"

API: list[URLPattern | URLResolver] = [
    path("results/", api.ResultSearch.as_view(), name="results"),
    path("results/<int:pk>/", api.ResultDetail.as_view(), name="result"),
    path("subjects/<str:code>/results/", api.SubjectResults.as_view(), name="subject"),
    path("tasks/", api.TaskList.as_view(), name="tasks"),
    path("tasks/<str:code>/", api.TaskDetail.as_view(), name="task"),
    path("item-lists/", api.ItemLists.as_view(), name="item_lists"),
    path("item-lists/<int:pk>/", api.ItemListDetail.as_view(), name="item_list"),
    path("plans/", api.PlanList.as_view(), name="plans"),
    path("plans/<int:pk>/", api.PlanDetail.as_view(), name="plan"),
]

SCHEMA_SETTINGS: dict[str, Any] = {
    "TITLE": "双随机一公开 · 公开数据接口",
    "DESCRIPTION": (
        "无需登录的只读接口：检查结果（按名称或统一社会信用代码检索）、抽查任务与抽取记录、"
        "随机抽查事项清单、年度抽查工作计划。每个地址按来源限速（见 docs/portal.md）；"
        "超出限速返回 429。"
    ),
    "VERSION": "1.0.0",
}

urlpatterns: list[URLPattern | URLResolver] = [
    *API,
    path(
        "schema/",
        SpectacularAPIView.as_view(
            patterns=[path("api/public/", include(API))],
            custom_settings=SCHEMA_SETTINGS,
            authentication_classes=[],
            permission_classes=[AllowAny],
        ),
        name="schema",
    ),
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="public-api:schema", authentication_classes=[], permission_classes=[AllowAny]
        ),
        name="docs",
    ),
]
