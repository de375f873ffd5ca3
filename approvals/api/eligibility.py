"""The eligibility verdict in the API: a nomination's, and a preview for a nominee, an award
and a campaign before any nomination exists."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from approvals.access import get_nomination_for_actor, request_actor
from approvals.eligibility import OUTCOME_LABELS, Outcome, Verdict
from approvals.verdicts import missing_documents, nomination_verdict, preview_verdict
from workflow.schemas import MAX_ID

OUTCOMES = [(o.value, str(OUTCOME_LABELS[o])) for o in Outcome]


class CheckSerializer(serializers.Serializer):
    code = serializers.CharField()
    # The rule's name; a serializer's own `label` attribute is its field's, not this one.
    label = serializers.CharField()  # type: ignore[assignment]
    outcome = serializers.ChoiceField(choices=OUTCOMES)
    reason = serializers.CharField()
    article = serializers.CharField()


class VerdictSerializer(serializers.Serializer):
    rule_set = serializers.CharField(help_text=_("Mã bộ quy tắc áp dụng (R2018, R2024, R2025)."))
    family = serializers.CharField()
    outcome = serializers.ChoiceField(choices=OUTCOMES)
    checks = CheckSerializer(many=True)


class NominationVerdictSerializer(VerdictSerializer):
    missing_documents = serializers.ListField(child=serializers.CharField())


class PreviewQuery(serializers.Serializer):
    award = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    campaign = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    unit = serializers.IntegerField(min_value=1, max_value=MAX_ID,
                                    help_text=_("Đơn vị đề nghị."))
    person = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)
    collective = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)

    def validate(self, data):
        if ("person" in data) == ("collective" in data):
            raise serializers.ValidationError(
                {"person": [_("Chọn đúng một: cá nhân (person) hoặc tập thể (collective).")]}
            )
        return data


def _render(verdict: Verdict, **extra: object) -> dict:
    return {**verdict.as_json(), **extra}


class NominationEligibility(APIView):
    @extend_schema(responses=NominationVerdictSerializer,
                   summary="The live eligibility verdict of a nomination")
    def get(self, request: Request, pk: int) -> Response:
        nomination = get_nomination_for_actor(request_actor(request), pk)
        return Response(_render(nomination_verdict(nomination),
                                missing_documents=missing_documents(nomination)))


class EligibilityPreview(APIView):
    @extend_schema(parameters=[PreviewQuery], responses=VerdictSerializer,
                   summary="The verdict for a nominee, award and campaign before a nomination")
    def get(self, request: Request) -> Response:
        query = PreviewQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        verdict = preview_verdict(
            actor=request_actor(request), award_id=data["award"], campaign_id=data["campaign"],
            unit_id=data["unit"], person_id=data.get("person"),
            collective_id=data.get("collective"),
        )
        return Response(_render(verdict))
