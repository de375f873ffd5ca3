"""The pages of the issued documents: the Director chooses from what waits for them, issues
one decision and downloads its files; the reviewer records an upward outcome."""

import io

from django.urls import reverse
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from approvals.decisions import decision_create
from approvals.models import Decision, Nomination, UpwardLine
from approvals.states import State


def _today() -> str:
    return timezone.localdate().strftime("%d/%m/%Y")


def test_the_director_issues_a_decision_from_the_inbox_page_and_downloads_it(
        login, nomination_in):
    ns = [nomination_in(State.AWAITING_DIRECTOR, name=f"Người {i}") for i in range(3)]
    client = login("director")
    inbox = client.get(reverse("inbox")).content.decode()
    assert reverse("document-new", args=["decision"]) in inbox
    page = client.get(reverse("document-new", args=["decision"])).content.decode()
    assert all(f'value="{n.pk}"' in page for n in ns)
    response = client.post(reverse("document-new", args=["decision"]), {
        "number": "30/QĐ-THADS", "date": _today(), "place": "Hà Nội",
        "nominations": [n.pk for n in ns],
    })
    decision = Decision.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("document-detail", args=["decision", decision.pk])
    assert set(Nomination.objects.values_list("state", flat=True)) == {State.APPROVED}
    detail = client.get(response["Location"]).content.decode()
    assert "30/QĐ-THADS" in detail and "2.130.000" in detail
    docx = client.get(reverse("document-file", args=["decision", decision.pk, "docx"]))
    assert "Độc lập - Tự do - Hạnh phúc" in "\n".join(
        p.text for t in Document(io.BytesIO(docx.content)).tables
        for row in t.rows for c in row.cells for p in c.paragraphs)
    xlsx = client.get(reverse("document-file", args=["decision", decision.pk, "xlsx"]))
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    assert rows[-1][6] == 2_130_000


def test_a_refused_decision_shows_the_nomination_that_refused_it(login, nomination_in):
    n = nomination_in(State.AWAITING_DIRECTOR, name="Hoàng Văn Giang")
    response = login("director").post(reverse("document-new", args=["decision"]), {
        "number": "1/QĐ", "date": "01/01/2099", "place": "Hà Nội", "nominations": [n.pk],
    })
    assert response.status_code == 400
    assert "Ngày văn bản không được ở tương lai." in response.content.decode()
    assert not Decision.objects.exists()


def test_someone_else_sees_no_decision_link_and_the_page_offers_nothing(login, nomination_in):
    nomination_in(State.AWAITING_DIRECTOR)
    client = login("reviewer")
    assert reverse("document-new", args=["decision"]) not in client.get(
        reverse("inbox")).content.decode()
    page = client.get(reverse("document-new", args=["decision"]))
    assert 'name="nominations" value=' not in page.content.decode()


def test_the_reviewer_records_the_upward_outcome_on_the_proposal_page(login, nomination_in):
    n = nomination_in(State.APPROVED, award_code="bang-khen-chu-tich-tinh")
    client = login("reviewer")
    created = client.post(reverse("document-new", args=["upward"]), {
        "number": "8/TTr", "date": _today(), "place": "Hà Nội",
        "authority": "Chủ tịch UBND tỉnh", "nominations": [n.pk],
    })
    assert created.status_code == 302
    page = client.get(created["Location"]).content.decode()
    assert reverse("upward-outcome", args=[n.pk]) in page
    done = client.post(reverse("upward-outcome", args=[n.pk]), {
        "conferred": "true", "decision_number": "55/QĐ-UBND", "decision_date": _today(),
    })
    assert done.status_code == 302 and done["Location"] == created["Location"]
    assert UpwardLine.objects.get().outcome == "conferred"
    person = client.get(reverse("register-person", args=[n.nominee_person_id])).content.decode()
    assert "55/QĐ-UBND" in person and 'data-outcome="conferred"' in person


def test_a_hidden_document_is_a_404(login, nomination_in, people):
    n = nomination_in(State.AWAITING_DIRECTOR)
    d = decision_create(user=people["director"], number="1/QĐ", date=timezone.localdate(),
                        place="Hà Nội", nomination_ids=[n.pk])
    client = login("outsider_staff")
    assert client.get(reverse("document-detail", args=["decision", d.pk])).status_code == 404
    assert client.get(reverse("document-file", args=["decision", d.pk, "docx"])).status_code == 404
    assert client.get(reverse("document-detail", args=["nothing", d.pk])).status_code == 404
