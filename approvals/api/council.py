"""The council over the API: its terms, and its vote sessions (open, attendance, secret
ballots, paper tally with minutes, quotas, the chair's tie break, close). Each change is one
service of approvals.council; the outcome is always computed (never sent)."""

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from approvals import council
from approvals.access import request_actor
from approvals.council_selectors import (
    attendance_rows,
    get_session_for_actor,
    session_outcome,
    sessions_for_actor,
)
from approvals.models import Attendance, CouncilTerm, VoteSession
from workflow.errors import InvalidInput

from .idempotent import IdempotentPost
from .views import validated


class TermSerializer(serializers.ModelSerializer):
    body = serializers.CharField(source="body.code")
    chair = serializers.CharField(source="chair.username")
    members = serializers.SerializerMethodField()
    members_total = serializers.SerializerMethodField(
        help_text=_("Tổng số thành viên: mẫu số của mọi ngưỡng."))

    class Meta:
        model = CouncilTerm
        fields = ["id", "name", "body", "starts_on", "ends_on", "chair", "members",
                  "members_total"]

    def get_members(self, term: CouncilTerm) -> list[str]:
        return [m.username for m in term.members.all()]

    def get_members_total(self, term: CouncilTerm) -> int:
        return len(term.members.all())


class ItemOutcomeSerializer(serializers.Serializer):
    item = serializers.IntegerField(source="item.pk")
    nomination = serializers.IntegerField(source="nomination.pk")
    nominee_name = serializers.CharField(source="nomination.nominee_name")
    award = serializers.CharField(source="nomination.award.code")
    threshold_percent = serializers.DecimalField(source="threshold", max_digits=5,
                                                 decimal_places=2)
    app_ballots = serializers.SerializerMethodField()
    paper_yes = serializers.IntegerField(source="item.paper_yes", allow_null=True)
    paper_ballots = serializers.IntegerField(source="item.paper_ballots", allow_null=True)
    votes_for = serializers.IntegerField()
    over_threshold = serializers.BooleanField()
    tied = serializers.BooleanField()
    chair_chosen = serializers.BooleanField(source="item.chair_chosen", allow_null=True)
    passed = serializers.BooleanField()
    reason = serializers.CharField(help_text=_("“threshold”, “quota” hoặc rỗng khi đạt."))

    def get_app_ballots(self, o: Any) -> int:
        return int(o.item.yes + o.item.no)


class OutcomeSerializer(serializers.Serializer):
    members = serializers.IntegerField()
    present = serializers.IntegerField()
    written = serializers.IntegerField()
    absent = serializers.IntegerField()
    quorum = serializers.CharField()
    quorum_met = serializers.BooleanField()
    may_close = serializers.BooleanField()
    ties_open = serializers.ListField(child=serializers.CharField())
    refusals = serializers.SerializerMethodField()
    items = ItemOutcomeSerializer(many=True)

    def get_refusals(self, o: Any) -> list[str]:
        return [str(r) for r in o.refusals()]


class AttendanceSerializer(serializers.Serializer):
    member = serializers.IntegerField(source="member_id")
    username = serializers.CharField(source="member.username")
    status = serializers.ChoiceField(choices=Attendance.Status.choices)


class SessionSerializer(serializers.ModelSerializer):
    quotas = serializers.DictField(child=serializers.IntegerField())

    class Meta:
        model = VoteSession
        fields = ["id", "term", "campaign", "meets_on", "status", "members_total", "quotas",
                  "minutes_name", "minutes_sha256", "opened_at", "closed_at"]


class SessionDetailSerializer(serializers.Serializer):
    session = SessionSerializer()
    outcome = OutcomeSerializer()
    attendance = AttendanceSerializer(many=True)


def _detail(request, pk: int) -> Response:
    session = get_session_for_actor(request_actor(request), pk)
    return Response(SessionDetailSerializer({
        "session": session, "outcome": session_outcome(session),
        "attendance": attendance_rows(session)}).data)


class Terms(APIView):
    @extend_schema(responses=TermSerializer(many=True), summary="The council's terms")
    def get(self, request) -> Response:
        terms = CouncilTerm.objects.select_related("body", "chair").prefetch_related(
            Prefetch("members", queryset=get_user_model().objects.order_by("username")))
        return Response(TermSerializer(terms, many=True).data)


class SessionOpenInput(serializers.Serializer):
    term = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    campaign = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    meets_on = serializers.DateField()
    nominations = serializers.ListField(child=serializers.IntegerField(
        min_value=1, max_value=2**31 - 1), required=False, max_length=500)


class Sessions(IdempotentPost):
    @extend_schema(responses=SessionSerializer(many=True), summary="The sessions the caller sees")
    def get(self, request) -> Response:
        return Response(SessionSerializer(sessions_for_actor(request_actor(request))[:200],
                                          many=True).data)

    @extend_schema(request=SessionOpenInput, responses={201: SessionSerializer},
                   summary="Open a session (the council's secretary)")
    def post(self, request) -> Response:
        data = validated(SessionOpenInput, request.data)
        return self.respond(
            lambda within: council.council_session_open(
                user=request.user, term_id=data["term"], campaign_id=data["campaign"],
                meets_on=data["meets_on"], nomination_ids=data.get("nominations"),
                within=within),
            lambda session: Response(SessionSerializer(session).data,
                                     status=status.HTTP_201_CREATED),
        )


