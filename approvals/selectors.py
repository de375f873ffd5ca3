"""Reads: inboxes, lists and histories. Each runs a fixed number of queries, whatever the data."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import (
    CharField,
    Exists,
    F,
    FilteredRelation,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.utils import timezone
from django.utils.translation import gettext as _

from workflow.errors import InvalidInput
from workflow.models import AuditRecord
from workflow.policy import STATE_TASK, TASK_ROLES, task_states
from workflow.sla import Rules, Status, deadline_rules, due_expression, status_q

from .access import Actor
from .models import BulkJob, Delegation, InboxTally, Nomination, Unit
from .names import full_name
from .roles import UNIT_ROLES, Role
from .states import EDITABLE_STATES, State

TABS = ("mine", "queue", "done")
ORDERINGS: dict[str, tuple[Any, ...]] = {
    "age": ("state_changed_at", "id"),
    "-age": ("-state_changed_at", "-id"),
    "newest": ("-created_at", "-id"),
    # The due date of the open stage (workflow/sla.py), closed items last.
    "deadline": (F("due").asc(nulls_last=True), "id"),
}
ORDERS = tuple(ORDERINGS)


def _ordered(qs: QuerySet, order: str, default: str) -> QuerySet:
    order = order if order in ORDERINGS else default
    if order == "deadline":
        qs = qs.annotate(due=due_expression(deadline_rules()))
    return qs.order_by(*ORDERINGS[order])


# The recounts of the inbox's stored copies (approvals/tallies.py keeps them; the
# consistency check compares, tally_rebuild writes them). Plain SQL for PostgreSQL and SQLite.
_OPEN_TASK = (
    "SELECT t.{col} FROM viewflow_task t WHERE t.process_id = approvals_nomination.process_id"
    " AND t.status IN ('NEW', 'ASSIGNED', 'STARTED') AND t.flow_task_type = 'HUMAN'"
    " AND approvals_nomination.state IN ('draft', 'returned', 'submitted', 'in_review',"
    " 'council_vote', 'awaiting_director', 'approved') ORDER BY t.id DESC LIMIT 1"
)
OPEN_TASK_COPY = (
    f"task_id = ({_OPEN_TASK.format(col='id')}), "
    f"task_owner_id = ({_OPEN_TASK.format(col='owner_id')})"
)
DONE_RECOUNT = (
    "SELECT actor_id, nomination_id, MAX(created_at), COUNT(*) FROM workflow_auditrecord"
    " WHERE actor_id IS NOT NULL AND nomination_id IS NOT NULL GROUP BY actor_id, nomination_id"
)
TALLY_RECOUNT = (
    "SELECT COALESCE(task_owner_id, 0), 'open', unit_id, state, submitted_at IS NOT NULL,"
    " task_id IS NOT NULL, COUNT(*) FROM approvals_nomination GROUP BY 1, 2, 3, 4, 5, 6"
    " UNION ALL SELECT d.user_id, 'done', n.unit_id, '', n.submitted_at IS NOT NULL, FALSE,"
    " COUNT(*) FROM approvals_doneentry d JOIN approvals_nomination n ON n.id = d.nomination_id"
    " GROUP BY 1, 2, 3, 4, 5, 6"
)


@dataclass(frozen=True)
class _Columns:
    """Where a predicate finds the holder, the task and the submission: the nominations'
    own columns, or an InboxTally cell's (the counts are the same predicates, summed)."""

    holder: str
    nobody: Q
    has_task: Q
    submitted: Q


NOMINATION_COLUMNS = _Columns(
    "task_owner_id", Q(task_owner_id__isnull=True), Q(task_id__isnull=False),
    Q(submitted_at__isnull=False),
)
TALLY_COLUMNS = _Columns("person_id", Q(person_id=0), Q(has_task=True), Q(submitted=True))


