"""Admin for organisation data. Lifecycle state never changes here: only through the services."""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from workflow.admin import ReadOnlyAdmin
from workflow.deadlines import (
    calendar_day_clear,
    calendar_day_set,
    time_limit_clear,
    time_limit_errors,
    time_limit_set,
)
from workflow.errors import WorkflowError

from .delegations import delegation_cancel
from .models import (
    Award,
    BaseSalary,
    BulkJob,
    CalendarDay,
    Campaign,
    CouncilTerm,
    Decision,
    Delegation,
    Discipline,
    DossierDocument,
    Exemplar,
    Initiative,
    Membership,
    Nomination,
    PastAward,
    PendingCase,
    Person,
    Profile,
    ReportBatch,
    ResearchProject,
    RoleGrant,
    RuleSet,
    TimeLimit,
    Unit,
    UpwardProposal,
    VoteSession,
    YearRating,
)
from .register import (
    PERSON_FIELDS,
    RECORD_MODELS,
    person_create,
    person_update,
    record_delete,
    record_save,
)
from .rule_set_services import rule_set_save
from .services import role_grant, role_revoke


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "parent", "has_legal_personality", "place")
    list_filter = ("kind", "has_legal_personality")
    search_fields = ("code", "name", "name_en")


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "title", "unit")
    search_fields = ("user__username", "user__first_name", "user__last_name", "title")
    autocomplete_fields = ("unit",)


@admin.register(RoleGrant)
class RoleGrantAdmin(admin.ModelAdmin):
    """Grants are added and removed through the role services, which keep permissions in step."""

    list_display = ("user", "role", "unit", "granted_at")
    list_filter = ("role", "unit")
    search_fields = ("user__username",)
    fields = ("user", "role", "unit")

    def has_change_permission(self, request, obj=None):
        return obj is None

    # The role services open their own durable transaction, so the admin's usual
    # wrapping transaction must not surround them.
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        return self._changeform_view(  # type: ignore[attr-defined]  # Django's own, untyped
            request, object_id, form_url, extra_context
        )

    def delete_view(self, request, object_id, extra_context=None):
        return self._delete_view(  # type: ignore[attr-defined]  # Django's own, untyped
            request, object_id, extra_context
        )

    def save_model(self, request, obj, form, change):
        grant = role_grant(user=obj.user, role=obj.role, unit=obj.unit, granted_by=request.user)
        obj.pk = grant.pk

    def delete_model(self, request, obj):
        role_revoke(user=obj.user, role=obj.role, unit=obj.unit, revoked_by=request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "year", "submission_deadline")
    list_filter = ("kind", "year")
    search_fields = ("code", "name")


@admin.register(Award)
class AwardAdmin(admin.ModelAdmin):
    list_display = ("code", "name_vi", "subject", "eligibility", "decided_by",
                    "requires_council_vote", "bonus_multiple")
    list_filter = ("subject", "eligibility", "decided_by", "requires_council_vote")
    search_fields = ("code", "name_vi", "name_en")


class CouncilTermForm(forms.ModelForm):
    class Meta:
        model = CouncilTerm
        fields = ["body", "name", "starts_on", "ends_on", "chair", "members"]

    def clean(self):
        data = super().clean() or {}
        chair, members = data.get("chair"), data.get("members")
        if chair is not None and members is not None and chair not in members:
            self.add_error("chair", _("Chủ tịch Hội đồng phải là thành viên của nhiệm kỳ."))
        return data


@admin.register(CouncilTerm)
class CouncilTermAdmin(admin.ModelAdmin):
    """The council as data: its members are the denominator of every threshold. A session
    keeps the membership count it opened with, so a later edit does not change its votes."""

    form = CouncilTermForm
    list_display = ("name", "body", "starts_on", "ends_on", "chair")
    filter_horizontal = ("members",)


@admin.register(VoteSession)
class VoteSessionAdmin(ReadOnlyAdmin):
    list_display = ("term", "meets_on", "status", "members_total")


@admin.register(Nomination)
class NominationAdmin(ReadOnlyAdmin):
    list_display = ("id", "nominee_name", "award", "year", "unit", "state", "state_changed_at")
    list_filter = ("state", "unit", "award", "campaign")
    search_fields = ("nominee_name", "decision_number")
    list_select_related = ("award", "unit")


@admin.register(DossierDocument)
class DossierDocumentAdmin(ReadOnlyAdmin):
    list_display = ("id", "original_name", "kind", "nomination", "uploaded_at", "removed_at")
    list_select_related = ("nomination__award",)


@admin.register(BulkJob)
class BulkJobAdmin(ReadOnlyAdmin):
    list_display = ("id", "user", "action", "status", "total", "processed", "succeeded", "failed",
                    "attempts")
    list_filter = ("status", "action")


