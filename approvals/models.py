import datetime
import uuid
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from .roles import Role, permission_codename
from .rulesets import EligibilityKind, Parameters, parse_parameters, validate_parameters
from .states import OPEN_STATES, State


@models.IntegerField.register_lookup
@models.ForeignKey.register_lookup
class AnyOf(models.Lookup):
    """`unit_id__any_of=ids`: `IN`, as one array parameter on PostgreSQL (`= ANY(%s)`).

    A body-wide role covers every unit: the inbox's filters name hundreds of units several
    times, and one parameter each is much cheaper to build, send and plan than hundreds."""

    lookup_name = "any_of"

    def get_prep_lookup(self):
        return [int(v) for v in self.rhs]

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        if connection.vendor == "postgresql":
            # The column's own type, so that PostgreSQL may hash a long array (a cast
            # across integer types cannot be hashed: each row would scan the array).
            kind = self.lhs.output_field.db_type(connection)
            return f"{lhs} = ANY(%s::{kind}[])", [*lhs_params, self.rhs]
        if not self.rhs:
            return "1 = 0", list(lhs_params)
        return f"{lhs} IN ({', '.join(['%s'] * len(self.rhs))})", [*lhs_params, *self.rhs]


class Unit(models.Model):
    """A unit of the body: the body itself, its offices and regional offices (data, not code)."""

    class Kind(models.TextChoices):
        BODY = "body", _("Cơ quan")
        OFFICE = "office", _("Phòng chuyên môn")
        REGIONAL = "regional", _("Phòng THADS khu vực")

    code = models.SlugField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên"), max_length=200)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=200, blank=True)
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # Law 06/2022/QH15 Art. 80(1): only a unit with legal personality decides.
    has_legal_personality = models.BooleanField(_("có tư cách pháp nhân"), default=False)
    # Địa danh (Decree 30/2020 Annex I): where its documents are issued, e.g. "Minh Sơn";
    # the default place of its decisions.
    place = models.CharField(_("địa danh"), max_length=100, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")
        permissions = [(permission_codename(r.value), f"Holds role {r.value}") for r in Role]

    def __str__(self):
        return self.name


class Profile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    title = models.CharField(_("chức danh"), max_length=200, blank=True)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT)

    def __str__(self):
        return f"{self.user} ({self.title})"


