"""The auditors' history reads as labels, newest first on screen; role grants say who, what,
to whom and where; the CSV / XLSX export speaks Vietnamese and still streams."""

import csv
import io

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook
from rest_framework.test import APIClient

from approvals import exports
from approvals.roles import Role
from approvals.services import role_grant, role_revoke
from approvals.states import State
from tests.factories import delegate, person
from workflow import services
from workflow.audit import audit_append
from workflow.models import AuditRecord

HEADER = [
    "Mã bản ghi", "Thời điểm", "Người thực hiện", "Tên đăng nhập",
    "Thực hiện thay cho (tên đăng nhập)", "Vai trò", "Thao tác",
    "Đề nghị", "Đơn vị", "Từ trạng thái", "Sang trạng thái", "Ý kiến",
    "Người được cấp / thu hồi vai trò", "Vai trò được cấp / thu hồi",
    "Mã thao tác", "Mã vai trò", "Mã đơn vị", "Mã trạng thái trước", "Mã trạng thái sau",
    "Mã vai trò được cấp / thu hồi", "Mã băm",
]


def named(user, family, given):
    user.last_name, user.first_name = family, given
    user.save(update_fields=["last_name", "first_name"])
    return user


def csv_rows(client, **params) -> list[dict]:
    response = client.get(reverse("audit-export-csv"), params)
    assert response.streaming
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    header, *rows = list(csv.reader(io.StringIO(text)))
    assert header == HEADER
    return [dict(zip(header, row, strict=True)) for row in rows]


def xlsx_rows(client, **params) -> list[dict]:
    data = b"".join(client.get(reverse("audit-export-xlsx"), params).streaming_content)
    sheet = load_workbook(io.BytesIO(data), read_only=True).active
    header, *rows = list(sheet.iter_rows(values_only=True))
    assert list(header) == HEADER
    return [dict(zip(header, ["" if v is None else v for v in row], strict=True)) for row in rows]


def test_the_csv_export_gives_labels_names_and_then_the_codes(login, people, nomination_in):
    named(people["reviewer"], "Nguyễn Thị Thanh", "Hương")
    n = nomination_in(State.IN_REVIEW)
    [claim] = [r for r in csv_rows(login("auditor")) if r["Mã thao tác"] == "claim"]
    assert claim["Người thực hiện"] == "Nguyễn Thị Thanh Hương"
    assert claim["Tên đăng nhập"] == "reviewer"
    assert claim["Vai trò"] == str(Role.STANDING_REVIEWER.label)
    assert claim["Thao tác"] == "Nhận xử lý"
    assert (claim["Đề nghị"], claim["Đơn vị"], claim["Mã đơn vị"]) == (str(n.pk), "Đơn vị A",
                                                                      "don-vi-a")
    assert (claim["Từ trạng thái"], claim["Sang trạng thái"]) == (
        str(State.SUBMITTED.label), str(State.IN_REVIEW.label)
    )
    assert (claim["Mã vai trò"], claim["Mã trạng thái trước"], claim["Mã trạng thái sau"]) == (
        "standing_reviewer", "submitted", "in_review"
    )
    assert claim["Mã băm"] == AuditRecord.objects.get(nomination=n, action="claim").hash


def test_the_xlsx_export_holds_the_same_labelled_rows(login, people, nomination_in):
    named(people["staff"], "Lý Thị", "Ngọc")
    nomination_in(State.SUBMITTED)
    client = login("auditor")
    assert xlsx_rows(client) == [
        {k: (int(v) if k in ("Mã bản ghi", "Đề nghị") and v else v) for k, v in row.items()}
        for row in csv_rows(client)
    ]
    [create] = [r for r in xlsx_rows(client) if r["Mã thao tác"] == "create"]
    assert (create["Người thực hiện"], create["Thao tác"]) == ("Lý Thị Ngọc", "Lập dự thảo")


def test_the_export_is_in_vietnamese_whatever_the_page_language(login, nomination_in):
    nomination_in(State.SUBMITTED)
    client = login("auditor")
    client.cookies["django_language"] = "en"
    assert "Hộp việc" not in client.get(reverse("inbox")).content.decode()  # English pages
    [submit] = [r for r in csv_rows(client) if r["Mã thao tác"] == "submit"]
    assert submit["Thao tác"] == "Trình đề nghị"
    assert submit["Sang trạng thái"] == "Đã trình, chờ thẩm định"


