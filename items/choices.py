from django.db import models


class ItemKind(models.TextChoices):
    """A2: general items have a capped ratio; key items are not capped."""

    GENERAL = "general", "一般检查事项"
    KEY = "key", "重点检查事项"


class InspectionMethod(models.TextChoices):
    ON_SITE = "on_site", "现场检查"
    WRITTEN = "written", "书面检查"
    ONLINE = "online", "网络检查"
    ENTRUSTED = "entrusted", "委托专业机构"


class Mandate(models.TextChoices):
    """A1: who carries out the item when a law delegates or authorises the work."""

    OWN = "own", "本部门实施"
    ENTRUSTED = "entrusted", "委托实施"
    AUTHORISED = "authorised", "授权实施"


class ItemListStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "现行（已发布）"
    SUPERSEDED = "superseded", "已被新版本替代"
