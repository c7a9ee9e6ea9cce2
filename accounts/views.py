from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts import otp, services
from accounts.choices import Role
from accounts.forms import (
    LoginForm,
    PasswordChangeForm,
    PasswordSetForm,
    ReasonForm,
    TokenForm,
    UserEditForm,
    UserFilterForm,
    UserForm,
    user_initial,
)
from accounts.models import User
from accounts.permissions import acting_user, login_only, role_required
from audit.services import record_event

USER_ADMINS = (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN)


def _safe_next(request: HttpRequest, fallback: str = "core:home") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, require_https=False
    ):
        return target
    from django.urls import reverse

    return reverse(fallback)


def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("core:home")
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.authenticate_with_lockout(
                form.cleaned_data["username"], form.cleaned_data["password"]
            )
        except services.LoginRefused as refused:
            form.add_error(None, str(refused))
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            if user.is_admin_role:
                return redirect("accounts:otp")
            return redirect(_safe_next(request))
    return render(
        request, "accounts/login.html", {"form": form, "next": request.GET.get("next", "")}
    )


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        user = acting_user(request)
        record_event(action="logout", actor=user, obj=user)
    logout(request)
    messages.info(request, "您已安全退出。")
    return redirect("accounts:login")


def otp_view(request: HttpRequest) -> HttpResponse:
    """Second factor for the 三员: enrol a TOTP device the first time, verify it afterwards."""
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    user = acting_user(request)
    if not user.is_admin_role or user.otp_verified():
        return redirect("core:home")
    device = otp.confirmed_device(user)
    enrolling = device is None
    if enrolling:
        device = otp.pending_device(user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        refusal = otp.verify(request, device, form.cleaned_data["token"], enrolling)
        if refusal is None:
            return redirect("core:home")
        form.add_error("token", refusal)
    context = {"form": form, "enrolling": enrolling}
    if enrolling:
        context.update(otp.enrolment_context(device))
    return render(request, "accounts/otp.html", context)


@login_only
def password_change(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = acting_user(request)
        if not user.check_password(form.cleaned_data["old_password"]):
            form.add_error("old_password", "当前密码不正确。")
        else:
            try:
                services.set_password(user, user, form.cleaned_data["new_password"], "本人修改密码")
            except ValidationError as exc:
                form.add_error("new_password", exc)
            else:
                update_session_auth_hash(request, user)
                messages.success(request, "密码已修改。")
                return redirect("core:home")
    return render(request, "accounts/password_change.html", {"form": form})


@role_required(*USER_ADMINS)
def user_list(request: HttpRequest) -> HttpResponse:
    filters = UserFilterForm(request.GET or None)
    users = filters.filter(
        User.objects.select_related("department", "unit")
        .prefetch_related("roles")
        .order_by("username")
    ).distinct()
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/user_list.html", {"filters": filters, "page": page})


@role_required(Role.SYSTEM_ADMIN)
def user_create(request: HttpRequest) -> HttpResponse:
    form = UserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.create_user(
                acting_user(request),
                username=data["username"],
                password=data["password"],
                full_name=data["full_name"],
                department=data["department"],
                unit=data["unit"],
                conference=data["conference"],
                roles=data["roles"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"已创建用户 {user.display_name}。")
            return redirect("accounts:user", pk=user.pk)
    return render(request, "accounts/user_form.html", {"form": form, "creating": True})


@role_required(*USER_ADMINS)
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    target = get_object_or_404(
        User.objects.select_related("department", "unit", "conference"), pk=pk
    )
    form = None
    if acting_user(request).has_role(Role.SYSTEM_ADMIN):
        form = UserEditForm(request.POST or None, initial=user_initial(target))
        if request.method == "POST" and form.is_valid():
            if _save_user(request, target, form):
                return redirect("accounts:user", pk=target.pk)
    return render(
        request,
        "accounts/user_detail.html",
        {
            "target": target,
            "form": form,
            "reason_form": ReasonForm(),
            "password_form": PasswordSetForm(),
        },
    )


def _save_user(request: HttpRequest, target: User, form: UserEditForm) -> bool:
    data = form.cleaned_data
    actor = acting_user(request)
    try:
        with transaction.atomic():
            services.update_user(
                actor,
                target,
                reason=data["reason"],
                full_name=data["full_name"],
                department=data["department"],
                unit=data["unit"],
                conference=data["conference"],
            )
            target.refresh_from_db()
            services.set_roles(actor, target, data["roles"], reason=data["reason"])
    except ValidationError as exc:
        form.add_error(None, exc)
        return False
    messages.success(request, "已保存。")
    return True


def _reason_or_back(request: HttpRequest, pk: int) -> str | None:
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写原因。")
        return None
    return str(form.cleaned_data["reason"])


@require_POST
@role_required(Role.SYSTEM_ADMIN)
def user_set_active(request: HttpRequest, pk: int) -> HttpResponse:
    target = get_object_or_404(User, pk=pk)
    reason = _reason_or_back(request, pk)
    if reason is not None:
        active = request.POST.get("active") == "1"
        try:
            services.set_active(request.user, target, active, reason)  # type: ignore[arg-type]
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(
                request, "账户已启用。" if active else "账户已停用，其会话已全部结束。"
            )
    return redirect("accounts:user", pk=pk)


@require_POST
@role_required(Role.SECURITY_ADMIN)
def user_unlock(request: HttpRequest, pk: int) -> HttpResponse:
    target = get_object_or_404(User, pk=pk)
    reason = _reason_or_back(request, pk)
    if reason is not None:
        services.unlock_account(request.user, target, reason)  # type: ignore[arg-type]
        messages.success(request, "账户已解锁。")
    return redirect("accounts:user", pk=pk)


@require_POST
@role_required(Role.SECURITY_ADMIN)
def user_reset_otp(request: HttpRequest, pk: int) -> HttpResponse:
    target = get_object_or_404(User, pk=pk)
    reason = _reason_or_back(request, pk)
    if reason is not None:
        services.reset_second_factor(request.user, target, reason)  # type: ignore[arg-type]
        messages.success(request, "动态口令已重置，该用户下次登录时须重新绑定。")
    return redirect("accounts:user", pk=pk)


@require_POST
@role_required(Role.SECURITY_ADMIN)
def user_set_password(request: HttpRequest, pk: int) -> HttpResponse:
    target = get_object_or_404(User, pk=pk)
    form = PasswordSetForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写新密码和原因。")
    else:
        try:
            services.set_password(
                acting_user(request),
                target,
                form.cleaned_data["password"],
                form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, "密码已重置，该用户的会话已全部结束。")
    return redirect("accounts:user", pk=pk)
