"""The inbox's and the nomination list's rows, written in Python (approvals/templatetags/rows.py):
the same cells, links, forms and words as the pages had from their templates."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from approvals.idempotency import FORM_TOKEN_FIELD
from approvals.models import Unit
from approvals.states import State
from tests import factories

pytestmark = pytest.mark.usefixtures("consistent")


def row_of(html: str, n) -> str:
    match = re.search(rf'<tr data-nomination="{n.pk}"[^>]*>.*?</tr>', html, re.S)
    assert match, f"no row for #{n.pk}"
    return match.group(0)


def test_a_queue_row_links_the_nomination_and_offers_a_claim_form_with_its_tokens(
        login, nomination_in):
    n = nomination_in(State.SUBMITTED, name="Trần Thị Bình")
    html = login("reviewer").get(reverse("inbox"), {"tab": "queue"}).content.decode()
    row = row_of(html, n)
    detail = reverse("nomination-detail", args=[n.pk])
    assert f'<a href="{detail}">#{n.pk} Trần Thị Bình</a>' in row
    assert 'aria-label="Chọn đề nghị Trần Thị Bình"' in row
    claim = reverse("nomination-action", args=[n.pk, "claim"])
    form = re.search(rf'<form method="post" action="{claim}">.*?</form>', row, re.S).group(0)
    assert 'name="csrfmiddlewaretoken" value="' in form and f'name="{FORM_TOKEN_FIELD}"' in form
    assert 'name="next" value="/inbox/?tab=queue"' in form and "Nhận xử lý" in form
    assert "Trả lại hàng chờ" not in row


def test_a_claimed_row_offers_release_under_mine_and_no_claim(login, nomination_in):
    n = nomination_in(State.IN_REVIEW)
    row = row_of(login("reviewer").get(reverse("inbox"), {"tab": "mine"}).content.decode(), n)
    assert "Trả lại hàng chờ" in row and 'value="/inbox/?tab=mine"' in row
    assert "Nhận xử lý" not in row
    assert "<td>reviewer" in row  # the holder


def test_each_claim_form_has_its_own_one_time_token(login, nomination_in):
    for i in range(2):
        nomination_in(State.SUBMITTED, name=f"Người {i}")
    html = login("reviewer").get(reverse("inbox"), {"tab": "queue"}).content.decode()
    tokens = re.findall(rf'name="{FORM_TOKEN_FIELD}" value="(\w+)"', html)
    assert len(tokens) == 3 and len(set(tokens)) == 3  # the bulk form and two rows


def test_an_overdue_row_is_marked_with_its_due_date_and_working_days_waited(
        login, nomination_in):
    n = factories.backdate_clock(nomination_in(State.SUBMITTED), 40)
    response = login("reviewer").get(reverse("inbox"), {"tab": "queue"})
    d = response.context["rows"][0].deadline
    row = row_of(response.content.decode(), n)
    assert row.startswith(f'<tr data-nomination="{n.pk}" class="is-overdue">')
    assert f'<time datetime="{d.due:%Y-%m-%d}">{d.due:%d/%m/%Y}</time>' in row
    assert 'data-deadline-status="overdue"' in row and "Quá hạn" in row
    assert f'data-waited="{d.waited}"' in row and f"{d.waited} ngày làm việc" in row


def test_a_row_on_time_is_not_marked_overdue(login, nomination_in):
    n = nomination_in(State.SUBMITTED)
    row = row_of(login("reviewer").get(reverse("inbox"), {"tab": "queue"}).content.decode(), n)
    assert 'class="is-overdue"' not in row and 'data-deadline-status="on_time"' in row


def test_a_name_with_html_is_shown_as_text_in_the_inbox_and_the_list(login, nomination_in):
    n = nomination_in(State.SUBMITTED, name='<b onclick="x()">An</b>')
    client = login("reviewer")
    for url, params in ((reverse("inbox"), {"tab": "queue"}), (reverse("nomination-list"), {})):
        row = row_of(client.get(url, params).content.decode(), n)
        assert "<b onclick" not in row and "&lt;b onclick=&quot;x()&quot;&gt;An&lt;/b&gt;" in row


def test_the_rows_speak_english_when_english_is_chosen(login, nomination_in):
    n = nomination_in(State.SUBMITTED, name="Lê Văn Cường")
    client = login("reviewer")
    client.post(reverse("set_language"), {"language": "en", "next": "/inbox/"})
    row = row_of(client.get(reverse("inbox"), {"tab": "queue"}).content.decode(), n)
    assert "Claim" in row and 'aria-label="Select nomination Lê Văn Cường"' in row
    assert "Nhận xử lý" not in row


def test_the_list_row_shows_the_date_drafted_and_no_action_forms(login, nomination_in):
    n = nomination_in(State.SUBMITTED)
    row = row_of(login("reviewer").get(reverse("nomination-list")).content.decode(), n)
    assert f"<td>{timezone.localtime(n.created_at):%d/%m/%Y}</td>" in row
    assert "<form" not in row and "ngày làm việc" in row


def test_a_refused_bulk_request_keeps_the_chosen_rows_ticked(login, nomination_in):
    chosen, other = (nomination_in(State.AWAITING_DIRECTOR, name=f"Người {i}") for i in range(2))
    response = login("director").post(reverse("inbox-bulk") + "?tab=queue", {
        "action": "approve", "ids": [chosen.pk],  # no decision number: refused
    })
    assert response.status_code == 400
    html = response.content.decode()
    assert f'value="{chosen.pk}" form="bulk-form"' in row_of(html, chosen)
    assert " checked>" in row_of(html, chosen) and " checked>" not in row_of(html, other)


def test_the_unit_filter_lists_every_unit_with_the_chosen_one_selected(login, org, nomination_in):
    nomination_in(State.SUBMITTED)
    unit = org["a"]
    html = login("reviewer").get(reverse("inbox"), {"unit": unit.pk}).content.decode()
    select = re.search(r'<select id="f-unit".*?</select>', html, re.S).group(0)
    assert f'<option value="{unit.pk}" selected>{unit.name}</option>' in select
    assert select.count("<option") == 1 + Unit.objects.count()  # "Tất cả" and each unit
    assert select.count(" selected") == 1


def test_the_unit_filter_shows_english_names_on_an_english_page_and_vietnamese_otherwise(
    login, org, nomination_in
):
    nomination_in(State.SUBMITTED)
    named, unnamed = org["a"], Unit.objects.exclude(pk=org["a"].pk).first()
    Unit.objects.filter(pk=named.pk).update(name_en="Finance Office")
    Unit.objects.filter(pk=unnamed.pk).update(name_en="")
    client = login("reviewer")

    def unit_select() -> str:
        html = client.get(reverse("inbox")).content.decode()
        return re.search(r'<select id="f-unit".*?</select>', html, re.S).group(0)

    vietnamese = unit_select()
    assert f'<option value="{named.pk}">{named.name}</option>' in vietnamese
    assert "Finance Office" not in vietnamese
    client.cookies["django_language"] = "en"
    english = unit_select()
    assert f'<option value="{named.pk}">Finance Office</option>' in english
    assert f'<option value="{unnamed.pk}">{unnamed.name}</option>' in english
