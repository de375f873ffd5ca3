"""Escalation: a manager takes claimed work overdue in its stage back to its queue, or hands it
to another holder of the task's role, for the units they manage, always with a reason."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from rest_framework.test import APIClient

from approvals import selectors
from approvals.access import available_actions, load_actor, open_task
from approvals.roles import Role
from approvals.services import role_grant
from approvals.states import State
from tests.api.conftest import API
from tests.factories import PASSWORD, backdate_clock
from workflow import services
from workflow.errors import Conflict, InvalidInput, NotFound, RuleViolation
from workflow.models import AuditRecord, SecurityEvent

pytestmark = pytest.mark.usefixtures("consistent")


def _person(username, role, unit=None):
    user = get_user_model().objects.create_user(username=username, password=PASSWORD)
    role_grant(user=user, role=role, unit=unit)
    return user


# Working days a stage's clock has run: the appraisal's limit is 20, the Director's 10.
LATE = {State.IN_REVIEW: 21, State.AWAITING_DIRECTOR: 11, State.COUNCIL_VOTE: 11}
ON_TIME = {State.IN_REVIEW: 20, State.AWAITING_DIRECTOR: 10}  # due today: not yet overdue


def overdue(n):
    """The stage's clock started long enough ago that its due date is past."""
    return backdate_clock(n, LATE[n.state])


def offered(user, n):
    task = open_task(n)
    n = type(n).objects.get(pk=n.pk)
    return available_actions(load_actor(user), n, task_id=task.pk if task else None,
                             owner_id=task.owner_id if task else None)


@pytest.fixture
def unit_managers(org):
    """A manager of unit A and one of unit B (the base fixture's manager covers the body)."""
    return {"a": _person("manager_a", Role.MANAGER, org["a"]),
            "b": _person("manager_b", Role.MANAGER, org["b"])}


def test_a_manager_of_the_unit_takes_a_claimed_review_back_to_its_queue_with_a_reason(
    people, nomination_in, unit_managers
):
    n = overdue(nomination_in(State.IN_REVIEW))  # claimed by the reviewer
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
    n = overdue(nomination_in(State.AWAITING_DIRECTOR))
    services.nomination_claim(user=people["director"], nomination_id=n.pk)
    n = services.nomination_escalate_release(user=people["manager"], nomination_id=n.pk,
                                             comment="Thủ trưởng đi công tác")
    assert n.state == State.AWAITING_DIRECTOR and open_task(n).owner is None


def test_a_manager_of_the_unit_reassigns_a_claimed_review_with_a_reason(
    org, nomination_in, unit_managers
):
    other = _person("reviewer_a", Role.STANDING_REVIEWER, org["a"])
    n = overdue(nomination_in(State.IN_REVIEW))
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
    n = overdue(nomination_in(State.IN_REVIEW))
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

    n = overdue(nomination_in(State.IN_REVIEW))
    for name in ("admin", "director", "auditor"):
        with pytest.raises(PermissionRefused):
            services.nomination_escalate_release(user=people[name], nomination_id=n.pk,
                                                 comment="Quá hạn")
    assert open_task(n).owner == people["reviewer"]


@pytest.mark.parametrize("action", ["escalate_release", "reassign"])
def test_the_reason_is_required_to_take_work_from_its_holder(people, nomination_in, action):
    n = overdue(nomination_in(State.IN_REVIEW))
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
    n = backdate_clock(nomination_in(State.SUBMITTED), 21)
    with pytest.raises(Conflict):
        services.nomination_escalate_release(user=people["manager"], nomination_id=n.pk,
                                             comment="Quá hạn")


@pytest.mark.parametrize("action", ["escalate_release", "reassign"])
@pytest.mark.parametrize("state", [State.IN_REVIEW, State.AWAITING_DIRECTOR])
def test_claimed_work_still_on_time_is_neither_offered_nor_taken_from_its_holder(
    people, nomination_in, unit_managers, action, state
):
    n = backdate_clock(nomination_in(state), ON_TIME[state])  # due today
    holder = people["reviewer"]
    if state == State.AWAITING_DIRECTOR:
        holder = people["director"]
        services.nomination_claim(user=holder, nomination_id=n.pk)
    inputs = {"comment": "Giữ lâu quá"}
    if action == "reassign":
        inputs["assignee"] = holder.pk
    records = AuditRecord.objects.count()
    for manager in (people["manager"], unit_managers["a"]):
        assert action not in offered(manager, n)
        with pytest.raises(RuleViolation) as refused:
            services.nomination_act(user=manager, nomination_id=n.pk, action=action,
                                    inputs=inputs)
        assert "quá hạn" in refused.value.reasons[0]
    assert AuditRecord.objects.count() == records
    assert open_task(n).owner == holder


@pytest.mark.parametrize("action", ["escalate_release", "reassign"])
def test_claimed_work_overdue_in_its_stage_is_offered_and_taken_back(
    org, people, nomination_in, unit_managers, action
):
    other = _person("reviewer_a", Role.STANDING_REVIEWER, org["a"])
    n = overdue(nomination_in(State.IN_REVIEW))
    assert action in offered(unit_managers["a"], n)
    assert action not in offered(unit_managers["b"], n)  # not their unit
    inputs = {"comment": "Quá hạn 1 ngày"}
    if action == "reassign":
        inputs["assignee"] = other.pk
    services.nomination_act(user=unit_managers["a"], nomination_id=n.pk, action=action,
                            inputs=inputs)
    assert open_task(n).owner == (other if action == "reassign" else None)


