from django.db import models


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已提交审核"
    FILED = "filed", "已审核备案"
    PUBLISHED = "published", "已公布"


class DrawBasis(models.TextChoices):
    RATIO = "ratio", "按比例"
    COUNT = "count", "按数量"


class AdjustmentKind(models.TextChoices):
    ADD = "add", "新增计划条目"
    CHANGE = "change", "调整计划条目"
    REMOVE = "remove", "取消计划条目"


class AdjustmentStatus(models.TextChoices):
    PENDING = "pending", "待审批"
    APPROVED = "approved", "已批准（已生效）"
    REJECTED = "rejected", "未批准"


RISK_CLASSES = ("A", "B", "C", "D")
