"""Who holds which role where: the organisation's unit tree, every role grant and every
delegation, read once per process and kept while nothing of them has changed.

The map is read whole (three queries) and kept with the token of `RoleMapVersion`, which
database triggers change in the same transaction as any change of a role grant (guardian's
object permissions), a delegation, a unit or a user's active flag (migration
approvals/0028). Each use reads the token first (one query): an unchanged token means the
kept map is exactly the data, since every change of the data changed the token with it; a
changed one (or none: a flushed table) reads the map again. On a database without those
triggers (SQLite, the demo) the map is read each time.

What it answers is what approvals.access.load_actors and notifications.services.role_holders
used to read from the tables themselves: a grant covers its unit's subtree; a delegation in
force on a day lends its role for its unit's subtree (no unit: every unit), no more than the
lender holds there; who "works a role for a unit" is an active holder at the unit or above
it, or an active substitute such a holder lent the role to.
"""

import datetime
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from guardian.models import UserObjectPermission

from .models import Delegation, RoleMapVersion, Unit
from .roles import Role

PREFIX = "role_"
_VALID = frozenset(r.value for r in Role)


@dataclass(frozen=True)
class Lending:
    id: int
    delegator_id: int
    substitute_id: int
    role: str
    unit_id: int | None
    starts_on: datetime.date
    ends_on: datetime.date
    substitute_active: bool

    def in_force_on(self, day: datetime.date) -> bool:
        return self.starts_on <= day <= self.ends_on


@dataclass
class RoleMap:
    token: str
    # parent id -> child ids (in unit code order); None -> the top units.
    children: dict[int | None, list[int]]
    # user id -> [(role, unit id)], each of their grants.
    grants: dict[int, list[tuple[str, int]]]
    # (role, unit id) -> the active users granted that role at that unit.
    holders_at: dict[tuple[str, int], frozenset[int]]
    # Delegations not cancelled, by id (in force or not: the day is the caller's).
    lendings: tuple[Lending, ...]
    parents: dict[int, int | None] = field(default_factory=dict)
    everything: frozenset[int] = frozenset()
    roots: frozenset[int] = frozenset()
    _subtrees: dict[int, frozenset[int]] = field(default_factory=dict)
    _own: dict[int, dict[str, frozenset[int]]] = field(default_factory=dict)

    _lent_to: dict[int, list[Lending]] = field(default_factory=dict)
    _lent_as: dict[str, list[Lending]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for d in self.lendings:
            self._lent_to.setdefault(d.substitute_id, []).append(d)
            self._lent_as.setdefault(d.role, []).append(d)
        self.parents = {c: p for p, cs in self.children.items() for c in cs}
        self.roots = frozenset(self.children.get(None, ()))
        self.everything = frozenset(self.parents)

    def subtree(self, unit_id: int | None) -> frozenset[int]:
        """The unit and every unit under it (None: every unit)."""
        if unit_id is None:
            return self.everything
        found = self._subtrees.get(unit_id)
        if found is None:
            seen: set[int] = set()
            stack = [unit_id]
            while stack:
                pk = stack.pop()
                if pk not in seen:
                    seen.add(pk)
                    stack.extend(self.children.get(pk, ()))
            found = self._subtrees[unit_id] = frozenset(seen)
        return found

    def own(self, user_id: int) -> dict[str, frozenset[int]]:
        """role -> the units the user's own grants cover."""
        found = self._own.get(user_id)
        if found is None:
            scopes: dict[str, set[int]] = {}
            for role, unit_id in self.grants.get(user_id, ()):
                scopes.setdefault(role, set()).update(self.subtree(unit_id))
            found = self._own[user_id] = {r: frozenset(u) for r, u in scopes.items()}
        return found

    def lent_to(self, user_id: int, day: datetime.date) -> list[tuple[Lending, frozenset[int]]]:
        """The delegations in force on `day` that lend this user a role (oldest first), each
        with the units it covers: its units that the lender holds the role for."""
        lent = []
        for d in self._lent_to.get(user_id, ()):
            if d.in_force_on(day):
                covered = self.subtree(d.unit_id) & self.own(d.delegator_id).get(d.role,
                                                                               frozenset())
                if covered:
                    lent.append((d, covered))
        return lent

    def ancestors(self, unit_id: int) -> list[int]:
        """The unit and the units above it, nearest first."""
        chain: list[int] = []
        current: int | None = unit_id
        while current is not None and current not in chain:
            chain.append(current)
            current = self.parents.get(current)
        return chain

    def holders(self, unit_id: int, roles: Iterable[str], day: datetime.date) -> dict:
        """role -> ids of active users who work it for `unit_id` on `day`."""
        roles = set(roles)
        above = self.ancestors(unit_id)
        found: dict[str, set[int]] = {}
        for role in roles:
            for pk in above:
                users = self.holders_at.get((role, pk))
                if users:
                    found.setdefault(role, set()).update(users)
        granted = {role: frozenset(users) for role, users in found.items()}
        for d in (d for role in sorted(roles) for d in self._lent_as.get(role, ())):
            if (d.substitute_active and d.in_force_on(day)
                    and (d.unit_id is None or d.unit_id in above)
                    and d.delegator_id in granted.get(d.role, ())):  # lends what they hold
                found[d.role].add(d.substitute_id)
        return found


_cached: RoleMap | None = None
_cache_lock = threading.Lock()


def _token() -> str:
    """The map's token; "" where none is kept (no triggers there, or the row is gone)."""
    if connection.vendor != "postgresql":
        return ""  # no triggers keep a token there: read the map each time
    return RoleMapVersion.objects.filter(pk=1).values_list("token", flat=True).first() or ""


def role_map(token: str | None = None) -> RoleMap:
    """The map in force: one query while nothing in it has changed, four when it has.

    `token`: the token as the caller has just read it (workflow.services reads it with the
    deadline rules' token in one statement); "" reads the map without keeping it."""
    global _cached
    if token is None:
        token = _token()
    kept = _cached
    if token and kept is not None and kept.token == token:
        return kept
    fresh = _read(token)
    if token:
        with _cache_lock:
            _cached = fresh
    return fresh


def forget() -> None:
    """Drop this process's copy."""
    global _cached
    _cached = None


def _read(token: str) -> RoleMap:
    children: dict[int | None, list[int]] = {}
    for pk, parent in Unit.objects.order_by("code").values_list("id", "parent_id"):
        children.setdefault(parent, []).append(pk)
    grants: dict[int, list[tuple[str, int]]] = {}
    holders_at: dict[tuple[str, int], set[int]] = {}
    rows = UserObjectPermission.objects.filter(
        content_type=ContentType.objects.get_for_model(Unit),
        permission__codename__startswith=PREFIX,
    ).order_by("id").values_list("user_id", "permission__codename", "object_pk",
                                 "user__is_active")
    for user_id, codename, object_pk, active in rows:
        role = codename[len(PREFIX):]
        if role not in _VALID:
            continue
        grants.setdefault(user_id, []).append((role, int(object_pk)))
        if active:
            holders_at.setdefault((role, int(object_pk)), set()).add(user_id)
    lendings = tuple(
        Lending(*row) for row in Delegation.objects.filter(cancelled_at__isnull=True)
        .order_by("id").values_list("id", "delegator_id", "substitute_id", "role", "unit_id",
                                    "starts_on", "ends_on", "substitute__is_active")
    )
    return RoleMap(token=token, children=children, grants=grants,
                   holders_at={k: frozenset(v) for k, v in holders_at.items()},
                   lendings=lendings)
