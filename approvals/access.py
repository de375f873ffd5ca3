"""The one access helper: who a user is in the organisation, and what they may see."""

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Task

from workflow.errors import NotFound, PermissionRefused
from workflow.policy import OPEN_TASK_STATUSES, may_view, offered_actions
from workflow.sla import is_overdue

from .models import (
    BulkJob,
    Delegation,
    DossierDocument,
    Exemplar,
    ExportJob,
    Membership,
    Nomination,
    Person,
    RoleGrant,
    Unit,
)
from .record_kinds import KINDS
from .role_map import RoleMap, role_map
from .roles import UNIT_ROLES, Role

_PREFIX = "role_"
_Job = TypeVar("_Job", BulkJob, ExportJob)


@dataclass(frozen=True)
class Delegated:
    """A role someone lent this actor for today (a Delegation in force), and the units it
    covers: the delegation's units that the lender still holds the role for."""

    id: int
    delegator_id: int
    role: str
    units: frozenset[int]


@dataclass(frozen=True)
class Actor:
    """A user with, for each role they hold, the set of unit ids that role covers.

    `scopes` is what they may do today: their own grants (`granted`) and the roles lent
    to them by delegations in force today (`delegations`)."""

    user: Any
    scopes: dict[str, frozenset[int]]
    roots: frozenset = frozenset()  # ids of the top units (the body)
    granted: dict[str, frozenset[int]] = field(default_factory=dict)
    delegations: tuple[Delegated, ...] = ()
    # The unit tree (parent id -> child ids) as read with the grants; None if not read.
    tree: dict[int | None, list[int]] | None = None
    # Every unit of the organisation when loaded: a set of units equal to it needs no
    # filter on the unit (a body-wide reviewer's inbox names no list of hundreds of ids).
    all_units: frozenset[int] = frozenset()
    # The role map it was read from (who else holds which role where), when it holds any.
    role_map: RoleMap | None = field(default=None, compare=False, repr=False)

    def in_units(self, units: frozenset[int]) -> Q:
        """A Q on `unit_id`: in `units`, or nothing to check when they are every unit."""
        if units and units == self.all_units:
            return Q()
        return Q(unit_id__any_of=units)

    def roles_at(self, unit_id: int) -> set[str]:
        return {role for role, units in self.scopes.items() if unit_id in units}

    def granted_at(self, unit_id: int) -> set[str]:
        """The roles the user holds here in their own right (not lent)."""
        return {role for role, units in self.granted.items() if unit_id in units}

    def units_for(self, *roles: str) -> frozenset[int]:
        return frozenset().union(*(self.scopes.get(r, frozenset()) for r in roles))

    def delegation(
        self, role: str, unit_id: int, *, delegator_id: int | None = None
    ) -> Delegated | None:
        """The first (oldest) delegation in force that lends `role` here (from that person)."""
        return next(
            (
                d for d in self.delegations
                if d.role == role and unit_id in d.units
                and delegator_id in (None, d.delegator_id)
            ),
            None,
        )

    def lent_at(self, unit_id: int) -> dict[str, frozenset[int]]:
        """role -> the people who lent it to this actor here today."""
        lent: dict[str, set[int]] = {}
        for d in self.delegations:
            if unit_id in d.units:
                lent.setdefault(d.role, set()).add(d.delegator_id)
        return {role: frozenset(ids) for role, ids in lent.items()}

    @property
    def roles(self) -> set[str]:
        return set(self.scopes)

    def visible_filter(self, submitted: Q | None = None) -> Q:
        """A Q selecting the nominations this actor may see (see workflow.policy.may_view);
        `submitted`: how "was submitted" reads where it is not `submitted_at` (a tally)."""
        unit_side = self.units_for(*UNIT_ROLES)
        any_side = self.units_for(*self.scopes)
        was_submitted = Q(submitted_at__isnull=False) if submitted is None else submitted
        if not unit_side:
            return self.in_units(any_side) & was_submitted
        return self.in_units(unit_side) | (self.in_units(any_side) & was_submitted)


# Who reads the global history (all units): the whole-body auditor, manager or admin.
HISTORY_ROLES = (Role.AUDITOR, Role.MANAGER, Role.ADMIN)


def may_read_global_history(actor: Actor) -> bool:
    return bool(actor.roots & actor.units_for(*HISTORY_ROLES))


# Who reads the whole body's exemplars and its year's compilation (điển hình tiên tiến).
COMPILATION_ROLES = (Role.STANDING_REVIEWER, Role.DIRECTOR, Role.LIAISON, Role.MANAGER,
                     Role.AUDITOR)


def may_read_compilation(actor: Actor) -> bool:
    return bool(actor.roots & actor.units_for(*COMPILATION_ROLES))


