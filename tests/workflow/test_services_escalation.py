"""Escalation: a manager takes claimed work back to its queue, or hands it to another holder
of the task's role, for the units they manage, always with a reason."""

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse
from rest_framework.test import APIClient

from approvals import selectors
from approvals.access import open_task
from approvals.roles import Role
from approvals.services import role_grant
from approvals.states import State
from tests.api.conftest import API
from tests.factories import PASSWORD
from workflow import services
from workflow.errors import Conflict, InvalidInput, NotFound, RuleViolation
from workflow.models import AuditRecord, SecurityEvent

pytestmark = pytest.mark.usefixtures("consistent")


def _person(username, role, unit=None):
    user = get_user_model().objects.create_user(username=username, password=PASSWORD)
    role_grant(user=user, role=role, unit=unit)
    return user


@pytest.fixture
def unit_managers(org):
    """A manager of unit A and one of unit B (the base fixture's manager covers the body)."""
    return {"a": _person("manager_a", Role.MANAGER, org["a"]),
            "b": _person("manager_b", Role.MANAGER, org["b"])}


def test_a_manager_of_the_unit_takes_a_claimed_review_back_to_its_queue_with_a_reason(
    people, nomination_in, unit_managers
):
    n = nomination_in(State.IN_REVIEW)  # claimed by the reviewer
    n = services.nomination_escalate_release(
        user=unit_managers["a"], nomination_id=n.pk, comment="Quá hạn thẩm định 5 ngày"
    )
    assert n.state == State.SUBMITTED and open_task(n).owner is None
    record = AuditRecord.objects.filter(nomination=n).last()
    assert (record.action, record.actor, record.actor_role) == (
        "escalate_release", unit_managers["a"], Role.MANAGER
    )
    assert record.comment == "Quá hạn thẩm định 5 ngày"
    assert record.data == {"task": "review", "from": "reviewer"}
    # Back in the queue: any reviewer may claim it again.
    assert services.nomination_claim(user=people["reviewer"], nomination_id=n.pk).state == (
        State.IN_REVIEW
    )


def test_a_manager_takes_back_a_claimed_decision_and_it_stays_awaiting_the_director(
    people, nomination_in
):
    n = nomination_in(State.AWAITING_DIRECTOR)
    services.nomination_claim(user=people["director"], nomination_id=n.pk)
    n = services.nomination_escalate_release(user=people["manager"], nomination_id=n.pk,
                                             comment="Thủ trưởng đi công tác")
    assert n.state == State.AWAITING_DIRECTOR and open_task(n).owner is None


def test_a_manager_of_the_unit_reassigns_a_claimed_review_with_a_reason(
    org, nomination_in, unit_managers
):
    other = _person("reviewer_a", Role.STANDING_REVIEWER, org["a"])
    n = nomination_in(State.IN_REVIEW)
    services.nomination_reassign(user=unit_managers["a"], nomination_id=n.pk,
                                 assignee=other.pk, comment="Cân đối công việc")
    assert open_task(n).owner == other
    record = AuditRecord.objects.filter(nomination=n).last()
    assert (record.action, record.comment) == ("reassign", "Cân đối công việc")
    assert (record.data["from"], record.data["to"]) == ("reviewer", "reviewer_a")


@pytest.mark.parametrize("action,extra", [("escalate_release", {}), ("reassign", {"assignee": 0})])
def test_a_manager_of_another_unit_is_refused_as_if_the_item_did_not_exist(
    people, nomination_in, unit_managers, action, extra
):
    n = nomination_in(State.IN_REVIEW)
    inputs = {**extra, "comment": "Quá hạn"}
    if "assignee" in inputs:
        inputs["assignee"] = people["reviewer"].pk
    records = AuditRecord.objects.count()
    with pytest.raises(NotFound):
        services.nomination_act(user=unit_managers["b"], nomination_id=n.pk, action=action,
                                inputs=inputs)
    assert AuditRecord.objects.count() == records
    assert open_task(n).owner == people["reviewer"]
    assert SecurityEvent.objects.filter(actor=unit_managers["b"], action=action).exists()


