"""The nominee register's API: persons, collectives and memberships, each record type, the
commendation history (lookup) and the import of files.

Thin as the rest: parse with the schema of the kind (approvals.record_kinds), fetch through
the access helpers (a missing object and a hidden one are the same 404), call the service.
"""

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from approvals import register_selectors as rs
from approvals.access import (
    get_collective_for_actor,
    get_person_for_actor,
    get_record_for_actor,
    may_read_register,
    request_actor,
)
from approvals.filters import (
    CollectiveFilters,
    ImportInput,
    MembersFilters,
    PersonFilters,
    parse_filters,
)
from approvals.imports import MAX_IMPORT_BYTES, records_import
from approvals.inputs import record_inputs
from approvals.models import Membership, Person, Unit
from approvals.record_kinds import KINDS, RECORD_KINDS, schema
from approvals.register import membership_end, person_create, person_update, record_save
from approvals.register import record_delete as record_remove
from workflow.errors import PermissionRefused
from workflow.schemas import date_field

from .serializers import AwardBrief, UnitBrief
from .views import Page, validated

# --- shapes -----------------------------------------------------------------


def _record_serializer(code: str) -> type[serializers.ModelSerializer]:
    kind = KINDS[code]
    meta = type("Meta", (), {"model": kind.model, "fields": ["id", *kind.names]})
    name = "".join(p.capitalize() for p in code.split("_")) + "Record"
    return type(name, (serializers.ModelSerializer,), {"Meta": meta})


RECORD_SERIALIZERS = {code: _record_serializer(code) for code in RECORD_KINDS}


class MembershipSerializer(serializers.ModelSerializer):
    unit = UnitBrief()

    class Meta:
        model = Membership
        fields = ["id", "person", "unit", "starts_on", "ends_on"]


RECORD_SERIALIZERS["memberships"] = MembershipSerializer


class PersonSerializer(serializers.ModelSerializer):
    units = serializers.SerializerMethodField(help_text="The units the person belongs to today.")
    awards = serializers.IntegerField(
        read_only=True, help_text="Awards held: decided nominations and past awards."
    )

    class Meta:
        model = Person
        fields = ["id", "full_name", "gender", "position", "recruited_on", "created_at",
                  "units", "awards"]

    @extend_schema_field(UnitBrief(many=True))
    def get_units(self, obj: Person) -> list[dict[str, Any]]:
        memberships = getattr(obj, "current_memberships", None)
        if memberships is None:
            day = timezone.localdate()
            memberships = [m for m in obj.memberships.select_related("unit")
                           if m.starts_on <= day and (m.ends_on is None or m.ends_on >= day)]
        return [dict(UnitBrief(m.unit).data) for m in memberships]


class CommendationSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    award = AwardBrief()
    source = serializers.ChoiceField(  # type: ignore[assignment]  # the API field is named so
        choices=["nomination", "past_award"],
        help_text="nomination: decided in this system; past_award: conferred outside it.",
    )
    decision_number = serializers.CharField()
    decision_date = serializers.DateField(allow_null=True)
    decider = serializers.CharField()
    nomination = serializers.IntegerField(source="nomination_id", allow_null=True)
    state = serializers.CharField(
        help_text="The nomination's state (approved, reported, or revoked).")
    past_award = serializers.IntegerField(source="past_award_id", allow_null=True)
    revoked = serializers.BooleanField(help_text="The award was revoked (thu hồi).")
    revocation_number = serializers.CharField()
    revocation_date = serializers.DateField(allow_null=True)
    outcome = serializers.CharField(
        help_text="An award a higher authority decides: pending, conferred or not_conferred "
                  "(the decision number and date are then that authority's); else empty.")
    held = serializers.BooleanField(help_text="Whether the nominee holds the award.")


class PersonDetailSerializer(PersonSerializer):
    """A person with every record and the commendation history (register_selectors.
    person_profile)."""

    memberships = MembershipSerializer(many=True, source="records.memberships")
    ratings = RECORD_SERIALIZERS["ratings"](many=True, source="records.ratings")
    initiatives = RECORD_SERIALIZERS["initiatives"](many=True, source="records.initiatives")
    research = RECORD_SERIALIZERS["research"](many=True, source="records.research")
    disciplines = RECORD_SERIALIZERS["disciplines"](many=True, source="records.disciplines")
    pending_cases = RECORD_SERIALIZERS["pending_cases"](many=True,
                                                        source="records.pending_cases")
    past_awards = RECORD_SERIALIZERS["past_awards"](many=True, source="records.past_awards")
    history = CommendationSerializer(many=True)

    class Meta(PersonSerializer.Meta):
        fields = [*PersonSerializer.Meta.fields, *RECORD_KINDS, "history"]


class CollectiveSerializer(serializers.ModelSerializer):
    awards = serializers.IntegerField(read_only=True)

    class Meta:
        model = Unit
        fields = ["id", "code", "name", "name_en", "kind", "parent", "awards"]


