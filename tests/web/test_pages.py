import pytest
from django.urls import reverse
from django.utils import timezone

from approvals.models import Nomination
from approvals.states import State
from tests import factories
from tests.factories import member
from workflow.models import AuditRecord

pytestmark = pytest.mark.usefixtures("consistent")


def detail(n):
    return reverse("nomination-detail", args=[n.pk])


def fresh(n):
    return Nomination.objects.get(pk=n.pk)


def act(n, action):
    return reverse("nomination-action", args=[n.pk, action])


def test_the_home_page_sends_a_signed_in_user_to_the_inbox(login):
    response = login("staff").get("/")
    assert response.status_code == 302 and response["Location"] == reverse("inbox")


def test_an_anonymous_visitor_is_sent_to_the_login_page(client, db):
    response = client.get(reverse("inbox"))
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_the_header_shows_the_user_their_roles_and_units(login):
    html = login("head").get(reverse("inbox")).content.decode()
    assert "Thủ trưởng đơn vị – Đơn vị A" in html
    assert 'data-inbox-count="queue"' in html and 'id="inbox-rows"' in html


def test_the_inbox_lists_the_queue_with_counts_and_waiting_time(login, nomination_in):
    n = nomination_in(State.SUBMITTED)
    response = login("reviewer").get(reverse("inbox"), {"tab": "queue"})
    assert response.status_code == 200
    assert response.context["counts"] == {"mine": 0, "queue": 1, "done": 0}
    assert [r.pk for r in response.context["rows"]] == [n.pk]
    assert "Nhận xử lý" in response.content.decode()


def test_the_inbox_rows_partial_renders_only_the_rows(login, nomination_in):
    nomination_in(State.SUBMITTED)
    response = login("reviewer").get(reverse("inbox"), {"tab": "queue", "partial": "rows"})
    html = response.content.decode()
    assert "<table" in html and "<html" not in html


def test_the_inbox_filters_by_overdue_and_sorts_by_deadline(login, nomination_in):
    new = nomination_in(State.SUBMITTED, name="Mới")
    old = factories.backdate_clock(nomination_in(State.SUBMITTED, name="Cũ"), 40)
    client = login("reviewer")
    rows = client.get(reverse("inbox"), {"tab": "queue", "order": "deadline"}).context["rows"]
    assert [r.pk for r in rows] == [old.pk, new.pk]
    assert rows[0].overdue and not rows[1].overdue
    overdue = client.get(reverse("inbox"), {"tab": "queue", "overdue": "1"}).context["rows"]
    assert [r.pk for r in overdue] == [old.pk]


def test_a_reviewer_claims_from_the_list_and_returns_to_the_inbox(login, nomination_in):
    n = nomination_in(State.SUBMITTED)
    response = login("reviewer").post(act(n, "claim"), {"next": "/inbox/?tab=queue"})
    assert response.status_code == 302 and response["Location"] == "/inbox/?tab=queue"
    n = fresh(n)
    assert n.state == State.IN_REVIEW


def test_a_next_url_to_another_site_is_ignored(login, nomination_in):
    n = nomination_in(State.SUBMITTED)
    response = login("reviewer").post(act(n, "claim"), {"next": "https://evil.example/"})
    assert response["Location"] == detail(n)


def test_a_user_of_another_unit_gets_404_for_a_draft(login, draft):
    assert login("outsider_staff").get(detail(draft)).status_code == 404
    assert login("outsider_head").get(reverse("nomination-edit", args=[draft.pk])).status_code \
        == 404


def test_a_reviewer_does_not_see_a_draft_either(login, draft):
    assert login("reviewer").get(detail(draft)).status_code == 404


def test_the_unit_head_sees_submit_and_withdraw_but_the_staff_does_not(login, draft):
    head_actions = [a["name"] for a in login("head").get(detail(draft)).context["actions"]]
    assert head_actions == ["submit", "withdraw"]
    staff = login("staff").get(detail(draft))
    assert staff.context["actions"] == [] and staff.context["can_edit"]


