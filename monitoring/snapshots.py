"""The whole-body dashboard of each running campaign, computed ahead (beat, every
DASHBOARD_REFRESH_SECONDS) and stored, so that a page over a million nominations reads one
row instead of computing for seconds (bench/dashboard.py).

Correct by construction, within its age: each refresh computes the figures afresh from the
stage visits with the same selectors as the live page, and the page reads a snapshot only
while it is younger than twice the refresh interval and of the same day; otherwise (beat
stopped, a new day, a narrower scope) it computes live. The computation runs outside any
transaction; only the write of the row is one.
"""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from approvals.models import Campaign

from .dashboard import SHARED, dashboard_figures, figure_to_json, whole_body_scope
from .models import DashboardSnapshot


def dashboard_snapshots_refresh(*, today: datetime.date | None = None) -> int:
    """Compute and store the whole-body figures of every running campaign; returns how many."""
    today = today or timezone.localdate()
    refreshed = 0
    for campaign in Campaign.objects.filter(starts_on__lte=today, ends_on__gte=today):
        scope = whole_body_scope(campaign, today)
        with translation.override("vi"):
            figures = [figure_to_json(figure) for figure in dashboard_figures(
                scope, None, stored=False, keys=SHARED)]
        values = {"today": today, "computed_at": timezone.now(), "figures": figures}
        try:
            with transaction.atomic():
                DashboardSnapshot.objects.update_or_create(campaign=campaign, defaults=values)
        except IntegrityError:  # a concurrent refresh created it first: ours is as new
            DashboardSnapshot.objects.filter(campaign=campaign).update(**values)
        refreshed += 1
    return refreshed
