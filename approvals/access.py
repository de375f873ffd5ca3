"""The one access helper: who a user is in the organisation, and what they may see."""

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy as _
from guardian.models import UserObjectPermission

from workflow.errors import NotFound
from workflow.policy import may_view

from .models import BulkJob, ExportJob, Nomination, Unit
from .roles import UNIT_ROLES, Role

_PREFIX = "role_"


@dataclass(frozen=True)
class Actor:
    """A user with, for each role they hold, the set of unit ids that role covers."""

    user: object
    scopes: dict
    roots: frozenset = frozenset()  # ids of the top units (the body)

    def roles_at(self, unit_id: int) -> set:
        return {role for role, units in self.scopes.items() if unit_id in units}

    def units_for(self, *roles) -> frozenset:
        return frozenset().union(*(self.scopes.get(r, frozenset()) for r in roles))

    @property
    def roles(self) -> set:
        return set(self.scopes)

    def visible_filter(self):
        """A Q selecting the nominations this actor may see (see workflow.policy.may_view)."""
        from django.db.models import Q

        from .states import State

        unit_side = self.units_for(*UNIT_ROLES)
        any_side = self.units_for(*self.scopes)
        return Q(unit_id__in=unit_side) | (Q(unit_id__in=any_side) & ~Q(state=State.DRAFT))


# Who reads the global history (all units): the whole-body auditor, manager or admin.
HISTORY_ROLES = (Role.AUDITOR, Role.MANAGER, Role.ADMIN)


def may_read_global_history(actor: Actor) -> bool:
    return bool(actor.roots & actor.units_for(*HISTORY_ROLES))


def unit_tree() -> dict:
    """parent id -> child ids, for the whole organisation (one query)."""
    children: dict = {}
    for pk, parent in Unit.objects.values_list("id", "parent_id"):
        children.setdefault(parent, []).append(pk)
    return children


def _subtree(children: dict, root: int) -> set:
    seen, stack = set(), [root]
    while stack:
        pk = stack.pop()
        if pk not in seen:
            seen.add(pk)
            stack.extend(children.get(pk, ()))
    return seen


def load_actor(user) -> Actor:
    """Read the user's role grants from the guardian object permissions (two queries)."""
    if user is None or isinstance(user, AnonymousUser) or not user.is_authenticated:
        return Actor(user=user, scopes={})
    return load_actors([user])[user.pk]


def load_actors(users) -> dict:
    """user id -> Actor for many signed-in users: two queries, whatever their number."""
    users = {u.pk: u for u in users}
    rows = list(
        UserObjectPermission.objects.filter(
            user_id__in=list(users),
            content_type=ContentType.objects.get_for_model(Unit),
            permission__codename__startswith=_PREFIX,
        ).values_list("user_id", "permission__codename", "object_pk")
    )
    children = unit_tree() if rows else {}
    valid = {r.value for r in Role}
    scopes: dict = {pk: {} for pk in users}
    for user_id, codename, unit_pk in rows:
        role = codename[len(_PREFIX) :]
        if role in valid:
            scopes[user_id].setdefault(role, set()).update(_subtree(children, int(unit_pk)))
    roots = frozenset(children.get(None, ()))
    return {
        pk: Actor(
            user=users[pk],
            scopes={r: frozenset(u) for r, u in scopes[pk].items()},
            roots=roots if scopes[pk] else frozenset(),
        )
        for pk in users
    }


def get_nomination_for_actor(actor: Actor, nomination_id, *, for_update: bool = False):
    """Return the nomination or raise NotFound; a missing one and a hidden one look the same."""
    try:
        pk = int(nomination_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    qs = Nomination.objects.select_related("award", "campaign", "unit")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    nomination = qs.filter(pk=pk).first()
    if nomination is None or not may_view(actor.roles_at(nomination.unit_id), nomination.state):
        raise NotFound()
    return nomination


def get_bulk_job_for_user(user, job_id) -> BulkJob:
    """The bulk job if `user` started it, else NotFound: a missing job and someone else's
    look the same."""
    return _own_job(BulkJob, user, job_id)


def get_export_job_for_user(user, job_id) -> ExportJob:
    """The history export if `user` asked for it, else NotFound (as for a missing one)."""
    return _own_job(ExportJob, user, job_id)


def _own_job(model, user, job_id):
    try:
        pk = int(job_id)
    except (TypeError, ValueError):
        pk = 0
    # An id beyond bigint would be a database error, not a missing job.
    job = None
    if 0 < pk < 2**63:
        job = model.objects.filter(pk=pk, user_id=getattr(user, "pk", None)).first()
    if job is None:
        raise NotFound(_("Không tìm thấy."))
    return job