class RoleGrant(models.Model):
    """A role held by a person for one unit (and its sub-units) or, with no unit, the whole body.

    Written only through approvals.services.role_grant / role_revoke, which keep
    the Django group and the guardian object permissions in step.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_grants"
    )
    role = models.CharField(_("vai trò"), max_length=40, choices=Role.choices)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT)
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "unit"], name="uniq_role_grant_per_unit"
            ),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=models.Q(unit__isnull=True),
                name="uniq_body_wide_role_grant",
            ),
        ]
        verbose_name = _("phân quyền vai trò")
        verbose_name_plural = _("phân quyền vai trò")

    def __str__(self):
        return f"{self.user} – {self.get_role_display()} – {self.unit or _('toàn cơ quan')}"


class DelegationQuerySet(models.QuerySet):
    def in_force_on(self, day: datetime.date) -> "DelegationQuerySet":
        """The delegations that lend their role on `day` (not cancelled, `day` in the range)."""
        return self.filter(cancelled_at__isnull=True, starts_on__lte=day, ends_on__gte=day)


class Delegation(models.Model):
    """Ủy quyền khi vắng mặt: a person lends one role they hold, for one unit (and its
    sub-units) or the whole body, to a substitute for a range of days (both inclusive, dates
    of the body's time zone, Asia/Ho_Chi_Minh).

    While it is in force the substitute sees that role's work (its queue and the tasks the
    person holds) and acts in that role only, every such action recorded as taken for the
    person (AuditRecord.on_behalf_of). It lends no more than the person holds that day.
    Written only through approvals.delegations (create, cancel: both audited).
    """

    class Status(models.TextChoices):
        UPCOMING = "upcoming", _("Sắp có hiệu lực")
        ACTIVE = "active", _("Đang có hiệu lực")
        ENDED = "ended", _("Đã hết hạn")
        CANCELLED = "cancelled", _("Đã hủy")

    delegator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="delegations_given",
        verbose_name=_("người ủy quyền"),
    )
    substitute = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="delegations_received",
        verbose_name=_("người được ủy quyền"),
    )
    role = models.CharField(_("vai trò"), max_length=40, choices=Role.choices)
    # None: the whole body, as for a RoleGrant.
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("đơn vị")
    )
    starts_on = models.DateField(_("từ ngày"))
    ends_on = models.DateField(_("đến ngày"))
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(_("hủy lúc"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )

    objects = DelegationQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="delegation_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=~models.Q(delegator=models.F("substitute")),
                name="delegation_not_to_oneself",
            ),
        ]
        indexes = [
            models.Index(fields=["substitute", "ends_on"]),
            models.Index(fields=["delegator", "ends_on"]),
        ]
        verbose_name = _("ủy quyền khi vắng mặt")
        verbose_name_plural = _("ủy quyền khi vắng mặt")

    def __str__(self):
        return (
            f"{self.delegator} → {self.substitute}: {self.get_role_display()} "
            f"({self.starts_on:%d/%m/%Y}–{self.ends_on:%d/%m/%Y})"
        )

    def status_on(self, day: datetime.date) -> str:
        if self.cancelled_at is not None:
            return self.Status.CANCELLED
        if day < self.starts_on:
            return self.Status.UPCOMING
        return self.Status.ACTIVE if day <= self.ends_on else self.Status.ENDED


class Campaign(models.Model):
    """Đợt thi đua: a yearly, thematic or ad-hoc campaign."""

    class Kind(models.TextChoices):
        YEARLY = "yearly", _("Tổng kết năm")
        THEMATIC = "thematic", _("Chuyên đề")
        ADHOC = "adhoc", _("Đột xuất")

    code = models.SlugField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên"), max_length=200)
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices)
    year = models.PositiveIntegerField(_("năm"))
    starts_on = models.DateField(_("bắt đầu"))
    ends_on = models.DateField(_("kết thúc"))
    submission_deadline = models.DateField(_("hạn nộp hồ sơ"))

    class Meta:
        ordering = ["-year", "code"]
        verbose_name = _("đợt thi đua")
        verbose_name_plural = _("đợt thi đua")

    def __str__(self):
        return self.name


class Award(models.Model):
    """An entry of the award catalogue (danh hiệu, hình thức khen thưởng)."""

    class Subject(models.TextChoices):
        INDIVIDUAL = "individual", _("Cá nhân")
        COLLECTIVE = "collective", _("Tập thể")

    class Decider(models.TextChoices):
        BODY = "body", _("Thủ trưởng cơ quan")
        UPWARD = "upward", _("Cấp trên (đề nghị lên)")

    code = models.SlugField(_("mã"), max_length=40, unique=True)
    name_vi = models.CharField(_("tên"), max_length=200)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=200)
    subject = models.CharField(_("đối tượng"), max_length=20, choices=Subject.choices)
    decided_by = models.CharField(_("cấp quyết định"), max_length=20, choices=Decider.choices)
    decider_note = models.CharField(_("người quyết định"), max_length=200, blank=True)
    # 98/2023/NĐ-CP Art. 30(7): these awards need a council vote.
    requires_council_vote = models.BooleanField(
        _("cần Hội đồng Thi đua - Khen thưởng bỏ phiếu"), default=False
    )
    # Per-award dossier checklist: the DocumentKind values the dossier must hold.
    required_documents = models.JSONField(_("tài liệu bắt buộc"), default=list, blank=True)
    # Which family of rules judges it (approvals/eligibility.py): data, set on the catalogue.
    eligibility = models.CharField(
        _("nhóm tiêu chuẩn xét"), max_length=30, choices=EligibilityKind.choices,
        default=EligibilityKind.GENERIC,
    )
    # Tiền thưởng: the multiple of the base salary (152/2025 Art. 50), null where the rules
    # give none (an administrator sets it; a decision refuses an award without one).
    bonus_multiple = models.DecimalField(
        _("hệ số tiền thưởng (lần mức lương cơ sở)"), max_digits=5, decimal_places=2,
        null=True, blank=True,
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("danh hiệu / hình thức")
        verbose_name_plural = _("danh hiệu / hình thức")

    def __str__(self):
        return self.name_vi


class RuleSetQuerySet(models.QuerySet):
    def in_force_on(self, day: datetime.date) -> "RuleSetQuerySet":
        return self.filter(effective_from__lte=day).filter(
            models.Q(effective_to__isnull=True) | models.Q(effective_to__gte=day)
        )


class RuleSet(models.Model):
    """Bộ quy tắc: the law in force over a period, with its legal basis and its parameters
    (approvals/rulesets.py gives their schema; an administrator edits them). A campaign is
    judged by the rule set in force on its submission deadline."""

    code = models.CharField(_("mã"), max_length=20, unique=True)
    name = models.CharField(_("tên"), max_length=200)
    legal_basis = models.TextField(_("căn cứ pháp lý"))
    effective_from = models.DateField(_("hiệu lực từ"))
    effective_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    parameters = models.JSONField(_("tham số"), validators=[validate_parameters])

    objects = RuleSetQuerySet.as_manager()

    class Meta:
        ordering = ["effective_from"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(effective_to__isnull=True)
                | models.Q(effective_to__gte=models.F("effective_from")),
                name="rule_set_ends_after_it_starts",
            )
        ]
        verbose_name = _("bộ quy tắc xét khen thưởng")
        verbose_name_plural = _("bộ quy tắc xét khen thưởng")

    def __str__(self):
        return f"{self.code} – {self.name}"

    @property
    def params(self) -> Parameters:
        return parse_parameters(self.parameters)

    def clean(self):
        if self.effective_from and self.effective_to and self.effective_to < self.effective_from:
            raise ValidationError({"effective_to": _("Ngày hết hiệu lực phải sau ngày bắt đầu.")})
        clash = self.overlapping().first() if self.effective_from else None
        if clash is not None:
            raise ValidationError(
                _("Thời gian hiệu lực trùng với bộ quy tắc %(code)s.") % {"code": clash.code}
            )

    def overlapping(self) -> "RuleSetQuerySet":
        """The other rule sets whose periods share a day with this one's."""
        others = RuleSet.objects.exclude(pk=self.pk)
        if self.effective_to is not None:
            others = others.filter(effective_from__lte=self.effective_to)
        return others.filter(
            models.Q(effective_to__isnull=True) | models.Q(effective_to__gte=self.effective_from)
        )


# A nomination in these states no longer holds its nominee's award for the year.
NOT_LIVE_STATES = ["withdrawn", "rejected", "revoked"]