def _base(actor: Actor) -> QuerySet:
    return (
        Nomination.objects.filter(actor.visible_filter())
        .select_related("unit", "award", "campaign")
        .annotate(task_owner_username=F("task_owner__username"))
    )


def _queue_filter(actor: Actor, c: _Columns = NOMINATION_COLUMNS) -> Q:
    """Open tasks nobody has claimed, in a stage one of my roles works, for a unit I cover."""
    q = Q(pk__in=[])
    for task_name, roles in TASK_ROLES.items():
        units = actor.units_for(*roles)
        if not units:
            continue
        states = [s for s, t in STATE_TASK.items() if t == task_name and s != State.IN_REVIEW]
        q |= Q(state__in=states) & actor.in_units(units)
    return q & c.nobody & c.has_task


def filter_nominations(
    qs: QuerySet, *, filters: dict[str, Any] | None = None, today: datetime.date | None = None
) -> QuerySet:
    """Apply the list filters shared by the inbox, the web list and the API; the deadline
    filters are judged on `today` (the local date unless given)."""
    f = filters or {}
    if f.get("state"):
        qs = qs.filter(state=f["state"])
    for key in ("unit", "campaign", "award"):
        value = f.get(key)
        if value:
            # isascii: "²".isdigit() is True but int("²") fails.
            is_id = str(value).isascii() and str(value).isdigit()
            qs = qs.filter(**{f"{key}_id": value}) if is_id else qs.filter(
                **{f"{key}__code": value}
            )
    if f.get("q"):
        # Accents and case aside: "Huong" finds "Hương", "đức" finds "Duc" (approvals.search).
        text = Func(Value(str(f["q"]).strip()), function="UNACCENT", output_field=CharField())
        qs = qs.filter(
            Q(nominee_name__unaccent__icontains=text)
            | Q(achievements__unaccent__icontains=text)
            | Q(decision_number__unaccent__icontains=text)
        )
    statuses = {Status.OVERDUE} if f.get("overdue") else set()
    if f.get("deadline_status"):
        statuses.add(f["deadline_status"])
    if statuses:
        rules, day = deadline_rules(), today or timezone.localdate()
        for status in statuses:  # both given: the items that are both (none, if they differ)
            qs = qs.filter(status_q(status, today=day, rules=rules))
    return qs


def _lent_work_filter(actor: Actor, c: _Columns = NOMINATION_COLUMNS) -> Q:
    """The tasks held by the people who lent me a role today, in that role's stages and
    units: mine to work while the delegation lasts."""
    q = Q(pk__in=[])
    for d in actor.delegations:
        q |= Q(**{c.holder: d.delegator_id}, state__in=task_states(d.role)) & actor.in_units(
            d.units
        )
    return q


def _unit_work_filter(actor: Actor, c: _Columns = NOMINATION_COLUMNS) -> Q:
    """The prepare stage of the units where I hold a unit role: their drafts and returned
    proposals. Nobody claims it (the unit works it together), so it is each member's own."""
    units = actor.units_for(*UNIT_ROLES)
    if not units:
        return Q(pk__in=[])
    return Q(state__in=EDITABLE_STATES) & actor.in_units(units) & c.nobody


def inbox(
    actor: Actor, *, tab: str = "queue", filters: dict[str, Any] | None = None,
    order: str = "age", today: datetime.date | None = None,
) -> QuerySet:
    """The actor's work: "mine", "queue" (I may claim), "done" (I acted on).

    "Mine" is what is mine to act on: the open tasks I hold, and, for the unit
    roles (unit staff, unit head), the drafts and returned proposals of the units
    where I hold such a role, whoever created them. Those stay in the unit's queue
    too, as before. Under a delegation in force today, the tasks its lender holds in
    the lent role are mine too, and the role's queue is in "queue".
    """
    qs = _base(actor)
    user_id = actor.user.pk
    if tab == "mine":
        qs = qs.filter(
            Q(task_owner_id=user_id) | _unit_work_filter(actor) | _lent_work_filter(actor)
        )
    elif tab == "queue":
        qs = qs.filter(_queue_filter(actor))
    elif tab == "done":
        qs = qs.alias(
            acted=FilteredRelation("done_by", condition=Q(done_by__user_id=user_id))
        ).filter(acted__isnull=False).annotate(my_last_action_at=F("acted__last_at"))
        if order == "age":
            return filter_nominations(qs, filters=filters, today=today).order_by(
                F("my_last_action_at").desc(), "-id"
            )
    else:
        raise ValueError(f"unknown inbox tab {tab!r}")
    return _ordered(filter_nominations(qs, filters=filters, today=today), order, "age")


