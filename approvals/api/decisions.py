"""The issued documents over the API: the Director's decisions, the reports to the provincial
board, the proposals upward and their outcomes (approvals/decisions.py), and their files."""

import io
from typing import Any

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from approvals import decision_selectors as ds
from approvals.access import request_actor
from approvals.decision_documents import DOCX_TYPE, KINDS, XLSX_TYPE, file_name
from approvals.decision_inputs import (
    DecisionInput,
    OutcomeInput,
    ReportInput,
    UpwardInput,
    decision_inputs,
    outcome_inputs,
    report_inputs,
    upward_inputs,
)
from approvals.decisions import (
    decision_create,
    report_batch_create,
    upward_outcome_record,
    upward_proposal_create,
)
from approvals.models import Decision, ReportBatch, UpwardProposal

from .idempotent import IdempotentPost
from .serializers import UnitBrief
from .views import AnyAccept

LINE_FIELDS = ["position", "nomination", "nominee_name", "nominee_title", "unit_name",
               "award_name"]
HEAD_FIELDS = ["id", "number", "date", "place", "issuing_body", "signer_name", "signer_title",
               "created_at"]


class _LineSerializer(serializers.Serializer):
    """What every issued document's line says (approvals.models.IssuedLine)."""

    position = serializers.IntegerField()
    nomination = serializers.IntegerField(source="nomination_id")
    nominee_name = serializers.CharField()
    unit_name = serializers.CharField()
    award_name = serializers.CharField()


class DecisionLineSerializer(_LineSerializer):
    nominee_title = serializers.CharField()
    multiple = serializers.DecimalField(max_digits=5, decimal_places=2)
    amount = serializers.IntegerField(help_text="VND, rounded up to 10,000.")


class ReportLineSerializer(_LineSerializer):
    decision_number = serializers.CharField()
    decision_date = serializers.DateField(allow_null=True)


class UpwardLineSerializer(_LineSerializer):
    outcome = serializers.CharField(
        help_text="pending, conferred or not_conferred (the higher authority's outcome).")
    outcome_number = serializers.CharField()
    outcome_date = serializers.DateField(allow_null=True)
    outcome_note = serializers.CharField()


class IssuedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    date = serializers.DateField()
    place = serializers.CharField()
    issuing_body = UnitBrief()
    signer_name = serializers.CharField()
    signer_title = serializers.CharField()
    created_at = serializers.DateTimeField()


class DecisionSerializer(IssuedSerializer):
    subject = serializers.CharField()
    base_salary = serializers.IntegerField(help_text="VND, in force on the decision date.")
    legal_basis = serializers.CharField()
    total = serializers.SerializerMethodField()
    lines = DecisionLineSerializer(many=True)

    def get_total(self, obj: Decision) -> int:
        return sum(line.amount for line in obj.lines.all())


class ReportSerializer(IssuedSerializer):
    campaign = serializers.IntegerField(source="campaign_id")
    recipient = serializers.CharField()
    lines = ReportLineSerializer(many=True)


class UpwardSerializer(IssuedSerializer):
    authority = serializers.CharField()
    lines = UpwardLineSerializer(many=True)


class IssuedBrief(IssuedSerializer):
    line_count = serializers.IntegerField(source="line_total")


def _issued_views(kind: str, model: Any, full: type[serializers.Serializer],
                  schema: type[serializers.Serializer], inputs: Any, service: Any) -> tuple:
    """The list (GET) and creation (POST), one document, and its two files."""

    class Collection(IdempotentPost):
        @extend_schema(responses=IssuedBrief(many=True), operation_id=f"{kind}_list")
        def get(self, request: Any) -> Response:
            docs = ds.documents(request_actor(request), model)
            return Response(IssuedBrief(docs, many=True).data)

        @extend_schema(request=schema, responses={201: full}, operation_id=f"{kind}_create")
        def post(self, request: Any) -> Response:
            parsed = inputs(request.data)
            return self.respond(
                lambda within: service(user=request.user, within=within, **parsed),
                lambda doc: Response(full(_reloaded(request, model, doc.pk)).data,
                                     status=status.HTTP_201_CREATED),
            )

    class Detail(APIView):
        @extend_schema(responses=full, operation_id=f"{kind}_retrieve")
        def get(self, request: Any, pk: int) -> Response:
            return Response(full(_reloaded(request, model, pk)).data)

    class File(APIView):
        content_negotiation_class = AnyAccept
        ext = ""

        def get(self, request: Any, pk: int) -> FileResponse:
            doc = _reloaded(request, model, pk)
            _, docx, xlsx, _ = KINDS[kind]
            make, mime = (docx, DOCX_TYPE) if self.ext == "docx" else (xlsx, XLSX_TYPE)
            return FileResponse(io.BytesIO(make(doc)), as_attachment=True,
                                filename=file_name(kind, doc, self.ext), content_type=mime)

    def file_view(ext: str, mime: str) -> Any:
        @extend_schema(
            responses={(200, mime): OpenApiResponse(OpenApiTypes.BINARY, description="The file.")},
            operation_id=f"{kind}_{ext}",
        )
        def get(self: File, request: Any, pk: int) -> FileResponse:
            return File.get(self, request, pk)

        view: Any = type(f"{kind.title()}{ext.title()}", (File,), {"ext": ext, "get": get})
        return view.as_view()

    Collection.__name__ = f"{kind.title()}Collection"
    Detail.__name__ = f"{kind.title()}Detail"
    return (Collection.as_view(), Detail.as_view(), file_view("docx", DOCX_TYPE),
            file_view("xlsx", XLSX_TYPE))


def _reloaded(request: Any, model: Any, pk: Any) -> Any:
    return ds.get_issued_for_actor(request_actor(request), model, pk)


decisions = _issued_views("decision", Decision, DecisionSerializer, DecisionInput,
                          decision_inputs, decision_create)
reports = _issued_views("report", ReportBatch, ReportSerializer, ReportInput, report_inputs,
                        report_batch_create)
upward = _issued_views("upward", UpwardProposal, UpwardSerializer, UpwardInput, upward_inputs,
                       upward_proposal_create)


class UpwardOutcome(IdempotentPost):
    """The standing reviewer records the higher authority's outcome of a proposed nomination."""

    @extend_schema(request=OutcomeInput, responses=UpwardLineSerializer)
    def post(self, request: Any, pk: int) -> Response:
        parsed = outcome_inputs(request.data)
        return self.respond(
            lambda within: upward_outcome_record(user=request.user, nomination_id=pk,
                                                 within=within, **parsed),
            lambda line: Response(UpwardLineSerializer(line).data),
        )
