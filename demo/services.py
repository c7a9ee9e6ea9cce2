"""Loading the demo county. Idempotent: existing rows are left alone, so a second run changes
nothing and writes no audit event."""

from __future__ import annotations

from collections import Counter

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from accounts import services as accounts
from accounts.models import User
from demo import data
from organisations import services as org
from organisations.models import Department, JointConference, Region, Unit


def load_demo_county(with_registries: bool = False) -> Counter[str]:
    if settings.PRODUCTION:
        raise ImproperlyConfigured("生产环境不能加载演示数据（演示账户的密码是公开的）")
    created: Counter[str] = Counter()
    with transaction.atomic():
        _regions(created)
        _departments(created)
        _units(created)
        _conference(created)
        _users(created)
        if with_registries:
            from demo.lifecycle import load_lifecycle
            from demo.registries import load_registries
            from oversight.demo import load_oversight_demo

            load_registries(created)
            load_lifecycle(created)
            load_oversight_demo(created)
    return created


def _regions(created: Counter[str]) -> None:
    for code, name, level, parent_code in data.REGIONS:
        if Region.objects.filter(code=code).exists():
            continue
        parent = Region.objects.get(code=parent_code) if parent_code else None
        org.save_region(
            None, Region(code=code, name=name, level=level, parent=parent), "加载演示数据"
        )
        created["region"] += 1


def _departments(created: Counter[str]) -> None:
    for code, name, short, region_code, sector, parent_code in data.DEPARTMENTS:
        if Department.objects.filter(code=code).exists():
            continue
        department = Department(
            code=code,
            name=name,
            short_name=short,
            region=Region.objects.get(code=region_code),
            sector=sector,
            parent=Department.objects.get(code=parent_code) if parent_code else None,
        )
        org.save_department(None, department, "加载演示数据")
        created["department"] += 1


def _units(created: Counter[str]) -> None:
    for dept_code, name, kind in data.UNITS:
        department = Department.objects.get(code=dept_code)
        if Unit.objects.filter(department=department, name=name).exists():
            continue
        org.save_unit(None, Unit(department=department, name=name, kind=kind), "加载演示数据")
        created["unit"] += 1


def _conference(created: Counter[str]) -> None:
    spec = data.CONFERENCE
    if JointConference.objects.filter(name=spec.name).exists():
        return
    conference = JointConference(
        name=spec.name,
        region=Region.objects.get(code=spec.region),
        office_department=Department.objects.get(code=spec.office),
    )
    members = list(Department.objects.filter(code__in=spec.members))
    org.save_conference(None, conference, members, "加载演示数据")
    created["conference"] += 1


def _users(created: Counter[str]) -> None:
    conference = JointConference.objects.get(name=data.CONFERENCE.name)
    for username, full_name, dept_code, unit_name, roles, in_conference in data.USERS:
        if User.objects.filter(username=username).exists():
            continue
        department = Department.objects.get(code=dept_code) if dept_code else None
        unit = Unit.objects.get(department=department, name=unit_name) if unit_name else None
        user = accounts.create_user(
            None,
            username=username,
            password=data.DEMO_PASSWORD,
            full_name=full_name,
            department=department,
            unit=unit,
            conference=conference if in_conference else None,
            roles=roles,
        )
        if username in data.DEMO_OTP_KEYS:
            _demo_totp(user, data.DEMO_OTP_KEYS[username])
        created["user"] += 1


def _demo_totp(user: User, key: str) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=user, name="演示验证器", key=key, confirmed=True)


def current_demo_token(username: str) -> str:
    from django_otp.oath import totp

    key = data.DEMO_OTP_KEYS[username]
    return f"{totp(bytes.fromhex(key)):06d}"


def demo_logins() -> list[tuple[str, str, str]]:
    """(username, roles, where) for the printed list of demo logins."""
    rows = []
    for username, full_name, dept_code, _unit, roles, _conf in data.USERS:
        where = Department.objects.get(code=dept_code).name if dept_code else "平台"
        labels = "、".join(str(r.label) for r in roles)
        rows.append((username, labels, f"{full_name} · {where}"))
    return rows
