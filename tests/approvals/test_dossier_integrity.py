"""A dossier file changed on disk after its upload is never served as the original."""

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from approvals import dossier
from tests import factories
from tests.api.conftest import API
from workflow.models import AuditRecord, SecurityEvent

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

@pytest.fixture
def draft(org, people):
    """A draft whose dossier is still empty (the base fixture's is complete)."""
    return factories.new_draft(org, people, dossier=False)



@pytest.fixture
def stored(people, draft):
    return dossier.document_upload(user=people["staff"], nomination_id=draft.pk,
                                   kind="to_trinh", name="to-trinh.pdf", data=PDF)


def _alter(doc) -> None:
    Path(doc.file.path).write_bytes(PDF.replace(b"Catalog", b"Xatalog") + b"% changed\n")


def test_an_unchanged_file_is_served_with_its_bytes(people, draft, stored, client):
    client.force_login(people["staff"])
    response = client.get(f"/nominations/{draft.pk}/documents/{stored.pk}/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF


def test_a_file_altered_on_disk_is_refused_on_the_page_with_a_security_entry(
    people, draft, stored, client
):
    _alter(stored)
    client.force_login(people["staff"])
    downloads = AuditRecord.objects.filter(action="document_download").count()
    response = client.get(f"/nominations/{draft.pk}/documents/{stored.pk}/")
    assert response.status_code == 409
    assert "đã bị thay đổi" in response.content.decode()
    assert SecurityEvent.objects.filter(outcome="file_altered", action="document_download",
                                        nomination_id_attempted=draft.pk).count() == 1
    assert AuditRecord.objects.filter(action="document_download").count() == downloads


def test_a_file_altered_on_disk_is_refused_by_the_api(people, draft, stored):
    from rest_framework.test import APIClient

    _alter(stored)
    api = APIClient()
    api.force_authenticate(people["staff"])
    response = api.get(f"{API}/nominations/{draft.pk}/documents/{stored.pk}/download/")
    assert response.status_code == 409 and response.json()["code"] == "file_altered"


def test_a_missing_file_is_refused_too(people, draft, stored, client):
    Path(stored.file.path).unlink()
    client.force_login(people["staff"])
    response = client.get(f"/nominations/{draft.pk}/documents/{stored.pk}/")
    assert response.status_code == 409


def test_the_file_check_command_names_every_altered_or_missing_file(people, draft, stored):
    call_command("verify_dossier_files")  # all intact: no error
    _alter(stored)
    with pytest.raises(CommandError, match=f"#{stored.pk}"):
        call_command("verify_dossier_files")