class Nomination(models.Model):
    """A proposal (đề nghị) of one person or collective for one award in one campaign."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, verbose_name=_("đợt"))
    award = models.ForeignKey(Award, on_delete=models.PROTECT, verbose_name=_("danh hiệu"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, verbose_name=_("đơn vị đề nghị"))
    # The nominee: a person of the register or a collective (a unit), exactly one of them.
    nominee_person = models.ForeignKey(
        "Person", null=True, blank=True, on_delete=models.PROTECT, related_name="nominations",
        verbose_name=_("cá nhân được đề nghị"),
    )
    nominee_unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT,
        related_name="collective_nominations", verbose_name=_("tập thể được đề nghị"),
    )
    # The campaign's year, copied by the service: the one-award constraint reads it.
    year = models.PositiveIntegerField(_("năm"))
    # The display label, always written by the service from the person or the unit.
    nominee_name = models.CharField(_("người / tập thể được đề nghị"), max_length=200)
    nominee_title = models.CharField(_("chức vụ"), max_length=200, blank=True)
    achievements = models.TextField(_("tóm tắt thành tích"), blank=True)

    state = FSMField(_("trạng thái"), default=State.DRAFT, choices=State.choices, protected=True)
    state_changed_at = models.DateTimeField(_("chuyển trạng thái lúc"), auto_now_add=True)
    # The latest submission (trình): a decision or report cannot be dated before it.
    submitted_at = models.DateTimeField(_("trình lúc"), null=True, blank=True)

    # The deadline clock (workflow/sla.py), written by the transition that changes the stage.
    clock_started_on = models.DateField(_("bước hiện tại bắt đầu"), null=True, blank=True)
    # Working days the stage's clock stood still while the dossier was back with the unit.
    clock_paused_days = models.PositiveIntegerField(_("số ngày tạm dừng"), default=0)
    returned_on = models.DateField(_("trả lại đơn vị ngày"), null=True, blank=True)
    # The unit's own time on returned dossiers, in working days, returns now closed.
    unit_working_days = models.PositiveIntegerField(_("số ngày đơn vị bổ sung"), default=0)
    # The open stage's due date (none for drafts: the campaign's deadline is theirs).
    due_on = models.DateField(_("hạn bước hiện tại"), null=True, blank=True)

    decision_number = models.CharField(_("số quyết định"), max_length=60, blank=True)
    decision_date = models.DateField(_("ngày quyết định"), null=True, blank=True)
    votes_for = models.PositiveIntegerField(null=True, blank=True)
    votes_total = models.PositiveIntegerField(null=True, blank=True)
    last_reason = models.TextField(_("lý do gần nhất"), blank=True)
    # Thu hồi khen thưởng (Law 06/2022 ch. VII): the revocation decision. A revoked award's
    # bonus is to be paid back: `bonus_to_recover` flags it for the decision's amounts.
    revocation_number = models.CharField(_("số quyết định thu hồi"), max_length=60, blank=True)
    revocation_date = models.DateField(_("ngày quyết định thu hồi"), null=True, blank=True)
    bonus_to_recover = models.BooleanField(_("tiền thưởng phải thu hồi"), default=False)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    process = models.OneToOneField(
        "viewflow.Process",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="nomination",
    )
    # The open human task and who holds it, copied here by the change that moves them
    # (approvals/tallies.py) so that the inbox reads one table: None once the process is
    # over, or while nobody holds the task. workflow/consistency.py checks the copy.
    task = models.ForeignKey(
        "viewflow.Task", null=True, blank=True, on_delete=models.DO_NOTHING,
        db_constraint=False, db_index=False, related_name="+",
    )
    task_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DO_NOTHING,
        db_constraint=False, db_index=False, related_name="+",
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["unit", "state"]),
            models.Index(fields=["state"]),
            models.Index(fields=["due_on"]),
            # Open work only (the queues, the unit's drafts; a held task): the inbox's pages
            # in their default order, however many closed nominations there are.
            models.Index(
                fields=["state_changed_at", "id"], name="nomination_unheld_age",
                condition=models.Q(task__isnull=False, task_owner__isnull=True),
            ),
            models.Index(
                fields=["unit", "state_changed_at", "id"], name="nomination_unit_unheld_age",
                condition=models.Q(task__isnull=False, task_owner__isnull=True),
            ),
            models.Index(
                fields=["task_owner", "state_changed_at", "id"], name="nomination_held_age",
                condition=models.Q(task_owner__isnull=False),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(nominee_person__isnull=False, nominee_unit__isnull=True)
                    | models.Q(nominee_person__isnull=True, nominee_unit__isnull=False)
                ),
                name="nomination_names_one_nominee",
            ),
            # One achievement, one award (Law Art. 5; 152/2025 Art. 4): at most one live
            # nomination per nominee, award and year; withdrawn and rejected ones are not live.
            models.UniqueConstraint(
                fields=["nominee_person", "award", "year"],
                condition=~models.Q(state__in=NOT_LIVE_STATES),
                name="uniq_live_nomination_per_person_award_year",
            ),
            models.UniqueConstraint(
                fields=["nominee_unit", "award", "year"],
                condition=~models.Q(state__in=NOT_LIVE_STATES),
                name="uniq_live_nomination_per_unit_award_year",
            ),
        ]
        verbose_name = _("đề nghị khen thưởng")
        verbose_name_plural = _("đề nghị khen thưởng")

    def __str__(self):
        return f"#{self.pk} {self.nominee_name} – {self.award}"

    # The lifecycle. Who may fire each transition, and the business conditions,
    # are checked by workflow.services against workflow.policy before these run.
    @transition(field=state, source=[State.DRAFT, State.RETURNED], target=State.SUBMITTED)
    def submit(self):
        self.last_reason = ""
        self.submitted_at = timezone.now()

    @transition(field=state, source=[State.DRAFT, State.RETURNED], target=State.DEFERRED)
    def submit_deferred(self):
        """Submitted while a case about the nominee is pending: it waits in the review's
        queue, where nobody can claim it, until the case closes."""
        self.last_reason = ""
        self.submitted_at = timezone.now()

    @transition(field=state, source=State.DEFERRED, target=State.SUBMITTED)
    def resume(self):
        pass

    @transition(field=state, source=State.SUBMITTED, target=State.IN_REVIEW)
    def claim_review(self):
        pass

    @transition(field=state, source=State.IN_REVIEW, target=State.SUBMITTED)
    def release_review(self):
        pass

    @transition(
        field=state, source=[State.IN_REVIEW, State.AWAITING_DIRECTOR], target=State.RETURNED
    )
    def return_for_changes(self, reason: str):
        self.last_reason = reason

    @transition(field=state, source=State.IN_REVIEW, target=State.COUNCIL_VOTE)
    def recommend_to_council(self):
        pass

    @transition(field=state, source=State.IN_REVIEW, target=State.AWAITING_DIRECTOR)
    def recommend_to_director(self):
        pass

    @transition(field=state, source=State.COUNCIL_VOTE, target=State.AWAITING_DIRECTOR)
    def vote_passed(self, votes_for: int, votes_total: int):
        self.votes_for, self.votes_total = votes_for, votes_total

    @transition(field=state, source=State.COUNCIL_VOTE, target=State.REJECTED)
    def vote_failed(self, votes_for: int, votes_total: int, reason: str):
        self.votes_for, self.votes_total = votes_for, votes_total
        self.last_reason = reason

    @transition(field=state, source=State.AWAITING_DIRECTOR, target=State.APPROVED)
    def approve(self, decision_number: str, decision_date):
        self.decision_number, self.decision_date = decision_number, decision_date

    @transition(
        field=state, source=[State.IN_REVIEW, State.AWAITING_DIRECTOR], target=State.REJECTED
    )
    def reject(self, reason: str):
        self.last_reason = reason

    @transition(field=state, source=State.APPROVED, target=State.REPORTED)
    def report(self):
        pass

    @transition(field=state, source=[State.APPROVED, State.REPORTED], target=State.REVOKED)
    def revoke(self, reason: str, revocation_number: str, revocation_date):
        self.last_reason = reason
        self.revocation_number, self.revocation_date = revocation_number, revocation_date
        self.bonus_to_recover = True

    @transition(field=state, source=OPEN_STATES, target=State.WITHDRAWN)
    def withdraw(self, reason: str):
        self.last_reason = reason


# --- the nominee register and the records the eligibility rules read (issue 11) ---


class Person(models.Model):
    """A person of the register (cán bộ, công chức, viên chức, người lao động)."""

    class Gender(models.TextChoices):
        FEMALE = "female", _("Nữ")
        MALE = "male", _("Nam")

    # Vietnamese order: family, middle, given name ("Nguyễn Thị Lan").
    full_name = models.CharField(_("họ và tên"), max_length=200)
    # Blank only for persons converted from free-text nominees, whose gender was never recorded.
    gender = models.CharField(_("giới tính"), max_length=10, choices=Gender.choices, blank=True)
    position = models.CharField(_("chức vụ"), max_length=200, blank=True)
    recruited_on = models.DateField(_("ngày tuyển dụng"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["full_name", "id"]
        verbose_name = _("cá nhân")
        verbose_name_plural = _("cá nhân")

    def __str__(self):
        return self.full_name


class Membership(models.Model):
    """A person's membership of a unit from `starts_on` to `ends_on` (both inclusive; open
    when `ends_on` is empty). A collective's members on a day are those it covers."""

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("cá nhân")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("đơn vị")
    )
    starts_on = models.DateField(_("từ ngày"))
    ends_on = models.DateField(_("đến ngày"), null=True, blank=True)

    class Meta:
        ordering = ["person", "starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="membership_ends_after_it_starts",
            ),
        ]
        indexes = [models.Index(fields=["unit", "starts_on"])]
        verbose_name = _("quá trình công tác")
        verbose_name_plural = _("quá trình công tác")

    def __str__(self):
        end = f"{self.ends_on:%d/%m/%Y}" if self.ends_on else "…"
        return f"{self.person} – {self.unit} ({self.starts_on:%d/%m/%Y}–{end})"


