"""/api/v1/decisions/, /reports/, /upward-proposals/ and their files; the upward outcome."""

import io

from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from approvals.decision_documents import DOCX_TYPE, MOTTO, XLSX_TYPE
from approvals.models import Decision
from approvals.states import State
from tests.api.conftest import API


def _today() -> str:
    return timezone.localdate().isoformat()


def test_the_director_issues_a_decision_and_downloads_both_files(as_user, nomination_in):
    ns = [nomination_in(State.AWAITING_DIRECTOR, name=f"Người {i}") for i in range(3)]
    client = as_user("director")
    created = client.post(f"{API}/decisions/", {
        "number": "20/QĐ-THADS", "date": _today(), "place": "Hà Nội",
        "nominations": [n.pk for n in ns],
    }, format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["base_salary"] == 2_340_000 and body["total"] == 3 * 710_000
    assert {line["nominee_name"] for line in body["lines"]} == {"Người 0", "Người 1", "Người 2"}
    assert [d["number"] for d in client.get(f"{API}/decisions/").json()] == ["20/QĐ-THADS"]

    docx = client.get(f"{API}/decisions/{body['id']}/docx/")
    assert docx.status_code == 200 and docx["Content-Type"] == DOCX_TYPE
    text = "\n".join(p.text for p in Document(io.BytesIO(b"".join(docx.streaming_content)))
                     .paragraphs)
    assert "Người 1" in text and "710.000 đồng" in text
    xlsx = client.get(f"{API}/decisions/{body['id']}/xlsx/")
    assert xlsx["Content-Type"] == XLSX_TYPE
    rows = list(load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
                .iter_rows(values_only=True))
    assert rows[-1][6] == 2_130_000


def test_a_decision_by_another_role_is_refused_with_403(as_user, nomination_in):
    n = nomination_in(State.AWAITING_DIRECTOR)
    response = as_user("reviewer").post(f"{API}/decisions/", {
        "number": "1/QĐ", "date": _today(), "place": "Hà Nội", "nominations": [n.pk],
    }, format="json")
    assert response.status_code == 403
    assert not Decision.objects.exists()


def test_a_refused_nomination_answers_with_its_name_and_nothing_is_decided(
        as_user, nomination_in):
    ok = nomination_in(State.AWAITING_DIRECTOR)
    late = nomination_in(State.SUBMITTED, name="Đỗ Văn Em")
    response = as_user("director").post(f"{API}/decisions/", {
        "number": "1/QĐ", "date": _today(), "place": "Hà Nội", "nominations": [ok.pk, late.pk],
    }, format="json")
    assert response.status_code == 409
    assert "Đỗ Văn Em" in response.json()["message"]
    assert not Decision.objects.exists()


def test_a_bad_body_is_a_field_error(as_user, org):
    response = as_user("director").post(f"{API}/decisions/", {"number": "", "date": "x",
                                                               "nominations": []}, format="json")
    assert response.status_code == 400
    assert {"number", "date", "place", "nominations"} <= set(response.json()["fields"])


def test_a_decision_is_hidden_from_a_unit_outsider(as_user, people, nomination_in):
    n = nomination_in(State.AWAITING_DIRECTOR)
    created = as_user("director").post(f"{API}/decisions/", {
        "number": "1/QĐ", "date": _today(), "place": "Hà Nội", "nominations": [n.pk],
    }, format="json").json()
    assert as_user("outsider_staff").get(f"{API}/decisions/{created['id']}/").status_code == 404
    assert as_user("outsider_staff").get(f"{API}/decisions/{created['id']}/docx/").status_code \
        == 404


def test_the_liaison_reports_and_the_reviewer_proposes_upward_and_records_the_outcome(
        as_user, org, nomination_in):
    approved = nomination_in(State.APPROVED)
    report = as_user("liaison").post(f"{API}/reports/", {
        "number": "3/BC", "date": _today(), "place": "Hà Nội", "campaign": org["campaign"].pk,
        "nominations": [approved.pk],
    }, format="json")
    assert report.status_code == 201, report.json()
    assert report.json()["recipient"] == "Ban Thi đua - Khen thưởng tỉnh"
    docx = as_user("liaison").get(f"{API}/reports/{report.json()['id']}/docx/")
    text = "\n".join(
        p.text for t in Document(io.BytesIO(b"".join(docx.streaming_content))).tables
        for row in t.rows for c in row.cells for p in c.paragraphs)
    assert MOTTO in text and "Số: 3/BC" in text

    higher = nomination_in(State.APPROVED, award_code="bang-khen-chu-tich-tinh")
    reviewer = as_user("reviewer")
    proposal = reviewer.post(f"{API}/upward-proposals/", {
        "number": "4/TTr", "date": _today(), "place": "Hà Nội",
        "authority": "Chủ tịch UBND tỉnh", "nominations": [higher.pk],
    }, format="json")
    assert proposal.status_code == 201, proposal.json()
    outcome = reviewer.post(f"{API}/nominations/{higher.pk}/upward-outcome/", {
        "conferred": True, "decision_number": "77/QĐ-UBND", "decision_date": _today(),
    }, format="json")
    assert outcome.status_code == 200, outcome.json()
    assert outcome.json()["outcome"] == "conferred"
    history = reviewer.get(f"{API}/persons/{higher.nominee_person_id}/history/").json()
    entry = next(c for c in history if c["nomination"] == higher.pk)
    assert (entry["outcome"], entry["held"], entry["decision_number"]) == (
        "conferred", True, "77/QĐ-UBND")
