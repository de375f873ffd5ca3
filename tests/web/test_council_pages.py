"""The council's pages: the secretary opens, records and closes a session; members vote on
their ballot page; the outcome shows the threshold and the quorum."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from approvals.models import SessionItem, VoteSession
from approvals.roles import Role
from approvals.states import State
from tests import factories


def test_a_session_runs_in_the_browser_from_opening_to_closing(people, nomination_in, login):
    n = nomination_in(State.COUNCIL_VOTE)
    term = factories.council_term(people, size=3)
    for user in term.members.all():
        factories.role_grant(user=user, role=Role.COUNCIL_MEMBER, unit=None)
    secretary = login("secretary")
    home = secretary.get(reverse("council-home")).content.decode()
    assert 'data-testid="session-open"' in home and "Hội đồng bỏ phiếu" in home
    opened = secretary.post(reverse("council-home"), {
        "term": term.pk, "campaign": n.campaign_id,
        "meets_on": timezone.localdate().isoformat()})
    session = VoteSession.objects.get()
    assert opened.status_code == 302 and opened["Location"] == reverse("council-session",
                                                                       args=[session.pk])
    members = list(term.members.all())
    secretary.post(reverse("council-step", args=[session.pk, "attendance"]),
                   {f"member-{m.pk}": "present" for m in members})
    item = SessionItem.objects.get(session=session)
    for m in members:
        voter = Client()
        voter.force_login(m)
        ballot = voter.get(reverse("council-ballot", args=[session.pk])).content.decode()
        assert f'name="item-{item.pk}"' in ballot
        voter.post(reverse("council-ballot", args=[session.pk]), {f"item-{item.pk}": "yes"})
        assert 'data-testid="voted"' in voter.get(
            reverse("council-ballot", args=[session.pk])).content.decode()
    page = secretary.get(reverse("council-session", args=[session.pk])).content.decode()
    assert "80%" in page and "3/3" in page and "Đủ số thành viên có mặt." in page
    assert "2/3 tổng số thành viên" in page
    closed = secretary.post(reverse("council-step", args=[session.pk, "close"]))
    assert closed.status_code == 302
    assert type(n).objects.get(pk=n.pk).state == State.AWAITING_DIRECTOR


def test_closing_without_the_quorum_says_why_on_the_page(people, nomination_in, login):
    n = nomination_in(State.COUNCIL_VOTE)
    term = factories.council_term(people, size=3)
    secretary = login("secretary")
    secretary.post(reverse("council-home"), {"term": term.pk, "campaign": n.campaign_id,
                                             "meets_on": timezone.localdate().isoformat()})
    session = VoteSession.objects.get()
    refused = secretary.post(reverse("council-step", args=[session.pk, "close"]))
    assert refused.status_code == 422
    assert "Chưa đủ số thành viên có mặt" in refused.content.decode()


def test_the_paper_tally_is_entered_with_its_minutes(people, nomination_in, login):
    n = nomination_in(State.COUNCIL_VOTE)
    term = factories.council_term(people, size=3)
    secretary = login("secretary")
    secretary.post(reverse("council-home"), {"term": term.pk, "campaign": n.campaign_id,
                                             "meets_on": timezone.localdate().isoformat()})
    session = VoteSession.objects.get()
    secretary.post(reverse("council-step", args=[session.pk, "attendance"]),
                   {f"member-{m.pk}": "present" for m in term.members.all()})
    item = SessionItem.objects.get(session=session)
    secretary.post(reverse("council-step", args=[session.pk, "tally"]), {
        f"yes-{item.pk}": "2", f"ballots-{item.pk}": "3",
        "minutes": SimpleUploadedFile("bien-ban.pdf", factories.MINUTES)})
    item.refresh_from_db()
    assert (item.paper_yes, item.paper_ballots) == (2, 3)
    assert VoteSession.objects.get().minutes_name == "bien-ban.pdf"
    secretary.post(reverse("council-step", args=[session.pk, "close"]))
    assert type(n).objects.get(pk=n.pk).state == State.REJECTED  # 2/3 < 80 %


def test_a_session_is_hidden_from_people_outside_the_council(people, nomination_in, login):
    n = nomination_in(State.COUNCIL_VOTE)
    session = factories.council_decide(people, [n]) and VoteSession.objects.get()
    assert login("reviewer").get(reverse("council-session", args=[session.pk])).status_code == 404
    assert "Hội đồng bỏ phiếu" not in login("reviewer").get(reverse("inbox")).content.decode()


def test_a_chair_who_is_not_the_director_finds_the_council_in_the_menu(people, login):
    term = factories.council_term(people, size=3)
    term.chair = people["manager"]
    term.save()
    link = f'href="{reverse("council-home")}"'
    assert link in login("manager").get(reverse("inbox")).content.decode()
    assert link not in login("staff").get(reverse("inbox")).content.decode()
