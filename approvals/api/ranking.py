"""The candidates' ranking for one award in one campaign, as the page shows it."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from approvals.access import request_actor
from approvals.filters import RankingQuery, parse_filters
from approvals.ranking import candidate_ranking


class CandidateSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    nomination = serializers.IntegerField(source="nomination.pk")
    nominee_name = serializers.CharField(source="nomination.nominee_name")
    unit = serializers.CharField(source="nomination.unit.code")
    state = serializers.CharField(source="nomination.state")
    votes_for = serializers.IntegerField(allow_null=True)
    votes_total = serializers.IntegerField(allow_null=True)
    women_first = serializers.BooleanField(
        help_text=_("Nữ, hoặc tập thể có tỷ lệ nữ từ mức bộ quy tắc quy định.")
    )
    raised = serializers.BooleanField(
        help_text=_("Xếp trên một người ngang phiếu nhờ ưu tiên nữ.")
    )
    women = serializers.IntegerField(allow_null=True)
    members = serializers.IntegerField(allow_null=True)


class RankingSerializer(serializers.Serializer):
    campaign = serializers.IntegerField(source="campaign.pk")
    award = serializers.CharField(source="award.code")
    rule_set = serializers.CharField()
    citation = serializers.CharField()
    share_percent = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    counted_on = serializers.DateField()
    candidates = CandidateSerializer(many=True)


class Ranking(APIView):
    @extend_schema(parameters=[RankingQuery], responses=RankingSerializer,
                   summary="The candidates for an award in a campaign, women first among equals")
    def get(self, request: Request) -> Response:
        query = parse_filters(RankingQuery, request.query_params)
        ranking = candidate_ranking(request_actor(request), campaign_id=query["campaign"],
                                    award_id=query["award"])
        return Response(RankingSerializer(ranking).data)
