"""Reads of the issued documents (approvals/decisions.py): what each role may put into a
new one, the lists, one document with its lines, and the name and title its signer signs
with. Each runs a fixed number of queries,
whatever the data; a document the actor may not see and a missing one are the same 404."""

from typing import Any, TypeVar

from django.contrib.auth.models import User
from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from workflow.errors import NotFound
from workflow.policy import DOCUMENT_ROLES

from .access import Actor
from .models import Award, IssuedDocument, Nomination, Profile
from .names import full_name
from .states import State

D = TypeVar("D", bound=IssuedDocument)
# The states of a nomination the body has approved (and perhaps reported).
DECIDED_STATES = (State.APPROVED, State.REPORTED)


def _nominations(actor: Actor, document: str) -> QuerySet[Nomination]:
    units = actor.units_for(*DOCUMENT_ROLES[document])
    if not units:
        return Nomination.objects.none()
    return (
        Nomination.objects.filter(actor.in_units(units))
        .select_related("award", "unit", "campaign")
        .order_by("unit__name", "nominee_name", "id")
    )


def decision_candidates(actor: Actor) -> QuerySet[Nomination]:
    """What the Director may put into a decision: awaiting them, an award the body decides
    (one query)."""
    return _nominations(actor, "decision").filter(
        state=State.AWAITING_DIRECTOR, award__decided_by=Award.Decider.BODY
    )


def report_candidates(actor: Actor, campaign_id: int | None = None) -> QuerySet[Nomination]:
    """The approved nominations (of a campaign) the actor may report (one query)."""
    qs = _nominations(actor, "report_batch").filter(state=State.APPROVED)
    return qs.filter(campaign_id=campaign_id) if campaign_id else qs


def upward_candidates(actor: Actor) -> QuerySet[Nomination]:
    """Approved nominations of higher awards not proposed upward yet (one query)."""
    return _nominations(actor, "upward_propose").filter(
        state__in=DECIDED_STATES, award__decided_by=Award.Decider.UPWARD,
        upward_line__isnull=True,
    )


def upward_pending(actor: Actor) -> QuerySet[Nomination]:
    """Proposed upward and waiting for the outcome, for whom records it (one query)."""
    return _nominations(actor, "upward_outcome").filter(
        upward_line__outcome="pending"
    ).select_related("upward_line__proposal")


def signer_of(user: User) -> tuple[str, str]:
    """The name and title a document is signed with, as they are today (one query)."""
    title = Profile.objects.filter(user=user).values_list("title", flat=True).first()
    return full_name(user), title or _("Thủ trưởng cơ quan")


def _readable(actor: Actor) -> frozenset[int]:
    """A document is read by whoever holds a role at its issuing body."""
    return actor.units_for(*actor.scopes)


def documents(actor: Actor, model: type[D]) -> QuerySet[Any]:
    """The actor's documents of a kind, newest first, with their line counts (one query)."""
    return (
        model._default_manager.filter(issuing_body_id__in=_readable(actor))
        .select_related("issuing_body").annotate(line_total=Count("lines"))
        .order_by("-date", "-id")
    )


def get_issued_for_actor(actor: Actor, model: type[D], pk: Any) -> D:
    """The document with its lines (`lines.all()`, in order): two queries, or NotFound."""
    try:
        key = int(pk)
    except (TypeError, ValueError):
        raise NotFound(_("Không tìm thấy văn bản.")) from None
    if not 0 < key < 2**63:
        raise NotFound(_("Không tìm thấy văn bản."))
    doc = (
        model._default_manager.filter(pk=key, issuing_body_id__in=_readable(actor))
        .select_related("issuing_body", "issuing_body__parent")
        .prefetch_related("lines").first()
    )
    if doc is None:
        raise NotFound(_("Không tìm thấy văn bản."))
    return doc
