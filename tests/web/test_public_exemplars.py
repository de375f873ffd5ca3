"""The public page of exemplars needs no sign-in and shows published exemplars only, with
their public fields only; every other page stays behind the sign-in. The staff's page of
exemplars, the revocation form, and what the history, the person's page and the exports
show of a revoked award."""

import io
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from docx import Document

from approvals.exemplars import exemplar_decline, exemplar_propose, exemplar_publish
from approvals.models import DossierDocument, Exemplar, Nomination
from approvals.states import State
from tests import factories
from tests.web.test_audit_history import csv_rows, xlsx_rows

STORY = "Anh là tấm gương sáng về tinh thần trách nhiệm."
PUBLIC = {"exemplar-public-list", "exemplar-public-detail"}


def published(people, n, story=STORY):
    e = exemplar_propose(user=people["reviewer"], nomination_id=n.pk, story=story)
    return exemplar_publish(user=people["director"], exemplar_id=e.pk)


@pytest.fixture
def three(org, people, nomination_in):
    """A published exemplar, a proposed one and a declined one."""
    huong = factories.qualify(factories.member(org["a"], "Nguyễn Thị Hương", gender="female"),
                              org["campaign"].year)
    shown = published(people, nomination_in(State.REPORTED, person=huong))
    proposed = exemplar_propose(user=people["reviewer"], story="Đang chờ công bố.",
                                nomination_id=nomination_in(State.APPROVED, name="Chờ Duyệt").pk)
    declined = exemplar_propose(user=people["reviewer"], story="Không được công bố.",
                                nomination_id=nomination_in(State.APPROVED, name="Bị Từ Chối").pk)
    exemplar_decline(user=people["director"], exemplar_id=declined.pk, reason="Chưa đủ")
    return shown, proposed, declined


