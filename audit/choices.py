from django.db import models


class Outcome(models.TextChoices):
    SUCCESS = "success", "成功"
    FAILURE = "failure", "失败"
    REFUSED = "refused", "拒绝"


class Channel(models.TextChoices):
    WEB = "web", "网页"
    API = "api", "接口"
    CLI = "cli", "命令行"
    SYSTEM = "system", "系统"
