"""The inbox and the list run a fixed number of queries, whatever the number of items.

One dataset grows from 10 to 500 submitted nominations (building it through the
services is the slow part), and every page is measured at both sizes.
"""

from django.db import connection
from django.http import HttpRequest
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from approvals.models import Nomination
from approvals.roles import Role
from tests import factories
from workflow import services

# Session, user, header (actor, grants; for whoever holds no council role, whether a council
# term names them), tab counts (one: the tallies), the page (one: a keyset page, no COUNT),
# the filter options.
MAX_QUERIES = 14  # 12 or 13 for most pages; the deadline order reads the time limits
PAGES = [
    ("reviewer", "inbox", {"tab": "queue", "order": "deadline"}),
    ("reviewer", "inbox", {"tab": "mine"}),
    ("head", "inbox", {"tab": "done"}),
    ("reviewer", "nomination-list", {}),
    # A substitute works the reviewer's queue and held reviews (a delegation).
    ("thay", "inbox", {"tab": "queue"}),
    ("thay", "inbox", {"tab": "mine"}),
]


def _submit(org, people, n, start):
    for i in range(start, start + n):
        draft = factories.new_draft(org, people, name=f"Người {i}")
        services.nomination_submit(user=people["head"], nomination_id=draft.pk)


def _measure(client, django_assert_max_num_queries) -> dict:
    counts = {}
    for user, name, params in PAGES:
        client.login(request=HttpRequest(), username=user, password=factories.PASSWORD)
        with django_assert_max_num_queries(MAX_QUERIES), CaptureQueriesContext(connection) as q:
            response = client.get(reverse(name), params)
        assert response.status_code == 200
        counts[(user, name, params.get("tab"))] = len(q)
    return counts


def test_inbox_and_list_query_counts_are_the_same_at_10_and_500_items(
    client, org, people, django_assert_max_num_queries
):
    factories.delegate(people["reviewer"], factories.person("thay"), Role.STANDING_REVIEWER)
    _submit(org, people, 13, 0)
    for n in Nomination.objects.order_by("id")[:3]:  # held by the reviewer: the substitute's too
        services.nomination_claim(user=people["reviewer"], nomination_id=n.pk)
    at_10 = _measure(client, django_assert_max_num_queries)
    for user in ("reviewer", "thay"):
        client.login(request=HttpRequest(), username=user, password=factories.PASSWORD)
        assert len(client.get(reverse("inbox"), {"tab": "queue"}).context["rows"]) == 10
        assert len(client.get(reverse("inbox"), {"tab": "mine"}).context["rows"]) == 3

    _submit(org, people, 490, 13)
    at_500 = _measure(client, django_assert_max_num_queries)
    for user in ("reviewer", "thay"):
        client.login(request=HttpRequest(), username=user, password=factories.PASSWORD)
        response = client.get(reverse("inbox"), {"tab": "queue"})
        done = 3 if user == "reviewer" else 0  # the reviewer's own claims
        assert response.context["counts"] == {"mine": 3, "queue": 500, "done": done}
        assert len(response.context["rows"]) == 100

    print("queries per page (10 items / 500 items):")
    for key in at_10:
        print(f"  {key}: {at_10[key]} / {at_500[key]}")
    assert at_10 == at_500