def test_the_detail_shows_the_missing_dossier_documents(login, org, people):
    draft = factories.new_draft(org, people, dossier=False)
    response = login("staff").get(detail(draft))
    assert [c["kind"] for c in response.context["missing"]] == ["to_trinh", "bao_cao_thanh_tich"]
    assert "còn thiếu" in response.content.decode()


def test_staff_cannot_submit_and_is_told_why_in_vietnamese(login, draft):
    response = login("staff").post(act(draft, "submit"))
    assert response.status_code == 403
    assert "Bạn không có vai trò được phép" in response.content.decode()
    draft = fresh(draft)
    assert draft.state == State.DRAFT


def test_claiming_twice_is_a_conflict_shown_on_the_page(login, nomination_in):
    n = nomination_in(State.IN_REVIEW)
    response = login("reviewer").post(act(n, "claim"))
    assert response.status_code == 409
    assert "Không thể “Nhận xử lý”" in response.content.decode()


def test_recommending_a_voted_award_to_the_director_shows_the_rule(login, nomination_in):
    n = nomination_in(State.IN_REVIEW, award_code="chien-si-thi-dua-co-so")
    response = login("reviewer").post(act(n, "recommend"), {"to": "director"})
    assert response.status_code == 422
    assert "phải được Hội đồng Thi đua - Khen thưởng bỏ phiếu" in response.content.decode()


