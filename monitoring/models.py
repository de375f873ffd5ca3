"""What the managers watch: each stage visit of a nomination, the alert rules and the alerts."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    """The pipeline's stages: one viewflow human task each (workflow.policy.STATE_TASK)."""

    PREPARE = "prepare", _("Lập, bổ sung hồ sơ")
    REVIEW = "review", _("Thẩm định")
    VOTE = "vote", _("Hội đồng Thi đua - Khen thưởng bỏ phiếu")
    DECIDE = "decide", _("Thủ trưởng phê duyệt")
    REPORT = "report", _("Báo cáo Ban Thi đua - Khen thưởng tỉnh")


class StageVisit(models.Model):
    """One stay of a nomination in one stage, from entering it to leaving it.

    A pre-computed fact of the history: written in the transaction of each change
    (monitoring.visits.stage_visit_follow, called by the transition frame), so it
    commits or rolls back with the history record; `manage.py rebuild_stage_visits`
    rebuilds the table from the history, and its check compares the two. The
    dashboard reads these rows instead of replaying the history.

    Time spent is split into waiting unclaimed (in the queue) and claimed (held by
    someone): `claimed_seconds` adds up closed claims, `claimed_at` is the open one.
    """

    nomination = models.ForeignKey(
        "approvals.Nomination", on_delete=models.CASCADE, related_name="stage_visits"
    )
    # The nomination's at the time (a visit keeps what it was for when it left).
    campaign = models.ForeignKey("approvals.Campaign", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("approvals.Unit", on_delete=models.PROTECT, related_name="+")
    award = models.ForeignKey("approvals.Award", on_delete=models.PROTECT, related_name="+")
    stage = models.CharField(_("bước"), max_length=20, choices=Stage.choices)
    entered_at = models.DateTimeField(_("vào bước lúc"))
    # Who holds it now (while open) or who held it last, else who finished it.
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    claimed_at = models.DateTimeField(null=True, blank=True)  # the open claim's start
    claimed_seconds = models.PositiveBigIntegerField(default=0)  # closed claims so far
    touched_at = models.DateTimeField()  # the last history record on it
    left_at = models.DateTimeField(_("rời bước lúc"), null=True, blank=True)
    outcome = models.CharField(_("sang trạng thái"), max_length=40, blank=True)
    # Set when it leaves: seconds waiting unclaimed, and held by someone.
    wait_seconds = models.PositiveBigIntegerField(null=True, blank=True)
    work_seconds = models.PositiveBigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["nomination"], condition=models.Q(left_at__isnull=True),
                name="one_open_stage_visit",
            )
        ]
        indexes = [
            # Closed visits of a campaign, by stage and the moment they left (time in
            # stage, throughput, the trend); the unit is filtered on the rows found.
            models.Index(fields=["campaign", "stage", "left_at"], name="visit_campaign_left_idx"),
            models.Index(fields=["campaign", "entered_at"], name="visit_campaign_entered_idx"),
            # Open visits: work in progress, queues, age (a small part of the table).
            models.Index(
                fields=["stage", "unit"], condition=models.Q(left_at__isnull=True),
                name="visit_open_idx",
            ),
            # The visits that ended in a return (the returned-share alert): a few % of them.
            models.Index(
                fields=["campaign", "unit", "nomination"],
                condition=models.Q(outcome="returned"), name="visit_returned_idx",
            ),
            # Open visits held by someone (the idle-holder alert).
            models.Index(
                fields=["holder", "touched_at"], condition=models.Q(left_at__isnull=True),
                name="visit_open_holder_idx",
            ),
        ]
        verbose_name = _("lượt xử lý")
        verbose_name_plural = _("lượt xử lý")

    def __str__(self) -> str:
        return f"{self.nomination_id} {self.stage} {self.entered_at:%d/%m/%Y}"


class AlertRule(models.Model):
    """A condition the scan watches for (data: managers edit it on /alerts/rules/, admins in
    the admin). `threshold` is the rule's N; `unit` limits it to a unit and its sub-units."""

    class Kind(models.TextChoices):
        OVERDUE = "overdue", _("Hồ sơ quá hạn ở bước đang xử lý")
        QUEUE = "queue", _("Hàng chờ của một bước vượt quá N hồ sơ")
        DRAFTS_BEFORE_DEADLINE = "drafts_before_deadline", _(
            "Còn N ngày làm việc đến hạn nộp mà đơn vị còn dự thảo chưa trình"
        )
        SILENT_UNIT = "silent_unit", _(
            "Còn N ngày làm việc đến hạn nộp mà đơn vị chưa trình hồ sơ nào"
        )
        IDLE_HOLDER = "idle_holder", _("Người nhận xử lý để hồ sơ quá N ngày làm việc không xử lý")
        RETURN_SHARE = "return_share", _("Tỷ lệ hồ sơ bị trả lại vượt quá N %")

    kind = models.CharField(_("loại cảnh báo"), max_length=40, choices=Kind.choices)
    threshold = models.PositiveIntegerField(_("ngưỡng N"), default=0)
    unit = models.ForeignKey(
        "approvals.Unit", null=True, blank=True, on_delete=models.PROTECT,
        verbose_name=_("đơn vị (để trống: toàn cơ quan)"), related_name="+",
    )
    enabled = models.BooleanField(_("đang bật"), default=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("quy tắc cảnh báo")
        verbose_name_plural = _("quy tắc cảnh báo")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} (N = {self.threshold})"


