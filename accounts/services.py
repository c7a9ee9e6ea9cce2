"""Account operations: login with lockout, roles with 三员 separation, sessions. All audited."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.choices import ADMIN_ROLES, DEPARTMENT_ROLES, Role
from accounts.models import User, UserRole
from audit.choices import Outcome
from audit.services import record_event, snapshot
from organisations.models import Department, JointConference, Unit

LOGIN_REFUSED_MESSAGE = "用户名或密码错误。连续失败多次后账户将被临时锁定。"
_USER_FIELDS = ["username", "full_name", "department_id", "unit_id", "conference_id", "is_active"]


class LoginRefused(Exception):
    """Raised for any refused login; the message never tells which check failed."""

    def __init__(self) -> None:
        super().__init__(LOGIN_REFUSED_MESSAGE)


def authenticate_with_lockout(username: str, password: str) -> User:
    """Check a password, counting failures per account (security 2). Raises LoginRefused."""
    now = timezone.now()
    with transaction.atomic():
        user = User.objects.select_for_update().filter(username=username).first()
        if user is None:
            make_password(password)  # same work as a real check, so timing does not tell
            record_event(
                action="login.failure",
                actor=None,
                actor_label=username,
                outcome=Outcome.FAILURE,
                reason="未知用户",
            )
            raise_refused = True
        else:
            raise_refused = not _check_known_user(user, password, now)
    if raise_refused:
        raise LoginRefused()
    assert user is not None
    return user


def _check_known_user(user: User, password: str, now: datetime) -> bool:
    if user.locked_until is not None and user.locked_until > now:
        user.check_password(password)
        record_event(
            action="login.refused_locked",
            actor=user,
            obj=user,
            outcome=Outcome.REFUSED,
            reason=f"账户锁定至 {timezone.localtime(user.locked_until):%Y-%m-%d %H:%M}",
        )
        return False
    if user.locked_until is not None:
        record_event(action="account.lock_expired", actor=None, obj=user, reason="锁定期满自动解除")
        user.locked_until, user.failed_login_count = None, 0
    if not user.check_password(password) or not user.is_active:
        user.failed_login_count += 1
        reason = "密码错误" if user.is_active else "账户已停用"
        record_event(
            action="login.failure",
            actor=user,
            obj=user,
            outcome=Outcome.FAILURE,
            reason=f"{reason}（连续第 {user.failed_login_count} 次）",
        )
        if user.failed_login_count >= settings.LOGIN_MAX_FAILURES:
            user.locked_until = now + timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
            record_event(
                action="account.locked",
                actor=None,
                obj=user,
                outcome=Outcome.SUCCESS,
                reason=f"连续 {user.failed_login_count} 次登录失败，锁定 "
                f"{settings.LOGIN_LOCKOUT_MINUTES} 分钟",
            )
        user.save(update_fields=["failed_login_count", "locked_until"])
        return False
    user.failed_login_count = 0
    user.last_login = now
    user.save(update_fields=["failed_login_count", "locked_until", "last_login"])
    record_event(action="login.success", actor=user, obj=user)
    return True


def unlock_account(by: User, user: User, reason: str) -> None:
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        before = snapshot(user, ["locked_until", "failed_login_count"])
        user.locked_until, user.failed_login_count = None, 0
        user.save(update_fields=["locked_until", "failed_login_count"])
        record_event(
            action="account.unlocked",
            actor=by,
            obj=user,
            before=before,
            after=snapshot(user, ["locked_until", "failed_login_count"]),
            reason=reason,
        )


def validate_role_set(roles: Iterable[str], user: User) -> None:
    """三员 separation and the organisational place each role needs (security 7)."""
    codes = set(roles)
    unknown = codes - set(Role.values)
    if unknown:
        raise ValidationError(f"未知角色：{'、'.join(sorted(unknown))}")
    admin = codes & ADMIN_ROLES
    if len(admin) > 1 or (admin and len(codes) > 1):
        raise ValidationError(
            "系统管理员、安全管理员、审计管理员（三员）须由不同账户担任，且不能兼任其他角色"
        )
    if codes & DEPARTMENT_ROLES and user.department_id is None:
        raise ValidationError("业务角色须指定所属部门")
    if Role.CONFERENCE_OFFICE in codes and user.conference_id is None:
        raise ValidationError("联席会议办公室角色须指定所属联席会议")


def set_roles(by: User | None, user: User, roles: Iterable[str], reason: str = "") -> None:
    wanted = set(roles)
    with transaction.atomic():
        validate_role_set(wanted, user)
        current = set(UserRole.objects.filter(user=user).values_list("role", flat=True))
        if current == wanted:
            return
        UserRole.objects.filter(user=user, role__in=current - wanted).delete()
        UserRole.objects.bulk_create(
            [UserRole(user=user, role=r, granted_by=by) for r in sorted(wanted - current)]
        )
        user.__dict__.pop("_role_codes", None)
        user.__dict__.pop("_visible_department_ids", None)
        record_event(
            action="user.roles_changed",
            actor=by,
            obj=user,
            before={"roles": sorted(current)},
            after={"roles": sorted(wanted)},
            reason=reason,
        )


def create_user(
    by: User | None,
    *,
    username: str,
    password: str,
    full_name: str = "",
    department: Department | None = None,
    unit: Unit | None = None,
    conference: JointConference | None = None,
    roles: Iterable[str] = (),
) -> User:
    if User.objects.filter(username=username).exists():
        raise ValidationError(f"用户名“{username}”已存在")
    if unit is not None and department is not None and unit.department_id != department.pk:
        raise ValidationError("所属单位不属于所选部门")
    user = User(
        username=username,
        full_name=full_name,
        department=department,
        unit=unit,
        conference=conference,
    )
    validate_password(password, user)
    user.set_password(password)
    with transaction.atomic():
        user.save()
        record_event(action="user.created", actor=by, obj=user, after=snapshot(user, _USER_FIELDS))
        set_roles(by, user, roles)
    return user


def update_user(by: User, user: User, *, reason: str = "", **changes: object) -> User:
    allowed = {"full_name", "department", "unit", "conference"}
    if set(changes) - allowed:
        raise ValidationError("不允许修改这些字段")
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        before = snapshot(user, _USER_FIELDS)
        for name, value in changes.items():
            setattr(user, name, value)
        if user.unit is not None and user.unit.department_id != user.department_id:
            raise ValidationError("所属单位不属于所选部门")
        validate_role_set(user.role_codes(), user)
        user.save()
        user.__dict__.pop("_visible_department_ids", None)
        record_event(
            action="user.updated",
            actor=by,
            obj=user,
            before=before,
            after=snapshot(user, _USER_FIELDS),
            reason=reason,
        )
    return user


def set_active(by: User, user: User, active: bool, reason: str) -> None:
    if by.pk == user.pk:
        raise ValidationError("不能停用或启用自己的账户")
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.is_active == active:
            return
        user.is_active = active
        user.save(update_fields=["is_active"])
        record_event(
            action="user.enabled" if active else "user.disabled",
            actor=by,
            obj=user,
            before={"is_active": not active},
            after={"is_active": active},
            reason=reason,
        )
        if not active:
            end_sessions(user)


def set_password(by: User, user: User, password: str, reason: str) -> None:
    validate_password(password, user)
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        record_event(action="user.password_set", actor=by, obj=user, reason=reason)
        end_sessions(user)


def end_sessions(user: User) -> int:
    """Delete every live session of `user` (logout elsewhere, disabling, password reset)."""
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            session.delete()
            ended += 1
    return ended


def reset_second_factor(by: User, user: User, reason: str) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    with transaction.atomic():
        count = TOTPDevice.objects.filter(user=user).count()
        TOTPDevice.objects.filter(user=user).delete()
        record_event(
            action="user.otp_reset",
            actor=by,
            obj=user,
            before={"devices": count},
            after={"devices": 0},
            reason=reason,
        )
        end_sessions(user)
