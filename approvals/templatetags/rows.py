"""Table rows written in Python: the inbox's and the nomination list's rows, and the filter
lists' options.

A page holds up to 100 rows and the unit filter some hundreds of units. Through Django's
template engine each inbox row cost about 0.4 ms here (some fifty lookups, two includes, three
`{% url %}` and a `{% blocktranslate %}`), most of a page's time; the same markup from
`format_html` costs a fraction of that. The cells that other pages show too (the deadline and
the holder's flags) are tags those templates use, so each piece of markup is written once.

Within the rows, `_html` stands for `format_html`: the same escaping (a value with `__html__`
as it is, any other through the standard library's `html.escape`, as Django's `escape` does)
without the lazy-string wrapper that made `format_html` most of a row's cost; and each row's
links are the page's once-reversed URL with the id put in (`_url_with_id`), not a `reverse()`
per link. tests/approvals/test_rows_markup.py holds both to Django's own.
"""

import datetime
import html
from collections.abc import Callable

from django import template
from django.template.backends.utils import csrf_input
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from approvals.labels import deadline_status_label, state_label

from .vinhdanh import form_token, working_days

register = template.Library()

_DASH = "—"
_ID = 987654321  # an id no link holds, replaced by each row's own (_url_with_id)


def _html(template: str, *args) -> SafeString:
    """`format_html(template, *args)`, markup for markup, at a fraction of its cost."""
    return mark_safe(template.format(*(
        a.__html__() if hasattr(a, "__html__") else html.escape(str(a)) for a in args
    )))


def _url_with_id(name: str, *rest: str) -> Callable[[int], str]:
    """`lambda pk: reverse(name, args=[pk, *rest])`, reversed once."""
    before, after = reverse(name, args=[_ID, *rest]).split(str(_ID))
    return lambda pk: f"{before}{int(pk)}{after}"


def _english() -> bool:
    return (get_language() or "vi").startswith("en")


def _name(obj, english: bool) -> str:
    """`local_name(obj)` with the page language looked up once per page."""
    if obj is None:
        return ""
    name_en: str = getattr(obj, "name_en", "")
    if english and name_en:
        return name_en
    return getattr(obj, "name_vi", None) or getattr(obj, "name", "") or str(obj)


_STRFTIME = {"Y-m-d": "%Y-%m-%d", "d/m/Y": "%d/%m/%Y", "d/m/Y H:i": "%d/%m/%Y %H:%M"}


def _date(value, fmt: str) -> str:
    """`value` as `|date:fmt` shows it (local time). The formats are fixed and have no words,
    so strftime prints the same as Django's formatter, at a tenth of its cost."""
    if not value:
        return ""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.strftime(_STRFTIME[fmt])


@register.simple_tag
def deadline_badge(d) -> SafeString:
    """A step's due date and its status badge ("—" without a due date)."""
    if not d or not d.due:
        return mark_safe(_DASH)
    return _html(
        '<time datetime="{}">{}</time> <span class="badge badge--{}" data-deadline-status="{}">'
        "{}</span>",
        _date(d.due, "Y-m-d"), _date(d.due, "d/m/Y"), d.status, d.status,
        deadline_status_label(d.status),
    )


@register.simple_tag
def holder_flags(n) -> SafeString:
    """The holder is away today (under a delegation); the row is held by who lent me the role."""
    flags = []
    if getattr(n, "holder_away", False):
        flags.append(_html(
            ' <span class="badge badge--away" data-testid="holder-away" title="{}">{}</span>',
            gettext("Người đang xử lý vắng mặt hôm nay (đã ủy quyền)"), gettext("Vắng mặt"),
        ))
    if getattr(n, "for_lender", False):
        flags.append(_html(
            ' <span class="badge badge--lent" data-testid="held-for-lender">{}</span>',
            gettext("Bạn xử lý thay"),
        ))
    return mark_safe("".join(flags))


def _nomination_cells(n, detail_url: Callable[[int], str], english: bool) -> SafeString:
    """Who and what (with the link), the unit, the state, the holder."""
    return _html(
        '<td><a href="{}">#{} {}</a><br><small>{} · {}</small></td><td>{}</td>'
        '<td><span class="badge badge--{}">{}</span></td><td>{}{}</td>',
        detail_url(n.pk), n.pk, n.nominee_name,
        _name(n.award, english), n.campaign.name, _name(n.unit, english),
        n.state, state_label(n.state), n.task_owner_username or _DASH, holder_flags(n),
    )


