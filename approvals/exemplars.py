"""Điển hình tiên tiến: the standing reviewer proposes a person or collective of an approved
(or reported) award as an exemplar, with a short public story; the Director publishes it or
declines it; a revoked award takes its exemplar off the public page.

Each change is one durable transaction under the exemplar's (or the nomination's) row lock,
its checks after the lock, with a record in the hash-chained history of the nomination (its
state unchanged: the record's from and to state are the nomination's own, so the history
still ends in the nomination's state). Nothing is sent to anyone: the public page reads the
database (approvals.exemplar_selectors).
"""

from collections.abc import Callable

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from workflow.audit import audit_append, security_log
from workflow.errors import Conflict, InvalidInput, NotFound, PermissionRefused
from workflow.schemas import CONTROL_CHARACTERS, CONTROL_MESSAGE

from .access import Actor, get_exemplar_for_actor, get_nomination_for_actor, load_actor
from .models import EXEMPLAR_STORY_MAX, Exemplar, Nomination
from .roles import Role
from .states import State
from .tallies import open_cell, tally_follow

# The awards an exemplar may come from: decided, and not revoked.
EXEMPLAR_SOURCE_STATES = (State.APPROVED, State.REPORTED)
MAX_REASON = 2000
Within = Callable[[Exemplar], None]


def _text(name: str, value: str, *, limit: int, required: bool) -> str:
    value = value.strip()
    if required and not value:
        raise InvalidInput(fields={name: [_("Vui lòng nhập nội dung.")]})
    if CONTROL_CHARACTERS.search(value):
        raise InvalidInput(fields={name: [str(CONTROL_MESSAGE)]})
    if len(value) > limit:
        raise InvalidInput(fields={name: [_("Dài quá %(n)d ký tự.") % {"n": limit}]})
    return value


def _require(actor: Actor, role: str, unit_id: int, what: str) -> None:
    if role not in actor.roles_at(unit_id):
        raise PermissionRefused(
            _("Bạn không có vai trò được phép “%(action)s”.") % {"action": what}
        )


def _audit(user: User, role: str, action: str, exemplar: Exemplar, comment: str = "") -> None:
    nomination = exemplar.nomination
    record = audit_append(
        nomination=nomination, actor=user, role=role, action=action,
        from_state=nomination.state, to_state=nomination.state, comment=comment,
        data={"exemplar": exemplar.pk, "status": exemplar.status},
    )
    # The actor's "done" tab counts it, as every record of theirs on the nomination.
    tally_follow(nomination=nomination, before=open_cell(nomination), record=record)


def _refused(user: User, action: str, nomination_id: int | None, exc: Exception) -> None:
    if isinstance(exc, PermissionRefused | NotFound):
        security_log(actor=user, action=action, nomination_id=nomination_id,
                     outcome=exc.code, detail=str(exc.message))


def exemplar_propose(
    *, user: User, nomination_id: int, story: str, within: Within | None = None
) -> Exemplar:
    """The standing reviewer proposes the nominee of an approved (or reported) award as an
    exemplar, with its public story (at most EXEMPLAR_STORY_MAX characters)."""
    story = _text("story", story, limit=EXEMPLAR_STORY_MAX, required=True)
    try:
        with transaction.atomic(durable=True):
            actor = load_actor(user)
            nomination = get_nomination_for_actor(actor, nomination_id, for_update=True)
            _require(actor, Role.STANDING_REVIEWER, nomination.unit_id,
                     _("Đề xuất điển hình tiên tiến"))
            if nomination.state not in EXEMPLAR_SOURCE_STATES:
                raise Conflict(_("Chỉ đề xuất điển hình từ khen thưởng đã được phê duyệt."))
            if nomination.exemplars.filter(
                status__in=[Exemplar.Status.PROPOSED, Exemplar.Status.PUBLISHED]
            ).exists():
                raise Conflict(_("Khen thưởng này đã được đề xuất hoặc công bố điển hình."))
            exemplar = Exemplar.objects.create(nomination=nomination, story=story,
                                               proposed_by=user)
            _audit(user, Role.STANDING_REVIEWER, "exemplar_propose", exemplar)
            if within is not None:
                within(exemplar)
    except (PermissionRefused, NotFound) as exc:
        _refused(user, "exemplar_propose", nomination_id, exc)
        raise
    except IntegrityError as exc:  # the same award proposed twice at once
        raise Conflict() from exc
    return exemplar


def _decide(user: User, exemplar_id: int, action: str, what: str,
            change: Callable[[Exemplar], None], comment: str = "",
            within: Within | None = None) -> Exemplar:
    """The Director's decision on a proposed exemplar, under its row lock."""
    try:
        with transaction.atomic(durable=True):
            actor = load_actor(user)
            exemplar = get_exemplar_for_actor(actor, exemplar_id, for_update=True)
            nomination = Nomination.objects.select_for_update(of=("self",)).get(
                pk=exemplar.nomination_id)
            exemplar.nomination = nomination
            _require(actor, Role.DIRECTOR, nomination.unit_id, what)
            if exemplar.status != Exemplar.Status.PROPOSED:
                raise Conflict(_("Điển hình này đã được quyết định: %(status)s.")
                               % {"status": exemplar.get_status_display()})
            if nomination.state not in EXEMPLAR_SOURCE_STATES:
                raise Conflict(_("Khen thưởng của điển hình này không còn hiệu lực."))
            change(exemplar)
            exemplar.decided_by, exemplar.decided_at = user, timezone.now()
            exemplar.save()
            _audit(user, Role.DIRECTOR, action, exemplar, comment)
            if within is not None:
                within(exemplar)
    except (PermissionRefused, NotFound) as exc:
        _refused(user, action, None, exc)
        raise
    return exemplar


def exemplar_publish(*, user: User, exemplar_id: int, within: Within | None = None) -> Exemplar:
    """The Director publishes a proposed exemplar: it appears on the public page."""

    def publish(exemplar: Exemplar) -> None:
        exemplar.status, exemplar.published_at = Exemplar.Status.PUBLISHED, timezone.now()

    return _decide(user, exemplar_id, "exemplar_publish", _("Công bố điển hình tiên tiến"),
                   publish, within=within)


def exemplar_decline(
    *, user: User, exemplar_id: int, reason: str, within: Within | None = None
) -> Exemplar:
    """The Director declines a proposed exemplar, with a reason; it is never shown."""
    reason = _text("reason", reason, limit=MAX_REASON, required=True)

    def decline(exemplar: Exemplar) -> None:
        exemplar.status, exemplar.last_reason = Exemplar.Status.DECLINED, reason

    return _decide(user, exemplar_id, "exemplar_decline",
                   _("Không công bố điển hình tiên tiến"), decline, comment=reason,
                   within=within)


def exemplars_withdraw_for(*, nomination: Nomination, user: User) -> list[int]:
    """Inside a revocation's transaction (workflow.services, "revoke"), with the nomination
    locked: its proposed or published exemplars leave the public page for good. Returns
    their ids."""
    live = list(nomination.exemplars.select_for_update().filter(
        status__in=[Exemplar.Status.PROPOSED, Exemplar.Status.PUBLISHED]))
    for exemplar in live:
        exemplar.status = Exemplar.Status.WITHDRAWN
        exemplar.last_reason = nomination.last_reason
        exemplar.save(update_fields=["status", "last_reason"])
    return [e.pk for e in live]
