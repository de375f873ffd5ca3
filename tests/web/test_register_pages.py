"""The register's pages: the lookup (accents aside), a person's records and commendation
history, a collective, and the import (upload, preview, confirm); who may see and do what."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from approvals.models import Award, PastAward, YearRating
from approvals.states import State
from tests.approvals.test_imports import RATINGS_HEADER, csv_file, xlsx_file
from tests.factories import member, nomination_in
from workflow.models import AuditRecord


@pytest.fixture
def an(org):
    person = member(org["a"], "Nguyễn Văn An")
    YearRating.objects.create(person=person, year=2024, rating="excellent", months_worked=12)
    PastAward.objects.create(
        person=person, award=Award.objects.get(code="lao-dong-tien-tien"), year=2019,
        decision_number="15/QĐ-CT", decision_date=datetime.date(2020, 1, 10), decider="Cục",
    )
    return person


def test_the_lookup_finds_a_person_typed_without_accents(login, an, org):
    member(org["b"], "Trần Văn Bình")
    page = login("reviewer").get(reverse("register-home"), {"q": "nguyen van an"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "Nguyễn Văn An" in html and "Trần Văn Bình" not in html
    assert f'href="{reverse("register-person", args=[an.pk])}"' in html


def test_the_lookup_finds_a_collective_too(login, an, org):
    html = login("reviewer").get(reverse("register-home"), {"q": "don vi b"}).content.decode()
    assert f'href="{reverse("register-collective", args=[org["b"].pk])}"' in html


def test_a_persons_page_shows_the_history_with_decision_numbers_and_the_records(
    login, an, org, people
):
    # Rated in the campaign's year: the law lets the LĐTT proposal through.
    YearRating.objects.create(person=an, year=org["campaign"].year, rating="excellent",
                              months_worked=12)
    decided = nomination_in(org, people, State.APPROVED, person=an)
    html = login("staff").get(reverse("register-person", args=[an.pk])).content.decode()
    assert "Quá trình khen thưởng" in html
    assert "15/QĐ-CT" in html and "10/01/2020" in html
    assert decided.decision_number in html
    assert f'href="{reverse("nomination-detail", args=[decided.pk])}"' in html
    assert "Hoàn thành xuất sắc nhiệm vụ" in html
    # Unit staff read their own unit's people and may change nothing.
    assert 'data-testid="person-form"' not in html and "Thêm</summary>" not in html


def test_the_standing_reviewer_gets_the_edit_forms(login, an):
    html = login("reviewer").get(reverse("register-person", args=[an.pk])).content.decode()
    assert 'data-testid="person-form"' in html
    assert reverse("register-record-create", args=[an.pk, "ratings"]) in html


def test_a_person_of_another_unit_and_a_missing_one_are_both_404(login, an):
    client = login("outsider_staff")
    assert client.get(reverse("register-person", args=[an.pk])).status_code == 404
    assert client.get(reverse("register-person", args=[999999])).status_code == 404


@pytest.mark.parametrize("name", ["director", "auditor", "member", "liaison"])
def test_other_roles_are_refused_the_register_pages(login, an, name):
    client = login(name)
    assert client.get(reverse("register-home")).status_code == 403
    assert client.get(reverse("register-person", args=[an.pk])).status_code == 403
    assert client.get(reverse("register-import")).status_code == 403


def test_the_menu_offers_the_lookup_to_its_readers_only(login):
    assert "Tra cứu khen thưởng" in login("staff").get(reverse("inbox")).content.decode()


def test_the_menu_hides_the_lookup_from_others(login):
    assert "Tra cứu khen thưởng" not in login("director").get(reverse("inbox")).content.decode()


def test_the_person_page_runs_a_fixed_number_of_queries(
    login, an, org, people, django_assert_max_num_queries
):
    client = login("reviewer")
    client.get(reverse("register-person", args=[an.pk]))  # warm the session and caches
    with django_assert_max_num_queries(22) as few:
        client.get(reverse("register-person", args=[an.pk]))
    for year in range(2010, 2019):
        PastAward.objects.create(
            person=an, award=Award.objects.get(code="lao-dong-tien-tien"), year=year,
            decision_number=f"{year}/QĐ", decision_date=datetime.date(year + 1, 1, 2),
            decider="Cục",
        )
        YearRating.objects.create(person=an, year=year, rating="good", months_worked=12)
    YearRating.objects.create(person=an, year=org["campaign"].year, rating="good",
                              months_worked=12)
    nomination_in(org, people, State.APPROVED, person=an)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("register-person", args=[an.pk]))


def test_the_lookup_page_runs_a_fixed_number_of_queries(
    login, org, django_assert_max_num_queries
):
    member(org["a"], "Nguyễn Văn Một")
    client = login("reviewer")
    client.get(reverse("register-home"), {"q": "nguyen"})
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("register-home"), {"q": "nguyen"})
    for i in range(30):
        member(org["a" if i % 2 else "b"], f"Nguyễn Văn {i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get(reverse("register-home"), {"q": "nguyen"}).content.decode()
    assert html.count("data-person=") == 31


@pytest.mark.parametrize("make,name", [(csv_file, "xep-loai.csv"), (xlsx_file, "xep-loai.xlsx")])
def test_the_import_previews_the_file_then_imports_it_on_confirmation(login, an, make, name):
    client = login("reviewer")
    data = make([RATINGS_HEADER, [an.pk, 2024, "good", 12, 0], [an.pk, 2025, "good", 12, 0]])
    preview = client.post(reverse("register-import"), {
        "kind": "ratings", "file": SimpleUploadedFile(name, data)})
    html = preview.content.decode()
    assert preview.status_code == 200 and 'data-testid="preview"' in html
    assert 'data-row="2" data-action="updated"' in html
    assert 'data-row="3" data-action="created"' in html
    assert YearRating.objects.get(year=2024).rating == "excellent"  # nothing written yet
    token = html.split('name="token" value="', 1)[1].split('"', 1)[0]
    done = client.post(reverse("register-import"), {"token": token}, follow=True)
    assert "Đã nhập tệp" in done.content.decode()
    assert YearRating.objects.get(year=2024).rating == "good"
    assert YearRating.objects.filter(year=2025).exists()
    again = client.post(reverse("register-import"), {"token": token})
    assert again.status_code == 400 and "đã được nhập" in again.content.decode()
    assert AuditRecord.objects.filter(action="record_create").count() == 1


def test_a_bad_file_shows_each_bad_row_and_imports_nothing(login, an):
    data = csv_file([RATINGS_HEADER, [an.pk, 2025, "good", 12, 0], [an.pk, 2026, "rat tot", 12, 0]])
    page = login("reviewer").post(reverse("register-import"), {
        "kind": "ratings", "file": SimpleUploadedFile("x.csv", data)})
    html = page.content.decode()
    assert page.status_code == 400
    assert "Tệp có 1 dòng lỗi; chưa nhập dòng nào." in html
    assert '<tr data-row="3"><td>3</td><td>Xếp loại</td>' in html
    assert not YearRating.objects.filter(year__in=[2025, 2026]).exists()


def test_another_reviewers_preview_cannot_be_confirmed(login, people, an, client):
    reviewer = login("reviewer")
    data = csv_file([RATINGS_HEADER, [an.pk, 2025, "good", 12, 0]])
    html = reviewer.post(reverse("register-import"), {
        "kind": "ratings", "file": SimpleUploadedFile("x.csv", data)}).content.decode()
    token = html.split('name="token" value="', 1)[1].split('"', 1)[0]
    reviewer.logout()
    other = login("admin")
    assert other.post(reverse("register-import"), {"token": token}).status_code == 400
    assert not YearRating.objects.filter(year=2025).exists()


def test_unit_staff_may_not_import(login, an):
    data = csv_file([RATINGS_HEADER, [an.pk, 2025, "good", 12, 0]])
    response = login("staff").post(reverse("register-import"), {
        "kind": "ratings", "file": SimpleUploadedFile("x.csv", data)})
    assert response.status_code == 403
    assert not YearRating.objects.filter(year=2025).exists()


# --- the standing reviewer's edits, through the register's services ------------------------


def test_the_reviewer_adds_a_rating_on_the_page_and_the_audit_trail_says_so(login, an):
    client = login("reviewer")
    response = client.post(reverse("register-record-create", args=[an.pk, "ratings"]), {
        "year": "2025", "rating": "good", "months_worked": "11,5", "maternity_months": "0"})
    assert response.status_code == 302
    rating = YearRating.objects.get(person=an, year=2025)
    assert (rating.rating, str(rating.months_worked)) == ("good", "11.5")
    record = AuditRecord.objects.filter(action="record_create").latest("id")
    assert record.actor.username == "reviewer"
    assert record.data["model"] == "yearrating" and record.data["person"] == an.pk


def test_the_reviewer_changes_a_rating_from_what_to_what(login, an):
    rating = YearRating.objects.get(person=an, year=2024)
    client = login("reviewer")
    form = client.get(reverse("register-record-edit", args=["ratings", rating.pk]))
    assert form.status_code == 200 and 'value="excellent" selected' in form.content.decode()
    done = client.post(reverse("register-record-edit", args=["ratings", rating.pk]), {
        "year": "2024", "rating": "good", "months_worked": "12", "maternity_months": "0"})
    assert done.status_code == 302
    record = AuditRecord.objects.filter(action="record_update").latest("id")
    assert record.data["changes"]["rating"] == ["excellent", "good"]


def test_a_bad_value_on_the_page_is_a_vietnamese_field_error_and_nothing_changes(login, an):
    response = login("reviewer").post(
        reverse("register-record-create", args=[an.pk, "ratings"]),
        {"year": "2025", "rating": "good", "months_worked": "13"})
    assert response.status_code == 400
    assert "Giá trị tối đa là 12." in response.content.decode()
    assert not YearRating.objects.filter(year=2025).exists()


def test_the_reviewer_removes_a_record_and_edits_the_person(login, an):
    client = login("reviewer")
    rating = YearRating.objects.get(person=an)
    assert client.post(reverse("register-record-delete", args=["ratings", rating.pk])
                       ).status_code == 302
    assert not YearRating.objects.filter(pk=rating.pk).exists()
    assert AuditRecord.objects.filter(action="record_delete").exists()
    client.post(reverse("register-person-edit", args=[an.pk]), {
        "full_name": "Nguyễn Văn Ân", "gender": "male", "position": "Trưởng phòng",
        "recruited_on": "01/02/2010"})
    an.refresh_from_db()
    assert (an.full_name, an.position) == ("Nguyễn Văn Ân", "Trưởng phòng")


def test_the_reviewer_adds_a_person(login):
    client = login("reviewer")
    assert client.get(reverse("register-person-create")).status_code == 200
    response = client.post(reverse("register-person-create"), {
        "full_name": "Đặng Thu Thảo", "gender": "female", "position": "", "recruited_on": ""})
    assert response.status_code == 302
    assert AuditRecord.objects.filter(action="record_create", data__model="person").exists()


@pytest.mark.parametrize("name", ["staff", "head"])
def test_unit_roles_read_but_may_not_edit(login, an, name):
    client = login(name)
    rating = YearRating.objects.get(person=an)
    assert client.post(reverse("register-record-create", args=[an.pk, "ratings"]), {
        "year": "2025", "rating": "good", "months_worked": "12"}).status_code == 403
    assert client.post(reverse("register-record-delete", args=["ratings", rating.pk])
                       ).status_code == 403
    assert client.post(reverse("register-person-edit", args=[an.pk]),
                       {"full_name": "X", "gender": "male"}).status_code == 403
    assert client.get(reverse("register-person-create")).status_code == 403
    assert YearRating.objects.filter(person=an).count() == 1


def test_an_outsider_gets_the_same_404_for_an_edit_as_for_a_missing_record(login, an):
    client = login("outsider_staff")
    rating = YearRating.objects.get(person=an)
    assert client.get(reverse("register-record-edit", args=["ratings", rating.pk])
                      ).status_code == 404
    assert client.get(reverse("register-record-edit", args=["ratings", 999999])
                      ).status_code == 404
    assert client.post(reverse("register-record-create", args=[an.pk, "ratings"]), {}
                       ).status_code == 404
