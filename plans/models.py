"""Annual inspection plans (B1–B4): a plan per department and year, its entries, and the
reasoned, approved adjustments that change it after filing."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import ArchivableModel, TimeStampedModel
from plans.choices import AdjustmentKind, AdjustmentStatus, DrawBasis, PlanStatus

if TYPE_CHECKING:
    from accounts.models import User


class AnnualPlanQuerySet(models.QuerySet["AnnualPlan"]):
    def for_user(self, user: User) -> AnnualPlanQuerySet:
        from accounts.scope import visible_department_ids

        return self.filter(department_id__in=visible_department_ids(user))

    def public(self) -> AnnualPlanQuerySet:
        return self.filter(status=PlanStatus.PUBLISHED)


class AnnualPlan(TimeStampedModel):
    """年度抽查工作计划: made before 31 December for the next year, filed, then published."""

    department = models.ForeignKey(
        "organisations.Department",
        verbose_name=_("抽查机关"),
        on_delete=models.PROTECT,
        related_name="annual_plans",
    )
    year = models.PositiveIntegerField(_("年度"))
    title = models.CharField(_("计划名称"), max_length=200)
    status = models.CharField(
        _("状态"), max_length=16, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    filed_at = models.DateTimeField(_("备案时间"), null=True, blank=True)
    filed_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("备案审核人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    published_at = models.DateTimeField(_("公布时间"), null=True, blank=True)

    objects = AnnualPlanQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "department__name"]
        verbose_name = _("年度抽查工作计划")
        verbose_name_plural = _("年度抽查工作计划")
        constraints = [
            models.UniqueConstraint(
                fields=["department", "year"],
                name="plan_one_per_department_year",
                violation_error_message="该部门本年度已有抽查工作计划，请在原计划上调整",
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000, year__lte=2100),
                name="plan_year_range",
                violation_error_message="年度应在 2000 至 2100 之间",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_draft(self) -> bool:
        return self.status == PlanStatus.DRAFT

    @property
    def is_in_force(self) -> bool:
        return self.status in (PlanStatus.FILED, PlanStatus.PUBLISHED)


class PlanEntry(TimeStampedModel, ArchivableModel):
    """一项计划抽查: name, items, subject scope, ratio per credit-risk class or a count, window,
    lead and participating departments (B1, B4)."""

    plan = models.ForeignKey(
        AnnualPlan, verbose_name=_("所属计划"), on_delete=models.PROTECT, related_name="entries"
    )
    seq = models.PositiveIntegerField(_("序号"), default=0)
    name = models.CharField(_("抽查名称"), max_length=200)
    items = models.ManyToManyField(
        "items.InspectionItem", verbose_name=_("抽查事项"), related_name="plan_entries"
    )
    object_scope = models.TextField(_("抽查对象范围"))
    basis = models.CharField(
        _("抽取方式"), max_length=8, choices=DrawBasis.choices, default=DrawBasis.RATIO
    )
    ratio_a = models.DecimalField(
        _("A类比例（%）"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    ratio_b = models.DecimalField(
        _("B类比例（%）"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    ratio_c = models.DecimalField(
        _("C类比例（%）"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    ratio_d = models.DecimalField(
        _("D类比例（%）"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    count = models.PositiveIntegerField(_("抽取数量"), null=True, blank=True)
    window_start = models.DateField(_("抽查开始日期"))
    window_end = models.DateField(_("抽查截止日期"))
    lead_department = models.ForeignKey(
        "organisations.Department",
        verbose_name=_("牵头部门"),
        on_delete=models.PROTECT,
        related_name="led_plan_entries",
    )
    participants = models.ManyToManyField(
        "organisations.Department",
        verbose_name=_("配合部门"),
        blank=True,
        related_name="joined_plan_entries",
    )
    methods = models.CharField(_("抽查方式"), max_length=100, blank=True)
    remarks = models.TextField(_("备注"), blank=True)

    class Meta:
        ordering = ["plan", "seq", "pk"]
        verbose_name = _("计划条目")
        verbose_name_plural = _("计划条目")
        constraints = [
            models.CheckConstraint(
                condition=Q(window_end__gte=models.F("window_start")),
                name="entry_window_order",
                violation_error_message="抽查截止日期不能早于开始日期",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def ratios(self) -> dict[str, object]:
        return {"A": self.ratio_a, "B": self.ratio_b, "C": self.ratio_c, "D": self.ratio_d}

    @property
    def ratio_labels(self) -> list[tuple[str, object]]:
        return [(f"{k}类", v) for k, v in self.ratios().items()]


class PlanAdjustment(TimeStampedModel):
    """计划调整 (B2): a reasoned change that takes effect only when approved; the whole history
    stays, and approved adjustments are public."""

    plan = models.ForeignKey(
        AnnualPlan, verbose_name=_("计划"), on_delete=models.PROTECT, related_name="adjustments"
    )
    entry = models.ForeignKey(
        PlanEntry,
        verbose_name=_("计划条目"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="adjustments",
    )
    kind = models.CharField(_("调整类型"), max_length=8, choices=AdjustmentKind.choices)
    reason = models.TextField(_("调整原因"))
    proposed = models.JSONField(_("调整内容"), default=dict, blank=True)
    before = models.JSONField(_("调整前"), null=True, blank=True)
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=AdjustmentStatus.choices,
        default=AdjustmentStatus.PENDING,
    )
    decided_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("审批人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.TextField(_("审批意见"), blank=True)

    class Meta:
        ordering = ["plan", "-created_at"]
        verbose_name = _("计划调整")
        verbose_name_plural = _("计划调整")

    def __str__(self) -> str:
        return f"{self.plan} · {self.get_kind_display()}"