MONTHS = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("12"))]


class YearRating(models.Model):
    """Xếp loại chất lượng: a person's rating for one year and the months worked in it."""

    class Rating(models.TextChoices):
        EXCELLENT = "excellent", _("Hoàn thành xuất sắc nhiệm vụ")
        GOOD = "good", _("Hoàn thành tốt nhiệm vụ")
        COMPLETED = "completed", _("Hoàn thành nhiệm vụ")
        NOT_COMPLETED = "not_completed", _("Không hoàn thành nhiệm vụ")

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="ratings", verbose_name=_("cá nhân")
    )
    year = models.PositiveIntegerField(_("năm"))
    rating = models.CharField(_("xếp loại"), max_length=20, choices=Rating.choices)
    months_worked = models.DecimalField(
        _("số tháng công tác"), max_digits=4, decimal_places=1, validators=MONTHS
    )
    # Nghỉ thai sản: counted as time worked for yearly titles (152/2025 Art. 4(5)).
    maternity_months = models.DecimalField(
        _("số tháng nghỉ thai sản"), max_digits=4, decimal_places=1, default=Decimal("0"),
        validators=MONTHS,
    )

    class Meta:
        ordering = ["person", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["person", "year"], name="uniq_rating_per_person_year"),
            models.CheckConstraint(
                condition=models.Q(months_worked__gte=0, months_worked__lte=12,
                                   maternity_months__gte=0, maternity_months__lte=12),
                name="rating_months_within_a_year",
            ),
        ]
        verbose_name = _("xếp loại năm")
        verbose_name_plural = _("xếp loại năm")

    def __str__(self):
        return f"{self.person} – {self.year}: {self.get_rating_display()}"


class RecognitionLevel(models.TextChoices):
    UNIT = "unit", _("Cấp cơ sở")
    SECTOR = "sector", _("Cấp ngành/tỉnh")
    NATIONAL = "national", _("Toàn quốc")


class Initiative(models.Model):
    """Sáng kiến: an initiative recognised at a level in a year."""

    Level = RecognitionLevel

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="initiatives", verbose_name=_("cá nhân")
    )
    title = models.CharField(_("tên sáng kiến"), max_length=300)
    level = models.CharField(_("cấp công nhận"), max_length=20, choices=RecognitionLevel.choices)
    year = models.PositiveIntegerField(_("năm công nhận"))
    recognition_ref = models.CharField(_("số quyết định công nhận"), max_length=100, blank=True)

    class Meta:
        ordering = ["person", "-year", "id"]
        verbose_name = _("sáng kiến")
        verbose_name_plural = _("sáng kiến")

    def __str__(self):
        return f"{self.title} ({self.year})"


class ResearchProject(models.Model):
    """Đề tài khoa học: a research project accepted (nghiệm thu) at a level in a year."""

    Level = RecognitionLevel

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="research_projects",
        verbose_name=_("cá nhân"),
    )
    title = models.CharField(_("tên đề tài"), max_length=300)
    accepted_year = models.PositiveIntegerField(_("năm nghiệm thu"))
    level = models.CharField(_("cấp"), max_length=20, choices=RecognitionLevel.choices)

    class Meta:
        ordering = ["person", "-accepted_year", "id"]
        verbose_name = _("đề tài khoa học")
        verbose_name_plural = _("đề tài khoa học")

    def __str__(self):
        return f"{self.title} ({self.accepted_year})"


class Discipline(models.Model):
    """Kỷ luật: a disciplinary measure in force from `effective_from` to `effective_to`."""

    class Level(models.TextChoices):
        # Mildest first: the rules compare levels by this order.
        REPRIMAND = "reprimand", _("Khiển trách")
        WARNING = "warning", _("Cảnh cáo")
        DEMOTION = "demotion", _("Hạ bậc lương")
        REMOVAL = "removal", _("Cách chức")
        DISMISSAL = "dismissal", _("Buộc thôi việc")

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="disciplines", verbose_name=_("cá nhân")
    )
    level = models.CharField(_("hình thức kỷ luật"), max_length=20, choices=Level.choices)
    decision_ref = models.CharField(_("số quyết định"), max_length=100)
    effective_from = models.DateField(_("có hiệu lực từ"))
    effective_to = models.DateField(_("hết hiệu lực"))

    class Meta:
        ordering = ["person", "-effective_from", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(effective_to__gte=models.F("effective_from")),
                name="discipline_ends_after_it_starts",
            ),
        ]
        verbose_name = _("kỷ luật")
        verbose_name_plural = _("kỷ luật")

    def __str__(self):
        return f"{self.person} – {self.get_level_display()} ({self.decision_ref})"


