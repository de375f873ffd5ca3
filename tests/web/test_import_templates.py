"""The import's blank files: one XLSX and one CSV per kind of rows, whose header is the kind's
columns, so that a template filled in as its guide says imports without a change."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from approvals.access import load_actor
from approvals.imports import records_import
from approvals.models import Person
from approvals.record_kinds import CHOICE, KINDS
from tests.factories import member


def download(client, kind, extension):
    return client.get(reverse("register-import-template", args=[kind, extension]))


@pytest.mark.parametrize("kind", list(KINDS))
def test_each_kinds_workbook_has_its_columns_drop_downs_and_a_guide(login, kind):
    answer = download(login("reviewer"), kind, "xlsx")
    assert answer.status_code == 200
    assert answer["Content-Disposition"] == f'attachment; filename="mau-{kind}.xlsx"'
    book = load_workbook(io.BytesIO(answer.content))
    data, guide = book["Dữ liệu"], book["Hướng dẫn"]
    columns = KINDS[kind].columns
    assert [c.value for c in data[1]] == [str(c.label) for c in columns]
    assert data.max_row == 1  # nothing to delete before filling it in
    choices = [i for i, c in enumerate(columns) if c.datatype == CHOICE]
    assert len(data.data_validations.dataValidation) == len(choices)
    assert [row[0] for row in guide.iter_rows(min_row=2, max_row=len(columns) + 1,
                                              values_only=True)] == [str(c.label) for c in columns]
    assert book["DanhMuc"].sheet_state == "hidden"


def test_a_filled_in_workbook_imports_as_it_is(login, org, people):
    answer = download(login("reviewer"), "persons", "xlsx")
    book = load_workbook(io.BytesIO(answer.content))
    lists, data = book["DanhMuc"], book["Dữ liệu"]
    woman = lists["B1"].value  # the gender column's first value, as its drop-down offers it
    data.append(["Trần Thị Mai", woman, "Thư ký", "15/01/2020"])
    filled = io.BytesIO()
    book.save(filled)
    report = records_import(actor=load_actor(people["reviewer"]), kind="persons",
                            name="mau-persons.xlsx", data=filled.getvalue(), dry_run=False)
    assert report.created == 1
    assert Person.objects.get(full_name="Trần Thị Mai").gender == Person.Gender.FEMALE


def test_a_filled_in_csv_imports_as_it_is(login, org, people):
    person = member(org["a"], "Nguyễn Văn An")
    answer = download(login("reviewer"), "ratings", "csv")
    assert answer["Content-Type"] == "text/csv; charset=utf-8"
    text = answer.content.decode("utf-8")
    assert text.startswith("\ufeff")  # Excel reads the accents
    filled = text + f"{person.pk},2025,Hoàn thành tốt nhiệm vụ,12,\r\n"
    report = records_import(actor=load_actor(people["reviewer"]), kind="ratings",
                            name="mau-ratings.csv", data=filled.encode("utf-8"), dry_run=True)
    assert (report.created, report.updated) == (1, 0)


def test_who_does_not_keep_the_register_is_refused_the_templates(login):
    assert download(login("staff"), "persons", "xlsx").status_code == 403


@pytest.mark.parametrize(("kind", "extension"), [("salaries", "xlsx"), ("persons", "pdf")])
def test_an_unknown_kind_or_file_type_is_not_found(login, kind, extension):
    assert download(login("reviewer"), kind, extension).status_code == 404


def test_the_import_page_links_every_template(login):
    page = login("reviewer").get(reverse("register-import")).content.decode()
    for kind in KINDS:
        assert f'data-template="{kind}-xlsx"' in page and f'data-template="{kind}-csv"' in page