def test_only_a_manager_takes_work_back(people, nomination_in):
    from workflow.errors import PermissionRefused

    n = nomination_in(State.IN_REVIEW)
    for name in ("admin", "director", "auditor"):
        with pytest.raises(PermissionRefused):
            services.nomination_escalate_release(user=people[name], nomination_id=n.pk,
                                                 comment="Quá hạn")
    assert open_task(n).owner == people["reviewer"]


@pytest.mark.parametrize("action", ["escalate_release", "reassign"])
def test_the_reason_is_required_to_take_work_from_its_holder(people, nomination_in, action):
    n = nomination_in(State.IN_REVIEW)
    inputs = {"comment": "   "}
    if action == "reassign":
        inputs["assignee"] = people["reviewer"].pk
    with pytest.raises(InvalidInput) as refused:
        services.nomination_act(user=people["manager"], nomination_id=n.pk, action=action,
                                inputs=inputs)
    assert "comment" in refused.value.fields
    assert open_task(n).owner == people["reviewer"]
    assert not AuditRecord.objects.filter(nomination=n, action=action).exists()


def test_work_nobody_holds_cannot_be_taken_back(people, nomination_in):
    n = nomination_in(State.SUBMITTED)
    with pytest.raises(Conflict):
        services.nomination_escalate_release(user=people["manager"], nomination_id=n.pk,
                                             comment="Quá hạn")


def test_the_escalation_hook_decides_which_claimed_work_may_be_taken_back(
    people, nomination_in, monkeypatch
):
    """The clock's overdue filter will go into selectors.escalation_q: the service obeys it."""
    n = nomination_in(State.IN_REVIEW)
    monkeypatch.setattr(selectors, "escalation_q", lambda today=None: Q(pk__in=[]))
    with pytest.raises(RuleViolation) as refused:
        services.nomination_escalate_release(user=people["manager"], nomination_id=n.pk,
                                             comment="Quá hạn")
    assert "quá hạn" in refused.value.reasons[0]
    assert open_task(n).owner == people["reviewer"]
    monkeypatch.setattr(selectors, "escalation_q", lambda today=None: Q(pk=n.pk))
    services.nomination_escalate_release(user=people["manager"], nomination_id=n.pk,
                                         comment="Quá hạn")
    assert open_task(n).owner is None


def test_the_managers_candidates_are_the_claimed_work_of_their_units(
    org, people, nomination_in, unit_managers
):
    from approvals.access import load_actor

    held_a = nomination_in(State.IN_REVIEW)
    nomination_in(State.SUBMITTED)  # nobody holds it
    held_b = nomination_in(State.IN_REVIEW, unit="b")
    assert list(selectors.escalation_candidates(load_actor(unit_managers["a"]))) == [held_a]
    assert set(selectors.escalation_candidates(load_actor(people["manager"]))) == {held_a, held_b}
    assert list(selectors.escalation_candidates(load_actor(people["reviewer"]))) == []


def test_the_page_offers_taking_work_back_with_a_question_and_the_api_takes_it(
    client, people, nomination_in
):
    n = nomination_in(State.IN_REVIEW)
    client.force_login(people["manager"])
    page = client.get(reverse("nomination-detail", args=[n.pk])).content.decode()
    assert 'data-action="escalate_release"' in page and "data-confirm=" in page
    api = APIClient()
    api.force_authenticate(people["manager"])
    url = f"{API}/nominations/{n.pk}/actions/escalate-release/"
    missing = api.post(url, {}, format="json")
    assert missing.status_code == 400 and "comment" in missing.json()["fields"]
    done = api.post(url, {"comment": "Quá hạn"}, format="json")
    assert done.status_code == 200 and done.json()["state"] == State.SUBMITTED
    assert done.json()["holder"] is None


def test_the_openapi_schema_requires_a_reason_to_take_work_back_or_reassign_it(db):
    schema = APIClient().get(f"{API}/schema/", {"format": "json"}).json()
    components = schema["components"]["schemas"]
    assert components["EscalateReleaseActionRequest"]["required"] == ["comment"]
    assert set(components["ReassignActionRequest"]["required"]) == {"assignee", "comment"}
    assert "/api/v1/nominations/{id}/actions/escalate-release/" in schema["paths"]
