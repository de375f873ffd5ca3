"""The API's nomination carries due_date, waited_working_days and deadline_status, sorts by
them (order=deadline) and filters by them (overdue, deadline_status), as the pages do."""

import pytest
from django.utils import timezone

from approvals.models import Nomination
from approvals.states import State
from tests import factories
from tests.api.conftest import API
from workflow import sla


@pytest.fixture
def three(nomination_in):
    late = factories.backdate_clock(nomination_in(State.SUBMITTED, name="Trễ hạn"), 25)
    on_time = Nomination.objects.get(pk=nomination_in(State.SUBMITTED, name="Đúng hạn").pk)
    near = factories.backdate_clock(nomination_in(State.SUBMITTED, name="Sắp hạn"), 18)
    return on_time, near, late


def test_each_nomination_carries_its_due_date_waited_days_and_status(as_user, three):
    on_time, near, late = three
    body = as_user("reviewer").get(f"{API}/nominations/{near.pk}/").json()
    assert body["due_date"] == sla.add_working_days(near.clock_started_on, 20).isoformat()
    assert body["waited_working_days"] == sla.working_days_between(
        near.clock_started_on, timezone.localdate()
    )
    assert body["deadline_status"] == "near_due" and body["unit_working_days"] == 0
    statuses = {
        n["id"]: n["deadline_status"]
        for n in as_user("reviewer").get(f"{API}/nominations/").json()["results"]
    }
    assert statuses == {on_time.pk: "on_time", near.pk: "near_due", late.pk: "overdue"}


def test_a_closed_nomination_has_no_deadline(as_user, nomination_in):
    n = nomination_in(State.REJECTED)
    body = as_user("reviewer").get(f"{API}/nominations/{n.pk}/").json()
    assert (body["due_date"], body["waited_working_days"], body["deadline_status"]) == (
        None, None, None
    )


def test_the_list_and_the_inbox_sort_by_deadline(as_user, three):
    on_time, near, late = three
    client = as_user("reviewer")
    listed = client.get(f"{API}/nominations/", {"order": "deadline"}).json()["results"]
    assert [n["id"] for n in listed] == [late.pk, near.pk, on_time.pk]
    dues = [n["due_date"] for n in listed]
    assert dues == sorted(dues)
    queue = client.get(f"{API}/inbox/", {"order": "deadline"}).json()["queue"]["results"]
    assert [n["id"] for n in queue] == [late.pk, near.pk, on_time.pk]


@pytest.mark.parametrize("endpoint", ["nominations", "inbox"])
def test_overdue_and_deadline_status_filter_with_the_same_computation(as_user, three,
                                                                      endpoint):
    on_time, near, late = three
    client = as_user("reviewer")

    def ids(params):
        body = client.get(f"{API}/{endpoint}/", params).json()
        results = body["results"] if endpoint == "nominations" else body["queue"]["results"]
        return [n["id"] for n in results]

    assert ids({"overdue": "true"}) == [late.pk]
    assert ids({"deadline_status": "overdue"}) == [late.pk]
    assert ids({"deadline_status": "near_due"}) == [near.pk]
    assert ids({"deadline_status": "on_time"}) == [on_time.pk]


@pytest.mark.parametrize(("name", "value", "message"), [
    ("deadline_status", "late", "“late” không phải là lựa chọn hợp lệ."),
    ("overdue", "maybe", "Chọn có hoặc không."),
])
def test_a_bad_deadline_filter_is_a_field_error_in_vietnamese(as_user, three, name, value,
                                                              message):
    response = as_user("reviewer").get(f"{API}/nominations/", {name: value})
    assert response.status_code == 400
    assert response.json()["fields"] == {name: [message]}


def test_the_schema_documents_the_deadline_fields_and_filter(as_user, db):
    schema = as_user("reviewer").get(f"{API}/schema/", {"format": "json"}).json()
    fields = schema["components"]["schemas"]["Nomination"]["properties"]
    assert {"due_date", "waited_working_days", "deadline_status"} <= set(fields)
    parameters = {
        p["name"] for p in schema["paths"]["/api/v1/nominations/"]["get"]["parameters"]
    }
    assert {"deadline_status", "overdue", "order"} <= parameters
