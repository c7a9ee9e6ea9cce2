"""Regions, departments, their internal units and the joint conference (F3)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from organisations.choices import RegionLevel, Sector, UnitKind

if TYPE_CHECKING:
    from accounts.models import User


class Region(models.Model):
    """An administrative region with its 6-digit 行政区划代码 (GB/T 2260)."""

    code = models.CharField(_("行政区划代码"), max_length=6, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    level = models.CharField(_("层级"), max_length=16, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级区划"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[1-9][0-9]{5}$"),
                name="region_code_six_digits",
                violation_error_message="行政区划代码应为 6 位数字",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"


class DepartmentQuerySet(models.QuerySet["Department"]):
    def active(self) -> DepartmentQuerySet:
        return self.filter(is_active=True)

    def for_user(self, user: User) -> DepartmentQuerySet:
        """Departments whose data this user may see (F3): own line downwards, or oversight."""
        from accounts.scope import visible_department_ids

        return self.filter(pk__in=visible_department_ids(user))


class Department(models.Model):
    """A government department (抽查机关). `parent` is its upper-level department of the same line."""

    name = models.CharField(_("名称"), max_length=100)
    short_name = models.CharField(_("简称"), max_length=50, blank=True)
    code = models.CharField(_("机构代码"), max_length=32, unique=True)
    region = models.ForeignKey(
        Region, verbose_name=_("所属区划"), on_delete=models.PROTECT, related_name="departments"
    )
    sector = models.CharField(_("行业系统"), max_length=32, choices=Sector.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级部门"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    # Materialised path of ids ("/3/7/") so "this department and all below it" is one index scan.
    path = models.CharField(_("层级路径"), max_length=255, editable=False, db_index=True)
    is_active = models.BooleanField(_("启用"), default=True)

    objects = DepartmentQuerySet.as_manager()

    class Meta:
        ordering = ["region__code", "name"]
        verbose_name = _("部门")
        verbose_name_plural = _("部门")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "name"],
                name="department_unique_name_in_region",
                violation_error_message="同一区划内部门名称不能重复",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def descendant_ids(self) -> list[int]:
        return list(
            Department.objects.filter(path__startswith=self.path).values_list("pk", flat=True)
        )


class Unit(models.Model):
    """An internal unit of a department: 股室、所、乡镇分局、执法大队."""

    department = models.ForeignKey(
        Department, verbose_name=_("所属部门"), on_delete=models.PROTECT, related_name="units"
    )
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=16, choices=UnitKind.choices)
    region = models.ForeignKey(
        Region,
        verbose_name=_("辖区"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="units",
        help_text=_("乡镇分局等按辖区分工的单位所负责的区划"),
    )
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["department", "name"]
        verbose_name = _("内设单位")
        verbose_name_plural = _("内设单位")
        constraints = [
            models.UniqueConstraint(
                fields=["department", "name"],
                name="unit_unique_name_in_department",
                violation_error_message="同一部门内单位名称不能重复",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.department.name} · {self.name}"


class JointConference(models.Model):
    """联席会议: member departments of a region and the office that oversees them."""

    name = models.CharField(_("名称"), max_length=200)
    region = models.ForeignKey(
        Region, verbose_name=_("区划"), on_delete=models.PROTECT, related_name="conferences"
    )
    office_department = models.ForeignKey(
        Department,
        verbose_name=_("办公室设在"),
        on_delete=models.PROTECT,
        related_name="hosted_conferences",
    )
    members: models.ManyToManyField[Department, ConferenceMembership] = models.ManyToManyField(
        Department,
        verbose_name=_("成员单位"),
        through="ConferenceMembership",
        related_name="conferences",
    )
    min_joint_inspections_per_year = models.PositiveIntegerField(
        _("每个成员单位每年联合抽查次数下限"), default=1
    )
    min_departments_per_joint_inspection = models.PositiveIntegerField(
        _("联合抽查参与部门数下限"), default=3
    )

    class Meta:
        ordering = ["region__code", "name"]
        verbose_name = _("联席会议")
        verbose_name_plural = _("联席会议")

    def __str__(self) -> str:
        return self.name


class ConferenceMembership(models.Model):
    conference = models.ForeignKey(JointConference, on_delete=models.PROTECT)
    department = models.ForeignKey(Department, on_delete=models.PROTECT)
    joined_on = models.DateField(_("加入日期"), null=True, blank=True)

    class Meta:
        ordering = ["conference", "department__name"]
        verbose_name = _("成员单位")
        verbose_name_plural = _("成员单位")
        constraints = [
            models.UniqueConstraint(
                fields=["conference", "department"],
                name="conference_member_once",
                violation_error_message="该部门已是联席会议成员单位",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.conference} · {self.department}"
