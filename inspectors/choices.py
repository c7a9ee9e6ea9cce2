from django.db import models


class InspectorStatus(models.TextChoices):
    """Only inspectors 在岗 can be drawn."""

    ACTIVE = "active", "在岗"
    AWAY = "away", "离岗"
    SECONDED = "seconded", "借调"
    LEAVE = "leave", "休假/病假"
    TRANSFERRED = "transferred", "调离"
    RETIRED = "retired", "退休"
