"""The register's API: persons, collectives and their history, the import (multipart, dry
run, row errors in the usual error body); the same permissions as the pages, and a missing
object and a hidden one are the same 404."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from approvals.models import Award, PastAward, YearRating
from approvals.states import State
from tests.api.conftest import API
from tests.approvals.test_imports import RATINGS_HEADER, csv_file, xlsx_file
from tests.factories import member, nomination_in
from workflow.models import AuditRecord


@pytest.fixture
def an(org):
    return member(org["a"], "Nguyễn Văn An")


@pytest.fixture
def binh(org):
    return member(org["b"], "Trần Văn Bình")


def test_the_reviewer_lists_people_found_without_accents(as_user, an, binh):
    body = as_user("reviewer").get(f"{API}/persons/", {"q": "nguyen van an"}).json()
    assert body["count"] == 1
    assert body["results"][0]["full_name"] == "Nguyễn Văn An"
    assert body["results"][0]["units"][0]["code"] == "don-vi-a"


def test_unit_staff_list_only_their_units_people(as_user, an, binh):
    names = [p["full_name"] for p in as_user("staff").get(f"{API}/persons/").json()["results"]]
    assert names == ["Nguyễn Văn An"]


@pytest.mark.parametrize("name", ["director", "auditor", "member"])
def test_other_roles_are_refused_the_register(as_user, an, name):
    response = as_user(name).get(f"{API}/persons/")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert as_user(name).get(f"{API}/persons/{an.pk}/").status_code == 404


def test_a_hidden_person_and_a_missing_one_are_the_same_404(as_user, an):
    client = as_user("outsider_staff")
    hidden = client.get(f"{API}/persons/{an.pk}/")
    missing = client.get(f"{API}/persons/999999/")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
    assert client.get(f"{API}/persons/{an.pk}/history/").json() == missing.json()


def test_a_persons_detail_holds_their_records_and_commendation_history(org, people, as_user,
                                                                      an):
    # Rated "excellent" in the campaign's year: the law lets the LĐTT nomination through.
    YearRating.objects.create(person=an, year=org["campaign"].year, rating="excellent",
                              months_worked=12)
    PastAward.objects.create(
        person=an, award=Award.objects.get(code="lao-dong-tien-tien"), year=2019,
        decision_number="15/QĐ-CT", decision_date=datetime.date(2020, 1, 10), decider="Cục",
    )
    decided = nomination_in(org, people, State.APPROVED, person=an)
    body = as_user("staff").get(f"{API}/persons/{an.pk}/").json()
    assert body["ratings"][0]["rating"] == "excellent"
    assert body["memberships"][0]["unit"]["code"] == "don-vi-a"
    assert body["awards"] == 2
    assert [(h["year"], h["source"]) for h in body["history"]] == [
        (decided.year, "nomination"), (2019, "past_award")
    ]
    assert body["history"][1]["decision_number"] == "15/QĐ-CT"
    assert body["history"][1]["decision_date"] == "2020-01-10"
    history = as_user("staff").get(f"{API}/persons/{an.pk}/history/").json()
    assert history == body["history"]


def test_a_collective_shows_its_members_on_a_day_and_its_awards(org, people, as_user, an):
    member(org["a"], "Lê Thị Cúc", since=datetime.date(2030, 1, 1))
    body = as_user("reviewer").get(f"{API}/collectives/{org['a'].pk}/").json()
    assert [m["full_name"] for m in body["members"]] == ["Nguyễn Văn An"]
    later = as_user("reviewer").get(
        f"{API}/collectives/{org['a'].pk}/", {"on": "02/01/2030"}
    ).json()
    assert [m["full_name"] for m in later["members"]] == ["Lê Thị Cúc", "Nguyễn Văn An"]
    bad = as_user("reviewer").get(f"{API}/collectives/{org['a'].pk}/", {"on": "31/02/2030"})
    assert bad.status_code == 400 and "on" in bad.json()["fields"]
    assert as_user("outsider_staff").get(f"{API}/collectives/{org['a'].pk}/").status_code == 404
    found = as_user("reviewer").get(f"{API}/collectives/", {"q": "đon vi b"}).json()
    assert [u["code"] for u in found["results"]] == ["don-vi-b"]


def _upload(client, data: bytes, name: str, **fields):
    return client.post(
        f"{API}/imports/",
        {"kind": "ratings", "file": SimpleUploadedFile(name, data), **fields},
        format="multipart",
    )


@pytest.mark.parametrize("make,name", [(csv_file, "a.csv"), (xlsx_file, "a.xlsx")])
def test_the_import_tries_the_file_first_then_imports_it(as_user, an, make, name):
    data = make([RATINGS_HEADER, [an.pk, 2024, "good", 12, 0]])
    tried = _upload(as_user("reviewer"), data, name, dry_run="true")
    assert tried.status_code == 200, tried.content
    assert tried.json()["dry_run"] is True and tried.json()["created"] == 1
    assert tried.json()["rows"][0]["changes"]["rating"] == [None, "good"]
    assert not YearRating.objects.exists()
    done = _upload(as_user("reviewer"), data, name)
    assert done.status_code == 200 and done.json()["created"] == 1
    assert YearRating.objects.get().rating == "good"


def test_a_bad_row_is_a_400_naming_the_row_and_column_and_nothing_is_imported(as_user, an):
    data = csv_file([
        RATINGS_HEADER, [an.pk, 2024, "good", 12, 0], [an.pk, 2025, "good", 14, 0],
    ])
    response = _upload(as_user("reviewer"), data, "a.csv")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_input"
    assert body["message"] == "Tệp có 1 dòng lỗi; chưa nhập dòng nào."
    assert body["reasons"] == ["Dòng 3, cột “Số tháng công tác”: Giá trị tối đa là 12."]
    assert body["fields"] == {"3.months_worked": ["Giá trị tối đa là 12."]}
    assert not YearRating.objects.exists()


def test_only_the_register_keepers_import(as_user, an):
    data = csv_file([RATINGS_HEADER, [an.pk, 2024, "good", 12, 0]])
    for name in ("staff", "head", "director"):
        assert _upload(as_user(name), data, "a.csv").status_code == 403
    assert _upload(as_user("admin"), data, "a.csv").status_code == 200


def test_an_import_without_a_file_or_kind_says_which_field(as_user):
    response = as_user("reviewer").post(f"{API}/imports/", {}, format="multipart")
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"kind", "file"}


def test_the_register_is_in_the_openapi_schema(client):
    paths = client.get(f"{API}/schema/?format=json").json()["paths"]
    for path in ("/api/v1/persons/", "/api/v1/persons/{id}/", "/api/v1/persons/{id}/history/",
                 "/api/v1/collectives/", "/api/v1/collectives/{id}/", "/api/v1/imports/"):
        assert path in paths, path
    assert "multipart/form-data" in paths["/api/v1/imports/"]["post"]["requestBody"]["content"]


# --- writes ------------------------------------------------------------------


def test_the_reviewer_adds_changes_and_removes_a_rating_each_audited(as_user, an):
    client = as_user("reviewer")
    made = client.post(f"{API}/persons/{an.pk}/ratings/", {
        "year": 2025, "rating": "good", "months_worked": "11.5"}, format="json")
    assert made.status_code == 201, made.content
    rid = made.json()["id"]
    assert made.json()["maternity_months"] == "0.0"
    changed = client.patch(f"{API}/ratings/{rid}/", {"rating": "excellent"}, format="json")
    assert changed.status_code == 200 and changed.json()["rating"] == "excellent"
    update = AuditRecord.objects.get(action="record_update")
    assert update.data["changes"]["rating"] == ["good", "excellent"]
    assert client.get(f"{API}/persons/{an.pk}/ratings/").json()[0]["id"] == rid
    assert client.delete(f"{API}/ratings/{rid}/").status_code == 204
    assert not YearRating.objects.exists()
    assert AuditRecord.objects.filter(action="record_delete").count() == 1


def test_a_person_is_created_and_renamed_through_the_api(as_user):
    client = as_user("reviewer")
    made = client.post(f"{API}/persons/", {"full_name": "Đỗ Thị Mai", "gender": "female"},
                       format="json")
    assert made.status_code == 201, made.content
    pk = made.json()["id"]
    renamed = client.patch(f"{API}/persons/{pk}/", {"full_name": "Đỗ Thị Mai Anh"},
                           format="json")
    assert renamed.status_code == 200 and renamed.json()["full_name"] == "Đỗ Thị Mai Anh"


def test_a_membership_is_added_then_ended(as_user, an, org):
    client = as_user("reviewer")
    made = client.post(f"{API}/persons/{an.pk}/memberships/", {
        "unit": "don-vi-b", "starts_on": "01/01/2030"}, format="json")
    assert made.status_code == 201, made.content
    assert made.json()["unit"]["code"] == "don-vi-b"
    ended = client.post(f"{API}/memberships/{made.json()['id']}/end/",
                        {"ends_on": "2030-06-30"}, format="json")
    assert ended.status_code == 200 and ended.json()["ends_on"] == "2030-06-30"
    bad = client.post(f"{API}/persons/{an.pk}/memberships/", {
        "unit": "khong-co", "starts_on": "01/01/2031"}, format="json")
    assert bad.status_code == 400 and "unit" in bad.json()["fields"]


def test_unit_staff_read_their_people_but_may_not_change_them(as_user, an):
    YearRating.objects.create(person=an, year=2024, rating="good", months_worked=12)
    rid = YearRating.objects.get().pk
    staff = as_user("staff")
    assert staff.get(f"{API}/ratings/{rid}/").status_code == 200
    assert staff.patch(f"{API}/ratings/{rid}/", {"rating": "excellent"},
                       format="json").status_code == 403
    assert staff.post(f"{API}/persons/{an.pk}/ratings/", {
        "year": 2025, "rating": "good", "months_worked": 12}, format="json").status_code == 403
    assert staff.post(f"{API}/persons/", {"full_name": "A", "gender": "male"},
                      format="json").status_code == 403
    assert YearRating.objects.get().rating == "good"


def test_an_outsiders_record_and_a_missing_one_are_the_same_404(as_user, an):
    YearRating.objects.create(person=an, year=2024, rating="good", months_worked=12)
    rid = YearRating.objects.get().pk
    outsider = as_user("outsider_staff")
    hidden = outsider.patch(f"{API}/ratings/{rid}/", {"rating": "excellent"}, format="json")
    missing = outsider.patch(f"{API}/ratings/999999/", {"rating": "excellent"}, format="json")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
    assert outsider.delete(f"{API}/ratings/{rid}/").status_code == 404
