"""Shapes of the API's input and output. Input serializers only parse types;
the services decide permissions, states and business rules."""

import datetime

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from approvals.access import available_actions, open_task
from approvals.filters import HistoryFilters, InboxFilters, NominationFilters
from approvals.inputs import DelegationInput
from approvals.models import (
    Award,
    BulkJob,
    Campaign,
    Delegation,
    DocumentKind,
    DossierDocument,
    Unit,
)
from approvals.names import acted_by, full_name
from approvals.roles import Role
from approvals.states import State
from workflow.models import AuditRecord
from workflow.schemas import MAX_ID, Text, action_schema, bulk_schema, slug
from workflow.sla import STATUS_CHOICES, Deadline, deadline_of, deadline_rules

__all__ = ["DelegationInput", "HistoryFilters", "InboxFilters", "NominationFilters",
           "action_schema", "bulk_schema"]


def Id(**kwargs):  # noqa: N802 - reads as a field type
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


# --- catalogue --------------------------------------------------------------


class UnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = Unit
        fields = ["id", "code", "name", "name_en", "kind", "parent", "has_legal_personality"]


class CampaignSerializer(serializers.ModelSerializer):
    class Meta:
        model = Campaign
        fields = [
            "id",
            "code",
            "name",
            "kind",
            "year",
            "starts_on",
            "ends_on",
            "submission_deadline",
        ]


class AwardSerializer(serializers.ModelSerializer):
    required_documents = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Award
        fields = [
            "id",
            "code",
            "name_vi",
            "name_en",
            "subject",
            "decided_by",
            "requires_council_vote",
            "required_documents",
        ]


class UnitBrief(serializers.ModelSerializer):
    class Meta:
        model = Unit
        fields = ["id", "code", "name"]


class CampaignBrief(serializers.ModelSerializer):
    class Meta:
        model = Campaign
        fields = ["id", "code", "name"]


class AwardBrief(serializers.ModelSerializer):
    class Meta:
        model = Award
        fields = ["id", "code", "name_vi", "name_en"]


# --- nominations ------------------------------------------------------------


class NominationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    state = serializers.ChoiceField(choices=State.choices)
    state_label = serializers.SerializerMethodField()
    unit = UnitBrief()
    campaign = CampaignBrief()
    award = AwardBrief()
    nominee_person = serializers.IntegerField(
        source="nominee_person_id", allow_null=True,
        help_text="The person nominated (an individual award), else null.",
    )
    nominee_unit = serializers.IntegerField(
        source="nominee_unit_id", allow_null=True,
        help_text="The collective nominated (a collective award): a unit id, else null.",
    )
    nominee_name = serializers.CharField(help_text="The nominee's name, from the register.")
    nominee_title = serializers.CharField()
    year = serializers.IntegerField(help_text="The campaign's year.")
    achievements = serializers.CharField()
    decision_number = serializers.CharField()
    decision_date = serializers.DateField(allow_null=True)
    votes_for = serializers.IntegerField(allow_null=True)
    votes_total = serializers.IntegerField(allow_null=True)
    last_reason = serializers.CharField()
    holder = serializers.SerializerMethodField(
        help_text="Username of whoever holds the open task, or null when it sits in a queue."
    )
    actions = serializers.SerializerMethodField(
        help_text="Actions the caller's roles allow from this state (a hint; the service decides)."
    )
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    state_changed_at = serializers.DateTimeField()
    due_date = serializers.SerializerMethodField(
        help_text="The open stage's due date (a draft's: its campaign's submission deadline); "
        "null once closed or for a stage without a time limit."
    )
    waited_working_days = serializers.SerializerMethodField(
        help_text="Working days the open stage has waited, the unit's time on a return excluded "
        "(while returned: the unit's own time). Null once closed."
    )
    deadline_status = serializers.SerializerMethodField(
        help_text="on_time, near_due or overdue (the same as the deadline_status filter); "
        "null without a due date."
    )
    unit_working_days = serializers.SerializerMethodField(
        help_text="Working days the unit has held this dossier after returns, in total."
    )

    def get_state_label(self, obj) -> str:
        return str(State(obj.state).label)

    def _deadline(self, obj) -> Deadline | None:
        """From the rules the view read once for the response (no query per row)."""
        rules = self.context.get("deadline_rules") or deadline_rules()
        return deadline_of(obj, today=timezone.localdate(), rules=rules)

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_due_date(self, obj) -> datetime.date | None:
        deadline = self._deadline(obj)
        return deadline.due if deadline else None

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_waited_working_days(self, obj) -> int | None:
        deadline = self._deadline(obj)
        return deadline.waited if deadline else None

    @extend_schema_field(serializers.ChoiceField(choices=STATUS_CHOICES, allow_null=True))
    def get_deadline_status(self, obj) -> str | None:
        deadline = self._deadline(obj)
        return deadline.status if deadline else None

    def get_unit_working_days(self, obj) -> int:
        deadline = self._deadline(obj)
        return deadline.unit_days if deadline else obj.unit_working_days

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_holder(self, obj) -> str | None:
        if hasattr(obj, "task_owner_username"):  # annotated by the list selectors
            return obj.task_owner_username
        task = open_task(obj)
        return task.owner.username if task and task.owner_id else None

    def get_actions(self, obj) -> list[str]:
        if hasattr(obj, "task_owner_id"):  # annotated by the list selectors
            task_id, owner_id = obj.task_id, obj.task_owner_id
        else:
            task = open_task(obj)
            task_id, owner_id = (task.pk, task.owner_id) if task else (None, None)
        actor = self.context["actor"]
        return [slug(a) for a in available_actions(actor, obj, task_id=task_id, owner_id=owner_id)]


class NominationCreateSerializer(serializers.Serializer):
    unit = Id()
    campaign = Id()
    award = Id()
    nominee_person = Id(
        required=False, allow_null=True, default=None,
        help_text="For an individual award: a person who belongs to the unit during the "
        "campaign. Exactly one of nominee_person and nominee_unit.",
    )
    nominee_unit = Id(
        required=False, allow_null=True, default=None,
        help_text="For a collective award: the unit itself or one of its child units.",
    )
    nominee_title = Text(
        max_length=200, required=False, allow_blank=True, default=""
    )
    achievements = Text(
        max_length=20000, required=False, allow_blank=True, default=""
    )


class NominationUpdateSerializer(serializers.Serializer):
    campaign = Id(required=False)
    award = Id(required=False)
    nominee_person = Id(required=False, allow_null=True)
    nominee_unit = Id(required=False, allow_null=True)
    nominee_title = Text(max_length=200, required=False, allow_blank=True)
    achievements = Text(max_length=20000, required=False, allow_blank=True)

    def service_fields(self) -> dict:
        data = dict(self.validated_data)
        for key in ("campaign", "award", "nominee_person", "nominee_unit"):
            if key in data:
                data[f"{key}_id"] = data.pop(key)
        return data


# --- jobs -------------------------------------------------------------------


class JobResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    ok = serializers.BooleanField()
    state = serializers.CharField(required=False)
    code = serializers.CharField(required=False)
    status = serializers.IntegerField(required=False)
    message = serializers.CharField(required=False)
    reasons = serializers.ListField(child=serializers.CharField(), required=False)
    fields = serializers.DictField(  # type: ignore[assignment]  # the API field is named so
        child=serializers.ListField(child=serializers.CharField()), required=False
    )


class JobSerializer(serializers.ModelSerializer):
    action = serializers.SerializerMethodField()
    percent = serializers.IntegerField()
    results = JobResultSerializer(many=True)

    class Meta:
        model = BulkJob
        fields = [
            "id",
            "action",
            "status",
            "total",
            "processed",
            "succeeded",
            "failed",
            "percent",
            "results",
            "created_at",
            "finished_at",
        ]

    def get_action(self, obj) -> str:
        return slug(obj.action)


