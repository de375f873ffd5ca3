"""The error contract: same JSON shape everywhere, the statuses of the issue, two languages."""

import pytest

from tests.api.conftest import API


def action(client, pk, name, **body):
    return client.post(f"{API}/nominations/{pk}/actions/{name}/", body, format="json")


def test_a_hidden_nomination_and_a_missing_one_give_the_same_404(draft, as_user):
    outsider = as_user("outsider_head")
    hidden = outsider.get(f"{API}/nominations/{draft.pk}/")
    missing = outsider.get(f"{API}/nominations/{draft.pk + 1000}/")
    assert hidden.status_code == missing.status_code == 404
    assert (
        hidden.json()
        == missing.json()
        == {"code": "not_found", "message": "Không tìm thấy đề nghị."}
    )
    hidden_action = action(outsider, draft.pk, "submit")
    missing_action = action(outsider, draft.pk + 1000, "submit")
    assert hidden_action.status_code == missing_action.status_code == 404
    assert hidden_action.json() == missing_action.json()


def test_an_action_on_a_visible_nomination_without_the_role_is_403(nomination_in, as_user):
    n = nomination_in("awaiting_director")
    response = action(
        as_user("member"), n.pk, "approve", decision_number="1/QĐ", decision_date="2026-01-05"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_an_action_from_the_wrong_state_is_409(nomination_in, as_user):
    n = nomination_in("submitted")
    response = action(as_user("head"), n.pk, "submit")
    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    assert "Đã trình, chờ thẩm định" in response.json()["message"]


def test_the_message_is_english_when_the_client_asks_for_it(nomination_in, as_user):
    n = nomination_in("submitted")
    response = as_user("head").post(
        f"{API}/nominations/{n.pk}/actions/submit/", {}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 409
    assert response.json()["message"] == (
        "Cannot “Submit” while the nomination is “Submitted, awaiting review”."
    )
    missing = as_user("head").get(f"{API}/nominations/999999/", HTTP_ACCEPT_LANGUAGE="en")
    assert missing.json()["message"] == "Nomination not found."


def test_a_rule_violation_is_english_too(nomination_in, as_user):
    n = nomination_in("in_review", award_code="chien-si-thi-dua-co-so")
    response = as_user("reviewer").post(
        f"{API}/nominations/{n.pk}/actions/recommend/",
        {"to": "director"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 422
    assert response.json()["reasons"][0].startswith("The award “")


@pytest.mark.parametrize(
    "body",
    [
        {"decision_number": "1/QĐ", "decision_date": "someday"},
        {"decision_date": "2026-01-05"},
        {"decision_number": ["1"], "decision_date": "2026-01-05"},
    ],
)
def test_malformed_action_input_is_400_with_the_fields_named(nomination_in, as_user, body):
    n = nomination_in("awaiting_director")
    response = action(as_user("director"), n.pk, "approve", **body)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_input"
    assert set(response.json()["fields"]) <= {"decision_number", "decision_date"}


def test_the_service_checks_what_the_types_cannot(nomination_in, as_user):
    n = nomination_in("awaiting_director")
    response = action(as_user("director"), n.pk, "approve", decision_number="1/QĐ",
                      decision_date="2000-01-01")
    assert response.status_code == 400
    assert "decision_date" in response.json()["fields"]


def test_malformed_json_is_400_in_the_same_shape(draft, as_user):
    response = as_user("head").generic(
        "POST",
        f"{API}/nominations/{draft.pk}/actions/submit/",
        "{not json",
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def test_an_unknown_action_or_url_is_a_json_404(draft, as_user):
    for url in (
        f"{API}/nominations/{draft.pk}/actions/promote/",
        f"{API}/nope/",
        f"{API}/nominations/%C3%A3%0AsB/",  # a newline in the path
    ):
        response = as_user("head").post(url, {}, format="json")
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"


def test_the_global_history_is_for_whole_body_auditors_managers_and_admins(nomination_in, as_user):
    nomination_in("submitted")
    for name in ("auditor", "manager", "admin"):
        response = as_user(name).get(f"{API}/history/", {"unit": "don-vi-a", "action": "submit"})
        assert response.status_code == 200, name
        assert [r["action"] for r in response.json()["results"]] == ["submit"]
    for name in ("staff", "head", "reviewer", "director", "outsider_head"):
        response = as_user(name).get(f"{API}/history/")
        assert response.status_code == 403, name
        assert response.json()["code"] == "permission_denied"


def test_the_global_history_filters_by_actor_and_date(nomination_in, as_user):
    nomination_in("in_review")
    auditor = as_user("auditor")
    by_reviewer = auditor.get(f"{API}/history/", {"actor": "reviewer"}).json()["results"]
    assert [r["action"] for r in by_reviewer] == ["claim"]
    assert auditor.get(f"{API}/history/", {"date_to": "2000-01-01"}).json()["count"] == 0
    assert auditor.get(f"{API}/history/", {"date_from": "yesterday"}).status_code == 400


def test_a_nominations_history_is_for_those_who_see_it(draft, as_user):
    assert as_user("head").get(f"{API}/nominations/{draft.pk}/history/").status_code == 200
    assert as_user("reviewer").get(f"{API}/nominations/{draft.pk}/history/").status_code == 404


def test_an_id_beyond_any_database_integer_is_a_plain_404_and_the_refusal_is_kept(people, as_user):
    from workflow.models import SecurityEvent

    huge = 2**64 - 1
    response = action(as_user("head"), huge, "withdraw", comment="Rút")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert SecurityEvent.objects.filter(action="withdraw", nomination_id_attempted=None).exists()
    assert as_user("head").get(f"{API}/nominations/{huge}/").status_code == 404


def test_a_body_in_an_unaccepted_media_type_is_415_in_the_same_shape(people, as_user):
    response = as_user("staff").generic(
        "POST", f"{API}/nominations/", "unit=1", content_type="text/plain"
    )
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"