def test_the_hook_is_the_clock_s_overdue_filter_and_the_offers_agree_with_it(
    people, nomination_in
):
    """escalation_q (the services') and the offers (is_overdue on the loaded row) give the
    same answer for every held stage, on time, due today and overdue."""
    manager = people["manager"]
    for state, late in LATE.items():
        for days in (late - 5, late - 1, late, late + 3):
            n = backdate_clock(nomination_in(state), days)
            if open_task(n).owner is None:
                services.nomination_claim(user=_holder(people, state), nomination_id=n.pk)
            hooked = selectors.escalation_candidates(load_actor(manager)).filter(pk=n.pk).exists()
            assert hooked == (days >= late), (state, days)
            assert ("escalate_release" in offered(manager, n)) == hooked, (state, days)


def _holder(people, state):
    return {State.IN_REVIEW: people["reviewer"], State.AWAITING_DIRECTOR: people["director"],
            State.COUNCIL_VOTE: people["secretary"]}[state]


def test_an_administrator_still_reassigns_claimed_work_that_is_on_time(people, nomination_in):
    from tests.factories import make_second_reviewer

    other = make_second_reviewer()
    role_grant(user=other, role=Role.STANDING_REVIEWER)
    n = nomination_in(State.IN_REVIEW)
    assert "reassign" in offered(people["admin"], n)
    services.nomination_reassign(user=people["admin"], nomination_id=n.pk, assignee=other.pk,
                                 comment="Cân đối công việc")
    assert open_task(n).owner == other


def test_the_managers_candidates_are_the_claimed_work_of_their_units(
    org, people, nomination_in, unit_managers
):
    held_a = overdue(nomination_in(State.IN_REVIEW))
    backdate_clock(nomination_in(State.SUBMITTED), 30)  # nobody holds it
    nomination_in(State.IN_REVIEW)  # held, on time
    held_b = overdue(nomination_in(State.IN_REVIEW, unit="b"))
    assert list(selectors.escalation_candidates(load_actor(unit_managers["a"]))) == [held_a]
    assert set(selectors.escalation_candidates(load_actor(people["manager"]))) == {held_a, held_b}
    assert list(selectors.escalation_candidates(load_actor(people["reviewer"]))) == []


def test_the_page_offers_taking_work_back_with_a_question_and_the_api_takes_it(
    client, people, nomination_in
):
    n = overdue(nomination_in(State.IN_REVIEW))
    client.force_login(people["manager"])
    page = client.get(reverse("nomination-detail", args=[n.pk])).content.decode()
    assert 'data-action="escalate_release"' in page and "data-confirm=" in page
    assert 'data-action="reassign"' in page
    api = APIClient()
    api.force_authenticate(people["manager"])
    listed = api.get(f"{API}/nominations/{n.pk}/").json()["actions"]
    assert {"escalate-release", "reassign"} <= set(listed)
    url = f"{API}/nominations/{n.pk}/actions/escalate-release/"
    missing = api.post(url, {}, format="json")
    assert missing.status_code == 400 and "comment" in missing.json()["fields"]
    done = api.post(url, {"comment": "Quá hạn"}, format="json")
    assert done.status_code == 200 and done.json()["state"] == State.SUBMITTED
    assert done.json()["holder"] is None


def test_on_time_work_is_not_offered_on_the_page_and_refused_by_the_page_and_the_api(
    client, people, nomination_in
):
    n = nomination_in(State.IN_REVIEW)
    client.force_login(people["manager"])
    page = client.get(reverse("nomination-detail", args=[n.pk])).content.decode()
    assert 'data-action="escalate_release"' not in page and 'data-action="reassign"' not in page
    posted = client.post(reverse("nomination-action", args=[n.pk, "escalate_release"]),
                         {"comment": "Giữ lâu quá"})
    assert posted.status_code == 422
    assert "quá hạn xử lý" in posted.content.decode()
    api = APIClient()
    api.force_authenticate(people["manager"])
    listed = api.get(f"{API}/nominations/{n.pk}/").json()["actions"]
    assert "escalate-release" not in listed and "reassign" not in listed
    for slug, body in (("escalate-release", {"comment": "Giữ lâu quá"}),
                       ("reassign", {"comment": "Giữ lâu quá", "assignee": people["reviewer"].pk})):
        refused = api.post(f"{API}/nominations/{n.pk}/actions/{slug}/", body, format="json")
        assert refused.status_code == 422, refused.content
        assert refused.json()["code"] == "rule_violation"
        assert "quá hạn xử lý" in str(refused.json())
    assert open_task(n).owner == people["reviewer"]
    assert not AuditRecord.objects.filter(
        nomination=n, action__in=["escalate_release", "reassign"]).exists()


def test_the_openapi_schema_requires_a_reason_to_take_work_back_or_reassign_it(db):
    schema = APIClient().get(f"{API}/schema/", {"format": "json"}).json()
    components = schema["components"]["schemas"]
    assert components["EscalateReleaseActionRequest"]["required"] == ["comment"]
    assert set(components["ReassignActionRequest"]["required"]) == {"assignee", "comment"}
    assert "/api/v1/nominations/{id}/actions/escalate-release/" in schema["paths"]