def test_role_grants_say_who_granted_which_role_to_whom_for_which_unit(login, org, people):
    admin = named(people["admin"], "Quản trị", "Hệ thống")
    named(people["member"], "Trần Văn", "Bình")
    role_grant(user=people["member"], role=Role.UNIT_HEAD, unit=org["b"], granted_by=admin)
    role_revoke(user=people["member"], role=Role.UNIT_HEAD, unit=org["b"], revoked_by=admin)
    role_grant(user=people["member"], role=Role.MANAGER, granted_by=admin)
    client = login("auditor")

    rows = [r for r in csv_rows(client) if r["Tên đăng nhập"] == "admin"]
    assert [(r["Thao tác"], r["Người thực hiện"], r["Người được cấp / thu hồi vai trò"],
             r["Vai trò được cấp / thu hồi"], r["Đơn vị"], r["Mã vai trò được cấp / thu hồi"])
            for r in rows] == [
        ("Cấp vai trò", "Quản trị Hệ thống", "Trần Văn Bình (member)",
         str(Role.UNIT_HEAD.label), "Đơn vị B", "unit_head"),
        ("Thu hồi vai trò", "Quản trị Hệ thống", "Trần Văn Bình (member)",
         str(Role.UNIT_HEAD.label), "Đơn vị B", "unit_head"),
        ("Cấp vai trò", "Quản trị Hệ thống", "Trần Văn Bình (member)",
         str(Role.MANAGER.label), "Toàn cơ quan", "manager"),
    ]

    html = client.get(reverse("audit-history"), {"actor": "admin"}).content.decode()
    assert (f"{Role.MANAGER.label} – cho Trần Văn Bình (member) – toàn cơ quan") in html
    assert (f"{Role.UNIT_HEAD.label} – cho Trần Văn Bình (member) – đơn vị Đơn vị B") in html
    assert "Quản trị Hệ thống" in html


def test_the_screen_shows_the_newest_record_first(login, nomination_in):
    nomination_in(State.IN_REVIEW)
    records = login("auditor").get(reverse("audit-history")).context["records"]
    ids = [r.pk for r in records]
    assert ids == sorted(ids, reverse=True) and len(ids) == AuditRecord.objects.count()
    assert records[0].action == "claim"


def test_the_history_page_reads_the_same_queries_for_few_or_many_role_grants(
    login, org, people, django_assert_max_num_queries
):
    client = login("auditor")

    def grant_and_count(n):
        for i in range(n):
            user = get_user_model().objects.create_user(username=f"nguoi{n}-{i}")
            role_grant(user=user, role=Role.UNIT_STAFF, unit=org["a"], granted_by=people["admin"])
        with CaptureQueriesContext(connection) as page:
            assert client.get(reverse("audit-history")).status_code == 200
        with CaptureQueriesContext(connection) as export:
            csv_rows(client)
        return len(page), len(export)

    assert grant_and_count(2) == grant_and_count(30)


@pytest.mark.parametrize("chunk", [1, 1 << 16])
def test_the_csv_export_streams_chunk_by_chunk_from_copy(login, org, people, monkeypatch, chunk):
    for i in range(7):
        user = get_user_model().objects.create_user(username=f"nguoi-{i}")
        role_grant(user=user, role=Role.UNIT_STAFF, unit=org["a"], granted_by=people["admin"])
    monkeypatch.setattr(exports, "CHUNK", chunk)
    response = login("auditor").get(reverse("audit-export-csv"))
    chunks = list(response.streaming_content)
    records = AuditRecord.objects.count()
    # The header with the first chunk (read before the answer starts), then a chunk per row
    # (a 1-byte chunk) or nothing more (one chunk holds them all).
    assert len(chunks) == (records if chunk == 1 else 1)
    rows = list(csv.reader(io.StringIO(b"".join(chunks).decode("utf-8-sig"))))
    assert [int(r[0]) for r in rows[1:]] == sorted(
        AuditRecord.objects.values_list("pk", flat=True)
    )


