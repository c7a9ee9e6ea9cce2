from django.db import models


class RecordStatus(models.TextChoices):
    """D3: inspectors fill and submit; the unit head approves or returns for supplementary checks."""

    DRAFT = "draft", "填写中"
    SUBMITTED = "submitted", "已提交待审核"
    RETURNED = "returned", "已退回补充核查"
    APPROVED = "approved", "已审核生效"


EDITABLE_STATUSES = (RecordStatus.DRAFT, RecordStatus.RETURNED)


class CheckMethod(models.TextChoices):
    """D7 核查方式."""

    ON_SITE = "on_site", "实地检查"
    DOCUMENTS = "documents", "书面检查"
    AUTHORITY_OPINION = "authority_opinion", "行政部门检查结果或专业意见"
    TESTING = "testing", "检验检测"
    ONLINE = "online", "网络监测"
    ENTRUSTED = "entrusted", "委托专业机构辅助"


class PointOutcome(models.TextChoices):
    PASS = "pass", "符合"
    FAIL = "fail", "不符合"
    NOT_APPLICABLE = "na", "不适用"


class Confirmation(models.TextChoices):
    """现场检查笔录: the inspected party's confirmation."""

    PENDING = "pending", "待确认"
    SIGNED = "signed", "当事人已签字确认"
    REFUSED = "refused", "当事人拒绝签字"
    UNREACHABLE = "unreachable", "无法联系当事人"


class FollowUpAction(models.TextChoices):
    """D7 后续处置措施."""

    NONE = "none", "无需后续处置"
    FEEDBACK = "feedback", "反馈日常监管部门依法处理"
    RECTIFY = "rectify", "责令改正"
    CASE_TRANSFER = "case_transfer", "案件线索移送办案机构"
    NOTIFY = "notify", "抄告相关部门"
    OTHER = "other", "其他"


class FeedbackMethod(models.TextChoices):
    """How the effective result was fed back to the subject (D3)."""

    IN_PERSON = "in_person", "当面送达"
    MAIL = "mail", "邮寄送达"
    ELECTRONIC = "electronic", "电子送达"
    PHONE = "phone", "电话告知"
    PUBLIC_NOTICE = "public_notice", "公示告知"


class FollowUpKind(models.TextChoices):
    """D4 后续处置."""

    RECTIFY = "rectify", "责令改正"
    CASE = "case", "立案查处"
    TRANSFER = "transfer", "移送主管部门"
    CRIMINAL = "criminal", "涉嫌犯罪移送公安/司法机关"


class FollowUpStatus(models.TextChoices):
    OPEN = "open", "办理中"
    AWAITING_ACK = "awaiting_ack", "待接收部门确认"
    CLOSED = "closed", "已办结"


OPEN_FOLLOW_UP_STATUSES = (FollowUpStatus.OPEN, FollowUpStatus.AWAITING_ACK)

# Code of the most common adverse result (D2), set with one click.
ADDRESS_UNREACHABLE = "address_unreachable"
