"""Over HTTP: a nomination names a person or a collective of the proposing unit, once per
award and year; a refusal says why in Vietnamese, on the field."""

from tests.api.conftest import API
from tests.factories import award, member


def body(org, **nominee):
    return {"unit": org["a"].pk, "campaign": org["campaign"].pk, "award": award().pk,
            **nominee}


def test_the_api_drafts_for_a_person_and_answers_with_the_nominee(org, people, as_user):
    person = member(org["a"], "Trần Thị Bình")
    response = as_user("staff").post(f"{API}/nominations/", body(org, nominee_person=person.pk),
                                     format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert (data["nominee_person"], data["nominee_unit"]) == (person.pk, None)
    assert (data["nominee_name"], data["year"]) == ("Trần Thị Bình", org["campaign"].year)


def test_the_api_refuses_a_person_of_another_unit_on_the_field(org, people, as_user):
    stranger = member(org["b"], "Người ngoài")
    response = as_user("staff").post(f"{API}/nominations/",
                                     body(org, nominee_person=stranger.pk), format="json")
    assert response.status_code == 400
    assert "không công tác tại Đơn vị A" in response.json()["fields"]["nominee_person"][0]


def test_the_api_answers_a_second_nomination_with_409_naming_the_first(org, people, as_user):
    person = member(org["a"])
    client = as_user("staff")
    first = client.post(f"{API}/nominations/", body(org, nominee_person=person.pk),
                        format="json").json()
    again = client.post(f"{API}/nominations/", body(org, nominee_person=person.pk),
                        format="json")
    assert again.status_code == 409
    assert f"#{first['id']}" in again.json()["message"]