def _waited(n, said: dict[int, str]) -> tuple[str, str]:
    """How long the row waited: the count and its words ("12 ngày làm việc"), the words
    looked up once per count on the page (`said`)."""
    d = n.deadline
    if d is None:
        return "", _DASH
    if d.waited not in said:
        said[d.waited] = working_days(d.waited)
    return str(d.waited), said[d.waited]


def _row_start(n) -> SafeString:
    return _html('<tr data-nomination="{}"{}>', n.pk,
                 mark_safe(' class="is-overdue"') if n.overdue else "")


def _action_form(action_url: str, csrf: SafeString, next_url: str,
                 button: SafeString) -> SafeString:
    return _html(
        '<form method="post" action="{}">{}{}<input type="hidden" name="next" value="{}">{}</form>',
        action_url, csrf, form_token(), next_url, button,
    )


@register.simple_tag(takes_context=True)
def inbox_rows(context) -> SafeString:
    """The inbox table's rows: choose for bulk work, the nomination, how long it waited, its
    deadline, and a claim or a release button where the person may."""
    csrf = csrf_input(context["request"])  # what {% csrf_token %} prints
    selected = context.get("selected") or ()
    inbox_url = reverse("inbox")
    claim = format_html('<button type="submit" class="btn btn--small">{}</button>',
                        gettext("Nhận xử lý"))
    release = format_html(
        '<button type="submit" class="btn btn--small btn--ghost">{}</button>',
        gettext("Trả lại hàng chờ"))
    choose = gettext("Chọn đề nghị %(name)s")
    detail_url, english = _url_with_id("nomination-detail"), _english()
    said: dict[int, str] = {}
    claim_url = _url_with_id("nomination-action", "claim")
    release_url = _url_with_id("nomination-action", "release")
    out = []
    for n in context["rows"]:
        waited_days, waited_text = _waited(n, said)
        actions = []
        if n.can_claim:
            actions.append(_action_form(claim_url(n.pk), csrf,
                                        f"{inbox_url}?tab={context['tab']}", claim))
        if n.can_release:
            actions.append(_action_form(release_url(n.pk), csrf, f"{inbox_url}?tab=mine",
                                        release))
        out.append(_html(
            '{}<td><input type="checkbox" name="ids" value="{}" form="bulk-form" aria-label="{}"{}>'
            '</td>{}<td data-waited="{}"><span title="{}">{}</span></td><td>{}</td>'
            '<td class="row-actions">{}</td></tr>',
            _row_start(n), n.pk, choose % {"name": n.nominee_name},
            mark_safe(" checked") if str(n.pk) in selected else "",
            _nomination_cells(n, detail_url, english), waited_days,
            _date(n.state_changed_at, "d/m/Y H:i"),
            waited_text, deadline_badge(n.deadline), mark_safe("\n".join(actions)),
        ))
    return mark_safe("\n".join(out))


@register.simple_tag(takes_context=True)
def nomination_rows(context) -> SafeString:
    """The nomination list's rows: the nomination, when it was drafted, how long it waited
    in its stage, and its deadline."""
    detail_url, english = _url_with_id("nomination-detail"), _english()
    said: dict[int, str] = {}
    return mark_safe("\n".join(
        _html("{}{}<td>{}</td><td data-waited=\"{}\">{}</td><td>{}</td></tr>",
              _row_start(n), _nomination_cells(n, detail_url, english),
              _date(n.created_at, "d/m/Y"), *_waited(n, said), deadline_badge(n.deadline))
        for n in context["rows"]
    ))


@register.simple_tag
def model_options(items, current) -> SafeString:
    """A filter's options, one per unit, award or campaign, `current` (the posted id) selected.
    `items` are (id, Vietnamese name, English name) rows; the English name, where there is
    one, on an English page (as local_name)."""
    current, english = str(current or ""), _english()
    return mark_safe("".join(
        _html('<option value="{}"{}>{}</option>', pk,
              mark_safe(" selected") if str(pk) == current else "", (english and en) or vi)
        for pk, vi, en in items
    ))