class MemberSerializer(serializers.Serializer):
    membership = serializers.IntegerField(source="pk")
    person = serializers.IntegerField(source="person_id")
    full_name = serializers.CharField(source="person.full_name")
    gender = serializers.CharField(source="person.gender")
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(allow_null=True)


class CollectiveDetailSerializer(CollectiveSerializer):
    members = MemberSerializer(many=True)
    history = CommendationSerializer(many=True)

    class Meta(CollectiveSerializer.Meta):
        fields = [*CollectiveSerializer.Meta.fields, "members", "history"]


class ImportRowSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="The row's number in the file (the header is 1).")
    action = serializers.ChoiceField(choices=["created", "updated", "unchanged"])
    id = serializers.IntegerField(allow_null=True, help_text="Null for a row a dry run creates.")
    person = serializers.IntegerField(source="person_id", allow_null=True)
    label = serializers.CharField()  # type: ignore[assignment]  # the row, as text
    changes = serializers.DictField(
        child=serializers.ListField(), help_text="field -> [before, after]."
    )


class ImportReportSerializer(serializers.Serializer):
    kind = serializers.CharField()
    file_name = serializers.CharField()
    sha256 = serializers.CharField()
    dry_run = serializers.BooleanField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    rows = ImportRowSerializer(many=True)


# --- reads ------------------------------------------------------------------


def _reader(request: Any) -> Any:
    actor = request_actor(request)
    if not may_read_register(actor):
        raise PermissionRefused()
    return actor


class Persons(generics.ListAPIView):
    """The people of the register the caller reads (the standing reviewer: everyone; unit
    staff and heads: the members of their units)."""

    queryset = Person.objects.none()
    serializer_class = PersonSerializer
    pagination_class = Page

    def get_queryset(self):
        actor = _reader(self.request)
        return rs.person_list(actor, filters=parse_filters(PersonFilters,
                                                           self.request.query_params))

    @extend_schema(parameters=[PersonFilters])
    def get(self, request):
        return self.list(request)

    @extend_schema(request=schema("persons"), responses={201: PersonDetailSerializer})
    def post(self, request):
        return person_create_view(request)


class PersonDetail(APIView):
    @extend_schema(responses=PersonDetailSerializer)
    def get(self, request, pk: int):
        person = get_person_for_actor(request_actor(request), pk)
        return Response(PersonDetailSerializer(rs.person_profile(person)).data)

    @extend_schema(request=schema("persons", partial=True), responses=PersonDetailSerializer)
    def patch(self, request, pk: int):
        return person_update_view(request, pk)


class PersonHistory(APIView):
    """The person's commendation history across years: decided nominations and past awards,
    with their decision number and date, newest first."""

    @extend_schema(responses=CommendationSerializer(many=True))
    def get(self, request, pk: int):
        person = get_person_for_actor(request_actor(request), pk)
        return Response(CommendationSerializer(rs.person_history(person), many=True).data)


class Collectives(generics.ListAPIView):
    """The units as collectives of the register, within the caller's units."""

    queryset = Unit.objects.none()
    serializer_class = CollectiveSerializer
    pagination_class = Page

    def get_queryset(self):
        actor = _reader(self.request)
        filters = parse_filters(CollectiveFilters, self.request.query_params)
        return rs.collective_list(actor, q=filters.get("q", ""))

    @extend_schema(parameters=[CollectiveFilters])
    def get(self, request):
        return self.list(request)


class CollectiveDetail(APIView):
    """A collective: its members on a day (`on`, today by default) and its own awards."""

    @extend_schema(parameters=[MembersFilters], responses=CollectiveDetailSerializer)
    def get(self, request, pk: int):
        unit = get_collective_for_actor(request_actor(request), pk)
        day = parse_filters(MembersFilters, request.query_params).get("on")
        return Response(CollectiveDetailSerializer(rs.collective_profile(unit, day=day)).data)


class CollectiveHistory(APIView):
    @extend_schema(responses=CommendationSerializer(many=True))
    def get(self, request, pk: int):
        unit = get_collective_for_actor(request_actor(request), pk)
        return Response(CommendationSerializer(rs.collective_history(unit), many=True).data)


# --- the import ---------------------------------------------------------------


class Imports(APIView):
    """Import persons, memberships or one record type from a CSV or XLSX file: every row or
    none. A bad row is a 400 whose `reasons` name each row and column and whose `fields` key
    is "<row>.<column>"; with dry_run nothing is written and the answer says what would
    change."""

    parser_classes = [MultiPartParser]

    @extend_schema(request=ImportInput, responses=ImportReportSerializer)
    def post(self, request):
        data = validated(ImportInput, request.data)
        upload = data["file"]
        # One byte past the limit at most: the import refuses an over-size file.
        content = upload.read(MAX_IMPORT_BYTES + 1)
        report = records_import(
            actor=request_actor(request), kind=data["kind"], name=upload.name or "",
            data=content, dry_run=data["dry_run"],
        )
        return Response(ImportReportSerializer(report).data, status=status.HTTP_200_OK)


