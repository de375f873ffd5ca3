"""The candidates' ranking page: one award in one campaign, women first among equals."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from approvals.access import request_actor
from approvals.filters import RankingQuery, parse_filters
from approvals.models import Award, Campaign
from approvals.ranking import candidate_ranking
from workflow.errors import InvalidInput, NotFound

from .common import render_error


@login_required
def ranking_page(request: HttpRequest) -> HttpResponse:
    chosen = {k: request.GET.get(k, "") for k in ("campaign", "award")}
    context: dict[str, Any] = {
        "campaigns": Campaign.objects.only("id", "name", "year").order_by("-year", "name"),
        "awards": Award.objects.only("id", "name_vi", "name_en", "code"),
        "chosen": chosen,
        "ranking": None,
    }
    if not any(chosen.values()):
        return render(request, "approvals/ranking.html", context)
    try:
        query = parse_filters(RankingQuery, request.GET)
        context["ranking"] = candidate_ranking(
            request_actor(request), campaign_id=query["campaign"], award_id=query["award"]
        )
    except (InvalidInput, NotFound) as exc:
        return render_error(request, "approvals/ranking.html", context, exc)
    return render(request, "approvals/ranking.html", context)
