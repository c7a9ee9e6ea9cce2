from core.import_command import ImportCommand
from inspectors.imports import ExpertImport


class Command(ImportCommand):
    help = (
        "从 .xlsx 或 .csv 批量导入专家库（按姓名和工作单位新增或更新）；"
        "任何一行有错误时不导入任何数据。"
    )
    label = "专家"
    make_spec = ExpertImport
