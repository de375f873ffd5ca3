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


# Each code's label, looked up in a dict (a choices enum rebuilds its `.values` list at
# every `in`); the labels are lazy, so the page language still chooses the words.
_STATE_LABELS: dict[str, str | Promise] = {s.value: s.label for s in State}
_ROLE_LABELS: dict[str, str | Promise] = {r.value: r.label for r in Role}
_DOCUMENT_KIND_LABELS: dict[str, str | Promise] = {k.value: k.label for k in DocumentKind}


def state_label(value: str) -> str | Promise:
    return _STATE_LABELS.get(value, value)


def role_label(value: str) -> str | Promise:
    return _ROLE_LABELS.get(value, value)


def action_label(value: str) -> str | Promise:
    return HISTORY_ACTIONS.get(value, value)


def document_kind_label(value: str) -> str | Promise:
    return _DOCUMENT_KIND_LABELS.get(value, value)


def task_label(value: str) -> str | Promise:
    return TASK_LABELS.get(value, value)


def deadline_status_label(value: str) -> str | Promise:
    return STATUS_LABELS.get(value, value)
