"""Each POST form carries a one-time token; posted twice, it is done once (views.once)."""

import re

from django.urls import reverse

from approvals.models import Nomination
from approvals.states import State
from tests.factories import member
from workflow.models import AuditRecord

TOKEN = re.compile(r'name="vd_form_token" value="([0-9a-f]{32})"')


def test_every_post_form_on_the_nomination_page_carries_its_own_token(login, draft):
    html = login("head").get(reverse("nomination-detail", args=[draft.pk])).content.decode()
    forms = [f for f in html.split("<form")[1:] if 'method="post"' in f
             and "logout" not in f and "setlang" not in f]
    tokens = [TOKEN.search(f) for f in forms]
    assert forms and all(tokens)
    assert len({t.group(1) for t in tokens if t}) == len(forms)


def test_a_form_posted_twice_leads_where_the_first_post_did_and_acts_once(login, draft):
    client = login("head")
    html = client.get(reverse("nomination-detail", args=[draft.pk])).content.decode()
    token = TOKEN.search(html.split('data-action="submit"', 1)[1]).group(1)
    url = reverse("nomination-action", args=[draft.pk, "submit"])
    first = client.post(url, {"vd_form_token": token})
    again = client.post(url, {"vd_form_token": token}, follow=True)
    assert first.status_code == 302 and again.redirect_chain[0] == (first["Location"], 302)
    assert "Thao tác này đã được thực hiện" in again.content.decode()
    assert Nomination.objects.get(pk=draft.pk).state == State.SUBMITTED
    assert AuditRecord.objects.filter(nomination=draft, action="submit").count() == 1


def test_a_refused_post_keeps_no_outcome(login, nomination_in):
    submitted = nomination_in(State.SUBMITTED)
    client = login("head")
    url = reverse("nomination-action", args=[submitted.pk, "submit"])
    for _ in range(2):  # refused both times, with the page's message, not a replay
        assert client.post(url, {"vd_form_token": "a" * 32}).status_code == 409


def test_a_new_nomination_form_posted_twice_creates_one(login, org):
    client = login("staff")
    html = client.get(reverse("nomination-create")).content.decode()
    token = TOKEN.search(html).group(1)
    award = Nomination._meta.get_field("award").related_model.objects.first()
    form = {"unit": org["a"].pk, "campaign": org["campaign"].pk, "award": award.pk,
            "nominee_person": member(org["a"], "Lê Văn Cường").pk, "vd_form_token": token}
    first, again = (client.post(reverse("nomination-create"), form) for _ in range(2))
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"]
    assert Nomination.objects.filter(nominee_name="Lê Văn Cường").count() == 1