def unit_tree() -> dict[int | None, list[int]]:
    """parent id -> child ids, for the whole organisation (one query)."""
    children: dict[int | None, list[int]] = {}
    for pk, parent in Unit.objects.values_list("id", "parent_id"):
        children.setdefault(parent, []).append(pk)
    return children


def load_actor(
    user: Any, *, today: datetime.date | None = None, roles: RoleMap | None = None
) -> Actor:
    """The user's role grants and today's delegations to them (one query while the role map
    is unchanged; none given the map `roles`)."""
    if user is None or isinstance(user, AnonymousUser) or not user.is_authenticated:
        return Actor(user=user, scopes={})
    return load_actors([user], today=today, roles=roles)[user.pk]


def load_actors(
    users: Iterable[Any], *, today: datetime.date | None = None, roles: RoleMap | None = None
) -> dict[int, Actor]:
    """user id -> Actor for many signed-in users, from the role map (approvals/role_map.py:
    one query while no grant, delegation or unit has changed), whatever their number.

    Each has their own grants and the roles lent to them by the delegations in force on
    `today` (the local date unless given), each no more than its lender holds."""
    users = {u.pk: u for u in users}
    day = today or timezone.localdate()
    roles = roles or role_map()
    actors = {}
    for pk, user in users.items():
        own = roles.own(pk)
        delegated = [Delegated(d.id, d.delegator_id, d.role, covered)
                     for d, covered in roles.lent_to(pk, day)]
        has_any = bool(own or delegated)
        actors[pk] = _actor(user, own, delegated, roles.roots, roles.everything,
                            roles.children if has_any else None, roles if has_any else None)
    return actors


def _actor(
    user: Any, own: Mapping[str, Iterable[int]], delegated: list[Delegated], roots: frozenset,
    every: frozenset[int],
    tree: dict[int | None, list[int]] | None = None,
    roles: RoleMap | None = None,
) -> Actor:
    scopes = {role: set(units) for role, units in own.items()}
    for d in delegated:
        scopes.setdefault(d.role, set()).update(d.units)
    return Actor(
        user=user,
        scopes={r: frozenset(u) for r, u in scopes.items()},
        roots=roots if scopes else frozenset(),
        granted={r: frozenset(u) for r, u in own.items()},
        delegations=tuple(delegated),
        tree=tree,
        all_units=every,
        role_map=roles,
    )


def request_actor(request: HttpRequest) -> Actor:
    """The signed-in person's Actor, loaded once per request (pages, API, templates)."""
    actor = getattr(request, "_vd_actor", None)
    if actor is None:
        actor = load_actor(request.user)
        request._vd_actor = actor  # type: ignore[attr-defined]
    return actor


