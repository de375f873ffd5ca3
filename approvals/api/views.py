"""Thin endpoints: parse the input, fetch through the access helper, call the service, render.

Permissions, states and business rules live in the services (workflow.services,
approvals.services, approvals.dossier, approvals.jobs) and the policy table;
errors they raise become the shared JSON error contract in errors.py.
"""

import io
import json
from typing import Any

from django.conf import settings
from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from approvals import selectors
from approvals.access import (
    get_bulk_job_for_user,
    get_nomination_for_actor,
    may_read_global_history,
    request_actor,
)
from approvals.delegations import delegation_cancel, delegation_create
from approvals.dossier import ALLOWED, document_for_download, document_remove, document_upload
from approvals.filters import parse_filters
from approvals.idempotency import Outcome
from approvals.inputs import delegation_inputs
from approvals.jobs import bulk_start
from approvals.models import Award, BulkJob, Campaign, Nomination, RoleGrant, Unit
from approvals.names import full_name
from approvals.services import nomination_create, nomination_update
from workflow.errors import PermissionRefused
from workflow.models import AuditRecord
from workflow.policy import POLICY
from workflow.schemas import ACTION_SLUGS, parse_inputs, slug
from workflow.services import APPLY, nomination_act
from workflow.sla import deadline_rules

from . import serializers as s
from .idempotent import REPLAYED, IdempotentPost, outcome_of