class PendingCase(models.Model):
    """A case under way about a person (a discipline being considered, an inspection, an
    investigation, a complaint): while it is open a nomination of the person waits."""

    class Kind(models.TextChoices):
        DISCIPLINE = "discipline", _("Đang xem xét kỷ luật")
        INSPECTION = "inspection", _("Đang thanh tra, kiểm tra")
        INVESTIGATION = "investigation", _("Đang điều tra")
        COMPLAINT = "complaint", _("Đang giải quyết khiếu nại, tố cáo")

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="pending_cases", verbose_name=_("cá nhân")
    )
    kind = models.CharField(_("loại vụ việc"), max_length=20, choices=Kind.choices)
    opened_on = models.DateField(_("ngày bắt đầu"))
    closed_on = models.DateField(_("ngày kết thúc"), null=True, blank=True)
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)

    class Meta:
        ordering = ["person", "-opened_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closed_on__isnull=True)
                | models.Q(closed_on__gte=models.F("opened_on")),
                name="pending_case_closes_after_it_opens",
            ),
        ]
        verbose_name = _("vụ việc đang xem xét")
        verbose_name_plural = _("vụ việc đang xem xét")

    def __str__(self):
        return f"{self.person} – {self.get_kind_display()} ({self.opened_on:%d/%m/%Y})"


class PastAward(models.Model):
    """An award conferred outside the system (before it existed, or by a higher authority)
    on a person or a collective. Approved and reported nominations are awards too."""

    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="past_awards",
        verbose_name=_("cá nhân"),
    )
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="past_awards",
        verbose_name=_("tập thể"),
    )
    award = models.ForeignKey(Award, on_delete=models.PROTECT, verbose_name=_("danh hiệu"))
    year = models.PositiveIntegerField(_("năm"))
    decision_number = models.CharField(_("số quyết định"), max_length=100)
    decision_date = models.DateField(_("ngày quyết định"))
    decider = models.CharField(_("cấp quyết định"), max_length=200)

    class Meta:
        ordering = ["-year", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(person__isnull=False, unit__isnull=True)
                    | models.Q(person__isnull=True, unit__isnull=False)
                ),
                name="past_award_names_one_recipient",
            ),
        ]
        verbose_name = _("khen thưởng đã có")
        verbose_name_plural = _("khen thưởng đã có")

    def __str__(self):
        return f"{self.person or self.unit} – {self.award} ({self.year})"


class DocumentKind(models.TextChoices):
    PROPOSAL_LETTER = "to_trinh", _("Tờ trình đề nghị")
    ACHIEVEMENT_REPORT = "bao_cao_thanh_tich", _("Báo cáo thành tích")
    COUNCIL_MINUTES = "bien_ban_hop", _("Biên bản họp Hội đồng Thi đua - Khen thưởng")
    BALLOT_RESULT = "ket_qua_bo_phieu", _("Kết quả bỏ phiếu")
    CERTIFICATE = "chung_nhan", _("Chứng nhận sáng kiến / đề tài / xếp loại")
    OTHER = "khac", _("Tài liệu khác")


