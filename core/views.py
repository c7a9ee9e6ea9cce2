from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.template.loader import render_to_string

from accounts.choices import Role
from accounts.permissions import acting_user, login_only


def root(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("core:home")
    return redirect("accounts:login")


@login_only
def home(request: HttpRequest) -> HttpResponse:
    from oversight.services import reminders
    from plans.services import plan_reminder
    from publication.services import PUBLISHERS, counts_for

    user = acting_user(request)
    sections = [{"role": role.value, "label": role.label} for role in Role if user.has_role(role)]
    notices = [n for n in (plan_reminder(user),) if n]
    if not user.has_role(Role.CONFERENCE_OFFICE):  # its role card lists them already
        notices += reminders(user)
    publication_counts = None
    if user.has_role(*PUBLISHERS) and user.department_id is not None:
        publication_counts = counts_for(user)
    return render(
        request,
        "core/home.html",
        {"sections": sections, "notices": notices, "publication_counts": publication_counts},
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    body = render_to_string(
        "errors/error.html",
        {
            "code": 403,
            "title": "请求已过期",
            "message": "页面已过期或来源不可信，请刷新页面后重试。",
        },
        request,
    )
    return HttpResponseForbidden(body)


def _error(request: HttpRequest, code: int, title: str, message: str) -> HttpResponse:
    return render(
        request,
        "errors/error.html",
        {"code": code, "title": title, "message": message},
        status=code,
    )


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 400, "请求有误", "提交的内容无法处理，请检查后重试。")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 403, "无权访问", "您的账户无权访问此页面。如需权限，请联系系统管理员。")


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 404, "页面不存在", "您访问的页面不存在，或您无权查看。")


def server_error(request: HttpRequest) -> HttpResponse:
    return _error(
        request, 500, "系统繁忙", "服务器处理请求时出错，已记录。请稍后再试或联系管理员。"
    )
