"""Role checks for views and API endpoints. Scope (which rows) is the queryset's job."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from accounts.models import User

ViewFunc = TypeVar("ViewFunc", bound=Callable[..., HttpResponseBase])


def acting_user(request: HttpRequest | Request) -> User:
    """The logged-in user of a request that the role checks have already let through."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied("请先登录。")
    return user


def role_required(*roles: str) -> Callable[[ViewFunc], ViewFunc]:
    """Allow only logged-in users holding one of `roles`; the set is kept on the view for the
    permission-matrix test."""
    allowed = frozenset(roles)

    def decorator(view: ViewFunc) -> ViewFunc:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not request.user.has_role(*allowed):
                raise PermissionDenied("您的角色无权访问此页面。")
            return view(request, *args, **kwargs)

        wrapper.allowed_roles = allowed  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorator


def login_only(view: ViewFunc) -> ViewFunc:
    """Any logged-in user (e.g. their own password page)."""
    from accounts.choices import Role

    return role_required(*Role.values)(view)


class HasRole(BasePermission):
    """DRF permission: the view's `allowed_roles` (read) and `write_roles` (unsafe methods)."""

    message = "您的角色无权使用此接口。"

    def has_permission(self, request: Request, view: APIView) -> bool:
        user = request.user
        if not user or not user.is_authenticated:
            return False
        roles: Iterable[str] = getattr(view, "allowed_roles", ())
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            roles = getattr(view, "write_roles", roles)
        return bool(user.has_role(*roles))
