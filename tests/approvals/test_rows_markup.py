"""The rows' markup helpers (approvals/templatetags/rows.py) write what Django's own would."""

from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy, override
from hypothesis import given
from hypothesis import strategies as st

from approvals.labels import role_label, state_label
from approvals.roles import Role
from approvals.states import State
from approvals.templatetags.rows import _html, _url_with_id

TEMPLATE = '<td title="{}"><a href="{}">{} {}</a>{}</td>'


@given(st.lists(st.one_of(st.text(), st.integers(), st.none()), min_size=5, max_size=5))
def test_the_rows_escaper_writes_what_format_html_writes(values):
    assert _html(TEMPLATE, *values) == format_html(TEMPLATE, *values)


def test_the_rows_escaper_keeps_safe_markup_and_escapes_lazy_words():
    args = (mark_safe("<b>x</b>"), gettext_lazy("<Trạng thái>"), "a & b", 7, "\"'")
    out = _html(TEMPLATE, *args)
    assert isinstance(out, SafeString)
    assert out == format_html(TEMPLATE, *args)
    assert "<b>x</b>" in out and "&lt;Trạng thái&gt;" in out and "a &amp; b" in out


def test_an_id_put_into_a_once_reversed_link_is_the_link_reverse_gives():
    detail, claim = _url_with_id("nomination-detail"), _url_with_id("nomination-action", "claim")
    for pk in (1, 42, 987654321, 10**12):
        assert detail(pk) == reverse("nomination-detail", args=[pk])
        assert claim(pk) == reverse("nomination-action", args=[pk, "claim"])


def test_the_labels_read_from_their_dicts_follow_the_page_language_and_pass_unknown_codes():
    with override("vi"):
        assert str(state_label(State.SUBMITTED)) == str(State.SUBMITTED.label)
        assert str(role_label(Role.MANAGER)) == str(Role.MANAGER.label)
    with override("en"):
        assert str(state_label(State.SUBMITTED)) == str(State(State.SUBMITTED).label)
    assert state_label("no-such-state") == "no-such-state"
    assert role_label("no-such-role") == "no-such-role"