def test_anonymous_visitors_see_only_published_exemplars(client, three):
    shown, proposed, declined = three
    response = client.get(reverse("exemplar-public-list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nguyễn Thị Hương" in html and STORY in html
    assert "Chờ Duyệt" not in html and "Đang chờ công bố." not in html
    assert "Bị Từ Chối" not in html and "Không được công bố." not in html
    assert client.get(reverse("exemplar-public-detail", args=[shown.pk])).status_code == 200
    for hidden in (proposed, declined):
        assert client.get(reverse("exemplar-public-detail", args=[hidden.pk])).status_code == 404
    assert client.get(reverse("exemplar-public-detail", args=[10**9])).status_code == 404


def test_the_public_search_finds_a_name_typed_without_accents(client, three, people,
                                                              nomination_in):
    published(people, nomination_in(State.APPROVED, name="Trần Văn Khoa"))
    html = client.get(reverse("exemplar-public-list"), {"q": "nguyen thi huong"}).content.decode()
    assert "Nguyễn Thị Hương" in html and "Trần Văn Khoa" not in html
    html = client.get(reverse("exemplar-public-list"), {"q": "zzz"}).content.decode()
    assert "Nguyễn Thị Hương" not in html


def test_a_bad_filter_is_a_message_not_an_error(client, three):
    response = client.get(reverse("exemplar-public-list"), {"year": "abc", "q": "x\x00"})
    assert response.status_code == 200
    assert "Nguyễn Thị Hương" in response.content.decode()


def test_the_public_pages_show_no_rating_no_dossier_and_no_link_inside(client, three):
    shown, _, _ = three
    n = shown.nomination
    DossierDocument.objects.filter(nomination=n).update(original_name="bien-ban-hop.pdf")
    for url in (reverse("exemplar-public-list"), reverse("exemplar-public-detail",
                                                         args=[shown.pk])):
        html = client.get(url).content.decode()
        hrefs = re.findall(r'href="([^"]+)"', html)
        assert hrefs and all(h.startswith(("/dien-hinh/", "/static/")) for h in hrefs), hrefs
        # No rating, no achievements, no position, no decision, no dossier, no staff.
        for private in ("excellent", "Hoàn thành xuất sắc", "Chấp hành viên", n.decision_number,
                        "bien-ban-hop.pdf", "/nominations/", "/register/", "reviewer",
                        "director", "csrfmiddlewaretoken", "Đăng xuất"):
            assert private not in html, private


def _urls(resolver=None, prefix=""):
    """Every named page of the site (not the admin, not the API), with its route."""
    for p in (resolver or get_resolver()).url_patterns:
        if isinstance(p, URLResolver):
            if str(p.pattern) in ("admin/", "api/v1/"):
                continue
            yield from _urls(p, prefix + str(p.pattern))
        elif isinstance(p, URLPattern) and p.name:
            yield p.name, prefix + str(p.pattern)


def test_anonymous_visitors_reach_no_other_page(client, three, people, nomination_in):
    """Every page but the public ones, the sign-in and the language switch sends an
    anonymous visitor to the sign-in (or is missing for them): the nominations, their
    documents, the register, the staff's exemplars and the compilation among them."""
    n = nomination_in(State.APPROVED)
    doc = DossierDocument.objects.filter(nomination=n).first()
    ids = {"pk": n.pk, "doc_pk": doc.pk}
    seen = set()
    for name, route in _urls():
        if name in PUBLIC | {"login", "logout", "set_language"}:
            continue
        path = "/" + re.sub(r"<(?:(\w+):)?(\w+)>", lambda m: str(ids.get(m[2], "x"))
                            if m[1] != "int" else str(ids.get(m[2], n.pk)), route)
        for method in (client.get, client.post):
            response = method(path)
            assert response.status_code in (302, 404, 405), (name, path, response.status_code)
            if response.status_code == 302:
                assert response["Location"].startswith(reverse("login")), (name, path)
        seen.add(name)
    assert {"nomination-detail", "document-download", "register-person", "exemplars",
            "exemplar-compilation", "exemplar-publish", "audit-history", "inbox"} <= seen


def test_the_api_of_nominations_stays_closed_to_anonymous_callers(client, three):
    shown, proposed, _ = three
    assert client.get(f"/api/v1/nominations/{shown.nomination_id}/").status_code == 401
    assert client.get("/api/v1/exemplars/").status_code == 401
    assert client.get("/api/v1/public/exemplars/").status_code == 200


def test_the_public_list_runs_a_fixed_number_of_queries(client, org, people, nomination_in):
    published(people, nomination_in(State.APPROVED, name="Một"))
    with CaptureQueriesContext(connection) as one:
        assert client.get(reverse("exemplar-public-list")).status_code == 200
    for i in range(5):
        published(people, nomination_in(State.APPROVED, name=f"Người {i}",
                                        unit="b" if i % 2 else "a"))
    with CaptureQueriesContext(connection) as six:
        html = client.get(reverse("exemplar-public-list")).content.decode()
    assert html.count('data-testid="exemplar"') == 6
    assert len(one) == len(six) == 2  # the exemplars, and the filters' years and units


# --- the staff's page ----------------------------------------------------------------


def test_the_reviewer_proposes_and_the_director_publishes_on_the_staff_page(
    login, people, nomination_in
):
    n = nomination_in(State.APPROVED)
    response = login("reviewer").post(reverse("exemplars"),
                                      {"nomination": n.pk, "story": STORY})
    assert response.status_code == 302
    e = Exemplar.objects.get(nomination=n)
    client = login("director")
    html = client.get(reverse("exemplars")).content.decode()
    assert STORY in html and 'data-testid="publish"' in html
    assert client.post(reverse("exemplar-publish", args=[e.pk])).status_code == 302
    e.refresh_from_db()
    assert e.status == Exemplar.Status.PUBLISHED
    assert n.nominee_name in Client().get(reverse("exemplar-public-list")).content.decode()


def test_the_staff_page_refuses_a_proposal_from_the_director(login, people, nomination_in):
    n = nomination_in(State.APPROVED)
    response = login("director").post(reverse("exemplars"), {"nomination": n.pk, "story": STORY})
    assert response.status_code == 403
    assert not Exemplar.objects.exists()


def test_the_compilation_downloads_as_docx_for_the_body_only(login, org, people, nomination_in):
    published(people, nomination_in(State.APPROVED, name="Hà Thị Thu"))
    year = org["campaign"].year
    response = login("director").get(reverse("exemplar-compilation"), {"year": year})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    doc = Document(io.BytesIO(response.content))
    assert any("Hà Thị Thu" in p.text for p in doc.paragraphs)
    assert login("head").get(reverse("exemplar-compilation"), {"year": year}).status_code == 403


# --- revocation on the web: the form, the history, the person's page, the exports ----------


def test_the_director_revokes_on_the_nomination_page_and_everything_shows_it(
    login, people, nomination_in
):
    n = nomination_in(State.REPORTED)
    client = login("director")
    page = client.get(reverse("nomination-detail", args=[n.pk])).content.decode()
    assert "Thu hồi / hủy bỏ khen thưởng" in page
    url = reverse("nomination-action", args=[n.pk, "revoke"])
    form = {"revocation_number": "7/QĐ-THKT",
            "revocation_date": timezone.localdate().strftime("%d/%m/%Y")}
    assert client.post(url, {**form, "comment": ""}).status_code == 400
    assert Nomination.objects.get(pk=n.pk).state == State.REPORTED
    assert client.post(url, {**form, "comment": "Khai man hồ sơ"}).status_code == 302
    assert Nomination.objects.get(pk=n.pk).state == State.REVOKED

    page = client.get(reverse("nomination-detail", args=[n.pk])).content.decode()
    assert "Đã thu hồi / hủy bỏ khen thưởng" in page and "Khai man hồ sơ" in page
    person = login("reviewer").get(reverse("register-person", args=[n.nominee_person_id]))
    html = person.content.decode()
    assert 'data-testid="revoked"' in html and "7/QĐ-THKT" in html

    auditor = login("auditor")
    for rows in (csv_rows(auditor), xlsx_rows(auditor)):
        [row] = [r for r in rows if r["Mã thao tác"] == "revoke"]
        assert row["Thao tác"] == "Thu hồi / hủy bỏ khen thưởng"
        assert row["Sang trạng thái"] == "Đã thu hồi / hủy bỏ khen thưởng"
        assert row["Ý kiến"] == "Khai man hồ sơ" and row["Vai trò"].startswith("Thủ trưởng")


def test_the_revocation_form_is_refused_to_the_reviewer(login, nomination_in):
    n = nomination_in(State.APPROVED)
    response = login("reviewer").post(
        reverse("nomination-action", args=[n.pk, "revoke"]),
        {"revocation_number": "7/QĐ", "revocation_date": timezone.localdate().strftime("%d/%m/%Y"),
         "comment": "Khai man"})
    assert response.status_code == 403
    assert Nomination.objects.get(pk=n.pk).state == State.APPROVED