# --- writes (approvals.register's services) ------------------------------------------


def _keeper_person(request: Any, pk: int) -> Person:
    return get_person_for_actor(request_actor(request), pk, edit=True)


def person_create_view(request: Any) -> Response:
    person = person_create(user=request.user, **record_inputs("persons", request.data))
    return Response(PersonDetailSerializer(rs.person_profile(person)).data,
                    status=status.HTTP_201_CREATED)


def person_update_view(request: Any, pk: int) -> Response:
    person = _keeper_person(request, pk)
    person_update(user=request.user, person_id=person.pk,
                  **record_inputs("persons", request.data, partial=True))
    fresh = get_person_for_actor(request_actor(request), pk)
    return Response(PersonDetailSerializer(rs.person_profile(fresh)).data)


class KindView(APIView):
    kind: str = ""

    @property
    def spec(self) -> Any:
        return KINDS[self.kind]

    def render(self, obj: Any, code: int = status.HTTP_200_OK) -> Response:
        return Response(RECORD_SERIALIZERS[self.kind](obj).data, status=code)


class PersonRecords(KindView):
    def get(self, request, pk: int):
        person = get_person_for_actor(request_actor(request), pk)
        rows = rs.person_records(person)[self.kind]
        return Response(RECORD_SERIALIZERS[self.kind](rows, many=True).data)

    def post(self, request, pk: int):
        person = _keeper_person(request, pk)
        values = record_inputs(self.kind, request.data, person_id=person.pk)
        obj = record_save(user=request.user, kind=self.spec.service_kind, values=values)
        return self.render(_reloaded(self.kind, obj), status.HTTP_201_CREATED)


class RecordDetail(KindView):
    def get(self, request, pk: int):
        return self.render(get_record_for_actor(request_actor(request), self.kind, pk))

    def patch(self, request, pk: int):
        record = get_record_for_actor(request_actor(request), self.kind, pk, edit=True)
        values = record_inputs(self.kind, request.data, partial=True,
                               person_id=getattr(record, "person_id", None))
        obj = record_save(user=request.user, kind=self.spec.service_kind, values=values,
                          record_id=record.pk)
        return self.render(_reloaded(self.kind, obj))

    def delete(self, request, pk: int):
        record = get_record_for_actor(request_actor(request), self.kind, pk, edit=True)
        record_remove(user=request.user, kind=self.spec.service_kind, record_id=record.pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


def _reloaded(kind: str, obj: Any) -> Any:
    """The row as stored (a membership with its unit for the answer)."""
    if kind == "memberships":
        return Membership.objects.select_related("unit").get(pk=obj.pk)
    return obj


def _copy(method: Any) -> Any:
    """A method of its own for one kind: its schema annotation is not the other kinds'."""

    def view(self: Any, request: Any, pk: int) -> Any:
        return method(self, request, pk)

    view.__name__ = method.__name__
    return view


def slug(kind: str) -> str:
    return kind.replace("_", "-")


def person_records_view(kind: str) -> Any:
    label = "".join(p.capitalize() for p in kind.split("_"))
    out = RECORD_SERIALIZERS[kind]
    view: type[PersonRecords] = type(f"Person{label}", (PersonRecords,), {
        "__doc__": f"The person's {kind.replace('_', ' ')}: list, or add one (the standing "
                   "reviewer; every change is in the audit trail).",
        "get": extend_schema(responses=out(many=True))(_copy(PersonRecords.get)),
        "post": extend_schema(request=schema(kind, without_person=True),
                              responses={201: out})(_copy(PersonRecords.post)),
    })
    return view.as_view(kind=kind)


def record_detail_view(kind: str) -> Any:
    label = "".join(p.capitalize() for p in kind.split("_"))
    out = RECORD_SERIALIZERS[kind]
    view: type[RecordDetail] = type(f"{label}Detail", (RecordDetail,), {
        "__doc__": f"One of the {kind.replace('_', ' ')}: read, change (PATCH) or remove it.",
        "get": extend_schema(responses=out)(_copy(RecordDetail.get)),
        "patch": extend_schema(request=schema(kind, partial=True, without_person=True),
                               responses=out)(_copy(RecordDetail.patch)),
        "delete": extend_schema(request=None, responses={204: None})(
            _copy(RecordDetail.delete)),
    })
    return view.as_view(kind=kind)


class MembershipEndInput(serializers.Serializer):
    ends_on = date_field(help_text="The last day the person belonged to the unit.")


class MembershipEnd(APIView):
    """Close a membership on its last day (the standing reviewer)."""

    @extend_schema(request=MembershipEndInput, responses=MembershipSerializer)
    def post(self, request, pk: int):
        record = get_record_for_actor(request_actor(request), "memberships", pk, edit=True)
        data = validated(MembershipEndInput, request.data)
        membership_end(user=request.user, membership_id=record.pk, ends_on=data["ends_on"])
        return Response(MembershipSerializer(_reloaded("memberships", record)).data)
