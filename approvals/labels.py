"""The words shown for codes: states, roles, history actions, document kinds, stages,
deadline statuses.

Pages (template filters), exports and notices all read them here.
"""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from workflow.policy import HISTORY_ACTIONS
from workflow.sla import STATUS_LABELS

from .models import DocumentKind
from .roles import Role
from .states import State

TASK_LABELS = {
    "prepare": _("Đơn vị chuẩn bị hồ sơ"),
    "review": _("Thường trực Hội đồng Thi đua - Khen thưởng thẩm định"),
    "vote": _("Hội đồng Thi đua - Khen thưởng bỏ phiếu"),
    "decide": _("Thủ trưởng cơ quan quyết định"),
    "report": _("Báo cáo Ban Thi đua - Khen thưởng tỉnh"),
}


def state_label(value: str) -> str | Promise:
    return State(value).label if value in State.values else value


def role_label(value: str) -> str | Promise:
    return Role(value).label if value in Role.values else value


def action_label(value: str) -> str | Promise:
    return HISTORY_ACTIONS.get(value, value)


def document_kind_label(value: str) -> str | Promise:
    return DocumentKind(value).label if value in DocumentKind.values else value


def task_label(value: str) -> str | Promise:
    return TASK_LABELS.get(value, value)


def deadline_status_label(value: str) -> str | Promise:
    return STATUS_LABELS.get(value, value)
