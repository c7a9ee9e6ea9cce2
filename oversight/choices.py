from django.db import models


class ReportKind(models.TextChoices):
    """F1 monthly report; F2 half-year and annual summaries (seed 004 §五(五))."""

    MONTHLY = "monthly", "月报表"
    HALF_YEAR = "half_year", "半年工作总结"
    ANNUAL = "annual", "年度工作总结"


class ReportStatus(models.TextChoices):
    DRAFT = "draft", "未报送"
    SUBMITTED = "submitted", "已报送"


class SubmissionState(models.TextChoices):
    """What the conference office sees per member department and period."""

    ON_TIME = "on_time", "已按时报送"
    LATE = "late", "逾期报送"
    MISSING = "missing", "逾期未报送"
    NOT_DUE = "not_due", "未报送（未到期）"
