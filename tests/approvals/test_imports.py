"""The register's import (approvals/imports.py): every row or none, a dry run that says what
would change, a Vietnamese report of each bad row, CSV and XLSX alike, every change audited."""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest

from approvals.access import load_actor
from approvals.imports import ImportRejected, records_import
from approvals.models import Membership, PastAward, Person, YearRating
from workflow.errors import PermissionRefused
from workflow.models import AuditRecord

RATINGS_HEADER = ["Mã cá nhân", "Năm", "Xếp loại", "Số tháng công tác", "Số tháng nghỉ thai sản"]


def csv_file(rows: list[list[object]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8")


def xlsx_file(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def lan(org):
    person = Person.objects.create(full_name="Nguyễn Thị Lan", gender="female")
    Membership.objects.create(person=person, unit=org["a"], starts_on=datetime.date(2020, 1, 1))
    return person


@pytest.fixture
def binh(org):
    person = Person.objects.create(full_name="Trần Văn Bình", gender="male")
    Membership.objects.create(person=person, unit=org["b"], starts_on=datetime.date(2021, 3, 1))
    return person


def run(people, who="reviewer", **kwargs):
    kwargs.setdefault("dry_run", False)
    kwargs.setdefault("name", "tep.csv")
    return records_import(actor=load_actor(people[who]), **kwargs)


@pytest.mark.parametrize("make", [csv_file, xlsx_file], ids=["csv", "xlsx"])
def test_a_good_file_imports_every_row_and_audits_each_change(people, lan, binh, make):
    data = make([
        RATINGS_HEADER,
        [lan.pk, 2024, "Hoàn thành xuất sắc nhiệm vụ", "12", "0"],
        [lan.pk, 2025, "hoan thanh tot nhiem vu", "11,5", ""],  # no accents, a decimal comma
        [binh.pk, 2025, "completed", 12, 0],
    ])
    name = "xep-loai.xlsx" if make is xlsx_file else "xep-loai.csv"
    report = run(people, kind="ratings", name=name, data=data)
    assert (report.created, report.updated, report.unchanged) == (3, 0, 0)
    got = {(r.person_id, r.year): (r.rating, r.months_worked) for r in YearRating.objects.all()}
    assert got == {
        (lan.pk, 2024): ("excellent", Decimal("12.0")),
        (lan.pk, 2025): ("good", Decimal("11.5")),
        (binh.pk, 2025): ("completed", Decimal("12.0")),
    }
    records = AuditRecord.objects.filter(action="record_create").order_by("id")
    assert records.count() == 3
    first = records[0]
    assert first.actor == people["reviewer"] and first.actor_role == "standing_reviewer"
    assert first.data["model"] == "yearrating" and first.data["person"] == lan.pk
    assert first.data["changes"]["rating"] == [None, "excellent"]
    assert first.data["import"]["row"] == 2 and first.data["import"]["file"] == name


def test_a_second_file_updates_a_rating_from_what_to_what(people, lan):
    YearRating.objects.create(person=lan, year=2025, rating="good", months_worked=12)
    report = run(people, kind="ratings", data=csv_file([
        RATINGS_HEADER, [lan.pk, 2025, "excellent", 12, 0],
    ]))
    assert (report.created, report.updated) == (0, 1)
    assert YearRating.objects.get().rating == "excellent"
    record = AuditRecord.objects.get(action="record_update")
    assert record.data["changes"] == {"rating": ["good", "excellent"]}
    again = run(people, kind="ratings", data=csv_file([
        RATINGS_HEADER, [lan.pk, 2025, "excellent", 12, 0],
    ]))
    assert again.unchanged == 1 and AuditRecord.objects.filter(action="record_update").count() == 1


@pytest.mark.parametrize("make", [csv_file, xlsx_file], ids=["csv", "xlsx"])
def test_a_file_with_one_bad_row_imports_nothing_and_names_the_row(people, lan, make):
    before = AuditRecord.objects.count()
    data = make([
        RATINGS_HEADER,
        [lan.pk, 2024, "excellent", 12, 0],
        [lan.pk, 2025, "xuat sac lam", 12, 0],  # row 3: no such rating
        [lan.pk, 2023, "good", 12, 0],
    ])
    with pytest.raises(ImportRejected) as caught:
        run(people, kind="ratings", data=data, name="x.xlsx" if make is xlsx_file else "x.csv")
    error = caught.value
    assert [(e.row, e.column) for e in error.row_errors] == [(3, "Xếp loại")]
    assert error.reasons == [
        "Dòng 3, cột “Xếp loại”: “xuat sac lam” không phải là lựa chọn hợp lệ."
    ]
    assert error.message == "Tệp có 1 dòng lỗi; chưa nhập dòng nào."
    assert "3.rating" in error.fields
    assert not YearRating.objects.exists()
    assert AuditRecord.objects.count() == before


def test_a_row_the_database_refuses_undoes_the_rows_before_it(people, lan):
    """A membership ending before it starts passes no check of the schema alone when its
    start is stored: the database's check refuses it, and the whole file is undone."""
    stored = Membership.objects.get(person=lan)
    data = csv_file([
        ["Mã", "Mã cá nhân", "Mã đơn vị", "Từ ngày", "Đến ngày"],
        ["", lan.pk, "don-vi-b", "01/01/2025", ""],
        [stored.pk, lan.pk, "don-vi-a", "01/01/2020", "31/12/2019"],
    ])
    with pytest.raises(ImportRejected) as caught:
        run(people, kind="memberships", data=data)
    assert [e.row for e in caught.value.row_errors] == [3]
    assert "“Đến ngày” phải sau hoặc bằng “Từ ngày”." in caught.value.reasons[0]
    assert Membership.objects.count() == 1


def test_every_problem_is_reported_by_row_and_column(people, lan):
    data = csv_file([
        RATINGS_HEADER,
        ["", 2024, "good", 12, 0],  # row 2: no person
        [999999, 2024, "good", 12, 0],  # row 3: a person who does not exist
        [lan.pk, 1800, "good", 13, 0],  # row 4: a year and months out of range
        [lan.pk, 2025, "good", "abc", 0],  # row 5: months not a number
        [lan.pk, 2025, "good", 12, 0],  # row 6
        [lan.pk, 2025, "good", 12, 0],  # row 7: the same person and year again
    ])
    with pytest.raises(ImportRejected) as caught:
        run(people, kind="ratings", data=data)
    found = {(e.row, e.column): e.message for e in caught.value.row_errors}
    assert found[(2, "Mã cá nhân")] == "Trường này là bắt buộc."
    assert found[(3, "Mã cá nhân")] == "Không tìm thấy cá nhân có mã 999999."
    assert found[(4, "Năm")] == "Giá trị tối thiểu là 1945."
    assert found[(4, "Số tháng công tác")] == "Giá trị tối đa là 12."
    assert found[(5, "Số tháng công tác")] == "Nhập một số (ví dụ 11,5)."
    assert found[(7, "")] == "Trùng với dòng 6."
    assert not YearRating.objects.exists()


def test_the_dry_run_reports_what_would_change_and_writes_nothing(people, lan):
    YearRating.objects.create(person=lan, year=2024, rating="good", months_worked=12)
    before = AuditRecord.objects.count()
    report = run(people, kind="ratings", dry_run=True, data=csv_file([
        RATINGS_HEADER,
        [lan.pk, 2024, "excellent", 12, 0],
        [lan.pk, 2025, "good", 10, 2],
    ]))
    assert report.dry_run and (report.created, report.updated) == (1, 1)
    assert [r.action for r in report.rows] == ["updated", "created"]
    assert report.rows[0].changes == {"rating": ["good", "excellent"]}
    assert YearRating.objects.get().rating == "good" and YearRating.objects.count() == 1
    assert AuditRecord.objects.count() == before


def test_a_file_that_is_no_table_or_lacks_a_column_is_refused_in_vietnamese(people, lan):
    with pytest.raises(ImportRejected) as not_a_table:
        run(people, kind="ratings", name="a.xlsx", data=b"\x00\x01 not a workbook")
    assert not_a_table.value.reasons == [
        "Không đọc được tệp: chỉ nhận tệp CSV (UTF-8) hoặc XLSX."
    ]
    with pytest.raises(ImportRejected) as missing:
        run(people, kind="ratings", data=csv_file([["Mã cá nhân", "Năm"], [lan.pk, 2024]]))
    assert missing.value.reasons == [
        "Thiếu cột bắt buộc: “Xếp loại”, “Số tháng công tác”."
    ]
    with pytest.raises(ImportRejected) as unknown:
        run(people, kind="ratings", data=csv_file([[*RATINGS_HEADER, "Lương"]]))
    assert "Cột “Lương” không có trong mẫu “Xếp loại năm”." in unknown.value.reasons
    with pytest.raises(ImportRejected) as latin1:
        run(people, kind="persons", data="Họ và tên\nLê Thị Hoa\n".encode("utf-16"))
    assert latin1.value.reasons == ["Tệp CSV phải được lưu với bảng mã UTF-8."]


def test_persons_are_created_and_updated_by_their_id(people, lan):
    report = run(people, kind="persons", data=csv_file([
        ["Mã", "Họ và tên", "Giới tính", "Chức vụ", "Ngày tuyển dụng"],
        [lan.pk, "Nguyễn Thị Lan", "Nữ", "Phó trưởng phòng", "01/09/2015"],
        ["", "Phạm Minh Đức", "nam", "", ""],
    ]))
    assert (report.created, report.updated) == (1, 1)
    lan.refresh_from_db()
    assert (lan.position, lan.recruited_on) == ("Phó trưởng phòng", datetime.date(2015, 9, 1))
    assert Person.objects.get(full_name="Phạm Minh Đức").gender == "male"


def test_past_awards_name_exactly_one_recipient_and_a_known_award(people, lan, org):
    header = ["Mã cá nhân", "Mã tập thể (đơn vị)", "Mã danh hiệu", "Năm", "Số quyết định",
              "Ngày quyết định", "Cấp quyết định"]
    with pytest.raises(ImportRejected) as caught:
        run(people, kind="past_awards", data=csv_file([
            header,
            [lan.pk, "don-vi-a", "lao-dong-tien-tien", 2019, "12/QĐ", "20/01/2020", "Cục"],
            [lan.pk, "", "khong-co", 2019, "13/QĐ", "20/01/2020", "Cục"],
        ]))
    found = {(e.row, e.column): e.message for e in caught.value.row_errors}
    assert found[(2, "Mã cá nhân")] == "Ghi đúng một trong hai: mã cá nhân hoặc mã tập thể."
    assert found[(3, "Mã danh hiệu")] == "Không tìm thấy danh hiệu “khong-co”."
    report = run(people, kind="past_awards", data=csv_file([
        header, ["", "don-vi-a", "tap-the-lao-dong-tien-tien", 2019, "14/QĐ", "2020-01-20",
                 "Bộ Tư pháp"],
    ]))
    assert report.created == 1 and PastAward.objects.get().unit == org["a"]


def test_only_who_keeps_the_register_imports(people, lan):
    data = csv_file([RATINGS_HEADER, [lan.pk, 2024, "good", 12, 0]])
    for name in ("staff", "head", "director", "auditor", "outsider_staff"):
        with pytest.raises(PermissionRefused):
            run(people, who=name, kind="ratings", data=data)
    assert run(people, who="admin", kind="ratings", data=data).created == 1
    assert not AuditRecord.objects.filter(actor=people["staff"]).exists()


def test_a_membership_overlapping_another_in_the_same_unit_is_refused(people, lan):
    data = csv_file([
        ["Mã cá nhân", "Mã đơn vị", "Từ ngày", "Đến ngày"],
        [lan.pk, "don-vi-b", "01/01/2024", "31/12/2024"],
        [lan.pk, "don-vi-a", "01/06/2023", ""],  # she is already in unit A since 2020
    ])
    with pytest.raises(ImportRejected) as caught:
        run(people, kind="memberships", data=data)
    assert caught.value.reasons == [
        "Dòng 3, cột “Từ ngày”: Đã có quá trình công tác tại đơn vị này trùng thời gian."
    ]
    assert Membership.objects.count() == 1