def test_an_approval_without_a_decision_number_keeps_the_input(login, nomination_in):
    n = nomination_in(State.AWAITING_DIRECTOR)
    response = login("director").post(
        act(n, "approve"), {"decision_number": "", "decision_date": "01/01/2020",
                            "comment": "Đồng ý <giữ nguyên>"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Vui lòng nhập “Số quyết định”" in html
    assert 'value="01/01/2020"' in html and "Đồng ý &lt;giữ nguyên&gt;" in html


def test_the_director_approves_with_a_decision_number(login, nomination_in):
    n = nomination_in(State.AWAITING_DIRECTOR)
    response = login("director").post(
        act(n, "approve"),
        {"decision_number": "12/QĐ", "decision_date": timezone.localdate().strftime("%d/%m/%Y")},
    )
    assert response.status_code == 302
    n = fresh(n)
    assert n.state == State.APPROVED and n.decision_number == "12/QĐ"


def test_an_unknown_action_is_404(login, draft):
    assert login("head").post(act(draft, "explode")).status_code == 404


def test_a_comment_with_html_is_shown_as_text(login, nomination_in):
    n = nomination_in(State.IN_REVIEW)
    login("reviewer").post(act(n, "return"), {"comment": "<script>alert(1)</script>"})
    html = login("staff").get(detail(n)).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_timeline_lists_who_did_what(login, nomination_in):
    n = nomination_in(State.IN_REVIEW)
    response = login("head").get(detail(n))
    assert [r.action for r in response.context["history"]] == ["create", "submit", "claim"]


def test_staff_creates_a_draft_from_the_form(login, org):
    from tests.factories import award

    response = login("staff").post(reverse("nomination-create"), {
        "unit": org["a"].pk, "campaign": org["campaign"].pk, "award": award().pk,
        "nominee_person": member(org["a"], "Trần Thị Bình").pk, "nominee_title": "Chấp hành viên",
        "achievements": "Hoàn thành tốt.",
    })
    n = Nomination.objects.get(nominee_name="Trần Thị Bình")
    assert response.status_code == 302 and response["Location"] == detail(n)
    assert n.state == State.DRAFT and n.unit == org["a"]


def test_staff_cannot_create_for_another_unit(login, org):
    from tests.factories import award

    response = login("staff").post(reverse("nomination-create"), {
        "unit": org["b"].pk, "campaign": org["campaign"].pk, "award": award().pk,
        "nominee_person": member(org["b"], "Người ngoài").pk, "achievements": "Ngoài đơn vị",
    })
    assert response.status_code == 400
    assert not Nomination.objects.filter(nominee_name="Người ngoài").exists()
    assert "Ngoài đơn vị</textarea>" in response.content.decode()


def test_staff_edits_a_draft_and_the_change_is_recorded(login, draft):
    response = login("staff").post(reverse("nomination-edit", args=[draft.pk]), {
        "campaign": draft.campaign_id, "award": draft.award_id,
        "nominee_person": member(draft.unit, "Trần Văn Mới").pk,
        "nominee_title": "", "achievements": draft.achievements,
    })
    assert response.status_code == 302
    draft = fresh(draft)
    assert draft.nominee_name == "Trần Văn Mới"
    assert AuditRecord.objects.filter(nomination=draft, action="edit").exists()


def test_editing_after_submission_is_refused_with_the_reason(login, nomination_in):
    n = nomination_in(State.SUBMITTED)
    response = login("staff").post(reverse("nomination-edit", args=[n.pk]), {
        "campaign": n.campaign_id, "award": n.award_id, "nominee_person": n.nominee_person_id,
        "nominee_title": "Đổi chức vụ",
    })
    assert response.status_code == 409
    assert 'value="Đổi chức vụ"' in response.content.decode()


def test_the_english_switch_translates_the_pages(login):
    client = login("staff")
    client.post(reverse("set_language"), {"language": "en", "next": "/inbox/"})
    html = client.get(reverse("inbox")).content.decode()
    assert "Inbox" in html and 'lang="en"' in html
    client.post(reverse("set_language"), {"language": "vi", "next": "/inbox/"})
    assert "Hộp việc" in client.get(reverse("inbox")).content.decode()


def test_the_404_page_is_the_friendly_one_when_not_debugging(login, draft, settings):
    settings.DEBUG = False
    response = login("outsider_staff").get(detail(draft))
    assert response.status_code == 404
    assert "không có quyền xem" in response.content.decode()


@pytest.mark.parametrize("params", [
    {"award": "-1"}, {"page": "abc"}, {"overdue": "1"}, {"deadline_status": "near_due"},
])
def test_odd_but_valid_filter_values_give_a_page(login, nomination_in, params):
    nomination_in(State.SUBMITTED)
    client = login("reviewer")
    assert client.get(reverse("inbox"), params).status_code == 200
    assert client.get(reverse("nomination-list"), params).status_code == 200


@pytest.mark.parametrize("params", [
    {"unit": "²"}, {"campaign": "x'--"}, {"state": "bogus"}, {"order": "nonsense"},
    {"overdue": "maybe"}, {"q": "x" * 201}, {"deadline_status": "late"},
])
def test_a_bad_filter_value_is_a_clear_field_error_on_the_page(login, nomination_in, params):
    nomination_in(State.SUBMITTED)
    client = login("reviewer")
    for page in ("inbox", "nomination-list"):
        response = client.get(reverse(page), params)
        assert response.status_code == 400
        html = response.content.decode()
        assert "Bộ lọc có giá trị không hợp lệ" in html and f"{next(iter(params))}:" in html


def test_an_unknown_inbox_tab_is_a_field_error(login):
    response = login("reviewer").get(reverse("inbox"), {"tab": "other"})
    assert response.status_code == 400 and "tab:" in response.content.decode()


def test_the_inbox_page_lists_the_returned_nomination_under_mine(login, nomination_in):
    n = nomination_in(State.RETURNED)
    response = login("staff").get(reverse("inbox"), {"tab": "mine"})
    assert [r.pk for r in response.context["rows"]] == [n.pk]
    assert response.context["counts"]["mine"] == 1
    assert f'data-nomination="{n.pk}"' in response.content.decode()


def test_the_inbox_rows_offer_what_the_api_offers(login, people, nomination_in):
    from rest_framework.test import APIClient

    queued, held = nomination_in(State.SUBMITTED), nomination_in(State.IN_REVIEW)
    page = login("reviewer")
    api = APIClient()
    api.force_authenticate(people["reviewer"])
    for tab, flag, action, n in (("queue", "can_claim", "claim", queued),
                                 ("mine", "can_release", "release", held)):
        rows = {r.pk: r for r in page.get(reverse("inbox"), {"tab": tab}).context["rows"]}
        offered = api.get(f"/api/v1/nominations/{n.pk}/").json()["actions"]
        assert getattr(rows[n.pk], flag) is True and action in offered
