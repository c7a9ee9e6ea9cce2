from django.db import models


class OperatingStatus(models.TextChoices):
    """经营状态 as the enterprise credit publicity system records it."""

    ACTIVE = "active", "存续（在营、开业、在册）"
    SUSPENDED = "suspended", "停业"
    DEREGISTERED = "deregistered", "注销"
    REVOKED = "revoked", "吊销"
    MOVED_OUT = "moved_out", "迁出"
    CANCELLED = "cancelled", "撤销"
    LIQUIDATING = "liquidating", "清算中"


class CreditRiskClass(models.TextChoices):
    """C3: A lowest risk … D highest. Internal: never published."""

    A = "A", "A 类（低风险）"
    B = "B", "B 类（一般风险）"
    C = "C", "C 类（较高风险）"
    D = "D", "D 类（高风险）"


class IndustryLevel(models.TextChoices):
    SECTION = "section", "门类"
    DIVISION = "division", "大类"


class RemovalReason(models.TextChoices):
    """A7: why a subject leaves the registry."""

    EXTINCT = "extinct", "灭失（注销、吊销、拆除等）"
    FULFILLED = "fulfilled", "义务履行完毕"
    DUPLICATE = "duplicate", "重复录入"
    OUT_OF_SCOPE = "out_of_scope", "不属于本部门监管范围"
    OTHER = "other", "其他"


class RemovalStatus(models.TextChoices):
    PENDING = "pending", "待审批"
    APPROVED = "approved", "已批准"
    REJECTED = "rejected", "已驳回"
    WITHDRAWN = "withdrawn", "已撤回"
