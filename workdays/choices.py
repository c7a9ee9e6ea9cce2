from django.db import models


class DayKind(models.TextChoices):
    """What an official calendar day is: a day off, or a weekend day worked instead (调休)."""

    HOLIDAY = "holiday", "法定节假日"
    MAKEUP_WORKDAY = "makeup_workday", "调休上班日"


class YearStatus(models.TextChoices):
    OFFICIAL = "official", "官方数据"
    PROVISIONAL = "provisional", "临时（按周一至周五推算）"


class Source(models.TextChoices):
    """Where a year's calendar comes from, in order of precedence."""

    TABLE = "table", "管理员维护（国务院通知）"
    PACKAGE = "package", "chinesecalendar 数据包"
    WEEKDAYS = "weekdays", "仅按周一至周五推算"
