"""检查结果类别 (D2), as the provincial platform's record form lists them.

(code, name, adverse, refusal/falsifying (D5), default follow-up action)
"""

RESULT_CATEGORIES: list[tuple[str, str, bool, bool, str]] = [
    ("no_problem", "未发现问题", False, False, "none"),
    ("problem_pending", "发现问题待后续处理", True, False, "feedback"),
    ("not_disclosed", "未按规定公示应当公示的信息", True, False, "rectify"),
    ("false_disclosure", "公示信息隐瞒真实情况、弄虚作假", True, True, "feedback"),
    ("address_unreachable", "通过登记的住所（经营场所）无法联系", True, False, "feedback"),
    ("other_aic_violation", "违反其他工商行政管理规定行为", True, False, "feedback"),
    ("food_drug_violation", "违反食品药品管理相关规定", True, False, "feedback"),
    ("quality_violation", "违反质量技术监督相关规定", True, False, "feedback"),
    ("other_department_violation", "违反其他部门相关规定", True, False, "notify"),
    ("rectified", "发现问题经责令已改正", False, False, "none"),
    ("no_activity", "未发现开展本次抽查涉及的经营活动", False, False, "none"),
    ("closed_or_liquidating", "已关闭停业或正在组织清算", False, False, "none"),
    ("refused_inspection", "不配合检查情节严重", True, True, "feedback"),
    ("deregistered", "注销/被吊销/被撤销/迁出", False, False, "none"),
]
