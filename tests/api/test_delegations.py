"""/api/v1/delegations/: the caller's delegations, lending one, cancelling one."""

import datetime

from django.utils import timezone

from approvals.models import Delegation
from approvals.roles import Role
from tests.api.conftest import API
from tests.factories import delegate


def day(n: int) -> str:
    return (timezone.localdate() + datetime.timedelta(days=n)).isoformat()


def test_a_person_lends_a_role_lists_it_and_cancels_it(as_user, people):
    client = as_user("reviewer")
    created = client.post(f"{API}/delegations/", {
        "substitute": people["director"].pk, "role": Role.STANDING_REVIEWER, "unit": None,
        "starts_on": day(0), "ends_on": day(2), "note": "Đi công tác",
    }, format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["delegator"]["username"], body["substitute"]["username"], body["status"]) == (
        "reviewer", "director", "active"
    )
    assert body["unit"] is None
    listed = client.get(f"{API}/delegations/").json()
    assert [d["id"] for d in listed] == [body["id"]]
    # The substitute sees it too, as received.
    assert [d["id"] for d in as_user("director").get(f"{API}/delegations/").json()] == [body["id"]]
    cancelled = client.post(f"{API}/delegations/{body['id']}/cancel/")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    again = client.post(f"{API}/delegations/{body['id']}/cancel/")
    assert again.status_code == 409 and again.json()["message"] == "Ủy quyền này đã được hủy."


def test_lending_a_role_one_does_not_hold_is_refused_with_the_reason(as_user, people):
    response = as_user("reviewer").post(f"{API}/delegations/", {
        "substitute": people["staff"].pk, "role": Role.DIRECTOR,
        "starts_on": day(0), "ends_on": day(1),
    }, format="json")
    assert response.status_code == 403
    assert response.json()["message"].startswith("Bạn không giữ vai trò")
    assert not Delegation.objects.exists()


def test_a_bad_body_is_a_field_error_and_the_admin_role_is_not_offered(as_user, people):
    response = as_user("admin").post(f"{API}/delegations/", {
        "substitute": people["staff"].pk, "role": Role.ADMIN, "starts_on": "2026-13-01",
    }, format="json")
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"role", "starts_on", "ends_on"}


def test_someone_elses_delegation_cannot_be_cancelled(as_user, people):
    made = delegate(people["reviewer"], people["director"], Role.STANDING_REVIEWER)
    response = as_user("director").post(f"{API}/delegations/{made.pk}/cancel/")
    assert response.status_code == 404
