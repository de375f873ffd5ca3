from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """One notice for one recipient, written in the transaction of the change that caused it.

    The websocket push after commit is only a nudge: a client that missed it
    replays every row after the last id it saw.
    """

    class Kind(models.TextChoices):
        TASK = "task", _("Việc mới trong hàng chờ")
        ASSIGNED = "assigned", _("Được giao xử lý")
        VOTE_OPENED = "vote_opened", _("Hội đồng Thi đua - Khen thưởng mở bỏ phiếu")
        RETURNED = "returned", _("Bị trả lại để bổ sung")
        APPROVED = "approved", _("Được phê duyệt")
        REJECTED = "rejected", _("Không được đề nghị / từ chối")
        REPORTED = "reported", _("Đã báo cáo Ban Thi đua - Khen thưởng tỉnh")
        ALERT = "alert", _("Cảnh báo")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices)
    nomination = models.ForeignKey(
        "approvals.Nomination",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The history record of the transition; one notice per recipient per record.
    audit_record_id = models.BigIntegerField(null=True, blank=True)
    text_vi = models.CharField(_("nội dung"), max_length=400)
    text_en = models.CharField(_("nội dung tiếng Anh"), max_length=400)
    created_at = models.DateTimeField(_("thời điểm"), auto_now_add=True)
    read_at = models.DateTimeField(_("đã đọc lúc"), null=True, blank=True)
    # Set when an e-mail digest included this notice (send_notification_digest).
    digested_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["recipient", "id"]),
            models.Index(
                fields=["recipient", "id"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "audit_record_id"],
                condition=models.Q(audit_record_id__isnull=False),
                name="uniq_notification_per_record",
            )
        ]
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")

    def __str__(self):
        return f"{self.recipient} – {self.text_vi}"

    def text(self, language: str = "vi") -> str:
        return self.text_en if language.startswith("en") and self.text_en else self.text_vi
