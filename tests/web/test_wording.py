"""Wording, in both languages: the council and the provincial board named in full, states
named as states, "Đánh dấu đã đọc", one spelling of "ký tự", file sizes in KB / MB."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from approvals.models import DocumentKind
from approvals.roles import Role
from approvals.states import State
from approvals.templatetags.vinhdanh import action_label, file_size, state_label, task_label
from notifications.models import Notification

COUNCIL = "Hội đồng Thi đua - Khen thưởng"
BOARD = "Ban Thi đua - Khen thưởng tỉnh"


def in_language(language, value) -> str:
    """The text in that language; `value` is a lazy label or a function that makes one."""
    with translation.override(language):
        return str(value() if callable(value) else value)


def test_english_names_the_states_as_states_and_the_actions_as_actions():
    states = {s: in_language("en", state_label(s)) for s in State.values}
    assert states["rejected"] == "Rejected"
    assert states["returned"] == "Returned for changes"
    assert states["withdrawn"] == "Withdrawn"
    assert states["approved"] == "Approved"
    assert in_language("en", action_label("return")) == "Return for changes"
    assert in_language("en", action_label("reject")) == "Reject"
    # Vietnamese reads the same for the state and for the action that leads to it.
    assert in_language("vi", state_label("returned")) == in_language("vi", action_label("return"))


def test_the_council_and_the_provincial_board_are_named_in_full():
    vi = {
        "vote state": State.COUNCIL_VOTE.label,
        "reported state": State.REPORTED.label,
        "reviewer": Role.STANDING_REVIEWER.label,
        "member": Role.COUNCIL_MEMBER.label,
        "secretary": Role.COUNCIL_SECRETARY.label,
        "liaison": Role.LIAISON.label,
        "minutes": DocumentKind.COUNCIL_MINUTES.label,
        "vote task": task_label("vote"),
        "report task": task_label("report"),
    }
    vi = {k: in_language("vi", v) for k, v in vi.items()}
    assert vi["vote state"] == f"Chờ {COUNCIL} bỏ phiếu"
    assert vi["reported state"] == f"Đã báo cáo {BOARD}"
    assert vi["liaison"] == f"Đầu mối báo cáo {BOARD}"
    assert vi["report task"] == f"Báo cáo {BOARD}"
    for key in ("reviewer", "member", "secretary", "minutes", "vote task"):
        assert COUNCIL in vi[key], key
    assert in_language("en", State.COUNCIL_VOTE.label) == (
        "Awaiting the vote of the Emulation and Commendation Council"
    )
    assert in_language("en", State.REPORTED.label) == (
        "Reported to the Provincial Emulation and Commendation Board"
    )
    assert in_language("en", Role.COUNCIL_MEMBER.label) == (
        "Member of the Emulation and Commendation Council"
    )


def test_the_notices_name_the_council_and_the_board_in_full(nomination_in, people):
    nomination_in(State.COUNCIL_VOTE)
    opened = Notification.objects.filter(kind=Notification.Kind.VOTE_OPENED).first()
    assert f"{COUNCIL} mở bỏ phiếu" in opened.text_vi
    assert "Emulation and Commendation Council" in opened.text_en
    approved = nomination_in(State.APPROVED)
    task = Notification.objects.filter(nomination=approved, recipient=people["liaison"]).last()
    assert BOARD in task.text_vi and "Provincial Emulation and Commendation Board" in task.text_en


@pytest.mark.parametrize(("language", "mark_one", "mark_all"), [
    ("vi", "Đánh dấu đã đọc", "Đánh dấu tất cả đã đọc"),
    ("en", "Mark as read", "Mark all as read"),
])
def test_the_notification_buttons_say_mark_as_read(login, draft, language, mark_one, mark_all):
    client = login("head")  # the new draft's notice is unread
    client.cookies["django_language"] = language
    html = client.get(reverse("notifications:list")).content.decode()
    assert f">{mark_one}</button>" in html and f">{mark_all}</button>" in html


def test_a_too_long_name_is_refused_with_one_spelling_of_ky_tu(login, org):
    response = login("staff").post(reverse("nomination-create"), {
        "unit": org["a"].pk, "campaign": org["campaign"].pk, "nominee_title": "A" * 201,
    })
    html = response.content.decode()
    assert response.status_code == 400
    assert "tối đa 200 ký tự (hiện có 201)" in html and "kí tự" not in html


def test_the_too_long_message_reads_in_english_after_the_switch(login, org):
    client = login("staff")
    client.cookies["django_language"] = "en"
    html = client.post(reverse("nomination-create"), {"nominee_title": "A" * 201}).content.decode()
    assert "Ensure this value has at most 200 characters (it has 201)." in html


@pytest.mark.parametrize(("size", "vi", "en"), [
    (0, "0 KB", "0 KB"),
    (12, "0,1 KB", "0.1 KB"),
    (512, "0,5 KB", "0.5 KB"),
    (18 * 1024 + 300, "18 KB", "18 KB"),
    (int(2.5 * 1024 * 1024), "2,5 MB", "2.5 MB"),
    (20 * 1024 * 1024, "20 MB", "20 MB"),
    (3 * 1024**3, "3,0 GB", "3.0 GB"),
])
def test_file_sizes_read_in_kb_or_mb_with_the_languages_decimal_mark(size, vi, en):
    shown = (in_language("vi", lambda: file_size(size)), in_language("en", lambda: file_size(size)))
    assert shown == (vi, en)


def test_the_dossier_lists_each_files_size_in_kb(login, draft):
    client = login("staff")
    pdf = b"%PDF-1.4\n" + b"0" * 2000
    client.post(reverse("document-upload", args=[draft.pk]),
                {"kind": "to_trinh", "file": SimpleUploadedFile("to-trinh.pdf", pdf)})
    html = client.get(reverse("nomination-detail", args=[draft.pk])).content.decode()
    assert "<small>(2,0 KB)</small>" in html and "byte" not in html
