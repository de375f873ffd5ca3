"""Idempotency-Key on the API's POSTs: a retry gets the first outcome, never a second change."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from approvals.idempotency import LEASE, idempotency_purge
from approvals.models import IdempotencyKey, Nomination
from approvals.states import State
from tests.api.conftest import API
from tests.factories import member
from workflow.models import AuditRecord

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def submit(client, draft, key, comment="Trình"):
    return client.post(f"{API}/nominations/{draft.pk}/actions/submit/", {"comment": comment},
                       format="json", HTTP_IDEMPOTENCY_KEY=key)


def test_a_retried_action_returns_the_first_outcome_and_acts_once(draft, as_user):
    first = submit(as_user("head"), draft, "k-1")
    again = submit(as_user("head"), draft, "k-1")
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json() and first.json()["state"] == State.SUBMITTED
    assert again["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first
    assert AuditRecord.objects.filter(nomination=draft, action="submit").count() == 1
    # Without a key, the same request is a new one (and the state has moved on).
    plain = as_user("head").post(f"{API}/nominations/{draft.pk}/actions/submit/", {},
                                 format="json")
    assert plain.status_code == 409


def test_a_refusal_is_the_outcome_too(nomination_in, as_user):
    submitted = nomination_in(State.SUBMITTED)
    first = submit(as_user("head"), submitted, "k-2")
    assert first.status_code == 409
    assert submit(as_user("head"), submitted, "k-2").json() == first.json()


def test_a_key_used_for_another_request_is_refused(draft, as_user):
    assert submit(as_user("head"), draft, "k-3").status_code == 200
    other = submit(as_user("head"), draft, "k-3", comment="Khác")
    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"


def test_keys_belong_to_one_user(draft, as_user):
    assert submit(as_user("head"), draft, "same").status_code == 200
    # Another person's identical key and request are theirs: done (refused), not replayed.
    staff = submit(as_user("staff"), draft, "same")
    assert staff.status_code == 403 and staff.json()["code"] == "permission_denied"


def test_a_retry_while_the_first_request_runs_is_in_progress_and_a_dead_one_is_taken_over(
    draft, people, as_user
):
    assert submit(as_user("head"), draft, "k-4").status_code == 200
    row = IdempotencyKey.objects.get(user=people["head"], key="api:k-4")
    # As if the first request still held it: claimed, no outcome yet.
    IdempotencyKey.objects.filter(pk=row.pk).update(
        status=None, body="", claim=row.request_hash[:32], claimed_until=timezone.now() + LEASE)
    busy = submit(as_user("head"), draft, "k-4")
    assert busy.status_code == 409 and busy.json()["code"] == "in_progress"
    assert busy["Retry-After"] == "1"
    # Its lease ran out (its request died before the outcome): the retry does the work.
    IdempotencyKey.objects.filter(pk=row.pk).update(
        claimed_until=timezone.now() - datetime.timedelta(seconds=1))
    taken = submit(as_user("head"), draft, "k-4")
    assert taken.status_code == 409 and taken.json()["code"] == "conflict"  # already submitted


def test_a_bad_key_is_refused_before_anything_is_done(draft, as_user):
    response = submit(as_user("head"), draft, "có dấu")
    assert response.status_code == 400 and "Idempotency-Key" in response.json()["fields"]
    assert Nomination.objects.get(pk=draft.pk).state == State.DRAFT


def test_creating_and_uploading_are_done_once_per_key(org, people, as_user):
    body = {"unit": org["a"].pk, "campaign": org["campaign"].pk,
            "award": Nomination._meta.get_field("award").related_model.objects.first().pk,
            "nominee_person": member(org["a"], "Trần Thị Bình").pk, "nominee_title": "",
            "achievements": ""}
    created = [as_user("staff").post(f"{API}/nominations/", body, format="json",
                                     HTTP_IDEMPOTENCY_KEY="new-1") for _ in range(2)]
    assert [r.status_code for r in created] == [201, 201]
    assert created[0].json() == created[1].json()
    assert Nomination.objects.filter(nominee_name="Trần Thị Bình").count() == 1
    pk = created[0].json()["id"]
    uploads = [as_user("staff").post(
        f"{API}/nominations/{pk}/documents/",
        {"kind": "khac", "file": SimpleUploadedFile("anh.png", PNG, "image/png")},
        format="multipart", HTTP_IDEMPOTENCY_KEY="up-1") for _ in range(2)]
    assert [r.status_code for r in uploads] == [201, 201], uploads[0].content
    assert uploads[0].json() == uploads[1].json()
    assert Nomination.objects.get(pk=pk).documents.count() == 1


def test_old_keys_are_purged(draft, people, as_user):
    submit(as_user("head"), draft, "k-5")
    IdempotencyKey.objects.update(created_at=timezone.now() - datetime.timedelta(hours=25))
    assert idempotency_purge() == 1
    assert not IdempotencyKey.objects.exists()
