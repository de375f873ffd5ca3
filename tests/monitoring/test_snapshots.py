"""The whole-body dashboard computed ahead: the same figures as live, read only while fresh,
translated when read, never for a narrower scope."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from approvals.access import load_actor
from approvals.states import State
from monitoring.dashboard import SHARED, dashboard_figures, dashboard_scope
from monitoring.models import DashboardSnapshot
from monitoring.snapshots import dashboard_snapshots_refresh


def scope_and_actor(people, **filters):
    actor = load_actor(people["manager"])
    return dashboard_scope(actor, campaign="tong-ket", **filters), actor


def shown(figures):
    return [(f.key, f.title, f.columns, f.rows) for f in figures]


def test_the_stored_figures_are_the_live_ones(org, people, nomination_in):
    for state in (State.IN_REVIEW, State.RETURNED, State.REPORTED, State.COUNCIL_VOTE):
        nomination_in(state)
    scope, actor = scope_and_actor(people)
    live = dashboard_figures(scope, actor, stored=False)
    assert dashboard_snapshots_refresh() == 1
    read = dashboard_figures(scope, actor)
    assert shown(read) == shown(live)
    assert {f.key for f in read if f.computed_at is not None} == set(SHARED)
    with CaptureQueriesContext(connection) as stored_queries:
        dashboard_figures(scope, actor)
    with CaptureQueriesContext(connection) as live_queries:
        dashboard_figures(scope, actor, stored=False)
    assert len(stored_queries) < len(live_queries) // 3


def test_a_stored_figure_is_read_in_the_reader_s_language(org, people, nomination_in):
    nomination_in(State.IN_REVIEW)
    dashboard_snapshots_refresh()
    scope, actor = scope_and_actor(people)
    with translation.override("en"):
        figures = {f.key: f for f in dashboard_figures(scope, actor)}
        live = {f.key: f for f in dashboard_figures(scope, actor, stored=False)}
    assert figures["wip"].computed_at is not None
    assert figures["wip"].title == "Work in progress by stage"
    assert figures["wip"].rows == [["Review", 1, 0, 1]]
    assert shown(figures.values()) == shown(live.values())


def test_a_stale_snapshot_or_a_narrower_scope_is_computed_live(org, people, nomination_in):
    nomination_in(State.IN_REVIEW)
    dashboard_snapshots_refresh()
    DashboardSnapshot.objects.update(figures=[])  # what the page would show if it read it
    scope, actor = scope_and_actor(people)
    fresh = {f.key for f in dashboard_figures(scope, actor) if f.computed_at}
    assert fresh == set()  # an empty snapshot has no figure: every one computed
    dashboard_snapshots_refresh()
    DashboardSnapshot.objects.update(computed_at=timezone.now() - datetime.timedelta(hours=1))
    assert all(f.computed_at is None for f in dashboard_figures(scope, actor))
    dashboard_snapshots_refresh()
    unit_scope, _actor = scope_and_actor(people, unit="don-vi-a")
    assert all(f.computed_at is None for f in dashboard_figures(unit_scope, actor))
    assert any(f.computed_at for f in dashboard_figures(scope, actor))