def inbox_counts(actor: Actor) -> dict[str, int]:
    """Counts for the three tabs: one query, however many nominations."""
    return inbox_counts_many([actor])[actor.user.pk]


def _tally_visible(actor: Actor) -> Q:
    return actor.visible_filter(submitted=TALLY_COLUMNS.submitted)


def inbox_counts_many(actors: Iterable[Actor]) -> dict[int, dict[str, int]]:
    """user id -> counts for the three tabs, for many actors at once.

    The counts are sums of InboxTally cells (approvals/tallies.py keeps them), with the
    same predicates as the tabs' lists. People with the same role grants share one
    queue count and are summed together for "mine" and "done": one query per distinct
    set of grants, whatever the number of people or nominations (a live push to a
    thousand reviewers who hold the same role costs one query, not a thousand).
    """
    by_grants: dict[tuple[Any, ...], list[Actor]] = {}
    for actor in actors:
        lent = frozenset((d.delegator_id, d.role, d.units) for d in actor.delegations)
        key = (frozenset(actor.scopes.items()), actor.roots, lent)
        by_grants.setdefault(key, []).append(actor)
    counts: dict[int, dict[str, int]] = {}
    c, open_, done_ = TALLY_COLUMNS, Q(box=InboxTally.Box.OPEN), Q(box=InboxTally.Box.DONE)
    for group in by_grants.values():
        actor, ids = group[0], [a.user.pk for a in group]
        lenders = {d.delegator_id for d in actor.delegations} - set(ids)
        visible = _tally_visible(actor)
        queue_q = open_ & visible & _queue_filter(actor, c)
        # Tasks held per person, (person 0) the unit work they share, and the lenders'
        # tasks they share under the same delegations.
        mine_q = open_ & visible & (
            Q(person_id__in=ids) | _unit_work_filter(actor, c) | _lent_work_filter(actor, c)
        )
        done_q = done_ & visible & Q(person_id__in=ids)
        rows = (
            InboxTally.objects.filter(queue_q | mine_q | done_q)
            .order_by()
            .values("person_id")
            .annotate(
                queue=Sum("n", filter=queue_q), mine=Sum("n", filter=mine_q),
                done=Sum("n", filter=done_q),
            )
        )
        per = {
            r["person_id"]: {"mine": r["mine"] or 0, "queue": r["queue"] or 0,
                             "done": r["done"] or 0}
            for r in rows
        }
        none = dict.fromkeys(TABS, 0)
        queue = sum(p["queue"] for p in per.values())
        for pk in ids:
            counts[pk] = {
                "mine": per.get(pk, none)["mine"] + per.get(0, none)["mine"]
                + sum(per.get(u, none)["mine"] for u in lenders),
                "queue": queue,
                "done": per.get(pk, none)["done"],
            }
    return counts


# The key each order pages on (keyset pagination: no OFFSET, no COUNT): the annotation
# or column, and whether it runs downwards; the id breaks ties in the same direction.
_KEYS: dict[str, tuple[str, bool]] = {
    "age": ("state_changed_at", False),
    "-age": ("state_changed_at", True),
    "newest": ("created_at", True),
    "deadline": ("due", False),
    "done": ("my_last_action_at", True),
}


_NULLABLE = {"deadline"}  # a closed nomination has no due date


