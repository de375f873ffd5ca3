"""The filter sets of the lists: one schema each, shared by the web pages and the API.

A bad value is a field error in the request's language (an invalid date in a
history filter is refused, never silently dropped); the selectors get typed values.
"""

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from workflow.policy import HISTORY_ACTIONS
from workflow.schemas import MAX_ID, Text, date_field, messages, parse
from workflow.sla import STATUS_CHOICES

from .record_kinds import KIND_CHOICES
from .selectors import ORDERS, TABS
from .states import State


def _choice(choices: Any, *, default: str | None = None, **kwargs: Any) -> serializers.Field:
    if default is not None:
        kwargs["default"] = default
    return serializers.ChoiceField(
        choices=choices, required=False, error_messages=messages(), **kwargs
    )


def _slug(help_text: str) -> serializers.Field:
    return serializers.SlugField(
        required=False, max_length=40, help_text=help_text,
        error_messages=messages(invalid=_("Mã không hợp lệ.")),
    )


class NominationFilters(serializers.Serializer):
    state = _choice(State.choices)
    unit = _slug("Unit id or code.")
    campaign = _slug("Campaign id or code.")
    award = _slug("Award id or code.")
    overdue = serializers.BooleanField(
        required=False, default=False, error_messages=messages(invalid=_("Chọn có hoặc không.")),
        help_text="Only overdue items: the same as deadline_status=overdue.",
    )
    deadline_status = _choice(
        STATUS_CHOICES,
        help_text="on_time, near_due (a few working days left, per stage) or overdue.",
    )
    q = Text(
        required=False, max_length=200, error_messages=messages(),
        help_text="Text search (accents and case ignored): nominee, achievements, decision number.",
    )
    order = _choice(ORDERS, default="newest")


class InboxFilters(NominationFilters):
    tab = _choice(TABS, default="queue", help_text="The web page's tab (the API returns both).")
    order = _choice(ORDERS, default="age")
    limit = serializers.IntegerField(
        min_value=1, max_value=200, required=False, default=50, error_messages=messages(),
        help_text="Rows per group (API).",
    )
    after = Text(
        required=False, max_length=80, error_messages=messages(),
        help_text="The web page's next-page cursor (its “Sau” link).",
    )


class HistoryFilters(serializers.Serializer):
    actor = Text(
        required=False, max_length=150, help_text="Username.", error_messages=messages()
    )
    action = _choice(sorted(HISTORY_ACTIONS))
    unit = _slug("Unit code.")
    date_from = date_field(required=False, help_text="dd/mm/yyyy or yyyy-mm-dd.")
    date_to = date_field(required=False, help_text="dd/mm/yyyy or yyyy-mm-dd.")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        start, end = attrs.get("date_from"), attrs.get("date_to")
        if start and end and start > end:
            raise serializers.ValidationError(
                {"date_to": [_("“Đến ngày” phải sau hoặc bằng “Từ ngày”.")]}
            )
        return attrs


def parse_filters(schema: type[serializers.Serializer], data: Any) -> dict[str, Any]:
    """The typed filters, without the ones left empty (an unticked box, False, is one);
    raises InvalidInput."""
    return {k: v for k, v in parse(schema, data).items() if v not in ("", None, False)}


class DashboardFilters(serializers.Serializer):
    """The managers' dashboard (monitoring/): its page, its XLSX export and its API."""

    campaign = _slug("Campaign id or code; left out: the campaign under way.")
    unit = _slug("Unit id or code: that unit and its sub-units, within the units you cover.")


class AlertFilters(serializers.Serializer):
    status = _choice((("open", _("Đang mở")), ("past", _("Đã xác nhận hoặc đã hết"))),
                     default="open")


class PersonFilters(serializers.Serializer):
    """The register's list of people (page and API) and the lookup's search."""

    q = Text(
        required=False, max_length=200, error_messages=messages(),
        help_text="Name search, accents and case ignored: “nguyen van an” finds “Nguyễn Văn An”.",
    )
    unit = serializers.IntegerField(
        required=False, min_value=1, max_value=2**63 - 1, error_messages=messages(),
        help_text="Unit id: the people who are its members today.",
    )


class CollectiveFilters(serializers.Serializer):
    q = Text(
        required=False, max_length=200, error_messages=messages(),
        help_text="Name or code search, accents and case ignored.",
    )


class MembersFilters(serializers.Serializer):
    on = date_field(
        required=False, help_text="The day (dd/mm/yyyy or yyyy-mm-dd); today if left out."
    )


class ImportInput(serializers.Serializer):
    """An import (page and API): the kind of rows, the file and whether to only try it."""

    kind = serializers.ChoiceField(
        choices=KIND_CHOICES, error_messages=messages(None, _("Chọn loại dữ liệu cần nhập.")),
        help_text="What the file holds: persons, memberships or one record type.",
    )
    file = serializers.FileField(
        error_messages=messages(None, _("Chọn tệp cần nhập."), empty=_("Tệp trống.")),
        help_text="CSV (UTF-8) or XLSX, the header in the first row.",
    )
    dry_run = serializers.BooleanField(
        required=False, default=False, error_messages=messages(invalid=_("Chọn có hoặc không.")),
        help_text="Only check the file and report what would change; nothing is written.",
    )


class RankingQuery(serializers.Serializer):
    """The candidates' ranking for one award in one campaign (page and API)."""

    campaign = serializers.IntegerField(
        min_value=1, max_value=MAX_ID,
        error_messages=messages(None, _("Chọn đợt thi đua."),
                                invalid=_("Chọn đợt thi đua trong danh sách.")),
        help_text="Campaign id.",
    )
    award = serializers.IntegerField(
        min_value=1, max_value=MAX_ID,
        error_messages=messages(None, _("Chọn danh hiệu hoặc hình thức khen thưởng."),
                                invalid=_("Chọn danh hiệu hoặc hình thức trong danh sách.")),
        help_text="Award id.",
    )


class ExemplarFilters(serializers.Serializer):
    """The public page of exemplars (điển hình tiên tiến) and its API."""

    q = Text(
        required=False, max_length=100, error_messages=messages(),
        help_text="Name, unit, award or story (accents and case ignored).",
    )
    year = serializers.IntegerField(required=False, min_value=1900, max_value=2999,
                                    error_messages=messages())
    unit = Text(required=False, max_length=200, error_messages=messages(),
                help_text="The unit's name, as listed.")
