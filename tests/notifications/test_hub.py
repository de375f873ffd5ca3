"""The per-process hub's pieces: the configured layer, and counts for many people at once."""

import pytest
from channels.layers import get_channel_layer
from channels_redis.core import RedisChannelLayer
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from approvals import selectors as approvals_selectors
from approvals.access import load_actor, load_actors
from approvals.roles import Role
from approvals.selectors import TABS
from approvals.services import role_grant
from approvals.states import State
from notifications import hub, selectors
from notifications.models import Notification
from notifications.services import notifications_mark_read
from tests.factories import PASSWORD, delegate
from workflow import services


def test_the_configured_layer_is_redis_with_a_read_timeout_above_its_blocking_pop():
    layer = get_channel_layer()
    assert isinstance(layer, RedisChannelLayer)
    assert layer.hosts[0]["socket_timeout"] > layer.brpop_timeout


def test_a_worker_that_stops_rejoining_drops_out_of_the_group_soon():
    layer = get_channel_layer()
    assert hub.REJOIN_SECONDS < layer.group_expiry <= 5 * hub.REJOIN_SECONDS


@pytest.mark.django_db
def test_counts_for_many_people_equal_each_persons_own_inbox_and_bell(org, people, nomination_in):
    nomination_in(State.IN_REVIEW)  # claimed by the reviewer: "mine"
    nomination_in(State.SUBMITTED)  # in the reviewers' queue
    approved = nomination_in(State.APPROVED)
    services.nomination_report(
        user=people["liaison"], nomination_id=approved.pk, report_number="7/BC",
        report_date=timezone.localdate(),
    )
    notifications_mark_read(user=people["staff"])
    users = list(people.values())
    together = selectors.counts_for_many(list(load_actors(users).values()))
    for user in users:
        # Each tab counted the way the inbox page lists it, and the bell the way it shows.
        actor = load_actor(user)
        inbox = {tab: approvals_selectors.inbox(actor, tab=tab).count() for tab in TABS}
        mine = Notification.objects.filter(recipient=user)
        bell = {
            "unread": mine.filter(read_at__isnull=True).count(),
            "last_id": max(mine.values_list("id", flat=True), default=0),
        }
        assert together[user.pk] == {"type": "counts", "inbox": inbox, **bell}, user.username
    reviewer = together[people["reviewer"].pk]["inbox"]
    assert reviewer["mine"] == 1 and reviewer["queue"] == 1 and reviewer["done"] >= 2
    assert together[people["staff"].pk]["unread"] == 0
    assert together[people["head"].pk]["unread"] > 0


@pytest.mark.django_db
def test_counting_for_people_with_the_same_grants_costs_the_same_queries_for_one_or_forty(org):
    def reviewers(n: int) -> list:
        made = []
        for i in range(n):
            user = get_user_model().objects.create_user(username=f"rv-{n}-{i}", password=PASSWORD)
            role_grant(user=user, role=Role.STANDING_REVIEWER)
            made.append(user)
        return list(load_actors(made).values())

    def queries(actors) -> int:
        with CaptureQueriesContext(connection) as ctx:
            counts = selectors.counts_for_many(actors)
        assert set(counts) == {a.user.pk for a in actors}
        return len(ctx.captured_queries)

    one, forty = reviewers(1), reviewers(40)
    # The unread notices, then one query of the inbox tallies per set of grants.
    assert queries(one) == queries(forty) == 2
    # A second set of grants adds its own one.
    head = get_user_model().objects.create_user(username="another-head", password=PASSWORD)
    role_grant(user=head, role=Role.UNIT_HEAD, unit=org["a"])
    assert queries(forty + list(load_actors([head]).values())) == 3


@pytest.mark.django_db
def test_loading_many_actors_takes_one_query_once_the_role_map_is_read_and_matches_each(
        people):
    users = list(people.values())
    with CaptureQueriesContext(connection) as ctx:
        load_actors(users[:1])
    assert len(ctx.captured_queries) == 4  # the token, then the units, grants, delegations
    with CaptureQueriesContext(connection) as ctx:
        together = load_actors(users)
    assert len(ctx.captured_queries) == 1  # the token only
    assert together == {u.pk: load_actor(u) for u in users}


@pytest.mark.django_db
def test_counts_for_substitutes_include_their_lenders_work_at_one_query_per_set_of_grants(
    org, people, nomination_in
):
    held_a = nomination_in(State.IN_REVIEW)  # claimed by the reviewer, unit A
    nomination_in(State.IN_REVIEW, unit="b")  # and one of unit B
    nomination_in(State.SUBMITTED)
    for_a, for_b = (get_user_model().objects.create_user(username=n) for n in ("thay-a", "thay-b"))
    delegate(people["reviewer"], for_a, Role.STANDING_REVIEWER, unit=org["a"])
    delegate(people["reviewer"], for_b, Role.STANDING_REVIEWER, unit=org["b"])
    users = [people["reviewer"], for_a, for_b, people["head"]]
    actors = list(load_actors(users).values())
    with CaptureQueriesContext(connection) as ctx:
        together = selectors.counts_for_many(actors)
    assert len(ctx.captured_queries) == 1 + 4  # four distinct sets of grants
    for user in users:
        actor = load_actor(user)
        inbox = {tab: approvals_selectors.inbox(actor, tab=tab).count() for tab in TABS}
        assert together[user.pk]["inbox"] == inbox, user.username
    assert together[for_a.pk]["inbox"]["mine"] == 1 and held_a.unit == org["a"]
    assert together[for_b.pk]["inbox"] == {"mine": 1, "queue": 0, "done": 0}