def page_key(tab: str, order: str) -> str:
    """Which of _KEYS the tab's list in `order` is sorted by (inbox())."""
    order = order if order in ORDERINGS else "age"
    return "done" if tab == "done" and order == "age" else order


def _cursor(row: Any, key: str) -> str:
    value = getattr(row, _KEYS[key][0])
    return f"{value.isoformat() if value is not None else ''}~{row.pk}"


def _after(key: str, cursor: str) -> Q:
    """The rows after `cursor` in the order of `key` (nulls last, as ORDERINGS sorts)."""
    field, down = _KEYS[key]
    try:
        text, pk_text = cursor.rsplit("~", 1)
        pk = int(pk_text)
        value: Any = None
        if text:
            value = (datetime.date if key == "deadline" else datetime.datetime).fromisoformat(
                text
            )
    except ValueError:
        raise InvalidInput(fields={"after": [_("Trang không hợp lệ.")]}) from None
    beyond, same_pk = ("lt", "pk__lt") if down else ("gt", "pk__gt")
    if value is None:  # among the nulls, at the end
        return Q(**{f"{field}__isnull": True, same_pk: pk})
    # The redundant bound lets an index on (key, id) start at the cursor.
    q = Q(**{f"{field}__{'lte' if down else 'gte'}": value}) & (
        Q(**{f"{field}__{beyond}": value}) | Q(**{field: value, same_pk: pk})
    )
    return q | Q(**{f"{field}__isnull": True}) if key in _NULLABLE else q


