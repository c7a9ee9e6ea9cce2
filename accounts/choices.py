from django.db import models


class Role(models.TextChoices):
    SYSTEM_ADMIN = "system_admin", "系统管理员"
    SECURITY_ADMIN = "security_admin", "安全管理员"
    AUDIT_ADMIN = "audit_admin", "审计管理员"
    REGISTRY_MANAGER = "registry_manager", "名录库管理员"
    BUSINESS_STAFF = "business_staff", "业务人员"
    INSPECTOR = "inspector", "执法检查人员"
    UNIT_HEAD = "unit_head", "科室负责人（审核）"
    SUPERVISING_LEADER = "supervising_leader", "分管领导（审批）"
    CONFERENCE_OFFICE = "conference_office", "联席会议办公室"


# 三员: each of these is held alone — never two of them, never with a business role.
ADMIN_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})
BUSINESS_ROLES = frozenset(set(Role) - ADMIN_ROLES)
# Roles whose work is department data (as opposed to platform administration or oversight).
DEPARTMENT_ROLES = frozenset(BUSINESS_ROLES - {Role.CONFERENCE_OFFICE})
