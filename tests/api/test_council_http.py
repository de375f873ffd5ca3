"""The council over the API: terms are readable, sessions run through their endpoints, the
paper tally arrives with its minutes, and refusals answer with their status."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from approvals.models import SessionItem, VoteSession
from approvals.states import State
from tests.api.conftest import API
from tests.factories import MINUTES, council_term


def open_session(secretary, term, n):
    return secretary.post(f"{API}/council/sessions/", {
        "term": term.pk, "campaign": n.campaign_id,
        "meets_on": timezone.localdate().isoformat()}, format="json")


def test_the_terms_show_their_members_and_chair(people, login):
    council_term(people, size=3)
    terms = login("member").get(f"{API}/council/terms/").json()
    assert terms[0]["chair"] == "director" and terms[0]["members_total"] == 3
    assert set(terms[0]["members"]) == {"director", "member", "hd-thanh-vien-3"}


def test_a_paper_tally_with_minutes_fails_a_nomination_over_http(people, login, nomination_in):
    n = nomination_in(State.COUNCIL_VOTE)
    term = council_term(people, size=3)
    secretary = login("secretary")
    sid = open_session(secretary, term, n).json()["id"]
    secretary.post(f"{API}/council/sessions/{sid}/attendance/", {"attendance": [
        {"member": m, "status": "present"} for m in term.members.values_list("pk", flat=True)]},
        format="json")
    item = SessionItem.objects.get(session_id=sid)
    tally = secretary.post(f"{API}/council/sessions/{sid}/paper-tally/", {
        "tallies": [f"{item.pk},2,3"], "minutes": SimpleUploadedFile("bb.pdf", MINUTES)},
        format="multipart")
    assert tally.status_code == 200, tally.json()
    outcome = tally.json()["outcome"]
    assert outcome["items"][0]["votes_for"] == 2 and outcome["items"][0]["passed"] is False
    assert outcome["items"][0]["threshold_percent"] == "80.00"
    assert secretary.post(f"{API}/council/sessions/{sid}/close/").status_code == 200
    assert type(n).objects.get(pk=n.pk).state == State.REJECTED
    assert VoteSession.objects.get(pk=sid).minutes_name == "bb.pdf"


def test_refusals_answer_with_their_status(people, login, nomination_in):
    n = nomination_in(State.COUNCIL_VOTE)
    term = council_term(people, size=3)
    assert open_session(login("member"), term, n).status_code == 403
    secretary = login("secretary")
    sid = open_session(secretary, term, n).json()["id"]
    closed = secretary.post(f"{API}/council/sessions/{sid}/close/")
    assert closed.status_code == 422 and "Chưa đủ" in closed.json()["reasons"][0]
    assert login("reviewer").get(f"{API}/council/sessions/{sid}/").status_code == 404
    member = login("member")
    item = SessionItem.objects.get(session_id=sid)
    absent = member.post(f"{API}/council/sessions/{sid}/ballots/",
                         {"ballots": [{"item": item.pk, "yes": True}]}, format="json")
    assert absent.status_code == 422
    twice = member.post(f"{API}/council/sessions/{sid}/ballots/",
                        {"ballots": [{"item": item.pk, "yes": True},
                                     {"item": item.pk, "yes": False}]}, format="json")
    assert twice.status_code == 400