def keyset_page(
    qs: QuerySet, *, key: str, after: str | None, size: int
) -> tuple[list[Any], str | None]:
    """One page of `qs` (sorted by `key`, see page_key) after `after`, and the cursor of
    the next page (None on the last): one query, however deep the page."""
    if after:
        qs = qs.filter(_after(key, after))
    rows = list(qs[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return rows, (_cursor(rows[-1], key) if more else None)


def nomination_list(
    actor: Actor, *, filters: dict[str, Any] | None = None, order: str = "newest",
    today: datetime.date | None = None,
) -> QuerySet:
    return _ordered(filter_nominations(_base(actor), filters=filters, today=today), order, "newest")


def with_absence(qs: QuerySet, today: datetime.date | None = None) -> QuerySet:
    """Annotate `holder_away`: the open task's holder is away today (a delegation of theirs
    is in force). No query of its own: it rides on the list's."""
    away = Delegation.objects.in_force_on(today or timezone.localdate()).filter(
        delegator_id=OuterRef("task_owner_id")
    )
    return qs.annotate(holder_away=Exists(away))


def held_by_absent(actor: Actor, today: datetime.date | None = None) -> QuerySet:
    """The claimed work the actor sees whose holder is away today (one query): for the
    dashboard and the inbox flag."""
    return with_absence(_base(actor), today).filter(holder_away=True).order_by(
        "state_changed_at", "id"
    )


def absent_today(user_ids: Iterable[int], today: datetime.date | None = None) -> set[int]:
    """Which of these people are away today (one query)."""
    ids = [pk for pk in user_ids if pk is not None]
    if not ids:
        return set()
    return set(
        Delegation.objects.in_force_on(today or timezone.localdate())
        .filter(delegator_id__in=ids).values_list("delegator_id", flat=True)
    )


def escalation_q(today: datetime.date | None = None, *, rules: Rules | None = None) -> Q:
    """THE HOOK for escalation: which claimed nominations a manager may take back to the
    queue or hand to someone else: those overdue in their stage on `today` (the local date
    unless given), by the stored due dates of workflow/sla.py. The services check it after
    the lock (workflow.policy Rule.overdue_only); the offered actions ask the same of the
    loaded row (workflow.sla.is_overdue, no query)."""
    return status_q(Status.OVERDUE, today=today or timezone.localdate(),
                    rules=rules or deadline_rules())


def escalation_candidates(actor: Actor, today: datetime.date | None = None) -> QuerySet:
    """The claimed work in the units the actor manages that they may take back (one query)."""
    return (
        _base(actor)
        .filter(unit_id__in=actor.units_for(Role.MANAGER), task_owner_id__isnull=False)
        .filter(escalation_q(today))
        .order_by("state_changed_at", "id")
    )


def delegations_of(user: Any) -> QuerySet:
    """The delegations a person gave and received, newest first (one query)."""
    return (
        Delegation.objects.filter(Q(delegator=user) | Q(substitute=user))
        .select_related("delegator", "substitute", "unit", "cancelled_by")
        .order_by("-starts_on", "-id")
    )


def nomination_history(nomination: Nomination) -> QuerySet:
    return (
        AuditRecord.objects.filter(nomination=nomination)
        .select_related("actor", "on_behalf_of")
        .order_by("id")
    )


def history(*, filters: dict[str, Any] | None = None, newest_first: bool = False) -> QuerySet:
    """The global history for auditors; filters: actor, action, unit, date_from, date_to."""
    f = filters or {}
    qs = AuditRecord.objects.select_related("nomination__unit", "actor", "on_behalf_of").order_by(
        "-id" if newest_first else "id"
    )
    if f.get("actor"):
        # What a person did, and what was done in their stead.
        qs = qs.filter(Q(actor_username=f["actor"]) | Q(on_behalf_of_username=f["actor"]))
    if f.get("action"):
        qs = qs.filter(action=f["action"])
    if f.get("unit"):
        qs = qs.filter(nomination__unit__code=f["unit"])
    if f.get("date_from"):
        qs = qs.filter(created_at__date__gte=f["date_from"])
    if f.get("date_to"):
        qs = qs.filter(created_at__date__lte=f["date_to"])
    return qs


# Records that give someone a role, or take it away: grants and delegations.
ROLE_ACTIONS = ("role_grant", "role_revoke", "delegation_create", "delegation_cancel")


@dataclass(frozen=True)
class RoleChange:
    """Whose role a role_grant / role_revoke record changed, which role, for which unit."""

    username: str
    user: object  # None once the account is gone
    role: str
    unit_code: str  # "" for the whole body
    unit: Unit | None

    @property
    def person(self) -> str:
        """"Lý Thị Ngọc (cb.kv1)", or the bare username of an account that is gone."""
        return f"{full_name(self.user)} ({self.username})" if self.user else self.username


def with_role_changes(records: Iterable[Any]) -> list[Any]:
    """The records, each with `role_change` (a RoleChange for role_grant / role_revoke
    records, else None): two queries at most, whatever the number of records."""
    records = list(records)
    changes = [r for r in records if r.action in ROLE_ACTIONS]
    usernames = {r.data.get("user") for r in changes} - {None, ""}
    codes = {r.data.get("unit") for r in changes} - {None, ""}
    users = (
        {u.username: u for u in get_user_model().objects.filter(username__in=usernames)}
        if usernames else {}
    )
    units = {u.code: u for u in Unit.objects.filter(code__in=codes)} if codes else {}
    for record in records:
        record.role_change = None
        if record.action in ROLE_ACTIONS:
            username, code = record.data.get("user") or "", record.data.get("unit") or ""
            record.role_change = RoleChange(
                username=username,
                user=users.get(username),
                role=record.data.get("role") or "",
                unit_code=code,
                unit=units.get(code),
            )
    return records


def job_results(actor: Actor, job: BulkJob) -> list[dict[str, Any]]:
    """Each item's outcome (its BulkJobItem row) with the nominee's name where the actor
    may see it: two queries, however many items."""
    results = job.results
    names = dict(
        Nomination.objects.filter(actor.visible_filter(), pk__in=[r["id"] for r in results])
        .values_list("pk", "nominee_name")
    )
    return [{**r, "name": names.get(r["id"], "")} for r in results]