class Alert(models.Model):
    """One alert: a rule's condition holding for one object (a nomination, a stage, a unit in
    a campaign, a holder in a unit).

    Raised once: the partial unique index on (rule, key) among alerts whose condition
    has not cleared makes a second insert, by a later or a concurrent scan, do nothing.
    It stays open until its condition clears (`cleared_at`) or a manager acknowledges it;
    an acknowledged alert stays on record, and is not raised again, until its condition
    clears; when the condition comes back after that, a new alert is raised.
    """

    rule = models.ForeignKey(AlertRule, on_delete=models.CASCADE, related_name="alerts")
    key = models.CharField(max_length=100)  # the object: "nomination:12", "stage:review", ...
    # The unit it concerns: its managers are told (grants cover sub-units).
    unit = models.ForeignKey("approvals.Unit", on_delete=models.PROTECT, related_name="+")
    # The optional references are indexed where set only (Meta.indexes): a first scan over
    # a large database inserts tens of thousands of alerts, each with most of them empty.
    nomination = models.ForeignKey(
        "approvals.Nomination", null=True, blank=True, on_delete=models.CASCADE,
        related_name="+", db_index=False,
    )
    campaign = models.ForeignKey(
        "approvals.Campaign", null=True, blank=True, on_delete=models.CASCADE, related_name="+",
        db_index=False,
    )
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
        related_name="+", db_index=False,
    )
    value = models.IntegerField(default=0)  # what was measured (a count, days, a percentage)
    text_vi = models.CharField(_("nội dung"), max_length=400)
    text_en = models.CharField(_("nội dung tiếng Anh"), max_length=400)
    raised_at = models.DateTimeField(_("phát sinh lúc"), auto_now_add=True)
    cleared_at = models.DateTimeField(_("hết điều kiện lúc"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("xác nhận lúc"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("người xác nhận"), db_index=False,
    )
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "key"], condition=models.Q(cleared_at__isnull=True),
                name="one_live_alert_per_rule_and_object",
            )
        ]
        indexes = [
            models.Index(
                fields=["unit", "id"],
                condition=models.Q(cleared_at__isnull=True, acknowledged_at__isnull=True),
                name="alert_open_idx",
            ),
            *[
                models.Index(fields=[name], condition=models.Q(**{f"{name}__isnull": False}),
                             name=f"alert_{name}_set_idx")
                for name in ("nomination", "campaign", "holder", "acknowledged_by")
            ],
        ]
        verbose_name = _("cảnh báo")
        verbose_name_plural = _("cảnh báo")

    def __str__(self) -> str:
        return self.text_vi

    @property
    def is_open(self) -> bool:
        return self.cleared_at is None and self.acknowledged_at is None

    def text(self, language: str = "vi") -> str:
        return self.text_en if language.startswith("en") and self.text_en else self.text_vi


class AlertDigest(models.Model):
    """The day's digest of open alerts was written for this person (at most one a day); the
    mail itself is a notifications.DigestMail outbox row written in the same transaction."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                  related_name="+")
    day = models.DateField()
    mail = models.ForeignKey("notifications.DigestMail", on_delete=models.CASCADE,
                             related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["recipient", "day"], name="one_alert_digest_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.recipient_id} {self.day}"


class DashboardSnapshot(models.Model):
    """The whole-body figures of one running campaign, computed by beat every
    DASHBOARD_REFRESH_SECONDS (monitoring.snapshots) and read by the dashboard of everyone who
    covers every unit, while fresh: over a million nominations they take seconds to compute,
    a snapshot one query to read. Stored with the Vietnamese labels and translated when read.
    The figures that depend on who reads them (the overdue list, its holders) are never
    stored; a narrower scope (a unit, a unit's manager) is always computed live."""

    campaign = models.OneToOneField("approvals.Campaign", on_delete=models.CASCADE,
                                    related_name="+")
    today = models.DateField()  # the day the figures are for (ages, the trend)
    computed_at = models.DateTimeField()
    figures = models.JSONField(default=list)

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.computed_at:%d/%m/%Y %H:%M}"
