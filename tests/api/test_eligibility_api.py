"""The eligibility verdict in the API: a nomination's (live, with the missing documents) and a
preview for a nominee, an award and a campaign before any nomination exists; both in the
OpenAPI schema."""

import pytest
from django.core.management import call_command

from approvals.models import Award, YearRating
from tests import factories
from tests.api.conftest import API


def test_a_nominations_verdict_lists_each_rule_with_its_outcome_reason_and_article(
    org, people, as_user
):
    n = factories.new_draft(org, people, dossier=False)
    body = as_user("staff").get(f"{API}/nominations/{n.pk}/eligibility/").json()
    assert (body["rule_set"], body["family"], body["outcome"]) == ("R2025", "ldtt", "pass")
    rating = next(c for c in body["checks"] if c["code"] == "ldtt_rating")
    assert rating["outcome"] == "pass" and rating["article"] == "Luật TĐKT 2022, Điều 24"
    assert body["missing_documents"] == ["Tờ trình đề nghị", "Báo cáo thành tích"]


def test_a_failing_rule_is_reported_as_a_hard_fail(org, people, as_user):
    n = factories.new_draft(org, people)
    YearRating.objects.filter(person_id=n.nominee_person_id).update(months_worked=4)
    body = as_user("head").get(f"{API}/nominations/{n.pk}/eligibility/").json()
    months = next(c for c in body["checks"] if c["code"] == "months_worked")
    assert (body["outcome"], months["outcome"]) == ("fail", "fail")
    assert "tối thiểu 6 tháng" in months["reason"]


def test_a_draft_of_another_unit_gives_the_same_404_as_a_missing_one(org, people, as_user):
    n = factories.new_draft(org, people)
    assert as_user("outsider_staff").get(f"{API}/nominations/{n.pk}/eligibility/"
                                         ).status_code == 404
    assert as_user("outsider_staff").get(f"{API}/nominations/999999/eligibility/"
                                         ).status_code == 404


def _preview(client, org, **params):
    query = {"award": Award.objects.get(code="chien-si-thi-dua-co-so").pk,
             "campaign": org["campaign"].pk, "unit": org["a"].pk, **params}
    return client.get(f"{API}/eligibility/preview/", query)


def test_the_preview_judges_a_person_before_any_nomination_exists(org, people, as_user):
    person = factories.member(org["a"], "Phạm Thị Dung")
    YearRating.objects.create(person=person, year=org["campaign"].year, rating="excellent",
                              months_worked=12)
    body = _preview(as_user("staff"), org, person=person.pk).json()
    assert body["family"] == "cstdcs" and body["outcome"] == "fail"
    ldtt = next(c for c in body["checks"] if c["code"] == "cstdcs_ldtt")
    assert (ldtt["outcome"], ldtt["article"]) == ("fail", "Luật TĐKT 2022, Điều 23")


def test_the_preview_judges_a_collective(org, people, as_user):
    award = Award.objects.get(code="tap-the-lao-dong-tien-tien").pk
    body = _preview(as_user("staff"), org, award=award, collective=org["a"].pk).json()
    assert body["family"] == "ttldtt"
    assert {c["code"] for c in body["checks"]} == {
        "members_pending", "ttldtt_members_ldtt", "ttldtt_members_discipline"}


@pytest.mark.parametrize("params", [{}, {"person": 1, "collective": 1}, {"person": "x"}])
def test_the_preview_refuses_a_bad_query_with_a_field_error(org, people, as_user, params):
    response = _preview(as_user("staff"), org, **params)
    assert response.status_code == 400
    assert "person" in response.json()["fields"]


def test_the_preview_of_a_person_outside_the_unit_is_a_404(org, people, as_user):
    stranger = factories.member(org["b"], "Hoàng Văn Em")
    assert _preview(as_user("staff"), org, person=stranger.pk).status_code == 404
    assert _preview(as_user("outsider_staff"), org, person=stranger.pk).status_code == 404


def test_both_endpoints_are_in_the_openapi_schema(tmp_path):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    text = target.read_text()
    assert "/api/v1/nominations/{id}/eligibility/:" in text
    assert "/api/v1/eligibility/preview/:" in text
