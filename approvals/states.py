from django.db import models
from django.utils.translation import pgettext_lazy

# The context "trạng thái" (state) sets the state names apart from the actions that lead
# to them, which read the same in Vietnamese ("Trả lại để bổ sung"): in English a state is
# "Returned for changes", an action "Return for changes".


class State(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("trạng thái", "Dự thảo")
    SUBMITTED = "submitted", pgettext_lazy("trạng thái", "Đã trình, chờ thẩm định")
    # Submitted while a case about the nominee is pending: it waits, it is not rejected
    # (Law Art. 5; 152/2025 Art. 4), until the case closes (approvals.register record_save,
    # or the sweep).
    DEFERRED = "deferred", pgettext_lazy("trạng thái", "Tạm hoãn xét, chờ kết luận vụ việc")
    IN_REVIEW = "in_review", pgettext_lazy("trạng thái", "Đang thẩm định")
    RETURNED = "returned", pgettext_lazy("trạng thái", "Trả lại để bổ sung")
    COUNCIL_VOTE = "council_vote", pgettext_lazy(
        "trạng thái", "Chờ Hội đồng Thi đua - Khen thưởng bỏ phiếu"
    )
    AWAITING_DIRECTOR = "awaiting_director", pgettext_lazy("trạng thái", "Chờ Thủ trưởng phê duyệt")
    APPROVED = "approved", pgettext_lazy("trạng thái", "Đã phê duyệt")
    REJECTED = "rejected", pgettext_lazy("trạng thái", "Không đề nghị / từ chối")
    WITHDRAWN = "withdrawn", pgettext_lazy("trạng thái", "Đã rút")
    REPORTED = "reported", pgettext_lazy(
        "trạng thái", "Đã báo cáo Ban Thi đua - Khen thưởng tỉnh"
    )
    # The award was revoked by the Director (fraud, a false dossier: Law 06/2022 ch. VII).
    REVOKED = "revoked", pgettext_lazy("trạng thái", "Đã thu hồi / hủy bỏ khen thưởng")


# States from which the unit head may still withdraw (before a decision).
OPEN_STATES = [
    State.DRAFT,
    State.SUBMITTED,
    State.DEFERRED,
    State.IN_REVIEW,
    State.RETURNED,
    State.COUNCIL_VOTE,
    State.AWAITING_DIRECTOR,
]
# States in which the unit may still edit the proposal and its dossier.
EDITABLE_STATES = [State.DRAFT, State.RETURNED]
