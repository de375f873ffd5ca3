"""The managers' dashboard: every figure is a selector with a fixed number of queries.

The figures read the stage visits (monitoring.models.StageVisit, kept by every
transition in its own transaction) and, for deadlines, the nominations' stored due
dates (workflow/sla.py); none of them replays the history. Each figure is a table
(columns and rows) that the page draws as a chart with the table beside it, the
XLSX export writes as a sheet, and the API returns as JSON.
"""

import datetime
import math
import zoneinfo
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.postgres.fields import ArrayField
from django.db import connection
from django.db.models import (
    Aggregate,
    Case,
    Count,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import TruncWeek
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from approvals.access import Actor, unit_tree
from approvals.models import Award, Campaign, Delegation, Nomination, TimeLimit, Unit
from approvals.names import full_name
from approvals.roles import UNIT_ROLES
from approvals.states import State
from workflow.errors import InvalidInput, PermissionRefused
from workflow.policy import STATE_TASK
from workflow.sla import (
    STAGE_OF_STATE,
    STATUS_LABELS,
    Rules,
    Status,
    deadline_rules,
    due_expression,
    status_q,
)

from .access import dashboard_units
from .models import DashboardSnapshot, Stage, StageVisit

STAGES = list(Stage)
# Age of open work in its stage, in working days: (label, at most), the last open-ended.
AGE_BUCKETS: list[tuple[str, int | None]] = [
    ("0–2", 2), ("3–5", 5), ("6–10", 10), ("11–20", 20), ("> 20", None),
]
BREAKDOWNS = ("unit", "award", "holder")
QUEUE_LABEL_VI = gettext_noop("(hàng chờ, chưa ai nhận)")
OVERDUE_LIST_LIMIT = 100
TOP_HOLDERS = 10
DAY = 86400.0
# A decision pipeline's end: what takes a dossier out of review, vote and decision.
PIPELINE_STAGES = (Stage.REVIEW, Stage.VOTE, Stage.DECIDE)
PIPELINE_EXITS = (State.RETURNED, State.REJECTED, State.WITHDRAWN, State.APPROVED)
# The open states whose task someone can hold (claimed work: past the unit's stage).
HELD_STATES = [s for s, task in STATE_TASK.items() if task != Stage.PREPARE]


@dataclass(frozen=True)
class Scope:
    """Whose figures: the units (the person's, narrowed by the filter) of one campaign."""

    units: frozenset[int]
    campaign: Campaign
    today: datetime.date
    rules: Rules  # the working-day calendar and time limits, read once
    unit: Unit | None = None
    every_unit: bool = False  # the units are all there are: no need to filter on them


@dataclass
class Figure:
    key: str
    title: str
    columns: list[str]
    rows: list[list[Any]]
    # "bar": stacked bars, the first column labelling them; "grouped": side by side; "line";
    # "": a table only. `series`: the columns drawn (default: the numeric ones but the total).
    chart: str = "bar"
    note: str = ""
    series: tuple[int, ...] = ()
    # When it was computed, for a figure read from the whole-body snapshot (else: now).
    computed_at: datetime.datetime | None = None


@dataclass
class Labels:
    """Names of the units, awards and people the figures mention (three queries at most)."""

    units: dict[int, str] = field(default_factory=dict)
    awards: dict[int, str] = field(default_factory=dict)
    people: dict[int, str] = field(default_factory=dict)

    def know(self, breakdown: str, ids: Iterable[int | None]) -> None:
        """Read the names of the people among `ids` not known yet (one query, if any)."""
        if breakdown == "holder":
            self.people.update(_people(set(ids) - set(self.people)))

    def of(self, breakdown: str, pk: int | None) -> str:
        if pk is None:
            return _(QUEUE_LABEL_VI) if breakdown == "holder" else "—"
        names = {"unit": self.units, "award": self.awards, "holder": self.people}[breakdown]
        return names.get(pk, str(pk))


def stage_label(stage: str) -> str:
    return str(Stage(stage).label)


# --- the scope ---------------------------------------------------------------------


def dashboard_scope(
    actor: Actor, *, campaign: str | None = None, unit: str | None = None,
    today: datetime.date | None = None,
) -> Scope:
    """The units and campaign of the figures; refused to anyone without a dashboard role.
    `campaign`, `unit`: an id or a code (approvals.filters.DashboardFilters)."""
    covered = dashboard_units(actor)
    if not covered:
        raise PermissionRefused(_("Chỉ quản lý, Thủ trưởng và Thường trực Hội đồng xem "
                                  "bảng theo dõi."))
    today = today or timezone.localdate()
    found = _by_id_or_code(Campaign.objects.all(), campaign) if campaign else _current(today)
    if found is None:
        raise InvalidInput(fields={"campaign": [_("Không có đợt thi đua này.")]})
    units, chosen = covered, None
    children = unit_tree()
    every_unit = covered >= {pk for ids in children.values() for pk in ids}
    if unit:
        chosen = _by_id_or_code(Unit.objects.all(), unit)
        if chosen is None or chosen.pk not in covered:
            raise InvalidInput(fields={"unit": [_("Đơn vị không có hoặc ngoài phạm vi bạn "
                                                  "theo dõi.")]})
        units, every_unit = frozenset(_subtree(children, chosen.pk) & covered), False
    return Scope(units=units, campaign=found, today=today, rules=deadline_rules(), unit=chosen,
                 every_unit=every_unit)


def _by_id_or_code(qs: QuerySet, value: str) -> Any:
    text = str(value)
    if text.isascii() and text.isdigit():
        return qs.filter(pk=int(text)).first() if int(text) < 2**63 else None
    return qs.filter(code=text).first()


def _current(today: datetime.date) -> Campaign | None:
    """Of the campaigns under way, the one with the most nominations; else the latest."""
    running = (
        Campaign.objects.filter(starts_on__lte=today, ends_on__gte=today)
        .annotate(n=Count("nomination")).order_by("-n", "-starts_on", "-id").first()
    )
    return running or Campaign.objects.order_by("-starts_on", "-id").first()


def _subtree(children: dict[int | None, list[int]], root: int) -> set[int]:
    seen, stack = set(), [root]
    while stack:
        pk = stack.pop()
        if pk not in seen:
            seen.add(pk)
            stack.extend(children.get(pk, ()))
    return seen


def _visits(scope: Scope) -> QuerySet:
    qs = StageVisit.objects.filter(campaign_id=scope.campaign.pk)
    return qs if scope.every_unit else qs.filter(unit_id__in=scope.units)


def _open(scope: Scope) -> QuerySet:
    return _visits(scope).filter(left_at__isnull=True)


def _closed(scope: Scope) -> QuerySet:
    return _visits(scope).filter(left_at__isnull=False)


# --- work in progress and its age -----------------------------------------------------


def wip_by_stage(scope: Scope) -> Figure:
    rows = {
        r["stage"]: r for r in _open(scope).values("stage").annotate(
            n=Count("pk"), queued=Count("pk", filter=Q(claimed_at__isnull=True)),
        )
    }
    return Figure(
        "wip", _("Hồ sơ đang xử lý theo bước"),
        [_("Bước"), _("Tổng"), _("Chờ nhận"), _("Đã có người nhận")],
        [[stage_label(s), rows[s]["n"], rows[s]["queued"], rows[s]["n"] - rows[s]["queued"]]
         for s in STAGES if s in rows],
    )


def _pivot(pairs: Iterable[tuple[Any, str, int]], labels: Callable[[Any], str],
           columns: list[str]) -> list[list[Any]]:
    """(group, column, n) -> one row per group: its label, n per column, the total."""
    table: dict[Any, dict[str, int]] = defaultdict(dict)
    for group, column, n in pairs:
        table[group][column] = table[group].get(column, 0) + n
    rows = [[labels(g)] + [cells.get(c, 0) for c in columns] + [sum(cells.values())]
            for g, cells in table.items()]
    return sorted(rows, key=lambda r: (-r[-1], str(r[0])))


def wip_by(scope: Scope, breakdown: str, labels: Labels) -> Figure:
    pairs = list(_open(scope).values_list(f"{breakdown}_id", "stage").annotate(n=Count("pk")))
    labels.know(breakdown, (g for g, _s, _n in pairs))
    return Figure(
        f"wip_{breakdown}", _breakdown_title(f"wip_{breakdown}"),
        [_breakdown_name(breakdown)] + [stage_label(s) for s in STAGES] + [_("Tổng")],
        _pivot(pairs, lambda pk: labels.of(breakdown, pk), [str(s) for s in STAGES]),
    )


def _breakdown_name(breakdown: str) -> str:
    return {"unit": _("Đơn vị"), "award": _("Danh hiệu"), "holder": _("Người xử lý")}[breakdown]


def _breakdown_title(key: str) -> str:
    """Whole titles (one message each, so that a stored figure can be translated later)."""
    return {
        "wip_unit": _("Hồ sơ đang xử lý theo đơn vị"),
        "wip_award": _("Hồ sơ đang xử lý theo danh hiệu"),
        "wip_holder": _("Hồ sơ đang xử lý theo người xử lý"),
        "age_unit": _("Tuổi hồ sơ đang xử lý theo đơn vị"),
        "age_award": _("Tuổi hồ sơ đang xử lý theo danh hiệu"),
        "age_holder": _("Tuổi hồ sơ đang xử lý theo người xử lý"),
        "time_in_stage_unit": _("Thời gian ở mỗi bước theo đơn vị"),
        "time_in_stage_award": _("Thời gian ở mỗi bước theo danh hiệu"),
        "time_in_stage_holder": _("Thời gian ở mỗi bước theo người xử lý"),
        "throughput_unit": _("Số lượt xử lý xong theo tuần, theo đơn vị"),
        "throughput_award": _("Số lượt xử lý xong theo tuần, theo danh hiệu"),
        "throughput_holder": _("Số lượt xử lý xong theo tuần, theo người xử lý"),
    }[key]


def _age_bucket(scope: Scope) -> Case:
    """The bucket of an open visit's age in working days, from cutoffs computed once."""
    calendar, tz = scope.rules.calendar, timezone.get_current_timezone()
    whens = []
    for index, (_label, most) in enumerate(AGE_BUCKETS):
        if most is None:
            break
        first_day = calendar.add_working_days(scope.today, -most)
        since = datetime.datetime.combine(first_day, datetime.time.min, tzinfo=tz)
        whens.append(When(entered_at__gte=since, then=Value(index)))
    return Case(*whens, default=Value(len(AGE_BUCKETS) - 1), output_field=IntegerField())


def age_by_stage(scope: Scope) -> Figure:
    pairs = (_open(scope).annotate(bucket=_age_bucket(scope))
             .values_list("bucket", "stage").annotate(n=Count("pk")))
    table: dict[int, dict[str, int]] = defaultdict(dict)
    for bucket, stage, n in pairs:
        table[bucket][stage] = n
    return Figure(
        "age", _("Tuổi hồ sơ đang xử lý ở bước hiện tại (ngày làm việc)"),
        [_("Số ngày làm việc")] + [stage_label(s) for s in STAGES] + [_("Tổng")],
        [[label] + [table[i].get(s, 0) for s in STAGES] + [sum(table[i].values())]
         for i, (label, _most) in enumerate(AGE_BUCKETS)],
    )


def age_by(scope: Scope, breakdown: str, labels: Labels) -> Figure:
    pairs = list(_open(scope).annotate(bucket=_age_bucket(scope))
                 .values_list(f"{breakdown}_id", "bucket").annotate(n=Count("pk")))
    labels.know(breakdown, (g for g, _b, _n in pairs))
    return Figure(
        f"age_{breakdown}", _breakdown_title(f"age_{breakdown}"),
        [_breakdown_name(breakdown)] + [label for label, _m in AGE_BUCKETS] + [_("Tổng")],
        _pivot(((g, str(b), n) for g, b, n in pairs), lambda pk: labels.of(breakdown, pk),
               [str(i) for i in range(len(AGE_BUCKETS))]),
    )


# --- time in stage ---------------------------------------------------------------------


class Percentiles(Aggregate):
    """PostgreSQL's percentile_cont at several fractions over one sort of the values (one
    sort, not one per fraction): a list of values, each interpolated linearly."""

    function = "PERCENTILE_CONT"
    name = "Percentiles"
    template = "%(function)s(ARRAY[%(fractions)s]) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = ArrayField(FloatField())

    def __init__(self, expression: Any, *, fractions: tuple[float, ...]) -> None:
        super().__init__(expression, fractions=", ".join(f"{f}::float8" for f in fractions))


def percentile(values: list[float], fraction: float) -> float | None:
    """The same as percentile_cont over `values` (for databases without it: the demo)."""
    if not values:
        return None
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


MEASURES = {"total": F("wait_seconds") + F("work_seconds"), "wait": F("wait_seconds"),
            "work": F("work_seconds")}


def stage_times(qs: QuerySet, group: list[str]) -> list[dict[str, Any]]:
    """Per group of closed visits: n and p50 / p90 of the time in stage, waiting unclaimed
    and claimed, in seconds. One query."""
    qs = qs.order_by()
    if connection.vendor == "postgresql":
        aggregates: dict[str, Any] = {"n": Count("pk")}
        for name, expression in MEASURES.items():
            aggregates[name] = Percentiles(expression, fractions=(0.5, 0.9))
        rows = list(qs.values(*group).annotate(**aggregates).order_by(*group))
        for row in rows:
            for name in MEASURES:
                row[f"{name}_p50"], row[f"{name}_p90"] = row.pop(name)
        return rows
    groups: dict[tuple[Any, ...], dict[str, list[float]]] = defaultdict(
        lambda: {name: [] for name in MEASURES}
    )
    for row in qs.values(*group, "wait_seconds", "work_seconds"):
        values = groups[tuple(row[g] for g in group)]
        values["wait"].append(row["wait_seconds"])
        values["work"].append(row["work_seconds"])
        values["total"].append(row["wait_seconds"] + row["work_seconds"])
    found = []
    for key, values in sorted(groups.items(), key=lambda item: str(item[0])):
        row = dict(zip(group, key, strict=True))
        row["n"] = len(values["total"])
        for name in MEASURES:
            row[f"{name}_p50"] = percentile(values[name], 0.5)
            row[f"{name}_p90"] = percentile(values[name], 0.9)
        found.append(row)
    return found


def _days(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / DAY, 2)


def _time_columns() -> list[str]:
    return [_("Số lượt"), _("Tổng p50 (ngày)"), _("Tổng p90 (ngày)"),
            _("Chờ nhận p50 (ngày)"), _("Chờ nhận p90 (ngày)"),
            _("Đã nhận p50 (ngày)"), _("Đã nhận p90 (ngày)")]


def _time_cells(row: dict[str, Any]) -> list[Any]:
    return [row["n"]] + [_days(row[f"{m}_{p}"]) for m in MEASURES for p in ("p50", "p90")]


def time_in_stage(scope: Scope) -> Figure:
    rows = {r["stage"]: r for r in stage_times(_closed(scope), ["stage"])}
    return Figure(
        "time_in_stage", _("Thời gian ở mỗi bước: chờ nhận và đã có người nhận"),
        [_("Bước")] + _time_columns(),
        [[stage_label(s)] + _time_cells(rows[s]) for s in STAGES if s in rows],
        chart="grouped", series=(4, 5, 6, 7),
        note=_("Các lượt đã rời bước trong đợt; p50 là trung vị, p90: 90 % số lượt xong "
               "trong thời gian này (ngày theo lịch)."),
    )


def time_in_stage_by(scope: Scope, breakdown: str, labels: Labels) -> Figure:
    order = {s: i for i, s in enumerate(STAGES)}
    found = stage_times(_closed(scope), [f"{breakdown}_id", "stage"])
    labels.know(breakdown, (r[f"{breakdown}_id"] for r in found))
    rows = sorted(
        found,
        key=lambda r: (labels.of(breakdown, r[f"{breakdown}_id"]), order[Stage(r["stage"])]),
    )
    table = [[labels.of(breakdown, r[f"{breakdown}_id"]), stage_label(r["stage"])]
             + _time_cells(r) for r in rows]
    return Figure(
        f"time_in_stage_{breakdown}", _breakdown_title(f"time_in_stage_{breakdown}"),
        [_breakdown_name(breakdown), _("Bước")] + _time_columns(), table, chart="",
    )


# --- throughput and the trend ------------------------------------------------------------


def _week(field_name: str) -> TruncWeek:
    return TruncWeek(field_name, tzinfo=zoneinfo.ZoneInfo(timezone.get_current_timezone_name()))


def _week_label(value: Any) -> str:
    day = value.date() if isinstance(value, datetime.datetime) else value
    return f"{day:%d/%m/%Y}"


def throughput(scope: Scope) -> Figure:
    """Visits that left each stage, per week (by the Monday starting it)."""
    pairs = (_closed(scope).annotate(week=_week("left_at"))
             .values_list("week", "stage").annotate(n=Count("pk")).order_by("week"))
    table: dict[Any, dict[str, int]] = defaultdict(dict)
    for week, stage, n in pairs:
        table[week][stage] = n
    return Figure(
        "throughput", _("Số hồ sơ xử lý xong mỗi bước theo tuần"),
        [_("Tuần từ")] + [stage_label(s) for s in STAGES] + [_("Tổng")],
        [[_week_label(w)] + [cells.get(s, 0) for s in STAGES] + [sum(cells.values())]
         for w, cells in sorted(table.items())],
    )


def throughput_by(scope: Scope, breakdown: str, labels: Labels) -> Figure:
    pairs = list(_closed(scope).annotate(week=_week("left_at"))
                 .values_list(f"{breakdown}_id", "week").annotate(n=Count("pk")).order_by("week"))
    labels.know(breakdown, (g for g, _w, _n in pairs))
    weeks = sorted({w for _g, w, _n in pairs})
    labelled = [(g, _week_label(w), n) for g, w, n in pairs]
    return Figure(
        f"throughput_{breakdown}", _breakdown_title(f"throughput_{breakdown}"),
        [_breakdown_name(breakdown)] + [_week_label(w) for w in weeks] + [_("Tổng")],
        _pivot(labelled, lambda pk: labels.of(breakdown, pk), [_week_label(w) for w in weeks]),
        chart="",
    )


def trend(scope: Scope) -> Figure:
    """Per week of the campaign: dossiers submitted to review, leaving the decision pipeline
    (decided, returned or withdrawn), and those in it at the week's end."""
    entered = dict(
        _visits(scope).filter(stage=Stage.REVIEW).annotate(week=_week("entered_at"))
        .values_list("week").annotate(n=Count("pk")).values_list("week", "n")
    )
    left: dict[Any, dict[str, int]] = defaultdict(dict)
    for week, outcome, n in (
        _closed(scope).filter(stage__in=PIPELINE_STAGES, outcome__in=PIPELINE_EXITS)
        .annotate(week=_week("left_at")).values_list("week", "outcome").annotate(n=Count("pk"))
    ):
        left[week][outcome] = n
    rows, inside = [], 0
    for week in sorted(set(entered) | set(left)):
        out = left.get(week, {})
        decided = out.get(State.APPROVED, 0) + out.get(State.REJECTED, 0)
        inside += entered.get(week, 0) - sum(out.values())
        rows.append([_week_label(week), entered.get(week, 0), decided,
                     out.get(State.RETURNED, 0), inside])
    return Figure(
        "trend", _("Diễn biến trong đợt theo tuần"),
        [_("Tuần từ"), _("Trình thẩm định"), _("Đã quyết định"), _("Trả lại"),
         _("Đang thẩm định, chờ quyết định cuối tuần")],
        rows, chart="line",
    )


# --- deadlines ------------------------------------------------------------------------------


def _seen(scope: Scope, actor: Actor) -> Q:
    """The scope's nominations the actor may see: Actor.visible_filter within the scope's
    units (all of which the actor covers): submitted work, and the drafts of the units where
    they hold a unit role. No list of units for a whole-body scope: over a million rows, the
    list would be tested on every one of them."""
    drafts = actor.units_for(*UNIT_ROLES) & scope.units
    q = Q(submitted_at__isnull=False) | Q(unit_id__in=drafts)
    return q if scope.every_unit else q & Q(unit_id__in=scope.units)


def _late_q(scope: Scope, actor: Actor) -> Q:
    """The near-due and overdue items, as status_q(NEAR_DUE) | status_q(OVERDUE) selects them,
    in fewer terms: past its draft, an item is one or the other when its stored due date is
    before its stage's near-due cutoff (one range of the due-date index per cutoff). A
    draft (due by its campaign's deadline) only for whom sees drafts: their unit's people."""
    rules, today = scope.rules, scope.today
    by_cutoff: dict[datetime.date, list[str]] = defaultdict(list)
    for state, stage in STAGE_OF_STATE.items():
        limit = rules.limit(stage)
        if stage != TimeLimit.Code.DRAFT and limit is not None:
            cutoff = rules.calendar.add_working_days(today, limit.near_due_days + 1)
            by_cutoff[cutoff].append(state)
    q = Q(pk__in=[])
    for cutoff, states in sorted(by_cutoff.items()):
        q |= Q(state__in=states, due_on__lt=cutoff)
    if actor.units_for(*UNIT_ROLES) & scope.units:
        q |= Q(state=State.DRAFT) & (status_q(Status.NEAR_DUE, today=today, rules=rules)
                                     | status_q(Status.OVERDUE, today=today, rules=rules))
    return q


def _late(scope: Scope, actor: Actor) -> QuerySet:
    return Nomination.objects.filter(
        _seen(scope, actor), _late_q(scope, actor), campaign_id=scope.campaign.pk,
    )


def overdue_items(scope: Scope, actor: Actor) -> Figure:
    """The overdue and near-due items the person may see, the latest due first, with their
    holders (the open visit's); at most OVERDUE_LIST_LIMIT rows, the total in the note."""
    rules = scope.rules
    qs = _late(scope, actor)
    total = qs.count()
    holder = StageVisit.objects.filter(nomination_id=OuterRef("pk"), left_at__isnull=True)
    rows = list(
        qs.annotate(due=due_expression(rules), holder=Subquery(holder.values("holder_id")[:1]))
        .order_by("due", "pk")
        .values_list("pk", "nominee_name", "unit__name", "state", "due", "holder")
        [:OVERDUE_LIST_LIMIT]
    )
    people = _people({r[5] for r in rows})
    table = [
        [pk, name, unit, stage_label(STATE_TASK[state]), f"{due:%d/%m/%Y}" if due else "",
         str(STATUS_LABELS[Status.OVERDUE if due and due < scope.today else Status.NEAR_DUE]),
         people.get(holder, _("(hàng chờ, chưa ai nhận)")) if holder else
         _("(hàng chờ, chưa ai nhận)")]
        for pk, name, unit, state, due, holder in rows
    ]
    return Figure(
        "overdue", _("Hồ sơ quá hạn và sắp đến hạn"),
        [_("Mã"), _("Người / tập thể được đề nghị"), _("Đơn vị"), _("Bước"), _("Hạn"),
         _("Tình trạng"), _("Người xử lý")],
        table, chart="",
        note=_("%(shown)s / %(total)s hồ sơ, hạn sớm nhất trước.") % {
            "shown": len(table), "total": total},
    )


def overdue_holders(scope: Scope, actor: Actor) -> Figure:
    """The people holding the most overdue work (claimed items past their due date): from
    the overdue nominations (the due-date index), each one's open visit (one index lookup)."""
    open_visit = StageVisit.objects.filter(nomination_id=OuterRef("pk"), left_at__isnull=True,
                                           claimed_at__isnull=False)
    rows = list(
        Nomination.objects.filter(  # claimed work is past its draft: its due date decides
            _seen(scope, actor), state__in=HELD_STATES, due_on__lt=scope.today,
            campaign_id=scope.campaign.pk,
        )
        .annotate(holder=Subquery(open_visit.values("holder_id")[:1]))
        .filter(holder__isnull=False)
        .values_list("holder").annotate(n=Count("pk")).order_by("-n", "holder")
        [:TOP_HOLDERS]
    )
    people = _people({pk for pk, _n in rows})
    return Figure(
        "overdue_holders", _("Người đang giữ nhiều hồ sơ quá hạn nhất"),
        [_("Người xử lý"), _("Số hồ sơ quá hạn")],
        [[people.get(pk, str(pk)), n] for pk, n in rows],
    )


def held_away(scope: Scope, actor: Actor) -> Figure:
    """Claimed work whose holder is away today (a delegation of theirs is in force), with
    the substitutes standing in: one query for the rows, one for the names."""
    away = Delegation.objects.in_force_on(scope.today)
    # Few people are away: the open visits they hold are found through the partial index on
    # (holder, touched_at) of open visits. Claimed work has been submitted, so whoever covers
    # its unit sees it (approvals.access.Actor.visible_filter); the join checks it again.
    qs = _open(scope).filter(
        holder_id__in=away.values("delegator_id"), claimed_at__isnull=False,
        nomination__submitted_at__isnull=False,
    )
    total = qs.count()
    rows = list(
        qs.order_by("nomination__due_on", "nomination_id")
        .values_list("nomination_id", "nomination__nominee_name", "unit__name", "stage",
                     "nomination__due_on", "holder_id")[:OVERDUE_LIST_LIMIT]
    )
    lent: dict[int, set[int]] = defaultdict(set)
    for delegator, substitute in away.filter(
        delegator_id__in={r[5] for r in rows}
    ).values_list("delegator_id", "substitute_id"):
        lent[delegator].add(substitute)
    people = _people({r[5] for r in rows} | {pk for ids in lent.values() for pk in ids})
    table = [
        [pk, name, unit, stage_label(stage), f"{due:%d/%m/%Y}" if due else "",
         people.get(holder, str(holder)),
         ", ".join(sorted(people.get(u, str(u)) for u in lent.get(holder, ())))]
        for pk, name, unit, stage, due, holder in rows
    ]
    return Figure(
        "held_away", _("Hồ sơ do người đang vắng mặt giữ"),
        [_("Mã"), _("Người / tập thể được đề nghị"), _("Đơn vị"), _("Bước"), _("Hạn"),
         _("Người xử lý (vắng mặt)"), _("Người được ủy quyền")],
        table, chart="",
        note=_("%(shown)s / %(total)s hồ sơ; người được ủy quyền xử lý thay trong thời gian "
               "vắng mặt, quản lý có thể thu hồi hoặc giao lại việc đã quá hạn.") % {
            "shown": len(table), "total": total},
    )


def _people(ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {pk for pk in ids if pk is not None}
    if not wanted:
        return {}
    return {u.pk: full_name(u) for u in get_user_model().objects.filter(pk__in=wanted)}


# --- everything at once ---------------------------------------------------------------------


def labels_for(scope: Scope) -> Labels:
    """The names of the scope's units and of all awards (two queries); the people's are read
    with the figures that name them (Labels.know)."""
    return Labels(
        units={u.pk: u.name for u in Unit.objects.filter(pk__in=scope.units)},
        awards={a.pk: a.name_vi for a in Award.objects.all()},
    )


FIGURES = ["wip", *[f"wip_{b}" for b in BREAKDOWNS], "age", *[f"age_{b}" for b in BREAKDOWNS],
           "time_in_stage", *[f"time_in_stage_{b}" for b in BREAKDOWNS], "throughput",
           *[f"throughput_{b}" for b in BREAKDOWNS], "trend", "overdue", "overdue_holders",
           "held_away"]


# The figures read live, always: they depend on who reads them, or on today's delegations.
LIVE = ("overdue", "overdue_holders", "held_away")
# The figures that are the same for everyone covering every unit: beat stores them.
SHARED = [key for key in FIGURES if key not in LIVE]


def whole_body_scope(campaign: Campaign, today: datetime.date) -> Scope:
    return Scope(units=frozenset(Unit.objects.values_list("pk", flat=True)), campaign=campaign,
                 today=today, rules=deadline_rules(), every_unit=True)


def dashboard_figures(scope: Scope, actor: Actor | None, *, only: str | None = None,
                      stored: bool = True, keys: list[str] | None = None) -> list[Figure]:
    """The figures of the dashboard (or the one named `only`, or those in `keys`), in page
    order; for a whole-body scope, the shared ones come from a fresh snapshot if there is
    one. Without an actor, only the figures that do not depend on who reads them."""
    wanted = [only] if only else (keys or FIGURES)
    found = stored_figures(scope) if stored else {}
    missing = [key for key in wanted if key not in found]
    computed = dict(zip(missing, _compute(scope, actor, missing), strict=True))
    return [found.get(key) or computed[key] for key in wanted]


def _compute(scope: Scope, actor: Actor | None, wanted: list[str]) -> list[Figure]:
    needs_labels = any("_" in key and key.rsplit("_", 1)[1] in BREAKDOWNS for key in wanted)
    labels = labels_for(scope) if needs_labels else Labels()
    makers: dict[str, Callable[[], Figure]] = {
        "wip": lambda: wip_by_stage(scope),
        "age": lambda: age_by_stage(scope),
        "time_in_stage": lambda: time_in_stage(scope),
        "throughput": lambda: throughput(scope),
        "trend": lambda: trend(scope),
    }
    if actor is not None:
        makers["overdue"] = lambda: overdue_items(scope, actor)
        makers["overdue_holders"] = lambda: overdue_holders(scope, actor)
        makers["held_away"] = lambda: held_away(scope, actor)
    for breakdown in BREAKDOWNS:
        makers[f"wip_{breakdown}"] = _bind(wip_by, scope, breakdown, labels)
        makers[f"age_{breakdown}"] = _bind(age_by, scope, breakdown, labels)
        makers[f"time_in_stage_{breakdown}"] = _bind(time_in_stage_by, scope, breakdown, labels)
        makers[f"throughput_{breakdown}"] = _bind(throughput_by, scope, breakdown, labels)
    return [makers[key]() for key in wanted]


def _bind(fn: Callable[[Scope, str, Labels], Figure], scope: Scope, breakdown: str,
          labels: Labels) -> Callable[[], Figure]:
    return lambda: fn(scope, breakdown, labels)


def snapshot_max_age() -> datetime.timedelta:
    return datetime.timedelta(seconds=2 * settings.DASHBOARD_REFRESH_SECONDS)


def stored_figures(scope: Scope) -> dict[str, Figure]:
    """key -> figure of the campaign's fresh whole-body snapshot, in the current language;
    nothing for a narrower scope or without a fresh snapshot (one query)."""
    if not scope.every_unit:
        return {}
    snapshot = DashboardSnapshot.objects.filter(
        campaign_id=scope.campaign.pk, today=scope.today,
        computed_at__gte=timezone.now() - snapshot_max_age(),
    ).first()
    if snapshot is None:
        return {}
    with translation.override("vi"):
        labels = {stage_label(s) for s in STAGES} | {QUEUE_LABEL_VI}
    found = {}
    for stored in snapshot.figures:
        figure = Figure(**{**stored, "series": tuple(stored["series"]),
                           "computed_at": snapshot.computed_at})
        figure.title, figure.note = _(figure.title), _(figure.note) if figure.note else ""
        figure.columns = [_(c) for c in figure.columns]
        figure.rows = [[_(c) if isinstance(c, str) and c in labels else c for c in row]
                       for row in figure.rows]
        found[figure.key] = figure
    return found


def figure_to_json(figure: Figure) -> dict[str, Any]:
    return {"key": figure.key, "title": figure.title, "columns": figure.columns,
            "rows": figure.rows, "chart": figure.chart, "note": figure.note,
            "series": list(figure.series)}
