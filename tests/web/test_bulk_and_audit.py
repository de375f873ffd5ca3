import csv
import datetime
import io
import os
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pytest_django.fixtures import Settings

from approvals import exports
from approvals.exemplars import exemplar_propose
from approvals.exports import export_start, run_export
from approvals.models import BulkJob, Exemplar, ExportJob, Nomination
from approvals.states import State
from tests.celery_worker import wait_for
from workflow.errors import PermissionRefused
from workflow.models import AuditRecord

pytestmark = pytest.mark.usefixtures("consistent")


def test_a_small_bulk_approval_runs_at_once_and_lists_each_result(login, nomination_in):
    ok = [nomination_in(State.AWAITING_DIRECTOR, name=f"Người {i}") for i in range(2)]
    not_ready = nomination_in(State.SUBMITTED, name="Chưa tới bước")
    response = login("director").post(reverse("inbox-bulk"), {
        "action": "approve", "ids": [n.pk for n in ok] + [not_ready.pk],
        "decision_number": "20/QĐ", "decision_date": timezone.localdate().strftime("%d/%m/%Y"),
    })
    job = BulkJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    page = login("director").get(response["Location"])
    assert page.context["job"].status == BulkJob.Status.DONE
    assert [r["ok"] for r in page.context["results"]] == [True, True, False]
    html = page.content.decode()
    assert "Không thể “Phê duyệt”" in html and "Chưa tới bước" in html
    approved = Nomination.objects.filter(pk__in=[n.pk for n in ok])
    states = set(approved.values_list("state", flat=True))
    assert states == {State.APPROVED}


def test_a_bulk_request_without_items_is_refused_keeping_the_input(login, nomination_in):
    nomination_in(State.AWAITING_DIRECTOR)
    response = login("director").post(reverse("inbox-bulk"), {
        "action": "approve", "decision_number": "21/QĐ", "comment": "Giữ lại",
    })
    assert response.status_code == 400
    html = response.content.decode()
    assert "Chọn ít nhất một đề nghị" in html and 'value="21/QĐ"' in html and "Giữ lại" in html
    assert not BulkJob.objects.exists()


def test_a_job_is_visible_only_to_the_user_who_started_it(login, nomination_in):
    n = nomination_in(State.SUBMITTED)
    login("reviewer").post(reverse("inbox-bulk"), {"action": "claim", "ids": [n.pk]})
    job = BulkJob.objects.get()
    assert login("reviewer").get(reverse("job-detail", args=[job.pk])).status_code == 200
    assert login("director").get(reverse("job-detail", args=[job.pk])).status_code == 404


def test_the_history_is_for_auditors_only(login, draft):
    assert login("staff").get(reverse("audit-history")).status_code == 403
    assert login("staff").get(reverse("audit-export-csv")).status_code == 403
    response = login("auditor").get(reverse("audit-history"), {"actor": "staff"})
    assert response.status_code == 200
    assert {r.actor_username for r in response.context["page"]} == {"staff"}


def test_the_history_filters_by_date_range_in_vietnamese_format(login, draft):
    today = timezone.localdate()
    client = login("auditor")
    same_day = client.get(reverse("audit-history"), {"date_from": today.strftime("%d/%m/%Y")})
    assert same_day.context["page"].paginator.count == AuditRecord.objects.count()
    later = (today + timezone.timedelta(days=1)).strftime("%d/%m/%Y")
    assert client.get(reverse("audit-history"), {"date_from": later}).context[
        "page"].paginator.count == 0


def test_the_csv_export_streams_every_filtered_record(login, nomination_in):
    n = nomination_in(State.IN_REVIEW)
    response = login("auditor").get(reverse("audit-export-csv"), {"unit": "don-vi-a"})
    assert response.streaming
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "Mã bản ghi"
    expected = list(AuditRecord.objects.filter(nomination=n).values_list("pk", flat=True))
    assert [int(r[0]) for r in rows[1:]] == expected


def test_an_exported_comment_cannot_run_as_a_spreadsheet_formula(login, nomination_in):
    n = nomination_in(State.IN_REVIEW)
    login("reviewer").post(reverse("nomination-action", args=[n.pk, "return"]),
                           {"comment": "=HYPERLINK(\"http://x\")"})
    text = b"".join(login("auditor").get(reverse("audit-export-csv")).streaming_content)
    assert "'=HYPERLINK" in text.decode("utf-8-sig")


def test_the_xlsx_export_holds_the_same_rows(login, nomination_in):
    nomination_in(State.SUBMITTED)
    response = login("auditor").get(reverse("audit-export-xlsx"))
    data = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(data), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Mã bản ghi" and len(rows) == AuditRecord.objects.count() + 1


