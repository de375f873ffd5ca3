"""Control characters and deep JSON are refused at the edge with a clear 400, never a 500."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.test import APIClient

from approvals.states import State
from tests.api.conftest import API
from tests.factories import member
from workflow.audit import audit_append
from workflow.models import AuditRecord

BAD = ["a\x00b", "a\x01b", "a\x1bb", "a\x7fb"]


@pytest.mark.parametrize("text", BAD, ids=["nul", "soh", "esc", "del"])
def test_control_characters_in_web_filters_are_a_field_error(login, text):
    reviewer, auditor = login("reviewer"), login("auditor")
    for client, page, field in ((reviewer, "inbox", "q"), (reviewer, "nomination-list", "q"),
                                (auditor, "audit-history", "actor")):
        response = client.get(reverse(page), {field: text})
        assert response.status_code == 400, (page, response.status_code)
        assert "Có ký tự không hợp lệ." in response.content.decode()


@pytest.mark.parametrize("text", BAD, ids=["nul", "soh", "esc", "del"])
def test_control_characters_in_a_web_comment_are_refused_and_nothing_changes(
    login, nomination_in, text
):
    n = nomination_in(State.IN_REVIEW)
    records = AuditRecord.objects.count()
    response = login("reviewer").post(
        reverse("nomination-action", args=[n.pk, "reject"]), {"comment": f"Không đạt {text}"}
    )
    assert response.status_code == 400 and "Có ký tự không hợp lệ." in response.content.decode()
    assert AuditRecord.objects.count() == records


def test_control_characters_in_a_document_removal_comment_are_refused(login, people, draft):
    from approvals import dossier

    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    doc = dossier.document_upload(user=people["staff"], nomination_id=draft.pk,
                                  kind="to_trinh", name="a.pdf", data=pdf)
    response = login("staff").post(
        reverse("document-remove", args=[draft.pk, doc.pk]), {"comment": "nhầm\x00"}
    )
    assert response.status_code == 400
    doc.refresh_from_db()
    assert doc.removed_at is None


@pytest.mark.parametrize("text", ["An\x00", "An\x02"], ids=["nul", "stx"])
def test_control_characters_in_the_nomination_form_are_refused(login, org, text):
    from approvals.models import Award

    response = login("staff").post(reverse("nomination-create"), {
        "unit": org["a"].pk, "campaign": org["campaign"].pk,
        "award": Award.objects.get(code="lao-dong-tien-tien").pk,
        "nominee_person": member(org["a"]).pk, "nominee_title": f"Chấp hành viên {text}",
    })
    assert response.status_code == 400


@pytest.mark.parametrize("text", ["a\x00", "a\x03"], ids=["nul", "etx"])
def test_control_characters_in_the_api_are_a_field_error(people, nomination_in, org, text):
    from approvals.models import Award

    n = nomination_in(State.IN_REVIEW)
    api = APIClient()
    api.force_authenticate(people["reviewer"])
    action = api.post(f"{API}/nominations/{n.pk}/actions/reject/", {"comment": text},
                      format="json")
    assert action.status_code == 400 and "comment" in action.json()["fields"]
    listed = api.get(f"{API}/nominations/", {"q": text})
    assert listed.status_code == 400 and "q" in listed.json()["fields"]
    api.force_authenticate(people["staff"])
    created = api.post(f"{API}/nominations/", {
        "unit": org["a"].pk, "campaign": org["campaign"].pk,
        "award": Award.objects.get(code="lao-dong-tien-tien").pk,
        "nominee_person": member(org["a"]).pk, "nominee_title": text,
    }, format="json")
    assert created.status_code == 400 and "nominee_title" in created.json()["fields"]


def _nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


@pytest.mark.parametrize("path", ["/auth/token/", "/nominations/bulk-actions/"])
def test_deeply_nested_json_is_a_400_in_the_usual_error_body(people, path):
    api = APIClient()
    api.force_authenticate(people["reviewer"])
    response = api.post(f"{API}{path}", data=_nested(1000), content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def test_modestly_nested_json_is_still_read(people):
    api = APIClient()
    api.force_authenticate(people["reviewer"])
    body = b'{"action": "claim", "nomination_ids": [[[1]]]}'
    response = api.post(f"{API}/nominations/bulk-actions/", data=body,
                        content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "invalid_input"


def test_a_control_character_already_in_the_history_does_not_break_the_xlsx_export(
    login, people, draft
):
    audit_append(nomination=draft, actor=people["staff"], role="unit_staff", action="edit",
                 from_state="draft", to_state="draft", comment="cũ\x01\x0bcòn")
    response = login("auditor").get(reverse("audit-export-xlsx"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert any("cũcòn" in str(cell.value) for row in sheet.iter_rows() for cell in row)