def get_nomination_for_actor(
    actor: Actor, nomination_id: int | str, *, for_update: bool = False
) -> Nomination:
    """Return the nomination or raise NotFound; a missing one and a hidden one look the same."""
    try:
        pk = int(nomination_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    qs = Nomination.objects.select_related("award", "campaign", "unit")
    if for_update:
        # A change reads the open task with the row it locks (open_task uses it).
        qs = qs.select_related("task__owner", "task__process").select_for_update(of=("self",))
    nomination = qs.filter(pk=pk).first()
    if nomination is None or not may_view(
        actor.roles_at(nomination.unit_id), submitted=nomination.submitted_at is not None
    ):
        raise NotFound()
    return nomination


def open_task(nomination: Nomination, *, locked: bool = False) -> Task | None:
    """The nomination's one open human task, or None once the process is over.

    `locked`: `nomination` was just read under its row lock with its task (by
    get_nomination_for_actor(for_update=True)): its copy of the open task (Nomination.task,
    kept by approvals.tallies.task_follow and checked by workflow.consistency) is the task
    when it is open, without reading it again."""
    if nomination.process_id is None:
        return None
    if locked and Nomination.task.is_cached(nomination):
        copy = nomination.task
        if (copy is not None and copy.status in OPEN_TASK_STATUSES
                and copy.flow_task_type == "HUMAN" and copy.process_id == nomination.process_id):
            return copy
    return (
        Task.objects.filter(
            process_id=nomination.process_id,
            status__in=OPEN_TASK_STATUSES,
            flow_task_type="HUMAN",
        )
        .select_related("owner", "process")
        .order_by("-id")
        .first()
    )


def available_actions(
    actor: Actor, nomination: Nomination, *, task_id: int | None, owner_id: int | None
) -> list[str]:
    """The lifecycle actions `actor` is offered now (workflow.policy.offered_actions); the web
    page and the API show exactly these, and the services check the same rules again. The
    escalations (Rule.overdue_only) are offered on work overdue in its stage only, judged
    from the loaded row as the services' `selectors.escalation_q` judges it (no query)."""
    return offered_actions(
        actor.roles_at(nomination.unit_id),
        nomination.state,
        task_id=task_id,
        owner_id=owner_id,
        user_id=actor.user.pk,
        lent=actor.lent_at(nomination.unit_id),
        overdue=is_overdue(nomination, today=timezone.localdate()),
    )


def delegation_in_force(lent: Delegated, *, for_update: bool = False) -> Delegation:
    """The delegation behind `lent`, locked, if it is still in force today; else the action
    taken under it is refused (cancelled or over since the actor was loaded)."""
    qs = Delegation.objects.in_force_on(timezone.localdate()).select_related("delegator")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    delegation = qs.filter(pk=lent.id).first()
    if delegation is None:
        raise PermissionRefused(_("Ủy quyền bạn đang dùng đã hết hiệu lực hoặc đã bị hủy."))
    return delegation


def _holders_q(nomination: Nomination, roles: Iterable[str]) -> Q:
    """Grants of one of `roles` for the nomination's unit, one of its parents, or the body."""
    ancestors, unit = [], nomination.unit
    parents = dict(Unit.objects.values_list("id", "parent_id"))
    pk: int | None = unit.pk
    while pk is not None:
        ancestors.append(pk)
        pk = parents.get(pk)
    return Q(role__in=list(roles)) & (Q(unit_id__in=ancestors) | Q(unit__isnull=True))


def assignee_choices(nomination: Nomination, roles: Iterable[str]) -> list[Any]:
    """The active people who may work a task of `roles` on this nomination, each once,
    by name: the reassignment form offers exactly the people the service accepts."""
    user_ids = RoleGrant.objects.filter(_holders_q(nomination, roles)).values("user_id")
    return list(
        get_user_model().objects.filter(pk__in=user_ids, is_active=True)
        .order_by("last_name", "first_name", "username")
    )


def assignee_for(nomination: Nomination, roles: Iterable[str], user_id: int) -> Any | None:
    """The person `user_id` if they may work a task of `roles` on this nomination."""
    user_ids = RoleGrant.objects.filter(_holders_q(nomination, roles)).values("user_id")
    return get_user_model().objects.filter(pk=user_id, is_active=True, pk__in=user_ids).first()


def get_document_for_actor(
    actor: Actor, nomination: Nomination, document_id: int
) -> DossierDocument:
    """A live (not removed) document of a nomination the actor sees, or NotFound."""
    doc = nomination.documents.filter(pk=document_id, removed_at__isnull=True).first()
    if doc is None:
        raise NotFound()
    return doc


def get_delegation_for_user(
    user: Any, delegation_id: int | str, *, for_update: bool = False
) -> Delegation:
    """The delegation if `user` gave it (an administrator: any one), else NotFound: a
    missing delegation and someone else's look the same."""
    try:
        pk = int(delegation_id)
    except (TypeError, ValueError):
        pk = 0
    qs = Delegation.objects.select_related("delegator", "substitute", "unit")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    delegation = qs.filter(pk=pk).first() if 0 < pk < 2**63 else None
    if delegation is None or (
        delegation.delegator_id != user.pk
        and not RoleGrant.objects.filter(user_id=user.pk, role=Role.ADMIN).exists()
    ):
        raise NotFound(_("Không tìm thấy ủy quyền."))
    return delegation


def get_bulk_job_for_user(user: Any, job_id: int | str) -> BulkJob:
    """The bulk job if `user` started it, else NotFound: a missing job and someone else's
    look the same."""
    return _own_job(BulkJob, user, job_id)


def get_export_job_for_user(user: Any, job_id: int | str) -> ExportJob:
    """The history export if `user` asked for it, else NotFound (as for a missing one)."""
    return _own_job(ExportJob, user, job_id)


def _own_job(model: type[_Job], user: Any, job_id: int | str) -> _Job:
    try:
        pk = int(job_id)
    except (TypeError, ValueError):
        pk = 0
    # An id beyond bigint would be a database error, not a missing job.
    job: _Job | None = None
    if 0 < pk < 2**63:
        job = model.objects.filter(pk=pk, user_id=user.pk).first()
    if job is None:
        raise NotFound(_("Không tìm thấy."))
    return job


# --- the nominee register: persons, their records, collectives (issue 11) -------------

# The standing reviewer keeps the register (an administrator too, as in the admin); the unit
# roles read the people of their own units. Nobody else sees it.
REGISTER_EDIT_ROLES = (Role.STANDING_REVIEWER, Role.ADMIN)
REGISTER_READ_ROLES = (*REGISTER_EDIT_ROLES, *sorted(UNIT_ROLES))
REGISTER_EDIT_REFUSED = _(
    "Chỉ Thường trực Hội đồng Thi đua - Khen thưởng cập nhật hồ sơ cá nhân và tập thể."
)


def may_read_register(actor: Actor) -> bool:
    return bool(actor.units_for(*REGISTER_READ_ROLES))


def may_edit_register(actor: Actor) -> bool:
    """Held for the whole body, as approvals.register.may_keep_register asks."""
    return bool(actor.roots & actor.units_for(*REGISTER_EDIT_ROLES))


def persons_visible_q(actor: Actor, *, edit: bool = False) -> Q:
    """A Q on Person: the people this actor may read (or, with `edit`, change).

    Who covers the whole body sees everyone, people with no membership yet among them;
    a unit's roles see the people whose membership of one of their units has not ended.
    Only who keeps the register for the whole body changes anyone."""
    if edit:
        return Q() if may_edit_register(actor) else Q(pk__in=[])
    units = actor.units_for(*REGISTER_READ_ROLES)
    if not units:
        return Q(pk__in=[])
    if actor.roots & units:
        return Q()
    today = timezone.localdate()
    current = Membership.objects.filter(unit_id__in=units).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=today)
    )
    return Q(pk__in=current.values("person_id"))


