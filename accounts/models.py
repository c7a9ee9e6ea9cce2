"""Users, their roles and their place in the organisation (F4, security 2–8)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.choices import ADMIN_ROLES, Role


class User(AbstractUser):
    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    department = models.ForeignKey(
        "organisations.Department",
        verbose_name=_("所属部门"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    unit = models.ForeignKey(
        "organisations.Unit",
        verbose_name=_("所属单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    conference = models.ForeignKey(
        "organisations.JointConference",
        verbose_name=_("联席会议"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="office_users",
        help_text=_("联席会议办公室人员所属的联席会议"),
    )
    failed_login_count = models.PositiveIntegerField(_("连续登录失败次数"), default=0)
    locked_until = models.DateTimeField(_("锁定至"), null=True, blank=True)

    class Meta(AbstractUser.Meta):  # type: ignore[name-defined,misc]
        ordering = ["username"]
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return f"{self.full_name}（{self.username}）" if self.full_name else self.username

    def role_codes(self) -> frozenset[str]:
        cached: frozenset[str] | None = getattr(self, "_role_codes", None)
        if cached is None:
            cached = frozenset(self.roles.values_list("role", flat=True))
            self._role_codes = cached
        return cached

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_codes() & set(roles))

    @property
    def is_admin_role(self) -> bool:
        return bool(self.role_codes() & ADMIN_ROLES)

    def otp_verified(self) -> bool:
        """Whether this request's login passed the second factor (set by django-otp)."""
        check = getattr(self, "is_verified", None)
        return bool(check()) if check is not None else False

    def is_locked(self) -> bool:
        return self.locked_until is not None and self.locked_until > timezone.now()


class UserRole(models.Model):
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="roles")
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices)
    granted_at = models.DateTimeField(_("授予时间"), auto_now_add=True)
    granted_by = models.ForeignKey(
        User, verbose_name=_("授予人"), on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["user", "role"]
        verbose_name = _("用户角色")
        verbose_name_plural = _("用户角色")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role"],
                name="user_role_once",
                violation_error_message="该用户已有此角色",
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(role__in=sorted(ADMIN_ROLES)),
                name="one_admin_role_per_user",
                violation_error_message="系统、安全、审计管理员（三员）不能由同一账户兼任",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"
