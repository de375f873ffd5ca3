from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    UNIT_STAFF = "unit_staff", _("Cán bộ đơn vị (đề xuất)")
    UNIT_HEAD = "unit_head", _("Thủ trưởng đơn vị")
    STANDING_REVIEWER = "standing_reviewer", _(
        "Thường trực Hội đồng Thi đua - Khen thưởng (thẩm định)"
    )
    COUNCIL_MEMBER = "council_member", _("Thành viên Hội đồng Thi đua - Khen thưởng")
    COUNCIL_SECRETARY = "council_secretary", _("Thư ký Hội đồng Thi đua - Khen thưởng")
    DIRECTOR = "director", _("Thủ trưởng cơ quan (phê duyệt)")
    AUDITOR = "auditor", _("Kiểm tra, thanh tra")
    MANAGER = "manager", _("Quản lý theo dõi")
    LIAISON = "liaison", _("Đầu mối báo cáo Ban Thi đua - Khen thưởng tỉnh")
    ADMIN = "admin", _("Quản trị hệ thống")


# Roles that belong to the proposing unit: they see its drafts.
UNIT_ROLES = frozenset({Role.UNIT_STAFF, Role.UNIT_HEAD})


# Roles a person may lend while away (approvals.delegations): all but the administrator's,
# which opens the Django admin (is_staff follows grants only).
DELEGABLE_ROLES = frozenset(Role) - {Role.ADMIN}


def permission_codename(role: str) -> str:
    """The guardian object permission on a Unit that stands for holding `role` there."""
    return f"role_{role}"
