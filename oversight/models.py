"""Oversight (F1, F2): the rules a department has issued (the monthly report's first question
has no other source on the platform) and the reports and summaries it submits. A submitted
report keeps a snapshot of its figures, so later changes to the data do not alter it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import ArchivableModel, TimeStampedModel
from oversight.choices import ReportKind, ReportStatus

if TYPE_CHECKING:
    from accounts.models import User


class RuleDocumentQuerySet(models.QuerySet["RuleDocument"]):
    def for_user(self, user: User) -> RuleDocumentQuerySet:
        from accounts.scope import visible_department_ids

        return self.filter(department_id__in=visible_department_ids(user))


class RuleDocument(TimeStampedModel, ArchivableModel):
    """工作细则、工作指引: a document the department issued for its double-random work."""

    department = models.ForeignKey(
        "organisations.Department",
        verbose_name=_("发文部门"),
        on_delete=models.PROTECT,
        related_name="rule_documents",
    )
    name = models.CharField(_("文件名称"), max_length=200)
    number = models.CharField(_("文号"), max_length=100, help_text=_("如 固政办发〔2021〕32号"))
    issued_on = models.DateField(_("印发日期"))

    objects = RuleDocumentQuerySet.as_manager()

    class Meta:
        ordering = ["department", "-issued_on", "pk"]
        verbose_name = _("工作细则和工作指引")
        verbose_name_plural = _("工作细则和工作指引")
        constraints = [
            models.UniqueConstraint(
                fields=["department", "number"],
                condition=Q(is_archived=False),
                name="rule_document_unique_number",
                violation_error_message="本部门已登记此文号的文件",
            ),
        ]

    def __str__(self) -> str:
        return f"《{self.name}》（{self.number}）"


class ReportQuerySet(models.QuerySet["Report"]):
    def for_user(self, user: User) -> ReportQuerySet:
        from accounts.scope import visible_department_ids

        return self.filter(department_id__in=visible_department_ids(user))


class Report(TimeStampedModel):
    """One department's monthly report, half-year or annual summary. Until it is submitted the
    figures are computed live; `figures` is the snapshot taken at submission."""

    department = models.ForeignKey(
        "organisations.Department",
        verbose_name=_("填报单位"),
        on_delete=models.PROTECT,
        related_name="oversight_reports",
    )
    kind = models.CharField(_("类型"), max_length=16, choices=ReportKind.choices)
    year = models.PositiveIntegerField(_("年度"))
    month = models.PositiveSmallIntegerField(_("月份"), default=0, help_text=_("总结为 0"))
    status = models.CharField(
        _("状态"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    due = models.DateField(_("报送期限"))
    remarks = models.TextField(_("备注"), blank=True)
    work_done = models.TextField(_("工作开展情况及主要做法"), blank=True)
    problems = models.TextField(_("存在的问题"), blank=True)
    next_steps = models.TextField(_("下一步工作打算"), blank=True)
    figures = models.JSONField(_("报送时的统计数据"), null=True, blank=True, editable=False)
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("报送人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-month", "department__name"]
        verbose_name = _("报表与工作总结")
        verbose_name_plural = _("报表与工作总结")
        constraints = [
            models.UniqueConstraint(
                fields=["department", "kind", "year", "month"],
                name="oversight_report_once_per_period",
                violation_error_message="该部门本期已有报表",
            ),
            models.CheckConstraint(
                condition=(Q(kind=ReportKind.MONTHLY) & Q(month__gte=1, month__lte=12))
                | (~Q(kind=ReportKind.MONTHLY) & Q(month=0)),
                name="oversight_report_month_range",
                violation_error_message="月报表的月份应在 1 至 12 之间，工作总结不填月份",
            ),
            models.CheckConstraint(
                condition=~Q(status=ReportStatus.SUBMITTED)
                | (Q(figures__isnull=False) & Q(submitted_at__isnull=False)),
                name="oversight_report_submitted_has_snapshot",
                violation_error_message="已报送的报表须保存报送时的数据",
            ),
        ]
        indexes = [models.Index(fields=["kind", "year", "month"], name="oversight_report_period")]

    def __str__(self) -> str:
        return f"{self.department} · {self.period_label}{self.get_kind_display()}"

    @property
    def period_label(self) -> str:
        if self.kind == ReportKind.MONTHLY:
            return f"{self.year}年{self.month}月"
        if self.kind == ReportKind.HALF_YEAR:
            return f"{self.year}年上半年"
        return f"{self.year}年度"

    @property
    def is_submitted(self) -> bool:
        return self.status == ReportStatus.SUBMITTED
