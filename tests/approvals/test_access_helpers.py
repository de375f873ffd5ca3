"""The access helpers: the request's actor, assignee choices and live documents."""

import pytest
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from django.urls import reverse

from approvals.access import (
    assignee_choices,
    get_document_for_actor,
    load_actor,
    open_task,
    request_actor,
)
from approvals.services import role_grant
from approvals.states import State
from workflow import services
from workflow.errors import InvalidInput, NotFound
from workflow.policy import TASK_ROLES


def _user(name):
    return get_user_model().objects.create_user(username=name, first_name=name)


def test_the_request_actor_is_read_once_per_request(people, django_assert_num_queries):
    request = RequestFactory().get("/")
    request.user = people["reviewer"]
    load_actor(people["admin"])  # the role map is read once; then only its token
    with django_assert_num_queries(1):
        first = request_actor(request)
        second = request_actor(request)
    assert first is second and "standing_reviewer" in first.roles


def test_assignees_are_the_task_roles_holders_for_the_unit_each_once(org, people, nomination_in):
    twice = _user("hai_quyen")
    role_grant(user=twice, role="standing_reviewer")
    role_grant(user=twice, role="standing_reviewer", unit=org["a"])
    other_unit = _user("don_vi_b_reviewer")
    role_grant(user=other_unit, role="standing_reviewer", unit=org["b"])
    n = nomination_in(State.IN_REVIEW)
    offered = assignee_choices(n, TASK_ROLES[open_task(n).flow_task.name])
    names = [u.username for u in offered]
    assert names.count("hai_quyen") == 1
    assert "reviewer" in names and "don_vi_b_reviewer" not in names
    assert "director" not in names  # another stage's role


def test_the_service_accepts_exactly_the_offered_assignees(org, people, nomination_in):
    other_unit = _user("don_vi_b_reviewer")
    role_grant(user=other_unit, role="standing_reviewer", unit=org["b"])
    n = nomination_in(State.IN_REVIEW)
    with pytest.raises(InvalidInput) as refused:
        services.nomination_reassign(user=people["admin"], nomination_id=n.pk,
                                     assignee=other_unit.pk, comment="Cân đối công việc")
    assert set(refused.value.fields) == {"assignee"}
    same_unit = _user("don_vi_a_reviewer")
    role_grant(user=same_unit, role="standing_reviewer", unit=org["a"])
    services.nomination_reassign(user=people["admin"], nomination_id=n.pk, assignee=same_unit.pk,
                                 comment="Cân đối công việc")
    assert open_task(n).owner == same_unit


def test_the_detail_page_offers_the_same_assignees_once_each(org, people, nomination_in, client):
    twice = _user("hai_quyen")
    role_grant(user=twice, role="standing_reviewer")
    role_grant(user=twice, role="standing_reviewer", unit=org["a"])
    n = nomination_in(State.IN_REVIEW)
    client.force_login(people["admin"])
    page = client.get(reverse("nomination-detail", args=[n.pk])).content.decode()
    assert page.count(f'<option value="{twice.pk}"') == 1
    assert f'<option value="{people["director"].pk}"' not in page


def test_a_removed_document_is_not_served(people, draft):
    from approvals import dossier

    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    doc = dossier.document_upload(user=people["staff"], nomination_id=draft.pk,
                                  kind="to_trinh", name="a.pdf", data=pdf)
    actor = load_actor(people["staff"])
    assert get_document_for_actor(actor, draft, doc.pk) == doc
    dossier.document_remove(user=people["staff"], nomination_id=draft.pk, document_id=doc.pk)
    with pytest.raises(NotFound):
        get_document_for_actor(actor, draft, doc.pk)
    with pytest.raises(NotFound):
        dossier.document_for_download(user=people["staff"], nomination_id=draft.pk,
                                      document_id=doc.pk)
