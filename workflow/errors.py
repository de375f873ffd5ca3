"""Errors the services raise; each maps to one HTTP status in the web and the API."""

from django.db import InterfaceError, OperationalError
from django.utils.translation import gettext_lazy as _


class WorkflowError(Exception):
    status = 400
    code = "invalid"
    default_message = _("Yêu cầu không hợp lệ.")

    def __init__(self, message=None, *, reasons=None, fields=None):
        self.message = message or self.default_message
        self.reasons = list(reasons or [])
        self.fields = dict(fields or {})
        super().__init__(str(self.message))


class InvalidInput(WorkflowError):
    """Malformed input: missing or bad fields (400)."""

    status = 400
    code = "invalid_input"
    default_message = _("Dữ liệu nhập chưa hợp lệ.")


class NotFound(WorkflowError):
    """The object does not exist or the actor may not see it: the two look the same (404)."""

    status = 404
    code = "not_found"
    default_message = _("Không tìm thấy đề nghị.")


class PermissionRefused(WorkflowError):
    """The actor sees the object but may not take this action (403)."""

    status = 403
    code = "permission_denied"
    default_message = _("Bạn không có quyền thực hiện thao tác này.")


class Conflict(WorkflowError):
    """Not allowed from the current state, or lost to a concurrent change (409)."""

    status = 409
    code = "conflict"
    default_message = _("Đề nghị đã thay đổi trạng thái; vui lòng tải lại.")


class FileAltered(WorkflowError):
    """A stored file no longer matches the checksum taken at its upload."""

    status = 409
    code = "file_altered"
    default_message = _(
        "Tệp này đã bị thay đổi hoặc không còn trên máy chủ sau khi tải lên; hệ thống không "
        "cung cấp tệp đã bị thay đổi. Sự việc đã được ghi lại, vui lòng báo quản trị hệ thống."
    )


class RuleViolation(WorkflowError):
    """A business rule blocks the action; `reasons` lists why (422)."""

    status = 422
    code = "rule_violation"
    default_message = _("Quy định không cho phép thao tác này.")



# SQLSTATEs of a lost race: a serialization failure or a deadlock (class 40), a lock not
# granted in time (55P03), a statement cancelled by its timeout (57014).
LOST_RACE_SQLSTATES = ("40", "55P03", "57014")


def connection_lost(error: BaseException) -> bool:
    """The database error says that the connection or the server is gone (a terminated
    backend, a restart, the network), not that another transaction won a race.

    Looks through the chain of causes: Django wraps the driver's error, and viewflow
    wraps a lock it could not get in its own error."""
    chain: list[BaseException] = []
    seen: BaseException | None = error
    while seen is not None and seen not in chain:
        chain.append(seen)
        seen = seen.__cause__ or seen.__context__
    for link in chain:
        sqlstate = getattr(link, "sqlstate", None)
        if sqlstate:
            return not sqlstate.startswith(LOST_RACE_SQLSTATES)
    # No answer from the server at all: the driver's own error (no connection).
    return any(isinstance(link, OperationalError | InterfaceError) for link in chain)
