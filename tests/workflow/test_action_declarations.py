"""Each action is declared once (workflow/policy.py); the web form, the API body, the
OpenAPI schema, the bulk form, the offered order and the history all follow it."""

import dataclasses

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from approvals.states import State
from tests.api.conftest import API
from workflow import policy, schemas, services
from workflow.flows import NominationFlow
from workflow.models import AuditRecord
from workflow.policy import BULK_ACTIONS, POLICY, Input, Kind


def test_every_action_schema_has_exactly_the_declared_inputs_and_the_comment():
    for action in policy.LIFECYCLE_ACTIONS:
        fields = schemas.action_schema(action)().fields
        assert set(fields) == {i.name for i in POLICY[action].inputs} | {"comment"}
        assert fields["comment"].required is POLICY[action].comment_required


def test_the_bulk_schema_offers_the_bulk_actions_and_every_bulk_input():
    fields = schemas.bulk_schema()().fields
    assert set(fields["action"].choices) == {schemas.slug(a) for a in BULK_ACTIONS}
    for action in BULK_ACTIONS:
        assert {i.name for i in POLICY[action].inputs} <= set(fields)


def test_the_openapi_schema_carries_the_declared_inputs(db):
    schema = APIClient().get(f"{API}/schema/", {"format": "json"}).json()
    report = schema["components"]["schemas"]["ReportActionRequest"]
    assert {"report_number", "report_date", "comment"} <= set(report["properties"])
    assert set(report["required"]) == {"report_number", "report_date"}
    assert "comment" in schema["components"]["schemas"]["RejectActionRequest"]["required"]


def test_the_viewflow_tasks_declare_no_permission_of_their_own():
    """Who works each stage is the table's alone: the flow must not say otherwise."""
    nodes = {node.name: node for node in NominationFlow.instance.nodes()}
    human = {name for name, node in nodes.items() if hasattr(node, "_owner_permission")}
    assert human == set(policy.TASK_ROLES) == set(policy.STATE_TASK.values())
    assert all(nodes[name]._owner_permission is None for name in human)


def test_an_unknown_or_untyped_input_never_reaches_the_service(people, nomination_in):
    n = nomination_in(State.IN_REVIEW)
    with pytest.raises(TypeError, match="unknown inputs"):
        services.nomination_recommend(user=people["reviewer"], nomination_id=n.pk, to="council",
                                      votes=3)
    with pytest.raises(TypeError, match="votes_for"):
        services.nomination_act(user=people["secretary"], nomination_id=n.pk,
                                action="council_pass",
                                inputs={"session": 1, "votes_for": "6", "votes_total": 7})


@pytest.fixture
def report_with_a_new_input(monkeypatch):
    """The report rule with one more declared input, as a developer would add it."""
    rule = POLICY["report"]
    extra = Input("copy_to", Kind.TEXT, "Nơi nhận bản sao", required=False, max_length=100)
    monkeypatch.setitem(POLICY, "report", dataclasses.replace(rule, inputs=(*rule.inputs, extra)))
    schemas.action_schema.cache_clear()
    schemas.bulk_schema.cache_clear()
    yield
    schemas.action_schema.cache_clear()
    schemas.bulk_schema.cache_clear()


def test_an_input_added_in_the_table_reaches_the_form_the_api_the_bulk_form_and_the_history(
    report_with_a_new_input, people, nomination_in, client
):
    n = nomination_in(State.APPROVED)
    client.force_login(people["liaison"])
    page = client.get(reverse("nomination-detail", args=[n.pk])).content.decode()
    assert 'name="copy_to"' in page
    inbox = client.get(reverse("inbox")).content.decode()
    assert 'name="copy_to"' in inbox
    assert "copy_to" in schemas.action_schema("report")().fields
    assert "copy_to" in schemas.bulk_schema()().fields
    api = APIClient()
    api.force_authenticate(people["liaison"])
    response = api.post(
        f"{API}/nominations/{n.pk}/actions/report/",
        {"report_number": "9/BC", "report_date": timezone.localdate().isoformat(),
         "copy_to": "Sở Nội vụ"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    record = AuditRecord.objects.get(nomination_id=n.pk, action="report")
    assert record.data["copy_to"] == "Sở Nội vụ" and record.data["report_number"] == "9/BC"


def test_actions_are_offered_in_the_declared_order(people, nomination_in):
    from approvals.access import available_actions, load_actor, open_task

    n = nomination_in(State.AWAITING_DIRECTOR)
    task = open_task(n)
    offered = available_actions(load_actor(people["director"]), n, task_id=task.pk,
                                owner_id=task.owner_id)
    assert offered == [a for a in POLICY if a in offered] == ["claim", "approve", "return",
                                                               "reject"]