class Page(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = settings.API_MAX_PAGE_SIZE


def validated(serializer_class, data, **kwargs) -> dict:
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class ActorContextMixin(generics.GenericAPIView):
    def get_serializer_context(self) -> dict[str, Any]:
        return {
            **super().get_serializer_context(),
            "actor": request_actor(self.request),
            "deadline_rules": deadline_rules(),
        }

    def render(self, nomination, code=status.HTTP_200_OK):
        return Response(
            s.NominationSerializer(nomination, context=self.get_serializer_context()).data,
            status=code,
        )


# --- nominations ------------------------------------------------------------


class NominationListCreate(IdempotentPost, ActorContextMixin, generics.ListCreateAPIView):
    queryset = Nomination.objects.none()
    serializer_class = s.NominationSerializer
    pagination_class = Page

    def get_queryset(self):
        filters = parse_filters(s.NominationFilters, self.request.query_params)
        order = filters.pop("order")
        return selectors.nomination_list(request_actor(self.request), filters=filters, order=order)

    @extend_schema(parameters=[s.NominationFilters])
    def get(self, request):
        return self.list(request)

    @extend_schema(request=s.NominationCreateSerializer, responses={201: s.NominationSerializer})
    def post(self, request):
        data = validated(s.NominationCreateSerializer, request.data)
        return self.respond(
            lambda within: nomination_create(
                user=request.user,
                unit_id=data["unit"],
                campaign_id=data["campaign"],
                award_id=data["award"],
                nominee_person_id=data["nominee_person"],
                nominee_unit_id=data["nominee_unit"],
                nominee_title=data["nominee_title"],
                achievements=data["achievements"],
                within=within,
            ),
            lambda nomination: self.render(nomination, status.HTTP_201_CREATED),
        )


class NominationDetail(IdempotentPost, ActorContextMixin, generics.GenericAPIView):
    queryset = Nomination.objects.none()
    serializer_class = s.NominationSerializer

    def get(self, request, pk: int):
        return self.render(get_nomination_for_actor(request_actor(request), pk))

    @extend_schema(request=s.NominationUpdateSerializer, responses=s.NominationSerializer)
    def patch(self, request, pk: int):
        serializer = s.NominationUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self.respond(
            lambda within: nomination_update(user=request.user, nomination_id=pk, within=within,
                                             **serializer.service_fields()),
            self.render,
        )


class NominationAction(IdempotentPost, ActorContextMixin, generics.GenericAPIView):
    """Take one lifecycle action; the body is the comment plus the action's own fields."""

    queryset = Nomination.objects.none()
    workflow_action: str = ""

    def get_serializer_class(self):
        return s.action_schema(self.workflow_action)

    @extend_schema(responses=s.NominationSerializer)
    def post(self, request, pk: int):
        inputs = validated(self.get_serializer_class(), request.data)
        return self.respond(
            lambda within: nomination_act(user=request.user, nomination_id=pk,
                                          action=self.workflow_action, inputs=inputs,
                                          within=within),
            self.render,
        )


def action_view(action: str):
    """The endpoint of one action, documented with who may take it from which state."""
    rule = POLICY[action]
    who = "; ".join(
        f"{role} from {', '.join(sorted(states))}" for role, states in rule.by_role.items()
    )
    doc = f"{APPLY[action].__doc__}\n\nAllowed: {who}. Returns the nomination."
    view: type[NominationAction] = type(
        f"{slug(action).title().replace('-', '')}Action", (NominationAction,), {"__doc__": doc}
    )
    return view.as_view(workflow_action=action)


class BulkActions(IdempotentPost):
    @extend_schema(
        request=s.bulk_schema(),
        responses={200: s.JobSerializer, 202: s.JobSerializer},
        description="Small batches finish at once (200); larger ones run in the background "
        "(202): follow the job at /api/v1/jobs/{id}/.",
    )
    def post(self, request):
        chosen = validated(s.bulk_schema(), request.data)
        action = ACTION_SLUGS[chosen["action"]]
        # The action's own inputs are parsed exactly as for a single nomination.
        body = {k: v for k, v in request.data.items() if k not in ("action", "nomination_ids")}

        def stored(job: BulkJob) -> Outcome:
            return outcome_of(self.job_response(job))

        # With a key, the job is the outcome, stored with the job's row: a retry finds it.
        within = self.claim.within(stored) if self.claim else None
        job = bulk_start(
            user=request.user,
            action=action,
            nomination_ids=chosen["nomination_ids"],
            inputs=parse_inputs(action, body),
            within=within,
        )
        return self.job_response(job)

    def replay(self, outcome: Outcome) -> Response:
        """A retry finds the job the first request started, as it stands now."""
        if outcome.status not in (status.HTTP_200_OK, status.HTTP_202_ACCEPTED):
            return super().replay(outcome)
        job = get_bulk_job_for_user(self.request.user, json.loads(outcome.body)["id"])
        response = self.job_response(job)
        response[REPLAYED] = "true"
        return response

    @staticmethod
    def job_response(job: BulkJob) -> Response:
        done = job.status == BulkJob.Status.DONE
        return Response(
            s.JobSerializer(job).data,
            status=status.HTTP_200_OK if done else status.HTTP_202_ACCEPTED,
        )


class JobDetail(APIView):
    @extend_schema(responses=s.JobSerializer)
    def get(self, request, pk: int):
        # A job is its starter's alone; anyone else's looks missing.
        return Response(s.JobSerializer(get_bulk_job_for_user(request.user, pk)).data)


# --- history ----------------------------------------------------------------


class NominationHistory(generics.ListAPIView):
    queryset = AuditRecord.objects.none()
    serializer_class = s.HistoryRecordSerializer
    pagination_class = Page

    def get_queryset(self):
        nomination = get_nomination_for_actor(request_actor(self.request), self.kwargs["pk"])
        return selectors.nomination_history(nomination)


class GlobalHistory(generics.ListAPIView):
    """The whole audit trail: whole-body auditors, managers and admins only."""

    queryset = AuditRecord.objects.none()
    serializer_class = s.HistoryRecordSerializer
    pagination_class = Page

    def get_queryset(self):
        if not may_read_global_history(request_actor(self.request)):
            raise PermissionRefused()
        filters = parse_filters(s.HistoryFilters, self.request.query_params)
        return selectors.history(filters=filters)

    @extend_schema(parameters=[s.HistoryFilters])
    def get(self, request):
        return self.list(request)


# --- delegations (ủy quyền khi vắng mặt) ----------------------------------------


class Delegations(IdempotentPost):
    """The caller's delegations, given and received; lending one of their roles."""

    @extend_schema(responses=s.DelegationSerializer(many=True))
    def get(self, request):
        return Response(
            s.DelegationSerializer(selectors.delegations_of(request.user), many=True).data
        )

    @extend_schema(request=s.DelegationInput, responses={201: s.DelegationSerializer})
    def post(self, request):
        inputs = delegation_inputs(request.data)
        return self.respond(
            lambda within: delegation_create(user=request.user, within=within, **inputs),
            lambda delegation: Response(s.DelegationSerializer(delegation).data,
                                        status=status.HTTP_201_CREATED),
        )


class DelegationCancel(IdempotentPost):
    """End a delegation the caller gave (an administrator: any one) before its last day."""

    @extend_schema(request=None, responses=s.DelegationSerializer)
    def post(self, request, pk: int):
        return self.respond(
            lambda within: delegation_cancel(user=request.user, delegation_id=pk, within=within),
            lambda delegation: Response(s.DelegationSerializer(delegation).data),
        )


# --- inbox, me and the catalogue ---------------------------------------------


class Inbox(ActorContextMixin, generics.GenericAPIView):
    serializer_class = s.InboxSerializer

    @extend_schema(parameters=[s.InboxFilters], responses=s.InboxSerializer)
    def get(self, request):
        filters = parse_filters(s.InboxFilters, request.query_params)
        order, limit = filters.pop("order"), filters.pop("limit")
        filters.pop("tab")
        filters.pop("after", None)
        actor = request_actor(request)
        counts = selectors.inbox_counts(actor)
        groups: dict[str, Any] = {"counts": counts}
        for tab in ("mine", "queue"):
            qs = selectors.inbox(actor, tab=tab, filters=filters, order=order)
            # Unfiltered, the group's count is the tab's (the tallies): no count query.
            count = qs.count() if filters else counts[tab]
            groups[tab] = {"count": count, "results": list(qs[:limit])}
        return Response(s.InboxSerializer(groups, context=self.get_serializer_context()).data)


class Me(APIView):
    @extend_schema(responses=s.MeSerializer)
    def get(self, request):
        user, actor = request.user, request_actor(request)
        grants = RoleGrant.objects.filter(user=user).select_related("unit").order_by("role", "id")
        profile = getattr(user, "profile", None)
        me = {
            "id": user.pk,
            "username": user.username,
            "full_name": full_name(user),
            "email": user.email,
            "unit": profile.unit if profile else None,
            "roles": [
                {"role": g.role, "label": g.get_role_display(), "unit": g.unit} for g in grants
            ],
            "scopes": {role: sorted(units) for role, units in sorted(actor.scopes.items())},
        }
        return Response(s.MeSerializer(me).data)


class Units(generics.ListAPIView):
    queryset = Unit.objects.order_by("code")
    serializer_class = s.UnitSerializer


class Campaigns(generics.ListAPIView):
    queryset = Campaign.objects.all()
    serializer_class = s.CampaignSerializer


class Awards(generics.ListAPIView):
    queryset = Award.objects.all()
    serializer_class = s.AwardSerializer


# --- dossier documents ------------------------------------------------------


class Documents(IdempotentPost, generics.GenericAPIView):
    queryset = Nomination.objects.none()
    serializer_class = s.DocumentSerializer
    parser_classes = [MultiPartParser]

    @extend_schema(responses=s.DocumentSerializer(many=True))
    def get(self, request, pk: int):
        nomination = get_nomination_for_actor(request_actor(request), pk)
        docs = nomination.documents.filter(removed_at__isnull=True).select_related("uploaded_by")
        return Response(s.DocumentSerializer(docs, many=True).data)

    @extend_schema(request=s.DocumentUploadSerializer, responses={201: s.DocumentSerializer})
    def post(self, request, pk: int):
        data = validated(s.DocumentUploadSerializer, request.data)
        upload = data["file"]
        # Read one byte past the limit at most: the service refuses an over-size file.
        content = upload.read(settings.DOSSIER_MAX_UPLOAD_BYTES + 1)
        return self.respond(
            lambda within: document_upload(user=request.user, nomination_id=pk,
                                           kind=data["kind"], name=upload.name, data=content,
                                           within=within),
            lambda doc: Response(s.DocumentSerializer(doc).data, status=status.HTTP_201_CREATED),
        )


class DocumentDetail(IdempotentPost):
    @extend_schema(request=None, responses={204: None})
    def delete(self, request, pk: int, doc_id: int):
        return self.respond(
            lambda within: document_remove(user=request.user, nomination_id=pk,
                                           document_id=doc_id, within=within),
            lambda _nomination: Response(status=status.HTTP_204_NO_CONTENT),
        )


class AnyAccept(BaseContentNegotiation):
    """A download answers with the file's own type, whatever the client's Accept header says."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class DocumentDownload(APIView):
    content_negotiation_class = AnyAccept

    @extend_schema(
        responses={
            (200, mime): OpenApiResponse(OpenApiTypes.BINARY, description="The file.")
            for mime in ALLOWED
        }
    )
    def get(self, request, pk: int, doc_id: int):
        download = document_for_download(user=request.user, nomination_id=pk, document_id=doc_id)
        doc = download.document
        return FileResponse(
            io.BytesIO(download.content),
            as_attachment=True,
            filename=doc.original_name,
            content_type=doc.content_type,
        )
