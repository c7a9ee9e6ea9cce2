from django.db import models


class TaskTrigger(models.TextChoices):
    """C1, C12: random tasks come from a plan or an ad hoc decision; the others are targeted."""

    PLAN = "plan", "年度计划"
    ADHOC = "adhoc", "临时随机抽查"
    COMPLAINT = "complaint", "投诉举报"
    REFERRAL = "referral", "转办交办"
    MONITORING = "monitoring", "数据监测"


RANDOM_TRIGGERS = frozenset({TaskTrigger.PLAN, TaskTrigger.ADHOC})


class TaskStatus(models.TextChoices):
    PREPARING = "preparing", "准备中"
    DRAWING = "drawing", "抽取中（名单已承诺）"
    LOCKED = "locked", "名单已锁定"
    COMPLETED = "completed", "已完成"


class DrawStatus(models.TextChoices):
    AWAITING_WITNESSES = "awaiting_witnesses", "待见证人提交承诺值"
    COMMITTED = "committed", "已承诺，待抽取"
    LOCKED = "locked", "已抽取并锁定"
    VOID_REQUESTED = "void_requested", "申请作废中"
    VOIDED = "voided", "已作废"


LIVE_DRAW_STATUSES = (
    DrawStatus.AWAITING_WITNESSES,
    DrawStatus.COMMITTED,
    DrawStatus.LOCKED,
    DrawStatus.VOID_REQUESTED,
)