def xlsx_rows(data: bytes) -> list:
    return list(load_workbook(io.BytesIO(data), read_only=True).active.iter_rows(values_only=True))


def test_a_large_xlsx_export_is_built_in_the_background_for_its_auditor_only(
    login, nomination_in, settings, django_capture_on_commit_callbacks
):
    nomination_in(State.APPROVED)
    nomination_in(State.IN_REVIEW)
    settings.AUDIT_XLSX_INLINE_ROWS = 1  # the two claims are "large"
    everything = AuditRecord.objects.count()
    auditor = login("auditor")
    with django_capture_on_commit_callbacks() as started:
        response = auditor.get(reverse("audit-export-xlsx"), {"action": "claim"})
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("audit-export-detail",
                                                                  args=[job.pk])
    assert len(started) == 1  # the worker is nudged after commit
    assert (job.status, job.filters) == (ExportJob.Status.QUEUED, {"action": "claim"})
    page = auditor.get(response.url).content.decode()
    assert 'data-job-status="queued"' in page and "export-download" not in page

    run_export(job.pk)  # what the worker does
    page = auditor.get(response.url).content.decode()
    assert 'data-job-status="done"' in page and "export-download" in page
    download = auditor.get(reverse("audit-export-download", args=[job.pk]))
    rows = xlsx_rows(b"".join(download.streaming_content))
    action = exports.COLUMNS.index("Mã thao tác")
    assert rows[0][0] == "Mã bản ghi" and {r[action] for r in rows[1:]} == {"claim"}
    assert len(rows) - 1 == AuditRecord.objects.filter(action="claim").count() < everything
    assert f'href="{response.url}"' in auditor.get(reverse("audit-history")).content.decode()

    other = login("manager")  # may read the history, did not start this export
    assert other.get(response.url).status_code == 404
    assert other.get(reverse("audit-export-download", args=[job.pk])).status_code == 404


