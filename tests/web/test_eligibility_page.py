"""The draft page shows, live, which rules pass or fail and why, with the article; the
override of a soft fail is offered only when there is one to confirm; a submit refused by
the law says why."""

from django.urls import reverse

from approvals.models import Nomination, YearRating
from approvals.states import State
from tests import factories


def _page(client, n) -> str:
    return client.get(reverse("nomination-detail", args=[n.pk])).content.decode()


def test_the_draft_page_shows_each_rule_its_outcome_why_and_its_article(org, people, login):
    n = factories.new_draft(org, people)
    YearRating.objects.filter(person_id=n.nominee_person_id).update(rating="completed")
    page = _page(login("staff"), n)
    assert 'data-testid="eligibility"' in page
    assert "Bộ quy tắc áp dụng: R2025" in page
    assert 'data-check="ldtt_rating" data-outcome="fail"' in page
    assert f"Năm {n.year} xếp loại “Hoàn thành nhiệm vụ”" in page
    assert "Luật TĐKT 2022, Điều 24" in page
    assert 'data-check="months_worked" data-outcome="pass"' in page


def test_a_submit_refused_by_the_law_says_which_rule_and_keeps_the_draft(org, people, login):
    n = factories.new_draft(org, people, dossier=False)
    client = login("head")
    response = client.post(reverse("nomination-action", args=[n.pk, "submit"]), {"comment": ""},
                           follow=True)
    assert "Hồ sơ còn thiếu: Tờ trình đề nghị, Báo cáo thành tích." in response.content.decode()
    assert Nomination.objects.get(pk=n.pk).state == State.DRAFT


def test_the_override_is_offered_only_when_a_soft_fail_waits_for_confirmation(
    org, people, login, nomination_in
):
    n = nomination_in(State.IN_REVIEW)
    assert 'data-action="override_soft_fail"' not in _page(login("reviewer"), n)