class ThroughServices(admin.ModelAdmin):
    """Saved and deleted through a service that opens its own durable transaction (the
    deadline services), so the admin's usual wrapping transaction must not surround it."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        return self._changeform_view(  # type: ignore[attr-defined]  # Django's own, untyped
            request, object_id, form_url, extra_context
        )

    def delete_view(self, request, object_id, extra_context=None):
        return self._delete_view(  # type: ignore[attr-defined]  # Django's own, untyped
            request, object_id, extra_context
        )

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(CalendarDay)
class CalendarDayAdmin(ThroughServices):
    """The government's days off and swapped working days: every deadline follows at once."""

    list_display = ("day", "kind", "note")
    list_filter = ("kind",)
    date_hierarchy = "day"
    search_fields = ("note",)

    def save_model(self, request, obj, form, change):
        row = calendar_day_set(
            day=obj.day, kind=obj.kind, note=obj.note,
            replaces=form.initial.get("day") if change else None,
        )
        obj.pk = row.pk

    def delete_model(self, request, obj):
        calendar_day_clear(day=obj.day)


class TimeLimitForm(forms.ModelForm):
    class Meta:
        model = TimeLimit
        fields = ("code", "working_days", "near_due_days", "basis")

    def clean(self):
        data = super().clean() or {}
        code = str(data.get("code") or self.instance.code or "")
        errors = time_limit_errors(
            code=code, working_days=data.get("working_days"),
            near_due_days=data.get("near_due_days") or 0,
        )
        for name, problems in errors.items():
            self.add_error(name if name in self.fields else None, problems)
        return data


@admin.register(TimeLimit)
class TimeLimitAdmin(ThroughServices):
    """Time limits in working days; the open nominations' due dates follow at once."""

    form = TimeLimitForm
    list_display = ("code", "working_days", "near_due_days", "basis")

    def get_readonly_fields(self, request, obj=None):
        return ("code",) if obj else ()

    def save_model(self, request, obj, form, change):
        row = time_limit_set(
            code=obj.code, working_days=obj.working_days, near_due_days=obj.near_due_days,
            basis=obj.basis,
        )
        obj.pk = row.pk

    def delete_model(self, request, obj):
        time_limit_clear(code=obj.code)
@admin.register(Delegation)
class DelegationAdmin(ReadOnlyAdmin):
    """Delegations are lent by the person on their page (or the API), where the service says
    why one is refused; here they are read, and cancelled through the service."""

    list_display = ("id", "delegator", "substitute", "role", "unit", "starts_on", "ends_on",
                    "cancelled_at")
    list_filter = ("role", "unit")
    search_fields = ("delegator__username", "substitute__username")
    list_select_related = ("delegator", "substitute", "unit")
    actions = ["cancel_selected"]

    @admin.action(description=_("Hủy các ủy quyền đã chọn"))
    def cancel_selected(self, request, queryset):
        for delegation in queryset:
            try:
                delegation_cancel(user=request.user, delegation_id=delegation.pk)
            except WorkflowError as error:
                self.message_user(request, f"#{delegation.pk}: {error.message}", messages.ERROR)
            else:
                self.message_user(request, _("Đã hủy ủy quyền #%(pk)s.") % {"pk": delegation.pk})


@admin.register(RuleSet)
class RuleSetAdmin(ThroughServices):
    """The law's parameters: checked against their schema (approvals/rulesets.py) and for
    overlapping periods, each problem shown in Vietnamese; every change is audited. A rule set
    judged past proposals, so it is never deleted: a new period is a new rule set."""

    list_display = ("code", "name", "effective_from", "effective_to")

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        rule_set_save(user=request.user, rule_set=obj)


# --- the nominee register: every save and delete goes through approvals.register ---

KIND_OF = {model: kind for kind, model in RECORD_MODELS.items()}


def _values(form, *, change: bool) -> dict:
    """The form's fields (only the changed ones when editing), keyed by attname."""
    names = form.changed_data if change else list(form.cleaned_data)
    fields = {f.name: f for f in form.instance._meta.concrete_fields}
    return {fields[n].attname: getattr(form.instance, fields[n].attname)
            for n in names if n in fields}


class RecordInline(admin.TabularInline):
    extra = 0


def _inline(model_class):
    return type(f"{model_class.__name__}Inline", (RecordInline,), {"model": model_class})


