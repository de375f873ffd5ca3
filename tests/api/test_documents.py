"""Dossier documents over HTTP: checked by content and size, downloadable only by viewers."""

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from tests import factories
from tests.api.conftest import API
from workflow import services
from workflow.models import AuditRecord

pytestmark = pytest.mark.usefixtures("consistent")

PDF_BYTES = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
# A Windows executable ("MZ" header) given a harmless-looking name.
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 240

@pytest.fixture
def draft(org, people):
    """A draft whose dossier is still empty (the base fixture's is complete)."""
    return factories.new_draft(org, people, dossier=False)



def PDF(name="bao-cao.pdf", size=None):  # noqa: N802 - reads as a file kind
    data = PDF_BYTES if size is None else PDF_BYTES + b"0" * (size - len(PDF_BYTES))
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def upload(client, pk, file, kind="bao_cao_thanh_tich"):
    return client.post(
        f"{API}/nominations/{pk}/documents/", {"kind": kind, "file": file}, format="multipart"
    )


def test_a_renamed_executable_is_refused_and_says_why(draft, as_user):
    fake = SimpleUploadedFile("bao-cao.pdf", EXE_BYTES, content_type="application/pdf")
    response = upload(as_user("staff"), draft.pk, fake)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_input"
    assert "PDF, DOCX, XLSX" in body["fields"]["file"][0]
    assert not draft.documents.exists()


def test_a_file_over_the_default_twenty_megabytes_is_refused(draft, as_user):
    assert settings.DOSSIER_MAX_UPLOAD_BYTES == 20 * 1024 * 1024
    response = upload(as_user("staff"), draft.pk, PDF(size=20 * 1024 * 1024 + 1))
    assert response.status_code == 400
    assert "20 MB" in response.json()["fields"]["file"][0]
    assert not draft.documents.exists()


def test_a_file_of_exactly_the_limit_is_accepted(draft, as_user, settings):
    settings.DOSSIER_MAX_UPLOAD_BYTES = 1024 * 1024
    assert upload(as_user("staff"), draft.pk, PDF(size=1024 * 1024)).status_code == 201


def test_a_valid_pdf_is_stored_and_downloadable_only_by_those_who_see_the_nomination(
    draft, as_user, people
):
    stored = upload(as_user("staff"), draft.pk, PDF("Báo cáo thành tích.pdf"))
    assert stored.status_code == 201
    doc = stored.json()
    assert doc["content_type"] == "application/pdf" and doc["size"] == len(PDF_BYTES)
    url = f"{API}/nominations/{draft.pk}/documents/{doc['id']}/download/"

    for name in ("staff", "head"):
        response = as_user(name).get(url)
        assert response.status_code == 200, name
        assert b"".join(response.streaming_content) == PDF_BYTES
        assert response["Content-Type"] == "application/pdf"
    # The body does not see a unit's draft; another unit never sees it.
    for name in ("reviewer", "director", "outsider_staff", "outsider_head"):
        response = as_user(name).get(url)
        assert response.status_code == 404, name
        assert response.json()["code"] == "not_found"

    listed = as_user("head").get(f"{API}/nominations/{draft.pk}/documents/").json()
    assert [d["name"] for d in listed] == ["Báo cáo thành tích.pdf"]
    assert (
        as_user("outsider_head").get(f"{API}/nominations/{draft.pk}/documents/").status_code == 404
    )

    trail = list(
        AuditRecord.objects.filter(nomination=draft).values_list("action", "actor_username")
    )
    assert ("upload_document", "staff") in trail
    assert trail.count(("document_download", "staff")) == 1
    assert trail.count(("document_download", "head")) == 1
    assert not any(actor == "reviewer" for _, actor in trail)


def test_once_submitted_the_reviewer_may_download_but_nobody_may_upload(draft, people, as_user):
    n = draft
    doc = upload(as_user("staff"), n.pk, PDF()).json()
    factories.complete_dossier(n, people["staff"])
    services.nomination_submit(user=people["head"], nomination_id=n.pk)
    url = f"{API}/nominations/{n.pk}/documents/{doc['id']}/download/"
    assert as_user("reviewer").get(url).status_code == 200
    assert upload(as_user("staff"), n.pk, PDF()).status_code == 409
    assert upload(as_user("reviewer"), n.pk, PDF()).status_code == 403


def test_the_unit_removes_a_document_while_it_may_edit(draft, as_user):
    doc = upload(as_user("staff"), draft.pk, PDF()).json()
    url = f"{API}/nominations/{draft.pk}/documents/{doc['id']}/"
    assert as_user("outsider_staff").delete(url).status_code == 404
    assert as_user("staff").delete(url).status_code == 204
    assert as_user("staff").get(f"{API}/nominations/{draft.pk}/documents/").json() == []
    assert as_user("staff").delete(url).status_code == 404


def test_a_holder_of_many_roles_downloads_and_the_trail_keeps_every_role(draft, as_user):
    from django.contrib.auth import get_user_model

    from approvals.roles import Role
    from approvals.services import role_grant

    many = get_user_model().objects.create_user(username="many-hats")
    for role in Role.values:
        role_grant(user=many, role=role)
    doc = upload(as_user("staff"), draft.pk, PDF()).json()
    response = as_user("many-hats").get(
        f"{API}/nominations/{draft.pk}/documents/{doc['id']}/download/"
    )
    assert response.status_code == 200
    record = AuditRecord.objects.get(action="document_download", actor_username="many-hats")
    assert sorted(record.data["roles"]) == sorted(Role.values)
