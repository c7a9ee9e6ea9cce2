"""The administrator-maintained official calendar: one row per year saying whether its data is
complete (imported from the State Council's annual notice), and one row per holiday or make-up
workday. Rows are archived, never deleted; `workdays.services` is the only writer."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import ArchivableModel, TimeStampedModel
from workdays.choices import DayKind

MIN_YEAR = 1900
MAX_YEAR = 2100


class CalendarYear(TimeStampedModel):
    """A year of the official calendar. `is_official` means: the rows of this year are complete
    and take precedence over the `chinesecalendar` package and over plain weekdays."""

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    is_official = models.BooleanField(_("官方数据已完整"), default=False)
    notice_title = models.CharField(_("通知标题"), max_length=200, blank=True)
    notice_reference = models.CharField(_("文号"), max_length=64, blank=True)
    notice_text = models.TextField(_("通知原文"), blank=True)
    source_note = models.TextField(_("来源说明"), blank=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("日历年度")
        verbose_name_plural = _("日历年度")
        constraints = [
            models.CheckConstraint(
                condition=Q(year__gte=MIN_YEAR) & Q(year__lte=MAX_YEAR),
                name="workdays_year_in_range",
                violation_error_message="年度应在 1900 至 2100 之间。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} 年"


class CalendarDay(TimeStampedModel, ArchivableModel):
    """One official holiday (法定节假日) or make-up workday (调休上班日). The `calendar_year` is the
    notice it came from; its date may fall in the neighbouring year (e.g. 元旦 over New Year)."""

    calendar_year = models.ForeignKey(
        CalendarYear, verbose_name=_("所属年度"), on_delete=models.PROTECT, related_name="days"
    )
    date = models.DateField(_("日期"))
    kind = models.CharField(_("类型"), max_length=16, choices=DayKind.choices)
    name = models.CharField(_("名称"), max_length=50, help_text=_("如：国庆节、春节"))
    note = models.CharField(_("来源说明"), max_length=255, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("节假日与调休")
        verbose_name_plural = _("节假日与调休")
        constraints = [
            models.UniqueConstraint(
                fields=["date"],
                condition=Q(is_archived=False),
                name="workdays_day_unique_active_date",
                violation_error_message="该日期已有有效的节假日或调休记录。",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=DayKind.values),
                name="workdays_day_kind_valid",
                violation_error_message="类型只能是法定节假日或调休上班日。",
            ),
        ]
        indexes = [
            models.Index(fields=["calendar_year", "is_archived"], name="workdays_day_year_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}（{self.get_kind_display()}）"