class SessionDetail(APIView):
    @extend_schema(responses=SessionDetailSerializer,
                   summary="A session with its computed outcome and attendance")
    def get(self, request, pk: int) -> Response:
        return _detail(request, pk)


class _Step(IdempotentPost):
    """A change of a session whose answer is the session as it then stands."""

    def answer(self, request, pk: int, work: Any) -> Response:
        return self.respond(work, lambda _result: _detail(request, pk))


class AttendanceEntry(serializers.Serializer):
    member = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    status = serializers.ChoiceField(choices=Attendance.Status.choices)


class AttendanceInput(serializers.Serializer):
    attendance = AttendanceEntry(many=True)


class SessionAttendance(_Step):
    @extend_schema(request=AttendanceInput, responses=SessionDetailSerializer,
                   summary="Record who is present, absent, or absent with a written vote")
    def post(self, request, pk: int) -> Response:
        data = validated(AttendanceInput, request.data)
        statuses = {e["member"]: e["status"] for e in data["attendance"]}
        return self.answer(request, pk, lambda within: council.council_attendance_record(
            user=request.user, session_id=pk, statuses=statuses, within=within))


class BallotEntry(serializers.Serializer):
    item = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    yes = serializers.BooleanField()


class BallotInput(serializers.Serializer):
    ballots = BallotEntry(many=True, allow_empty=False)


class BallotAnswer(serializers.Serializer):
    cast = serializers.IntegerField(help_text=_("Số phiếu đã ghi; phiếu kín, không lưu lựa chọn."))


class SessionBallot(IdempotentPost):
    @extend_schema(request=BallotInput, responses={201: BallotAnswer},
                   summary="Cast the caller's secret ballots (a member of the term)")
    def post(self, request, pk: int) -> Response:
        data = validated(BallotInput, request.data)
        choices = {e["item"]: e["yes"] for e in data["ballots"]}
        if len(choices) != len(data["ballots"]):
            raise InvalidInput(fields={"ballots": [_("Mỗi đề nghị chỉ một phiếu.")]})
        return self.respond(
            lambda within: council.council_ballot_cast(user=request.user, session_id=pk,
                                                       choices=choices, within=within),
            lambda cast: Response({"cast": cast}, status=status.HTTP_201_CREATED),
        )


class PaperTallyInput(serializers.Serializer):
    minutes = serializers.FileField(help_text=_("Biên bản kiểm phiếu (PDF, DOCX, XLSX, ảnh)."))
    tallies = serializers.ListField(
        child=serializers.RegexField(r"^\d{1,9},\d{1,4},\d{1,4}$", max_length=20),
        allow_empty=False, max_length=500,
        help_text=_("Mỗi dòng “mã mục,số phiếu đồng ý,số phiếu thu về”."))


class SessionPaperTally(_Step):
    parser_classes = [MultiPartParser]

    @extend_schema(request={"multipart/form-data": PaperTallyInput},
                   responses=SessionDetailSerializer,
                   summary="Enter the paper ballots' tally with the minutes attached")
    def post(self, request, pk: int) -> Response:
        data = validated(PaperTallyInput, request.data)
        tallies = {}
        for line in data["tallies"]:
            item, yes, ballots = (int(v) for v in line.split(","))
            tallies[item] = (yes, ballots)
        upload = data["minutes"]
        content = upload.read(council.MAX_MINUTES_BYTES + 1)
        return self.answer(request, pk, lambda within: council.council_paper_tally(
            user=request.user, session_id=pk, tallies=tallies, minutes_name=upload.name or "",
            minutes=content, within=within))


class QuotaInput(serializers.Serializer):
    award = serializers.SlugField(max_length=40)
    quota = serializers.IntegerField(min_value=0, max_value=10000, allow_null=True)


class SessionQuota(_Step):
    @extend_schema(request=QuotaInput, responses=SessionDetailSerializer,
                   summary="Set (or clear, with null) an award's quota for the session")
    def post(self, request, pk: int) -> Response:
        data = validated(QuotaInput, request.data)
        return self.answer(request, pk, lambda within: council.council_quota_set(
            user=request.user, session_id=pk, award_code=data["award"], quota=data["quota"],
            within=within))


class TieBreakInput(serializers.Serializer):
    award = serializers.SlugField(max_length=40)
    chosen = serializers.ListField(child=serializers.IntegerField(
        min_value=1, max_value=2**31 - 1), max_length=500)


class SessionTieBreak(_Step):
    @extend_schema(request=TieBreakInput, responses=SessionDetailSerializer,
                   summary="The chair chooses among candidates tied at a quota")
    def post(self, request, pk: int) -> Response:
        data = validated(TieBreakInput, request.data)
        return self.answer(request, pk, lambda within: council.council_tie_break(
            user=request.user, session_id=pk, award_code=data["award"], chosen=data["chosen"],
            within=within))


class SessionClose(_Step):
    @extend_schema(request=None, responses=SessionDetailSerializer,
                   summary="Close the session: each nomination moves on by its computed outcome")
    def post(self, request, pk: int) -> Response:
        return self.answer(request, pk, lambda within: council.council_session_close(
            user=request.user, session_id=pk, within=within))

