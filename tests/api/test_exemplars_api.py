"""The API of revocation and exemplars: the public list answers without any credentials and
with the public fields only; proposing, publishing, declining and revoking are the same
services as on the web, refused alike."""

import io

import pytest
from django.utils import timezone
from docx import Document
from rest_framework.test import APIClient

from approvals.exemplar_selectors import PUBLIC_FIELDS
from approvals.models import Exemplar, Nomination
from approvals.states import State

from .conftest import API

STORY = "Tấm gương cống hiến."


def test_a_proposal_published_over_the_api_appears_in_the_public_list(as_user, nomination_in):
    n = nomination_in(State.APPROVED)
    response = as_user("reviewer").post(f"{API}/exemplars/",
                                        {"nomination": n.pk, "story": STORY}, format="json")
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    assert response.json()["status"] == "proposed"
    assert APIClient().get(f"{API}/public/exemplars/{pk}/").status_code == 404
    assert as_user("head").post(f"{API}/exemplars/{pk}/publish/").status_code == 403
    published = as_user("director").post(f"{API}/exemplars/{pk}/publish/")
    assert published.status_code == 200 and published.json()["status"] == "published"

    public = APIClient().get(f"{API}/public/exemplars/", {"q": n.nominee_name.lower()})
    assert public.status_code == 200
    [row] = public.json()
    assert tuple(row) == PUBLIC_FIELDS and row["story"] == STORY
    assert APIClient().get(f"{API}/public/exemplars/{pk}/").json()["name"] == n.nominee_name


def test_a_decline_over_the_api_needs_a_reason(as_user, nomination_in):
    n = nomination_in(State.APPROVED)
    pk = as_user("reviewer").post(f"{API}/exemplars/", {"nomination": n.pk, "story": STORY},
                                  format="json").json()["id"]
    director = as_user("director")
    assert director.post(f"{API}/exemplars/{pk}/decline/", {}, format="json").status_code == 400
    response = director.post(f"{API}/exemplars/{pk}/decline/", {"reason": "Chưa tiêu biểu"},
                             format="json")
    assert response.status_code == 200 and response.json()["status"] == "declined"
    assert APIClient().get(f"{API}/public/exemplars/").json() == []


def test_the_public_list_refuses_a_bad_filter_as_a_field_error(db):
    response = APIClient().get(f"{API}/public/exemplars/", {"year": "soon"})
    assert response.status_code == 400


@pytest.mark.parametrize("name, code", [("director", 200), ("reviewer", 403), ("liaison", 403),
                                        ("outsider_head", 404)])
def test_the_revocation_endpoint_is_the_directors(as_user, nomination_in, name, code):
    n = nomination_in(State.REPORTED)
    response = as_user(name).post(
        f"{API}/nominations/{n.pk}/actions/revoke/",
        {"revocation_number": "3/QĐ-THKT", "revocation_date": timezone.localdate().isoformat(),
         "comment": "Khai man"}, format="json")
    assert response.status_code == code, response.json()
    revoked = Nomination.objects.get(pk=n.pk)
    assert (revoked.state == State.REVOKED) is (code == 200)
    assert revoked.bonus_to_recover is (code == 200)


def test_the_revocation_endpoint_refuses_a_missing_reason(as_user, nomination_in):
    n = nomination_in(State.APPROVED)
    response = as_user("director").post(
        f"{API}/nominations/{n.pk}/actions/revoke/",
        {"revocation_number": "3/QĐ", "revocation_date": timezone.localdate().isoformat()},
        format="json")
    assert response.status_code == 400 and "comment" in response.json()["fields"]
    assert Nomination.objects.get(pk=n.pk).state == State.APPROVED


def test_the_persons_history_over_the_api_marks_the_revoked_award(as_user, nomination_in):
    n = nomination_in(State.APPROVED)
    as_user("director").post(
        f"{API}/nominations/{n.pk}/actions/revoke/",
        {"revocation_number": "3/QĐ", "revocation_date": timezone.localdate().isoformat(),
         "comment": "Khai man"}, format="json")
    history = as_user("reviewer").get(f"{API}/persons/{n.nominee_person_id}/history/").json()
    [entry] = [h for h in history if h["nomination"] == n.pk]
    assert entry["revoked"] is True and entry["state"] == "revoked"
    assert entry["revocation_number"] == "3/QĐ"


def test_the_compilation_over_the_api_is_a_docx_file(as_user, org, nomination_in):
    n = nomination_in(State.APPROVED)
    Exemplar.objects.create(nomination=n, story=STORY, status=Exemplar.Status.PUBLISHED,
                            proposed_by=n.created_by, published_at=timezone.now())
    response = as_user("manager").get(f"{API}/exemplars/compilation/",
                                      {"year": org["campaign"].year})
    assert response.status_code == 200
    doc = Document(io.BytesIO(b"".join(response.streaming_content)))
    assert any(STORY in p.text for p in doc.paragraphs)
    assert as_user("staff").get(f"{API}/exemplars/compilation/",
                                {"year": 2026}).status_code == 403
