"""Bulk actions (each item on its own, large batches in the background) and the inbox."""

import time

import pytest
from django.utils import timezone

from approvals.jobs import INLINE_LIMIT
from approvals.models import BulkJob, Nomination
from tests import factories
from tests.api.conftest import API

BULK = f"{API}/nominations/bulk-actions/"


def test_a_small_batch_runs_at_once_and_each_item_succeeds_or_fails_with_its_reason(
    nomination_in, as_user, consistent
):
    ready = [nomination_in("submitted").pk for _ in range(2)]
    taken = nomination_in("in_review").pk
    draft = nomination_in("draft").pk
    response = as_user("reviewer").post(
        BULK,
        {
            "action": "claim",
            "nomination_ids": [*ready, taken, draft, 987654],
            "comment": "Nhận xử lý đợt này",
        },
        format="json",
    )
    assert response.status_code == 200
    job = response.json()
    assert (job["status"], job["total"], job["succeeded"], job["failed"]) == ("done", 5, 2, 3)
    outcome = {r["id"]: (r["ok"], r.get("state") or r["status"]) for r in job["results"]}
    assert outcome == {
        ready[0]: (True, "in_review"),
        ready[1]: (True, "in_review"),
        taken: (False, 409),
        draft: (False, 404),
        987654: (False, 404),
    }
    assert all(r["message"] for r in job["results"] if not r["ok"])
    assert as_user("reviewer").get(f"{API}/jobs/{job['id']}/").json()["percent"] == 100


def test_a_bulk_action_passes_the_actions_own_fields(nomination_in, as_user, consistent):
    ids = [nomination_in("awaiting_director").pk for _ in range(2)]
    job = (
        as_user("director")
        .post(
            BULK,
            {
                "action": "approve",
                "nomination_ids": ids,
                "decision_number": "30/QĐ-TĐKT",
                "decision_date": timezone.localdate().isoformat(),
            },
            format="json",
        )
        .json()
    )
    assert job["succeeded"] == 2, job["results"]
    assert set(Nomination.objects.filter(pk__in=ids).values_list("decision_number", flat=True)) == {
        "30/QĐ-TĐKT"
    }


def test_a_bulk_action_missing_a_required_reason_is_refused_before_any_item_runs(
    nomination_in, as_user
):
    n = nomination_in("in_review")
    response = as_user("reviewer").post(
        BULK, {"action": "reject", "nomination_ids": [n.pk]}, format="json"
    )
    assert response.status_code == 400 and "comment" in response.json()["fields"]
    assert not BulkJob.objects.exists()
    assert Nomination.objects.get(pk=n.pk).state == "in_review"


@pytest.mark.parametrize(
    "body",
    [
        {"action": "promote", "nomination_ids": [1]},
        {"action": "claim", "nomination_ids": []},
        {"action": "claim", "nomination_ids": ["x"]},
        {"action": "claim"},
    ],
)
def test_a_malformed_bulk_request_is_400(people, as_user, body):
    response = as_user("reviewer").post(BULK, body, format="json")
    assert response.status_code == 400 and response.json()["code"] == "invalid_input"


@pytest.mark.django_db(transaction=True)
def test_a_large_batch_runs_in_the_background_and_reports_progress(
    org, people, as_user, background_worker
):
    from tests.factories import nomination_in

    ids = [nomination_in(org, people, "submitted").pk for _ in range(INLINE_LIMIT + 2)]
    response = as_user("reviewer").post(
        BULK, {"action": "claim", "nomination_ids": ids}, format="json"
    )
    assert response.status_code == 202
    job_url = f"{API}/jobs/{response.json()['id']}/"
    seen = []
    for _ in range(600):  # wait for the Celery worker; the bound only stops a hung test
        job = as_user("reviewer").get(job_url).json()
        seen.append(job["processed"])
        if job["status"] == "done":
            break
        time.sleep(0.1)
    assert job["status"] == "done"
    assert (job["total"], job["succeeded"], job["failed"], job["percent"]) == (12, 12, 0, 100)
    assert seen == sorted(seen)  # progress only moves forward
    assert set(Nomination.objects.filter(pk__in=ids).values_list("state", flat=True)) == {
        "in_review"
    }
    # A job is its starter's: anyone else gets the 404 of a missing one.
    assert as_user("director").get(job_url).status_code == 404


def test_the_inbox_groups_my_claimed_work_and_my_roles_queue_with_counts(nomination_in, as_user):
    queued = nomination_in("submitted").pk
    mine = nomination_in("in_review").pk
    nomination_in("draft")
    inbox = as_user("reviewer").get(f"{API}/inbox/").json()
    assert [n["id"] for n in inbox["mine"]["results"]] == [mine]
    assert [n["id"] for n in inbox["queue"]["results"]] == [queued]
    assert (inbox["mine"]["count"], inbox["queue"]["count"]) == (1, 1)
    assert inbox["counts"]["mine"] == 1 and inbox["counts"]["queue"] == 1
    assert inbox["mine"]["results"][0]["holder"] == "reviewer"

    director = as_user("director").get(f"{API}/inbox/").json()
    assert director["mine"]["count"] == director["queue"]["count"] == 0
    staff = as_user("staff").get(f"{API}/inbox/", {"limit": 1}).json()
    assert staff["queue"]["count"] >= len(staff["queue"]["results"])
    assert as_user("staff").get(f"{API}/inbox/", {"limit": 0}).status_code == 400


def test_the_inbox_runs_a_fixed_number_of_queries(
    nomination_in, as_user, django_assert_max_num_queries
):
    client = as_user("reviewer")
    client.get(f"{API}/inbox/")
    for _ in range(5):
        nomination_in("submitted")
        nomination_in("in_review")
    with django_assert_max_num_queries(9):  # unfiltered: both groups counted from the tallies
        assert client.get(f"{API}/inbox/").status_code == 200


def test_an_unfiltered_inbox_counts_from_the_tallies_and_a_filtered_one_counts_its_rows(
    nomination_in, as_user
):
    client = as_user("reviewer")
    overdue = nomination_in("submitted")
    factories.backdate_clock(overdue, 40)
    nomination_in("submitted")
    whole = client.get(f"{API}/inbox/").json()
    assert whole["queue"]["count"] == whole["counts"]["queue"] == 2
    narrowed = client.get(f"{API}/inbox/", {"overdue": "true"}).json()
    assert narrowed["queue"]["count"] == 1 and narrowed["counts"]["queue"] == 2
    assert [n["id"] for n in narrowed["queue"]["results"]] == [overdue.pk]


def test_the_nomination_list_runs_a_fixed_number_of_queries(
    nomination_in, as_user, django_assert_max_num_queries
):
    client = as_user("reviewer")
    for _ in range(5):
        nomination_in("submitted")
        nomination_in("in_review")
    with django_assert_max_num_queries(6):  # 5, and the deadline rules' token
        response = client.get(f"{API}/nominations/")
    assert response.json()["count"] == 10
    assert {n["holder"] for n in response.json()["results"]} == {None, "reviewer"}


def test_a_bulk_action_missing_the_actions_own_fields_is_400_before_any_item_runs(
    nomination_in, as_user
):
    n = nomination_in("awaiting_director")
    response = as_user("director").post(
        BULK, {"action": "approve", "nomination_ids": [n.pk]}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"decision_number", "decision_date"}
    assert Nomination.objects.get(pk=n.pk).state == "awaiting_director"
