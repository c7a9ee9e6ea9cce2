from core.import_command import ImportCommand
from items.imports import ItemImport


class Command(ImportCommand):
    help = "从 .xlsx 或 .csv 批量导入随机抽查事项（写入本部门草稿版本）；任何一行有错误时不导入任何数据。"
    label = "检查事项"
    make_spec = ItemImport
