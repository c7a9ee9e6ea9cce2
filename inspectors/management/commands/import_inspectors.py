from core.import_command import ImportCommand
from inspectors.imports import InspectorImport


class Command(ImportCommand):
    help = "从 .xlsx 或 .csv 批量导入执法检查人员（按执法证号新增或更新）；任何一行有错误时不导入任何数据。"
    label = "执法检查人员"
    make_spec = InspectorImport