def test_old_exports_are_purged_with_their_files_and_recent_ones_kept(people, nomination_in):
    nomination_in(State.SUBMITTED)
    old, recent = (run_export(export_start(user=people["auditor"], filters={}).pk)
                   for _ in range(2))
    ExportJob.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=8)
    )
    old_file = old.file.path
    call_command("purge_exports", "--days", "7")
    assert list(ExportJob.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not os.path.exists(old_file) and os.path.exists(recent.file.path)


@pytest.mark.django_db(transaction=True)
def test_a_background_export_is_built_by_a_worker_after_the_request(
    login: Callable[..., Any], nomination_in: Callable[..., Nomination],
    settings: Settings, background_worker: object,
) -> None:
    nomination_in(State.APPROVED)
    settings.AUDIT_XLSX_INLINE_ROWS = 0
    auditor = login("auditor")
    response = auditor.get(reverse("audit-export-xlsx"))
    job = ExportJob.objects.get()
    assert response.url == reverse("audit-export-detail", args=[job.pk])
    # The Celery worker was nudged after commit; wait for it (the bound only stops a hung test).
    wait_for(lambda: ExportJob.objects.get(pk=job.pk).finished)
    job.refresh_from_db()
    assert (job.status, job.attempts, job.claim_token) == (ExportJob.Status.DONE, 1, None)
    download = auditor.get(reverse("audit-export-download", args=[job.pk]))
    assert len(xlsx_rows(b"".join(download.streaming_content))) == job.total + 1
    assert job.total == AuditRecord.objects.count()


def test_only_those_who_read_the_history_may_start_an_export(login, people, draft):
    assert login("staff").get(reverse("audit-export-xlsx")).status_code == 403
    with pytest.raises(PermissionRefused):
        export_start(user=people["staff"], filters={})
    assert not ExportJob.objects.exists()


def test_an_export_beyond_what_excel_opens_is_refused_with_a_way_forward(
    login, nomination_in, settings, monkeypatch
):
    nomination_in(State.SUBMITTED)
    settings.AUDIT_XLSX_INLINE_ROWS = 0
    monkeypatch.setattr(exports, "XLSX_MAX_RECORDS", 1)
    total = AuditRecord.objects.count()
    response = login("auditor").get(
        reverse("audit-export-xlsx"), {"date_from": "01/01/2000"}, follow=True
    )
    # Back on the history page, with the filters the auditor had chosen, and why.
    assert response.redirect_chain[-1][0] == reverse("audit-history") + "?date_from=01%2F01%2F2000"
    page = response.content.decode()
    assert f"Kết quả lọc có {total} bản ghi" in page and "xuất CSV" in page
    assert not ExportJob.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_an_export_whose_worker_died_is_built_again_after_run_bulk_jobs(
    people: dict[str, Any], nomination_in: Callable[..., Nomination],
    background_worker: object,
) -> None:
    nomination_in(State.SUBMITTED)
    # As a worker killed mid-way leaves it: running, part written, its lease run out.
    job = ExportJob.objects.create(
        user=people["auditor"], filters={}, total=AuditRecord.objects.count(),
        status=ExportJob.Status.RUNNING, written=3, claim_token=uuid.uuid4(), attempts=1,
        lease_until=timezone.now() - datetime.timedelta(seconds=1),
    )
    out = io.StringIO()
    call_command("run_bulk_jobs", stdout=out)
    assert f"export job: 1 (#{job.pk}) re-queued" in out.getvalue()
    assert wait_for(lambda: ExportJob.objects.get(pk=job.pk).finished)
    job.refresh_from_db()
    assert (job.status, job.attempts) == (ExportJob.Status.DONE, 2)
    assert job.written == AuditRecord.objects.count()
    with job.file.open("rb") as f:
        assert len(xlsx_rows(f.read())) == job.written + 1


def test_the_chain_verification_page_reports_an_intact_chain(login, nomination_in):
    nomination_in(State.SUBMITTED)
    response = login("auditor").get(reverse("audit-verify"))
    assert response.context["report"].ok
    assert "Chuỗi lịch sử nguyên vẹn" in response.content.decode()


def test_the_verification_page_names_the_signing_key_and_cannot_pass_without_it(
    login, nomination_in, settings
):
    from workflow.audit import key_id

    nomination_in(State.SUBMITTED)  # signed with the suite's key (config/test_settings.py)
    page = login("auditor").get(reverse("audit-verify")).content.decode()
    assert key_id(settings.AUDIT_CHAIN_KEYS[0]) in page
    assert 'data-testid="chain-unsigned"' not in page
    settings.AUDIT_CHAIN_KEYS = []
    page = login("auditor").get(reverse("audit-verify")).content.decode()
    assert "Chuỗi lịch sử bị phá vỡ" in page  # signed records cannot be checked without the key
    assert "which is not in AUDIT_CHAIN_KEYS" in page


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("root", "root@example.invalid", "pw-123456")


@pytest.mark.parametrize("model", ["approvals/unit", "approvals/profile", "approvals/rolegrant",
                                   "approvals/campaign", "approvals/award",
                                   "approvals/nomination", "workflow/auditrecord"])
def test_the_admin_lists_organisation_data(client, superuser, draft, model):
    client.force_login(superuser)
    assert client.get(f"/admin/{model}/").status_code == 200


def test_the_admin_cannot_change_a_nomination_or_delete_history(client, superuser, draft):
    client.force_login(superuser)
    record = AuditRecord.objects.first()
    assert client.get(f"/admin/workflow/auditrecord/{record.pk}/delete/").status_code == 403
    client.post(f"/admin/approvals/nomination/{draft.pk}/change/", {"nominee_name": "X"})
    assert Nomination.objects.get(pk=draft.pk).nominee_name != "X"


def test_the_admin_lists_exemplars_and_refuses_to_add_change_or_delete_one(
        client, superuser, people, nomination_in):
    n = nomination_in(State.APPROVED, name="Trần Văn Bình")
    story = "Anh luôn hoàn thành xuất sắc nhiệm vụ được giao."
    made = exemplar_propose(user=people["reviewer"], nomination_id=n.pk, story=story)
    client.force_login(superuser)
    page = client.get(reverse("admin:approvals_exemplar_changelist"),
                      {"q": "Bình", "status": "proposed", "nomination__year": n.year})
    assert page.status_code == 200 and "Trần Văn Bình" in page.content.decode()
    assert client.get(reverse("admin:approvals_exemplar_add")).status_code == 403
    changed = client.post(reverse("admin:approvals_exemplar_change", args=[made.pk]),
                          {"story": "Đã sửa.", "status": Exemplar.Status.PUBLISHED})
    assert changed.status_code == 403
    assert client.post(reverse("admin:approvals_exemplar_delete", args=[made.pk]),
                       {"post": "yes"}).status_code == 403
    made.refresh_from_db()
    assert (made.story, made.status) == (story, Exemplar.Status.PROPOSED)


def test_a_role_granted_in_the_admin_goes_through_the_service(client, superuser, org, people):
    client.force_login(superuser)
    user = people["member"]
    response = client.post("/admin/approvals/rolegrant/add/",
                           {"user": user.pk, "role": "unit_head", "unit": org["b"].pk})
    assert response.status_code == 302
    assert user.has_perm("approvals.role_unit_head", org["b"])
    assert AuditRecord.objects.filter(action="role_grant", actor=superuser).exists()
