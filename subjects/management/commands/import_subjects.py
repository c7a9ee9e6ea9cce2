from core.import_command import ImportCommand
from subjects.imports import SubjectImport


class Command(ImportCommand):
    help = "从 .xlsx 或 .csv 批量导入检查对象；任何一行有错误时不导入任何数据。"
    label = "检查对象"
    make_spec = SubjectImport
