"""The filter sets are parsed by one schema each, shared by the pages and the API."""

from django.urls import reverse

from approvals.states import State
from tests.api.conftest import API


def test_an_impossible_date_in_the_history_filter_is_an_error_on_the_page(login):
    response = login("auditor").get(reverse("audit-history"), {"date_from": "31/02/2026"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Nhập ngày hợp lệ theo dạng dd/mm/yyyy." in html and "date_from" in html


def test_an_impossible_date_in_the_history_filter_is_an_error_in_the_api(people):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(people["auditor"])
    response = api.get(f"{API}/history/", {"date_from": "2026-02-31"})
    assert response.status_code == 400 and "date_from" in response.json()["fields"]


def test_a_valid_history_date_filters_and_both_day_formats_are_read(login, people, draft):
    client = login("auditor")
    for value in ("01/01/2000", "2000-01-01"):
        response = client.get(reverse("audit-history"), {"date_to": value})
        assert response.status_code == 200 and len(response.context["page"]) == 0
    assert len(client.get(reverse("audit-history")).context["page"]) > 0


def test_a_history_range_that_ends_before_it_starts_is_refused(login):
    response = login("auditor").get(
        reverse("audit-history"), {"date_from": "02/01/2026", "date_to": "01/01/2026"}
    )
    assert response.status_code == 400


def test_an_export_link_with_a_bad_filter_leads_back_to_the_page_that_says_why(login):
    response = login("auditor").get(reverse("audit-export-csv"), {"date_to": "x"})
    assert response.status_code == 302 and response["Location"].startswith(
        reverse("audit-history")
    )


def test_the_api_inbox_sorts_by_deadline_as_the_page_does(people, nomination_in):
    from rest_framework.test import APIClient

    first, second = nomination_in(State.SUBMITTED), nomination_in(State.SUBMITTED)
    api = APIClient()
    api.force_authenticate(people["reviewer"])
    response = api.get(f"{API}/inbox/", {"order": "deadline"})
    assert response.status_code == 200
    ids = [n["id"] for n in response.json()["queue"]["results"]]
    assert ids == [first.pk, second.pk]
    refused = api.get(f"{API}/inbox/", {"order": "sideways"})
    assert refused.status_code == 400 and "order" in refused.json()["fields"]
