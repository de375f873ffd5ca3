"""The inbox, the list and the nomination page show each item's due date, working days
waited and status, and sort and filter by them; administrators edit the rules in the admin."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone, translation

from approvals.models import CalendarDay, Nomination, TimeLimit
from approvals.states import State
from tests import factories
from workflow import services, sla
from workflow.sla import STATUS_CHOICES

pytestmark = pytest.mark.usefixtures("consistent")


@pytest.fixture
def three(nomination_in):
    """Submitted proposals on time (just in), near due (18 of 20 days gone) and overdue,
    created in another order: late, on time, near."""
    late = factories.backdate_clock(nomination_in(State.SUBMITTED, name="Trễ hạn"), 25)
    on_time = Nomination.objects.get(pk=nomination_in(State.SUBMITTED, name="Đúng hạn").pk)
    near = factories.backdate_clock(nomination_in(State.SUBMITTED, name="Sắp hạn"), 18)
    return on_time, near, late


def waited(n) -> int:
    return sla.working_days_between(n.clock_started_on, timezone.localdate())


def test_the_inbox_shows_the_due_date_waited_days_and_status_sorted_by_deadline(login, three):
    on_time, near, late = three
    response = login("reviewer").get(reverse("inbox"), {"tab": "queue", "order": "deadline"})
    rows = response.context["rows"]
    assert [r.pk for r in rows] == [late.pk, near.pk, on_time.pk]
    assert [r.deadline.status for r in rows] == ["overdue", "near_due", "on_time"]
    html = response.content.decode()
    for n in three:
        assert n.due_on.strftime("%d/%m/%Y") in html
        assert f'data-waited="{waited(n)}"' in html
    assert f"{waited(late)} ngày làm việc" in html
    assert html.count('data-deadline-status="near_due"') == 1 and "Sắp đến hạn" in html
    assert 'class="is-overdue"' in html and "Quá hạn" in html


def test_the_nomination_list_shows_and_sorts_by_deadline_too(login, three):
    on_time, near, late = three
    response = login("reviewer").get(reverse("nomination-list"), {"order": "deadline"})
    assert [r.pk for r in response.context["rows"]] == [late.pk, near.pk, on_time.pk]
    html = response.content.decode()
    assert 'data-deadline-status="overdue"' in html and f'data-waited="{waited(near)}"' in html
    newest = login("reviewer").get(reverse("nomination-list")).context["rows"]
    assert [r.pk for r in newest] == [near.pk, on_time.pk, late.pk]


@pytest.mark.parametrize("page", ["inbox", "nomination-list"])
def test_both_pages_filter_by_deadline_status_and_overdue(login, three, page):
    on_time, near, late = three
    client = login("reviewer")
    for status, expected in [("on_time", on_time), ("near_due", near), ("overdue", late)]:
        rows = client.get(reverse(page), {"deadline_status": status}).context["rows"]
        assert [r.pk for r in rows] == [expected.pk], status
    assert [r.pk for r in client.get(reverse(page), {"overdue": "1"}).context["rows"]] == [
        late.pk
    ]


def test_a_bad_deadline_status_is_a_field_error_in_vietnamese(login, three):
    response = login("reviewer").get(reverse("inbox"), {"deadline_status": "trễ"})
    assert response.status_code == 400
    assert "deadline_status: “trễ” không phải là lựa chọn hợp lệ." in response.content.decode()


def test_the_nomination_page_shows_the_units_time_after_a_resubmission(login, people,
                                                                      nomination_in):
    n = factories.backdate_clock(nomination_in(State.RETURNED), 8, returned_days=3)
    services.nomination_submit(user=people["head"], nomination_id=n.pk)
    html = login("reviewer").get(reverse("nomination-detail", args=[n.pk])).content.decode()
    assert "Thời gian đơn vị bổ sung hồ sơ" in html and "3 ngày làm việc" in html
    assert "Hạn trả lại nếu hồ sơ chưa đầy đủ" in html


def test_the_deadline_statuses_read_in_english_after_the_switch():
    with translation.override("en"):
        assert [str(label) for _value, label in STATUS_CHOICES] == [
            "On time", "Due soon", "Overdue",
        ]


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("quantri-sieu", password="x-pass-123")


def test_a_day_off_added_in_the_django_admin_moves_the_due_dates_at_once(
    client, superuser, nomination_in
):
    n = Nomination.objects.get(pk=nomination_in(State.SUBMITTED).pk)
    day = sla.add_working_days(timezone.localdate(), 1)
    client.force_login(superuser)
    response = client.post(
        reverse("admin:approvals_calendarday_add"),
        {"day": day.strftime("%Y-%m-%d"), "kind": "off", "note": "Nghỉ đột xuất"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert CalendarDay.objects.get(day=day).kind == "off"
    assert Nomination.objects.get(pk=n.pk).due_on == sla.add_working_days(n.due_on, 1)


def test_the_admin_refuses_working_days_for_the_drafts_limit(client, superuser):
    client.force_login(superuser)
    draft = TimeLimit.objects.get(code="draft")
    response = client.post(
        reverse("admin:approvals_timelimit_change", args=[draft.pk]),
        {"working_days": "5", "near_due_days": "3", "basis": ""},
    )
    assert response.status_code == 200
    assert "Hồ sơ dự thảo có hạn là hạn nộp của đợt; để trống." in response.content.decode()
    assert TimeLimit.objects.get(code="draft").working_days is None


def test_a_time_limit_changed_in_the_admin_moves_the_due_dates(client, superuser,
                                                               nomination_in):
    n = Nomination.objects.get(pk=nomination_in(State.SUBMITTED).pk)
    client.force_login(superuser)
    appraisal = TimeLimit.objects.get(code="appraisal")
    response = client.post(
        reverse("admin:approvals_timelimit_change", args=[appraisal.pk]),
        {"working_days": "25", "near_due_days": "4", "basis": "Quy chế mới"},
    )
    assert response.status_code == 302
    assert Nomination.objects.get(pk=n.pk).due_on == sla.add_working_days(
        n.clock_started_on, 25
    )
