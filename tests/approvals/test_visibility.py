"""Who sees a nomination: its unit always; the rest of the body only once it was submitted."""

import pytest

from approvals.access import get_nomination_for_actor, load_actor
from approvals.selectors import nomination_list
from approvals.states import State
from tests import factories
from workflow import services
from workflow.errors import NotFound

BODY = ("reviewer", "director", "auditor", "manager", "liaison", "admin")


def _sees(person, n) -> bool:
    actor = load_actor(person)
    try:
        get_nomination_for_actor(actor, n.pk)
    except NotFound:
        in_detail = False
    else:
        in_detail = True
    in_list = nomination_list(actor).filter(pk=n.pk).exists()
    assert in_detail == in_list, "the page and the list must agree"
    return in_detail


@pytest.mark.parametrize("state", [s for s in State.values if s != State.DRAFT])
def test_a_submitted_nomination_is_seen_by_the_body_in_every_later_state(
    org, people, state
):
    n = factories.nomination_in(org, people, state)
    assert _sees(people["staff"], n)
    assert all(_sees(people[p], n) for p in BODY)
    assert not _sees(people["outsider_staff"], n)


def test_a_draft_is_seen_by_its_unit_only(org, people, draft):
    assert _sees(people["staff"], draft) and _sees(people["head"], draft)
    assert not any(_sees(people[p], draft) for p in (*BODY, "outsider_head"))


def test_a_draft_withdrawn_before_it_was_ever_submitted_stays_with_its_unit(org, people, draft):
    n = services.nomination_withdraw(user=people["head"], nomination_id=draft.pk, comment="Thôi")
    assert n.state == State.WITHDRAWN
    assert _sees(people["staff"], n) and _sees(people["head"], n)
    assert not any(_sees(people[p], n) for p in (*BODY, "outsider_head"))


def test_its_documents_stay_with_the_unit_too(org, people, draft, client):
    from approvals import dossier

    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    doc = dossier.document_upload(user=people["staff"], nomination_id=draft.pk,
                                  kind="to_trinh", name="a.pdf", data=pdf)
    services.nomination_withdraw(user=people["head"], nomination_id=draft.pk, comment="Thôi")
    client.force_login(people["reviewer"])
    response = client.get(f"/nominations/{draft.pk}/documents/{doc.pk}/")
    assert response.status_code == 404
