from django.apps import AppConfig


class SubjectsConfig(AppConfig):
    name = "subjects"
    verbose_name = "检查对象名录库"