class DossierDocument(models.Model):
    """One file of a nomination's dossier (hồ sơ); removed files stay on record."""

    nomination = models.ForeignKey(Nomination, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(_("loại tài liệu"), max_length=40, choices=DocumentKind.choices)
    file = models.FileField(upload_to="dossiers/%Y/")
    original_name = models.CharField(_("tên tệp"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("tài liệu hồ sơ")
        verbose_name_plural = _("tài liệu hồ sơ")

    def __str__(self):
        return self.original_name


class LeasedJob(models.Model):
    """The claim of a background job by one worker (approvals/leases.py).

    A worker claims the row with a conditional UPDATE that sets a fresh
    `claim_token` and `lease_until`; every later write of that worker is
    conditional on the token, so a worker whose lease ran out and was handed
    on can no longer change the job. `nudged_at` is when a task message was
    last sent for it, so the sweep can send another if one was lost.
    """

    claim_token = models.UUIDField(null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)  # claims so far
    nudged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True


class BulkJob(LeasedJob):
    """One action applied to many nominations, item by item, in a worker (approvals/jobs.py)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Đang chờ")
        RUNNING = "running", _("Đang chạy")
        DONE = "done", _("Hoàn thành")
        FAILED = "failed", _("Không thành công")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=40)
    # The action's parsed inputs, the comment among them (workflow.schemas.inputs_to_json).
    inputs = models.JSONField(default=dict, blank=True)
    # The starter's language: the worker writes each refusal's message in it.
    language = models.CharField(max_length=10, blank=True)
    nomination_ids = models.JSONField(default=list)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)
    # Kept in step with the item rows: each item's row and these counts change in one
    # transaction (approvals/jobs.py).
    processed = models.PositiveIntegerField(default=0)
    succeeded = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(
                fields=["status"], condition=models.Q(status__in=["queued", "running"]),
                name="bulkjob_unfinished_idx",
            )
        ]

    def __str__(self):
        return f"{self.action} × {self.total} ({self.get_status_display()})"

    @property
    def percent(self) -> int:
        return 100 if not self.total else int(100 * self.processed / self.total)

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def results(self) -> list[dict[str, Any]]:
        """Each item's outcome in the order it was done (the API's `results`)."""
        return [item.as_result() for item in self.items.order_by("id")]


class BulkJobItem(models.Model):
    """The outcome of one nomination of a bulk job, written in the transaction of its change
    (or, for a refused item, in a transaction of its own): a crash neither loses nor repeats it."""

    job = models.ForeignKey(BulkJob, on_delete=models.CASCADE, related_name="items")
    # Not a foreign key: a refused id may name no nomination at all.
    nomination_id = models.BigIntegerField()
    ok = models.BooleanField()
    state = models.CharField(max_length=40, blank=True)  # after the change, when ok
    code = models.CharField(max_length=40, blank=True)  # the refusal's, when not ok
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    message = models.TextField(blank=True)
    reasons = models.JSONField(default=list, blank=True)
    fields = models.JSONField(default=dict, blank=True)
    done_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["job", "nomination_id"], name="uniq_bulk_job_item")
        ]

    def __str__(self) -> str:
        return f"{self.job_id}/{self.nomination_id}: {'ok' if self.ok else self.code}"

    def as_result(self) -> dict[str, Any]:
        if self.ok:
            return {"id": self.nomination_id, "ok": True, "state": self.state}
        return {"id": self.nomination_id, "ok": False, "code": self.code, "status": self.status,
                "message": self.message, "reasons": self.reasons, "fields": self.fields}


class ExportJob(LeasedJob):
    """An XLSX export of the history too large to build within one request."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Đang chờ")
        RUNNING = "running", _("Đang chạy")
        DONE = "done", _("Hoàn thành")
        FAILED = "failed", _("Không thành công")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    filters = models.JSONField(default=dict, blank=True)  # the history filters, dates in ISO
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)
    written = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to="exports/%Y/", blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(
                fields=["status"], condition=models.Q(status__in=["queued", "running"]),
                name="exportjob_unfinished_idx",
            )
        ]

    def __str__(self):
        return f"export #{self.pk} × {self.total} ({self.get_status_display()})"

    @property
    def percent(self) -> int:
        return 100 if not self.total else min(100, int(100 * self.written / self.total))

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class IdempotencyKey(models.Model):
    """A client's key for one POST (the API's Idempotency-Key header, a web form's one-time
    token) and the first outcome of the request that carried it (approvals.idempotency).

    Claimed before the work, under a short lease; the outcome is written in the work's own
    transaction, so a retry after a lost answer gets it instead of doing the work twice."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=300)
    # What the key was first used for (method, path, body): another request may not reuse it.
    request_hash = models.CharField(max_length=64)
    # The request working on it now; after the lease a retry may take it over.
    claim = models.UUIDField(null=True, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    # The first outcome, once there is one: HTTP status and the body (JSON text).
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    body = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="uniq_idempotency_key_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.key}"
# --- deadlines: the working-day calendar and the time limits (workflow/workdays.py, sla.py) ---


class CalendarDay(models.Model):
    """The government's yearly changes to the working week, edited by an administrator:
    an extra day off (nghỉ bù, Tết) or a swapped working day (làm bù, a Saturday worked).
    A row wins over the weekend and over the `holidays` package's Vietnamese calendar."""

    class Kind(models.TextChoices):
        OFF = "off", _("Ngày nghỉ")
        WORKING = "working", _("Ngày làm việc (làm bù)")

    day = models.DateField(_("ngày"), unique=True)
    kind = models.CharField(_("loại"), max_length=10, choices=Kind.choices)
    note = models.CharField(_("ghi chú"), max_length=200, blank=True)

    class Meta:
        ordering = ["day"]
        verbose_name = _("ngày nghỉ / làm bù")
        verbose_name_plural = _("lịch nghỉ, làm bù")

    def __str__(self):
        return f"{self.day:%d/%m/%Y} – {self.get_kind_display()}"


class TimeLimit(models.Model):
    """A time limit in working days (commendation-rules.md, "Time limits"), edited as data."""

    class Code(models.TextChoices):
        DRAFT = "draft", _("Lập hồ sơ (hạn nộp của đợt)")
        APPRAISAL = "appraisal", _("Thẩm định hồ sơ")
        INCOMPLETE = "incomplete", _("Trả lại hồ sơ chưa đầy đủ")
        RETURNED = "returned", _("Đơn vị bổ sung hồ sơ bị trả lại")
        COUNCIL = "council", _("Hội đồng Thi đua - Khen thưởng bỏ phiếu")
        DIRECTOR = "director", _("Thủ trưởng phê duyệt")
        REPORT = "report", _("Gửi quyết định, báo cáo Ban Thi đua - Khen thưởng tỉnh")

    code = models.CharField(_("bước"), max_length=20, choices=Code.choices, unique=True)
    # Empty for the draft: a draft is due by its campaign's submission deadline.
    working_days = models.PositiveSmallIntegerField(_("số ngày làm việc"), null=True, blank=True)
    near_due_days = models.PositiveSmallIntegerField(
        _("sắp đến hạn khi còn (ngày làm việc)"), default=3
    )
    basis = models.CharField(_("căn cứ"), max_length=300, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("thời hạn xử lý")
        verbose_name_plural = _("thời hạn xử lý")

    def __str__(self):
        return str(self.get_code_display())


class DeadlineRulesVersion(models.Model):
    """One row whose token changes with every edit of the calendar or the time limits: each
    process keeps its calendar while the token is the one it built it from."""

    token = models.CharField(max_length=32)
    changed_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return self.token


class RoleMapVersion(models.Model):
    """One row whose token database triggers change with every change of a role grant, a
    delegation, a unit or a user's active flag (migration 0028): each process keeps its
    role map (approvals/role_map.py) while the token is the one it read it with."""

    token = models.CharField(max_length=32)

    def __str__(self):
        return self.token


class InboxTally(models.Model):
    """How many nominations lie in each cell the inbox counts are sums of, kept by the
    change that moves a nomination from one cell to another, in its transaction
    (approvals/tallies.py): the counts cost one query however many nominations there are.

    "open" cells: nominations by holder of their open task (`person_id`, 0 for nobody),
    unit, state, whether ever submitted and whether a task is open. "done" cells: the
    nominations a person acted on (`person_id`) by unit and whether submitted (`state`
    empty, `has_task` false). workflow/consistency.py recounts them."""

    class Box(models.TextChoices):
        OPEN = "open", "open"
        DONE = "done", "done"

    pk = models.CompositePrimaryKey(
        "person_id", "box", "unit_id", "state", "submitted", "has_task"
    )
    person_id = models.IntegerField()
    box = models.CharField(max_length=4, choices=Box.choices)
    unit_id = models.IntegerField()
    state = models.CharField(max_length=20, blank=True)
    submitted = models.BooleanField()
    has_task = models.BooleanField()
    n = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.box} {self.person_id} {self.unit_id} {self.state}: {self.n}"


