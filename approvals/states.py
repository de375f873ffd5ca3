from django.db import models
from django.utils.translation import gettext_lazy as _


class State(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    SUBMITTED = "submitted", _("Đã trình, chờ thẩm định")
    IN_REVIEW = "in_review", _("Đang thẩm định")
    RETURNED = "returned", _("Trả lại để bổ sung")
    COUNCIL_VOTE = "council_vote", _("Chờ Hội đồng bỏ phiếu")
    AWAITING_DIRECTOR = "awaiting_director", _("Chờ Thủ trưởng phê duyệt")
    APPROVED = "approved", _("Đã phê duyệt")
    REJECTED = "rejected", _("Không đề nghị / từ chối")
    WITHDRAWN = "withdrawn", _("Đã rút")
    REPORTED = "reported", _("Đã báo cáo Ban Thi đua tỉnh")


# States from which the unit head may still withdraw (before a decision).
OPEN_STATES = [
    State.DRAFT,
    State.SUBMITTED,
    State.IN_REVIEW,
    State.RETURNED,
    State.COUNCIL_VOTE,
    State.AWAITING_DIRECTOR,
]
# States in which the unit may still edit the proposal and its dossier.
EDITABLE_STATES = [State.DRAFT, State.RETURNED]