def test_the_csv_from_copy_has_the_rows_the_workbook_has_cell_for_cell(
    login, org, people, nomination_in
):
    """Names, delegations, role grants (for a unit, the whole body, a unit since removed, an
    account since removed), formulas and control characters: COPY's rows are `_row`'s."""
    named(people["reviewer"], "  Trần Thị ", "Bình")
    substitute = person("nv.an", first_name="An", last_name="")
    n = nomination_in(State.IN_REVIEW)
    delegate(people["reviewer"], substitute, Role.STANDING_REVIEWER)
    services.nomination_release(user=substitute, nomination_id=n.pk, comment="=1+1\nhai dòng")
    admin = people["admin"]
    gone = get_user_model().objects.create_user(username="da-nghi")
    role_grant(user=gone, role=Role.UNIT_STAFF, unit=org["b"], granted_by=admin)
    role_grant(user=people["member"], role=Role.MANAGER, granted_by=admin)
    gone.delete()
    with transaction.atomic():
        audit_append(actor=admin, role="admin", action="role_grant", comment="-x\x07, \"y\"",
                     data={"user": "khong-co", "unit": "don-vi-cu", "role": "unit_head"})
        audit_append(actor=None, action="document_download", comment="@\tz")
        # A control character in front of a formula: dropped, and the formula still guarded.
        audit_append(actor=None, action="document_download", comment="\x01\x1f=SUM(A1)\x7f")
    with translation.override("vi"):
        expected = [
            ["" if v is None else str(v) for v in row]
            for batch in exports.batches(exports.history_rows({}))
            for row in batch
        ]
    client = login("auditor")
    text = b"".join(client.get(reverse("audit-export-csv")).streaming_content).decode("utf-8-sig")
    header, *rows = list(csv.reader(io.StringIO(text)))
    assert header == HEADER
    assert rows == expected and len(rows) == AuditRecord.objects.count()
    assert rows[-1][HEADER.index("Ý kiến")] == "'=SUM(A1)"
    for filters in ({"actor": "reviewer"}, {"action": "role_grant"}, {"unit": "don-vi-a"}):
        text = b"".join(
            client.get(reverse("audit-export-csv"), filters).streaming_content
        ).decode("utf-8-sig")
        ids = [int(r[0]) for r in list(csv.reader(io.StringIO(text)))[1:]]
        assert ids == list(exports.history_rows(filters).values_list("pk", flat=True)) != []


def test_role_grants_read_in_english_after_the_switch(login, org, people):
    named(people["member"], "Trần Văn", "Bình")
    admin = people["admin"]
    role_grant(user=people["member"], role=Role.UNIT_HEAD, unit=org["b"], granted_by=admin)
    role_grant(user=people["member"], role=Role.MANAGER, granted_by=admin)
    client = login("auditor")
    client.cookies["django_language"] = "en"
    html = client.get(reverse("audit-history"), {"actor": "admin"}).content.decode()
    assert "Unit head – to Trần Văn Bình (member) – unit Đơn vị B" in html
    assert " – to Trần Văn Bình (member) – whole body" in html


def test_an_action_under_a_delegation_names_both_people_in_every_history(
    login, people, nomination_in
):
    """The web timeline, the auditors' page, the CSV and XLSX exports and the API history."""
    named(people["reviewer"], "Trần Thị", "Bình")
    substitute = person("nv.an", first_name="An", last_name="Nguyễn Văn")
    n = nomination_in(State.IN_REVIEW)  # held by the reviewer
    delegate(people["reviewer"], substitute, Role.STANDING_REVIEWER)
    services.nomination_release(user=substitute, nomination_id=n.pk, comment="Thay chị Bình")
    both = "Nguyễn Văn An thay Trần Thị Bình"

    client = login("auditor")
    timeline = client.get(reverse("nomination-detail", args=[n.pk])).content.decode()
    assert f"<strong>{both}</strong>" in timeline
    page = client.get(reverse("audit-history"), {"actor": "reviewer", "action": "release"})
    assert both in page.content.decode()  # found under the person stood in for, too
    for rows in (csv_rows(client), xlsx_rows(client)):
        [release] = [r for r in rows if r["Mã thao tác"] == "release"]
        assert release["Người thực hiện"] == both
        assert (release["Tên đăng nhập"], release["Thực hiện thay cho (tên đăng nhập)"]) == (
            "nv.an", "reviewer"
        )
    api = APIClient()
    api.force_authenticate(people["auditor"])
    [record] = [r for r in api.get("/api/v1/history/", {"action": "release"}).json()["results"]]
    assert (record["actor"], record["on_behalf_of"], record["acted_by"]) == (
        "nv.an", "reviewer", both
    )
    own = api.get(f"/api/v1/nominations/{n.pk}/history/").json()["results"]
    assert [r["on_behalf_of"] for r in own if r["action"] == "claim"] == [None]
    client.cookies["django_language"] = "en"
    english = client.get(reverse("nomination-detail", args=[n.pk])).content.decode()
    assert "Nguyễn Văn An on behalf of Trần Thị Bình" in english
