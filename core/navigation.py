"""The navigation, by role. Each entry names a URL and the roles that see it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse

from accounts.choices import Role

R = Role


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset[str]


_ALL_DEPT = frozenset(
    {R.REGISTRY_MANAGER, R.BUSINESS_STAFF, R.INSPECTOR, R.UNIT_HEAD, R.SUPERVISING_LEADER}
)

NAVIGATION: list[NavItem] = [
    NavItem("首页", "core:home", frozenset(Role.values)),
    NavItem("年度计划", "plans:list", _ALL_DEPT | {R.CONFERENCE_OFFICE}),
    NavItem("抽查任务", "tasks:list", _ALL_DEPT | {R.CONFERENCE_OFFICE}),
    NavItem("检查记录", "inspections:list", _ALL_DEPT | {R.CONFERENCE_OFFICE}),
    NavItem("结果公示", "publication:list", _ALL_DEPT | {R.CONFERENCE_OFFICE}),
    NavItem("统计监督", "oversight:dashboard", _ALL_DEPT | {R.CONFERENCE_OFFICE}),
    NavItem("检查事项清单", "items:list", _ALL_DEPT | {R.CONFERENCE_OFFICE}),
    NavItem("检查对象名录库", "subjects:list", _ALL_DEPT | {R.CONFERENCE_OFFICE}),
    NavItem("执法检查人员名录库", "inspectors:list", _ALL_DEPT | {R.CONFERENCE_OFFICE}),
    NavItem(
        "组织机构", "organisations:departments", _ALL_DEPT | {R.CONFERENCE_OFFICE, R.SYSTEM_ADMIN}
    ),
    NavItem("用户管理", "accounts:users", frozenset({R.SYSTEM_ADMIN, R.SECURITY_ADMIN})),
    NavItem("审计日志", "audit:events", frozenset({R.AUDIT_ADMIN})),
    NavItem("系统后台", "admin:index", frozenset({R.SYSTEM_ADMIN})),
    NavItem("接口文档", "api-docs", _ALL_DEPT | {R.CONFERENCE_OFFICE, R.SYSTEM_ADMIN}),
    NavItem("工作日历", "workdays:calendar", frozenset(Role.values)),
]


def navigation_for(user: Any) -> list[dict[str, str]]:
    if not getattr(user, "is_authenticated", False):
        return []
    items = []
    for item in NAVIGATION:
        if not user.has_role(*item.roles):
            continue
        try:
            items.append({"label": item.label, "url": reverse(item.url_name)})
        except NoReverseMatch:
            continue  # the app behind this entry is not installed yet
    return items
