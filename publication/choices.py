from django.db import models


class PublicationState(models.TextChoices):
    PENDING = "pending", "待公示"
    IN_REVIEW = "in_review", "待审核"
    PUBLISHED = "published", "已公示"
    CORRECTED = "corrected", "已更正"
    WITHHELD = "withheld", "不予公示"
    WITHDRAWN = "withdrawn", "已撤下"
    EXPIRED = "expired", "公示期满"


# What the public portal shows; every other state is internal.
PUBLIC_STATES = (PublicationState.PUBLISHED, PublicationState.CORRECTED)
# Waiting for publication: the deadline runs.
OPEN_STATES = (PublicationState.PENDING, PublicationState.IN_REVIEW)


class Classification(models.TextChoices):
    """E3, security 16: a result that would disclose a secret is withheld, with the reason."""

    STATE_SECRET = "state_secret", "涉及国家秘密"
    BUSINESS_SECRET = "business_secret", "涉及商业秘密"
    PRIVACY = "privacy", "涉及个人隐私"
    OTHER = "other", "其他依法不予公开情形"


class CorrectionState(models.TextChoices):
    DRAFT = "draft", "待提交"
    IN_REVIEW = "in_review", "待审核"
    PUBLISHED = "published", "已公示"


class CorrectionSource(models.TextChoices):
    STAFF = "staff", "本部门发现"
    OBJECTION = "objection", "异议复核"


class ObjectionChannel(models.TextChoices):
    PUBLIC = "public", "公示平台在线提交"
    STAFF = "staff", "窗口、信函或电话（工作人员录入）"


class ObjectionState(models.TextChoices):
    RECEIVED = "received", "已受理"
    REVIEWING = "reviewing", "复核中"
    DECIDED = "decided", "已办结"


class ObjectionDecision(models.TextChoices):
    MAINTAINED = "maintained", "维持原检查结果"
    CORRECTED = "corrected", "予以更正"