class DoneEntry(models.Model):
    """A nomination a person acted on (any history record of theirs), with their latest
    action: the inbox's "done" tab, written with each history record (approvals/tallies.py)
    instead of a DISTINCT over the whole history."""

    pk = models.CompositePrimaryKey("user", "nomination")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, db_constraint=False,
        db_index=False, related_name="+",
    )
    nomination = models.ForeignKey(
        Nomination, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False,
        related_name="done_by",
    )
    last_at = models.DateTimeField()
    actions = models.PositiveIntegerField(default=1)

    class Meta:
        indexes = [
            models.Index(fields=["user", "-last_at", "-nomination"], name="doneentry_user_last"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → #{self.nomination_id}"


# --- điển hình tiên tiến: exemplars proposed from awards, published on the public page ---

# The public story's bound: a short account, not a dossier.
EXEMPLAR_STORY_MAX = 2000


class Exemplar(models.Model):
    """A person or collective of an approved (or reported) award, proposed by the standing
    reviewer as an exemplar with a short public story; the Director publishes it or declines.
    Only a published one is shown on the public page (approvals.exemplar_selectors)."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Đề xuất, chờ Thủ trưởng công bố")
        PUBLISHED = "published", _("Đã công bố")
        DECLINED = "declined", _("Không công bố")
        # Its award was revoked: taken off the public page for good.
        WITHDRAWN = "withdrawn", _("Đã gỡ do thu hồi khen thưởng")

    nomination = models.ForeignKey(
        Nomination, on_delete=models.PROTECT, related_name="exemplars",
        verbose_name=_("đề nghị khen thưởng"),
    )
    story = models.TextField(
        _("câu chuyện điển hình"), validators=[MaxLengthValidator(EXEMPLAR_STORY_MAX)]
    )
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=Status.choices, default=Status.PROPOSED
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(_("đề xuất lúc"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(_("công bố lúc"), null=True, blank=True)
    last_reason = models.TextField(_("lý do"), blank=True)

    class Meta:
        ordering = ["-proposed_at", "-id"]
        constraints = [
            # One live exemplar per award: proposed or published.
            models.UniqueConstraint(
                fields=["nomination"], condition=models.Q(status__in=["proposed", "published"]),
                name="uniq_live_exemplar_per_nomination",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "published_at"], name="exemplar_status_published"),
        ]
        verbose_name = _("điển hình tiên tiến")
        verbose_name_plural = _("điển hình tiên tiến")

    def __str__(self):
        return f"#{self.pk} {self.nomination.nominee_name}"
# --- the documents issued over many nominations (issue 12): the Director's decision, the
# report to the provincial board, the proposal upward (approvals/decisions.py) ---


class BaseSalary(models.Model):
    """Mức lương cơ sở: the base salary from a date on (the bonus is a multiple of the one in
    force on the decision date, 152/2025 Art. 49); an administrator adds each raise."""

    amount = models.PositiveBigIntegerField(_("mức lương cơ sở (đồng)"))
    effective_from = models.DateField(_("áp dụng từ ngày"), unique=True)
    basis = models.CharField(_("căn cứ"), max_length=300, blank=True)

    class Meta:
        ordering = ["-effective_from"]
        verbose_name = _("mức lương cơ sở")
        verbose_name_plural = _("mức lương cơ sở")

    def __str__(self):
        return f"{self.amount:,} ({self.effective_from:%d/%m/%Y})"


class IssuedDocument(models.Model):
    """What a decision, a report and a proposal share: number and symbol, date, place, the
    issuing body (the unit with legal personality) and the signer as they were on issue."""

    number = models.CharField(_("số, ký hiệu"), max_length=60, unique=True)
    date = models.DateField(_("ngày ban hành"))
    place = models.CharField(_("địa danh"), max_length=100)
    issuing_body = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("cơ quan ban hành")
    )
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+")
    signer_name = models.CharField(_("người ký"), max_length=200)
    signer_title = models.CharField(_("chức vụ người ký"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["-date", "-id"]

    def __str__(self):
        return self.number


class Decision(IssuedDocument):
    """Quyết định khen thưởng: the Director's one decision over a batch of nominations."""

    base_salary = models.PositiveBigIntegerField(_("mức lương cơ sở (đồng)"))
    # "Căn cứ ...": the legal basis of the rule set in force on the decision date, as it was.
    legal_basis = models.TextField(_("căn cứ pháp lý"), blank=True)
    subject = models.CharField(_("trích yếu"), max_length=300)
    # How many lines it has (the next line's position), kept under the decision's row lock.
    line_count = models.PositiveIntegerField(default=0)

    class Meta(IssuedDocument.Meta):
        verbose_name = _("quyết định khen thưởng")
        verbose_name_plural = _("quyết định khen thưởng")


class ReportBatch(IssuedDocument):
    """Báo cáo: one campaign's approved results reported to the provincial board."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="+")
    recipient = models.CharField(_("nơi nhận báo cáo"), max_length=200)

    class Meta(IssuedDocument.Meta):
        verbose_name = _("báo cáo kết quả khen thưởng")
        verbose_name_plural = _("báo cáo kết quả khen thưởng")


class UpwardProposal(IssuedDocument):
    """Tờ trình: higher awards proposed upward to the authority that decides them."""

    authority = models.CharField(_("kính gửi"), max_length=200)

    class Meta(IssuedDocument.Meta):
        verbose_name = _("tờ trình đề nghị cấp trên khen thưởng")
        verbose_name_plural = _("tờ trình đề nghị cấp trên khen thưởng")


class IssuedLine(models.Model):
    """One nomination in an issued document, with its names as they were on issue (the
    document is generated from these rows, whatever is renamed later)."""

    position = models.PositiveIntegerField()
    nominee_name = models.CharField(max_length=200)
    nominee_title = models.CharField(max_length=200, blank=True)
    unit_name = models.CharField(max_length=200)
    award_name = models.CharField(max_length=200)

    class Meta:
        abstract = True
        ordering = ["position"]

    def __str__(self):
        return f"{self.position}. {self.nominee_name}"


class DecisionLine(IssuedLine):
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="lines")
    nomination = models.OneToOneField(Nomination, on_delete=models.PROTECT,
                                      related_name="decision_line")
    multiple = models.DecimalField(max_digits=5, decimal_places=2)
    amount = models.PositiveBigIntegerField()  # VND, rounded up to 10,000


class ReportLine(IssuedLine):
    batch = models.ForeignKey(ReportBatch, on_delete=models.PROTECT, related_name="lines")
    nomination = models.OneToOneField(Nomination, on_delete=models.PROTECT,
                                      related_name="report_line")
    decision_number = models.CharField(max_length=60)
    decision_date = models.DateField(null=True)


class UpwardLine(IssuedLine):
    """A proposed nomination and the higher authority's outcome, which the standing reviewer
    records (fields plus an audit record, not lifecycle states: docs/decisions.md)."""

    class Outcome(models.TextChoices):
        PENDING = "pending", _("Chờ cấp trên quyết định")
        CONFERRED = "conferred", _("Cấp trên đã quyết định khen thưởng")
        NOT_CONFERRED = "not_conferred", _("Cấp trên không khen thưởng")

    proposal = models.ForeignKey(UpwardProposal, on_delete=models.PROTECT, related_name="lines")
    nomination = models.OneToOneField(Nomination, on_delete=models.PROTECT,
                                      related_name="upward_line")
    outcome = models.CharField(max_length=20, choices=Outcome.choices, default=Outcome.PENDING)
    outcome_number = models.CharField(_("số quyết định của cấp trên"), max_length=60,
                                      blank=True)
    outcome_date = models.DateField(_("ngày quyết định của cấp trên"), null=True, blank=True)
    outcome_note = models.CharField(_("ghi chú"), max_length=500, blank=True)
    outcome_at = models.DateTimeField(null=True, blank=True)


# --- The council (Hội đồng Thi đua - Khen thưởng) and its secret-ballot sessions ---------
# docs/council.md explains the design, above all why no row says how a member voted.


class CouncilTerm(models.Model):
    """Nhiệm kỳ Hội đồng: the council of a body over a period, its members and its chair.
    The number of members is the denominator of every threshold (98/2023/NĐ-CP)."""

    body = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="council_terms",
                             verbose_name=_("cơ quan"))
    name = models.CharField(_("tên"), max_length=200)
    starts_on = models.DateField(_("từ ngày"))
    ends_on = models.DateField(_("đến ngày"), null=True, blank=True)
    chair = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                              related_name="+", verbose_name=_("chủ tịch Hội đồng"))
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="council_terms",
                                     verbose_name=_("thành viên"))

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("nhiệm kỳ Hội đồng Thi đua - Khen thưởng")
        verbose_name_plural = _("nhiệm kỳ Hội đồng Thi đua - Khen thưởng")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("Ngày kết thúc phải sau ngày bắt đầu.")})

    def covers(self, day: datetime.date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)


class VoteSession(models.Model):
    """Phiên họp bỏ phiếu: one meeting of a council term over nominations awaiting its vote."""

    class Status(models.TextChoices):
        OPEN = "open", _("Đang họp")
        CLOSED = "closed", _("Đã kết thúc")

    term = models.ForeignKey(CouncilTerm, on_delete=models.PROTECT, related_name="sessions")
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="+")
    meets_on = models.DateField(_("ngày họp"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    # The term's membership when the session opened: the denominator of its thresholds.
    members_total = models.PositiveIntegerField()
    # award code -> how many of it the session may pass at most (optional).
    quotas = models.JSONField(default=dict, blank=True)
    # The minutes (biên bản) of a paper ballot, stored as dossier documents are.
    minutes = models.FileField(upload_to="council/%Y/", blank=True)
    minutes_name = models.CharField(max_length=255, blank=True)
    minutes_sha256 = models.CharField(max_length=64, blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+")
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-meets_on", "-id"]
        verbose_name = _("phiên bỏ phiếu")
        verbose_name_plural = _("phiên bỏ phiếu")

    def __str__(self) -> str:
        return f"{self.term} — {self.meets_on:%d/%m/%Y}"


class Attendance(models.Model):
    """Whether a member of the term was at the session, absent, or absent with a written vote."""

    class Status(models.TextChoices):
        PRESENT = "present", _("Có mặt")
        ABSENT = "absent", _("Vắng mặt")
        WRITTEN = "written", _("Vắng mặt, có phiếu bằng văn bản")

    session = models.ForeignKey(VoteSession, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ABSENT)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session", "member"],
                                               name="attendance_once_per_member")]

    def __str__(self) -> str:
        return f"{self.member_id}: {self.status}"


class SessionItem(models.Model):
    """One nomination put to a session. The ballots are only these counters: each ballot cast
    in the app adds one to `yes` or `no` in the transaction that writes its participation row,
    so no row ties a choice to a voter (docs/council.md)."""

    session = models.ForeignKey(VoteSession, on_delete=models.CASCADE, related_name="items")
    nomination = models.ForeignKey(Nomination, on_delete=models.PROTECT,
                                   related_name="council_items")
    yes = models.PositiveIntegerField(default=0)
    no = models.PositiveIntegerField(default=0)
    # The paper ballots (and written votes) the secretary counted, if any.
    paper_yes = models.PositiveIntegerField(null=True, blank=True)
    paper_ballots = models.PositiveIntegerField(null=True, blank=True)
    # A tie at the quota broken by the chair: True chosen, False not (None: no choice made).
    chair_chosen = models.BooleanField(null=True, blank=True)
    # Set when the session closes: the computed outcome.
    passed = models.BooleanField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["session", "nomination"],
                                               name="session_item_once")]

    def __str__(self) -> str:
        return f"{self.session_id}/{self.nomination_id}"

    @property
    def votes_for(self) -> int:
        return self.yes + (self.paper_yes or 0)

    @property
    def ballots(self) -> int:
        return self.yes + self.no + (self.paper_ballots or 0)


class BallotParticipation(models.Model):
    """That a member took part in the vote on an item: a random key, no time, no choice."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    item = models.ForeignKey(SessionItem, on_delete=models.CASCADE,
                             related_name="participations")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item", "member"],
                                               name="one_ballot_per_member")]

    def __str__(self) -> str:
        return str(self.id)