@admin.register(Person)
class PersonAdmin(ThroughServices):
    """A person and, inline, their memberships and records (each change audited)."""

    list_display = ("full_name", "gender", "position", "recruited_on")
    list_filter = ("gender", "memberships__unit")
    search_fields = ("full_name",)
    fields = PERSON_FIELDS
    inlines = [_inline(m) for m in (Membership, YearRating, Initiative, ResearchProject,
                                    Discipline, PendingCase, PastAward)]

    def save_model(self, request, obj, form, change):
        if change:
            person_update(user=request.user, person_id=obj.pk,
                          **{n: form.cleaned_data[n] for n in form.changed_data})
        else:
            obj.pk = person_create(user=request.user, **form.cleaned_data).pk

    def has_delete_permission(self, request, obj=None):
        return False  # a person stays on the register: their nominations and history name them

    def save_formset(self, request, form, formset, change):
        kind = KIND_OF[formset.model]
        for gone in formset.deleted_forms:
            if gone.instance.pk is not None:
                record_delete(user=request.user, kind=kind, record_id=gone.instance.pk)
        for row in formset.forms:
            if row in formset.deleted_forms or not row.has_changed():
                continue
            editing = row.instance.pk is not None
            values = _values(row, change=editing)
            values.pop("id", None)
            values.pop("person_id", None)
            if not editing:
                values["person_id"] = form.instance.pk
            record_save(user=request.user, kind=kind, values=values, record_id=row.instance.pk)
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []


class RecordAdmin(ThroughServices):
    """One kind of record, saved and deleted through approvals.register (audited)."""

    def save_model(self, request, obj, form, change):
        values = _values(form, change=change)
        saved = record_save(user=request.user, kind=KIND_OF[type(obj)], values=values,
                            record_id=obj.pk if change else None)
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        record_delete(user=request.user, kind=KIND_OF[type(obj)], record_id=obj.pk)


@admin.register(Membership)
class MembershipAdmin(RecordAdmin):
    list_display = ("person", "unit", "starts_on", "ends_on")
    list_filter = ("unit",)
    list_select_related = ("person", "unit")
    search_fields = ("person__full_name",)


@admin.register(YearRating)
class YearRatingAdmin(RecordAdmin):
    list_display = ("person", "year", "rating", "months_worked", "maternity_months")
    list_filter = ("year", "rating")
    list_select_related = ("person",)
    search_fields = ("person__full_name",)


@admin.register(Initiative)
class InitiativeAdmin(RecordAdmin):
    list_display = ("title", "person", "level", "year", "recognition_ref")
    list_filter = ("level", "year")
    list_select_related = ("person",)
    search_fields = ("person__full_name",)


@admin.register(ResearchProject)
class ResearchProjectAdmin(RecordAdmin):
    list_display = ("title", "person", "level", "accepted_year")
    list_filter = ("level", "accepted_year")
    list_select_related = ("person",)
    search_fields = ("person__full_name",)


@admin.register(Discipline)
class DisciplineAdmin(RecordAdmin):
    list_display = ("person", "level", "decision_ref", "effective_from", "effective_to")
    list_filter = ("level",)
    list_select_related = ("person",)
    search_fields = ("person__full_name",)


@admin.register(PendingCase)
class PendingCaseAdmin(RecordAdmin):
    list_display = ("person", "kind", "opened_on", "closed_on")
    list_filter = ("kind",)
    list_select_related = ("person",)
    search_fields = ("person__full_name",)


@admin.register(PastAward)
class PastAwardAdmin(RecordAdmin):
    list_display = ("award", "person", "unit", "year", "decision_number", "decider")
    list_filter = ("award", "year")
    list_select_related = ("person", "unit", "award")
    search_fields = ("person__full_name", "unit__name", "decision_number")


# --- the issued documents (approvals/decisions.py) --------------------------


@admin.register(BaseSalary)
class BaseSalaryAdmin(admin.ModelAdmin):
    """Mức lương cơ sở: each raise is a new row from its date; a decision takes the one in
    force on its date (and keeps the amount it used)."""

    list_display = ("effective_from", "amount", "basis")


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ("number", "date", "issuing_body", "signer_name", "base_salary")
    search_fields = ("number",)


@admin.register(ReportBatch)
class ReportBatchAdmin(ReadOnlyAdmin):
    list_display = ("number", "date", "campaign", "issuing_body", "signer_name")
    search_fields = ("number",)


@admin.register(UpwardProposal)
class UpwardProposalAdmin(ReadOnlyAdmin):
    list_display = ("number", "date", "authority", "issuing_body", "signer_name")
    search_fields = ("number",)


@admin.register(Exemplar)
class ExemplarAdmin(ReadOnlyAdmin):
    """Read only: proposing, publishing and declining go through approvals.exemplars."""

    list_display = ("nomination__nominee_name", "nomination__unit", "nomination__award",
                    "nomination__year", "status", "proposed_at", "published_at")
    list_filter = ("status", "nomination__year")
    search_fields = ("nomination__nominee_name",)
    list_select_related = ("nomination__unit", "nomination__award")