# --- history ----------------------------------------------------------------


class HistoryRecordSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor_username")
    on_behalf_of = serializers.SerializerMethodField(
        help_text="Username of the person the actor stood in for under a delegation, or null."
    )
    acted_by = serializers.SerializerMethodField(
        help_text="Who acted, by name: “Nguyễn Văn A thay Trần Thị B” under a delegation."
    )
    role = serializers.CharField(source="actor_role")
    data = serializers.DictField()  # type: ignore[assignment]  # the record's own data field

    class Meta:
        model = AuditRecord
        fields = [
            "id",
            "nomination",
            "actor",
            "on_behalf_of",
            "acted_by",
            "role",
            "action",
            "from_state",
            "to_state",
            "comment",
            "data",
            "created_at",
            "request_id",
            "prev_hash",
            "hash",
        ]


    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_on_behalf_of(self, obj) -> str | None:
        return obj.on_behalf_of_username or None

    def get_acted_by(self, obj) -> str:
        return acted_by(obj)


# --- inbox and me -----------------------------------------------------------


class InboxGroupSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    results = NominationSerializer(many=True)


class InboxCountsSerializer(serializers.Serializer):
    mine = serializers.IntegerField()
    queue = serializers.IntegerField()
    done = serializers.IntegerField()


class InboxSerializer(serializers.Serializer):
    mine = InboxGroupSerializer()
    queue = InboxGroupSerializer()
    counts = InboxCountsSerializer(help_text="Unfiltered counts of the three inbox tabs.")


class RoleGrantSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices)
    label = serializers.CharField()  # type: ignore[assignment]  # the role's display label
    unit = UnitBrief(allow_null=True, help_text="Null: the whole body.")


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    full_name = serializers.CharField()
    email = serializers.CharField()
    unit = UnitBrief(allow_null=True)
    roles = RoleGrantSerializer(many=True)
    scopes = serializers.DictField(
        child=serializers.ListField(child=serializers.IntegerField()),
        help_text="Role -> ids of every unit the role covers (sub-units included).",
    )


# --- delegations -------------------------------------------------------------


class PersonBrief(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    full_name = serializers.SerializerMethodField()

    def get_full_name(self, obj) -> str:
        return full_name(obj)


class DelegationSerializer(serializers.ModelSerializer):
    delegator = PersonBrief()
    substitute = PersonBrief()
    unit = UnitBrief(allow_null=True, help_text="Null: the whole body.")
    status = serializers.SerializerMethodField(help_text="upcoming, active, ended or cancelled.")

    class Meta:
        model = Delegation
        fields = ["id", "delegator", "substitute", "role", "unit", "starts_on", "ends_on", "note",
                  "status", "created_at", "cancelled_at"]

    def get_status(self, obj) -> str:
        return str(obj.status_on(timezone.localdate()))


# --- auth -------------------------------------------------------------------


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(
        max_length=4096, style={"input_type": "password"}, trim_whitespace=False
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()


# --- documents --------------------------------------------------------------


class DocumentSerializer(serializers.ModelSerializer):
    kind_label = serializers.SerializerMethodField()
    name = serializers.CharField(source="original_name")
    uploaded_by = serializers.CharField(source="uploaded_by.username")

    class Meta:
        model = DossierDocument
        fields = [
            "id",
            "kind",
            "kind_label",
            "name",
            "content_type",
            "size",
            "sha256",
            "uploaded_by",
            "uploaded_at",
        ]

    def get_kind_label(self, obj) -> str:
        return str(DocumentKind(obj.kind).label)


class DocumentUploadSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=DocumentKind.choices)
    file = serializers.FileField(help_text="PDF, DOCX, XLSX, JPG or PNG, checked by content.")