def units_visible(actor: Actor) -> frozenset[int]:
    """The collectives (units) whose register this actor may read."""
    return actor.units_for(*REGISTER_READ_ROLES)


def _pk(value: int | str) -> int:
    try:
        pk = int(value)
    except (TypeError, ValueError):
        return 0
    return pk if 0 < pk < 2**63 else 0


def get_person_for_actor(
    actor: Actor, person_id: int | str, *, edit: bool = False, for_update: bool = False
) -> Person:
    """The person, or NotFound when missing or not readable by the actor (the two look the
    same); PermissionRefused when the actor reads but may not change them (`edit`)."""
    qs = Person.objects.filter(persons_visible_q(actor))
    if for_update:
        qs = qs.select_for_update(of=("self",))
    person = qs.filter(pk=_pk(person_id)).first()
    if person is None:
        raise NotFound(_("Không tìm thấy cá nhân."))
    editable = Person.objects.filter(persons_visible_q(actor, edit=True), pk=person.pk)
    if edit and not editable.exists():
        raise PermissionRefused(REGISTER_EDIT_REFUSED)
    return person


def get_collective_for_actor(actor: Actor, unit_id: int | str) -> Unit:
    """The unit as a collective of the register, or NotFound (missing or not readable)."""
    pk = _pk(unit_id)
    unit = Unit.objects.filter(pk=pk).first() if pk in units_visible(actor) else None
    if unit is None:
        raise NotFound(_("Không tìm thấy tập thể."))
    return unit


def get_record_for_actor(
    actor: Actor, kind: str, record_id: int | str, *, edit: bool = False,
    for_update: bool = False,
) -> Any:
    """One row of a record kind (approvals.record_kinds: a membership, a rating, ...) whose
    person (or, for a collective's past award, whose unit) the actor reads; else NotFound.
    PermissionRefused when the actor reads but may not change it (`edit`)."""
    spec = KINDS[kind]
    qs = spec.model._default_manager.all()
    if for_update:
        qs = qs.select_for_update(of=("self",))
    record = qs.filter(pk=_pk(record_id)).first()
    person_id = getattr(record, "person_id", None)
    if record is None or (person_id is None and getattr(record, "unit_id", None) is None):
        raise NotFound(_("Không tìm thấy."))
    if person_id is not None:
        try:
            get_person_for_actor(actor, person_id, edit=edit)
        except NotFound:
            raise NotFound(_("Không tìm thấy.")) from None
        return record
    if getattr(record, "unit_id", None) not in units_visible(actor):
        raise NotFound(_("Không tìm thấy."))
    if edit and not may_edit_register(actor):
        raise PermissionRefused(REGISTER_EDIT_REFUSED)
    return record


def get_exemplar_for_actor(
    actor: Actor, exemplar_id: int | str, *, for_update: bool = False
) -> Exemplar:
    """The exemplar, or NotFound when missing or its award's unit is hidden from the actor
    (the two look the same); the public page reads published ones without an actor
    (approvals.exemplar_selectors)."""
    qs = Exemplar.objects.select_related("nomination", "nomination__unit")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    exemplar = qs.filter(pk=_pk(exemplar_id)).first()
    if exemplar is None or not may_view(actor.roles_at(exemplar.nomination.unit_id),
                                        submitted=True):
        raise NotFound(_("Không tìm thấy điển hình."))
    return exemplar
