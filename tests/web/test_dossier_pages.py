import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from approvals.models import DossierDocument
from approvals.states import State
from tests import factories
from workflow.models import AuditRecord

pytestmark = pytest.mark.usefixtures("consistent")

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

@pytest.fixture
def draft(org, people):
    """A draft whose dossier is still empty (the base fixture's is complete)."""
    return factories.new_draft(org, people, dossier=False)



def upload(client, n, data=PDF, name="to-trinh.pdf", kind="to_trinh"):
    return client.post(reverse("document-upload", args=[n.pk]),
                       {"kind": kind, "file": SimpleUploadedFile(name, data)})


def test_staff_uploads_a_document_and_the_checklist_ticks_it(login, draft):
    client = login("staff")
    assert upload(client, draft).status_code == 302
    page = client.get(reverse("nomination-detail", args=[draft.pk]))
    assert [c["kind"] for c in page.context["missing"]] == ["bao_cao_thanh_tich"]


def test_a_file_that_is_not_a_document_is_refused_in_vietnamese(login, draft):
    response = upload(login("staff"), draft, data=b"MZ\x90\x00 not a pdf", name="x.pdf")
    assert response.status_code == 400
    assert "Chỉ nhận tệp PDF" in response.content.decode()
    assert not DossierDocument.objects.exists()


def test_uploading_after_submission_is_refused(login, nomination_in):
    n = nomination_in(State.SUBMITTED)
    assert upload(login("staff"), n).status_code == 409


def test_a_download_is_audited_and_hidden_from_another_unit(login, draft):
    upload(login("staff"), draft)
    doc = DossierDocument.objects.get()
    url = reverse("document-download", args=[draft.pk, doc.pk])
    response = login("head").get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert AuditRecord.objects.filter(action="document_download", actor_username="head").exists()
    assert login("outsider_head").get(url).status_code == 404


def test_staff_removes_a_document_which_stays_on_record(login, draft):
    client = login("staff")
    upload(client, draft)
    doc = DossierDocument.objects.get()
    response = client.post(reverse("document-remove", args=[draft.pk, doc.pk]))
    assert response.status_code == 302
    assert DossierDocument.objects.get().removed_at is not None
