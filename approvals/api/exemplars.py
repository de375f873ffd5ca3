"""Điển hình tiên tiến over the API: the public list and entry (no authentication: only
published exemplars, only their public fields), the staff's proposals and the Director's
decisions, and the year's compilation as DOCX."""

import io

from django.http import FileResponse, Http404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from approvals.access import may_read_compilation, request_actor
from approvals.compilation import MIME, compilation_docx
from approvals.exemplar_selectors import (
    PUBLIC_FIELDS,
    exemplar_list,
    public_exemplar,
    public_exemplars,
    year_compilation,
)
from approvals.exemplars import exemplar_decline, exemplar_propose, exemplar_publish
from approvals.filters import ExemplarFilters, parse_filters
from approvals.inputs import (
    CompilationInput,
    ExemplarDeclineInput,
    ExemplarProposeInput,
    exemplar_propose_inputs,
)
from approvals.models import Exemplar
from workflow.errors import PermissionRefused
from workflow.schemas import parse

from .idempotent import IdempotentPost
from .views import AnyAccept


class PublicExemplarSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    unit = serializers.CharField()
    award = serializers.CharField()
    year = serializers.IntegerField()
    story = serializers.CharField()

    class Meta:
        fields = PUBLIC_FIELDS


class ExemplarSerializer(serializers.ModelSerializer):
    nominee_name = serializers.CharField(source="nomination.nominee_name")
    award = serializers.CharField(source="nomination.award.code")
    year = serializers.IntegerField(source="nomination.year")

    class Meta:
        model = Exemplar
        fields = ["id", "nomination", "nominee_name", "award", "year", "story", "status",
                  "proposed_at", "decided_at", "published_at", "last_reason"]


class PublicExemplars(APIView):
    """Published exemplars, newest year first (no sign-in)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(parameters=[ExemplarFilters], responses=PublicExemplarSerializer(many=True),
                   auth=[])
    def get(self, request):
        f = parse_filters(ExemplarFilters, request.query_params)
        rows = public_exemplars(q=f.get("q", ""), year=f.get("year"), unit=f.get("unit", ""))
        return Response(PublicExemplarSerializer(rows, many=True).data)


class PublicExemplarDetail(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(responses=PublicExemplarSerializer, auth=[])
    def get(self, request, pk: int):
        row = public_exemplar(pk)
        if row is None:
            raise Http404
        return Response(PublicExemplarSerializer(row).data)


class Exemplars(IdempotentPost):
    """The exemplars of the units the caller sees; the standing reviewer proposes one."""

    @extend_schema(responses=ExemplarSerializer(many=True))
    def get(self, request):
        rows = exemplar_list(request_actor(request))[:200]
        return Response(ExemplarSerializer(rows, many=True).data)

    @extend_schema(request=ExemplarProposeInput, responses={201: ExemplarSerializer})
    def post(self, request):
        inputs = exemplar_propose_inputs(request.data)
        return self.respond(
            lambda within: exemplar_propose(user=request.user, within=within, **inputs),
            lambda e: Response(ExemplarSerializer(e).data, status=status.HTTP_201_CREATED),
        )


class ExemplarPublish(IdempotentPost):
    """The Director publishes a proposed exemplar."""

    @extend_schema(request=None, responses=ExemplarSerializer)
    def post(self, request, pk: int):
        return self.respond(
            lambda within: exemplar_publish(user=request.user, exemplar_id=pk, within=within),
            lambda e: Response(ExemplarSerializer(e).data),
        )


class ExemplarDecline(IdempotentPost):
    """The Director declines a proposed exemplar, with a reason."""

    @extend_schema(request=ExemplarDeclineInput, responses=ExemplarSerializer)
    def post(self, request, pk: int):
        reason = parse(ExemplarDeclineInput, request.data)["reason"]
        return self.respond(
            lambda within: exemplar_decline(user=request.user, exemplar_id=pk, reason=reason,
                                            within=within),
            lambda e: Response(ExemplarSerializer(e).data),
        )


class Compilation(APIView):
    """The year's compilation of outstanding results and exemplars, as DOCX."""

    content_negotiation_class = AnyAccept

    @extend_schema(parameters=[CompilationInput],
                   responses={(200, MIME): OpenApiResponse(OpenApiTypes.BINARY)})
    def get(self, request):
        actor = request_actor(request)
        if not may_read_compilation(actor):
            raise PermissionRefused()
        year = parse(CompilationInput, request.query_params)["year"]
        data = compilation_docx(year_compilation(year, actor=actor,
                                                 today=timezone.localdate()))
        return FileResponse(io.BytesIO(data), as_attachment=True, content_type=MIME,
                            filename=f"dien-hinh-tien-tien-{year}.docx")
