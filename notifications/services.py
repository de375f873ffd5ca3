"""Who hears about a change, and how it reaches them.

Durable first: `notify_transition` runs inside the transition's transaction
and writes one Notification row per recipient, so a rolled-back transition
notifies no one. After commit, one message carrying the new notices and the
names of everyone whose counts changed goes to every worker's hub on the
channel layer (notifications.hub), which hands each notice to its recipient's
open connections in that process. That push is best effort: if
the layer (Redis) is down the transition still succeeds and clients replay
the rows when they reconnect.
"""

import datetime
import logging
import smtplib
from collections.abc import Iterable
from dataclasses import dataclass

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.mail import send_mail
from django.db import connection, transaction
from django.db.models import F, Q
from django.db.models.functions import Now
from django.utils import timezone

from approvals.models import Nomination
from approvals.names import full_name
from approvals.role_map import RoleMap, role_map
from approvals.roles import UNIT_ROLES, Role
from approvals.states import State
from workflow.models import AuditRecord
from workflow.policy import STATE_TASK, TASK_ROLES

from . import events, hub
from .models import DigestMail, Notification, NotificationCursor

logger = logging.getLogger(__name__)
Kind = Notification.Kind

TEXT_MAX = 400

# A state change that ends up with the proposing unit (đơn vị đề nghị).
UNIT_OUTCOMES: dict[str, Kind] = {
    State.RETURNED: Kind.RETURNED,
    State.APPROVED: Kind.APPROVED,
    State.REJECTED: Kind.REJECTED,
    State.REPORTED: Kind.REPORTED,
    State.REVOKED: Kind.REVOKED,
}
# Actions that change the dossier, not where the nomination stands: no one to tell.
SILENT_ACTIONS = frozenset({"edit", "upload_document", "remove_document"})


@dataclass(frozen=True)
class Audience:
    """For one change: (kind, roles covering the unit) in priority order, roles only nudged,
    and usernames addressed directly (a reassignment, a task taken back from its holder)."""

    notify: tuple = ()
    nudge_roles: frozenset = frozenset()
    assigned_username: str | None = None
    taken_from_username: str | None = None


def audience_for(record: AuditRecord) -> Audience:
    """Choose who hears about a history record, from the action and the state it led to."""
    action, before, after = record.action, record.from_state, record.to_state
    if action in SILENT_ACTIONS:
        return Audience()
    if action == "claim":
        # Nobody gains work; the others in the queue see it leave.
        return Audience(nudge_roles=TASK_ROLES[STATE_TASK[after]])
    if action == "withdraw":
        return Audience(nudge_roles=TASK_ROLES.get(STATE_TASK.get(before, ""), frozenset()))
    if action == "revoke":
        # The unit hears of it (the bonus is to be recovered); the liaison's queue of an
        # approved award not yet reported sees it leave.
        return Audience(notify=((Kind.REVOKED, UNIT_ROLES),),
                        nudge_roles=TASK_ROLES.get(STATE_TASK.get(before, ""), frozenset()))
    if action == "reassign":
        return Audience(
            assigned_username=record.data.get("to"), taken_from_username=record.data.get("from")
        )
    if action == "escalate_release":
        # The previous holder hears; the queue it went back to only sees its count change.
        return Audience(
            taken_from_username=record.data.get("from"),
            nudge_roles=TASK_ROLES.get(record.data.get("task", ""), frozenset()),
        )
    plan: list[tuple[Kind, frozenset[str]]] = []
    if after in UNIT_OUTCOMES and after != before:
        plan.append((UNIT_OUTCOMES[after], UNIT_ROLES))
    if after == State.COUNCIL_VOTE:
        plan.append((Kind.VOTE_OPENED, frozenset({Role.COUNCIL_MEMBER})))
    task = STATE_TASK.get(after)
    if task:
        plan.append((Kind.TASK, TASK_ROLES[task]))
    return Audience(notify=tuple(plan))


def role_holders(unit_id: int, roles: Iterable[str], *, using: RoleMap | None = None) -> dict:
    """role -> ids of active users who work it for `unit_id` today: its holders (grants cover
    subtrees) and the substitutes a holder lent it to (a delegation in force); from the role
    map `using` (read earlier in the same transaction) or read now (one query while nothing
    in it has changed: approvals/role_map.py)."""
    roles = set(roles)
    if not roles:
        return {}
    return (using or role_map()).holders(unit_id, roles, timezone.localdate())


def notify_transition(
    *, nomination: Nomination, record: AuditRecord, using: RoleMap | None = None,
) -> list[Notification]:
    """Write the notices a transition causes (inside its transaction) and push them after commit.

    The actor never hears about their own action, but their counts refresh.
    Recipient resolution is a fixed number of queries, whatever the number of people.
    """
    audience = audience_for(record)
    roles = {r for _, rs in audience.notify for r in rs} | set(audience.nudge_roles)
    holders = role_holders(nomination.unit_id, roles, using=using)
    recipients: dict = {}  # user id -> kind; the first kind in the plan wins
    for kind, kind_roles in audience.notify:
        for role in kind_roles:
            for user_id in holders.get(role, ()):
                recipients.setdefault(user_id, kind)
    nudged = {u for r in audience.nudge_roles for u in holders.get(r, ())}
    direct = [n for n in (audience.assigned_username, audience.taken_from_username) if n]
    if direct:
        ids = dict(
            get_user_model()
            .objects.filter(username__in=direct, is_active=True)
            .values_list("username", "id")
        )
        if audience.assigned_username in ids:
            recipients.setdefault(ids[audience.assigned_username], Kind.ASSIGNED)
        if audience.taken_from_username in ids:
            recipients.setdefault(ids[audience.taken_from_username], Kind.TAKEN_BACK)
    recipients.pop(record.actor_id, None)
    previous = _lock_cursors(sorted(recipients))
    rows = _store_advancing([
        Notification(
            recipient_id=user_id,
            kind=kind,
            nomination=nomination,
            actor_id=record.actor_id,
            audit_record_id=record.pk,
            previous_id=previous[user_id],
            **_texts(kind, nomination, record),
        )
        for user_id, kind in sorted(recipients.items())
    ])
    actor_name = _display_name(getattr(record, "actor", None))
    url = events.nomination_url(nomination.pk)  # the same for every notice of this change
    pushes = {n.recipient_id: [events.notification_event(n, actor_name=actor_name, url=url)]
              for n in rows}
    nudged |= {record.actor_id} if record.actor_id else set()
    push_on_commit(pushes, nudged)
    return rows


def notices_append(notices: list[Notification]) -> list[Notification]:
    """Store notices that no transition caused (the alerts' scan), each chained to its
    recipient's notice before it as a transition's are: the recipients' cursors are locked
    (in id order), and each round inserts at most one notice per recipient, so that the
    next round knows the ids to chain to. Rounds: the most notices one person gets."""
    queues: dict[int, list[Notification]] = {}
    for notice in notices:
        queues.setdefault(notice.recipient_id, []).append(notice)
    previous = _lock_cursors(sorted(queues))
    stored: list[Notification] = []
    for round_no in range(max((len(q) for q in queues.values()), default=0)):
        batch = [q[round_no] for q in queues.values() if round_no < len(q)]
        for notice in batch:
            notice.previous_id = previous[notice.recipient_id]
        batch = Notification.objects.bulk_create(batch)
        previous.update({n.recipient_id: n.pk for n in batch})
        stored += batch
    if stored:
        NotificationCursor.objects.bulk_update(
            [NotificationCursor(user_id=u, last_id=pk) for u, pk in previous.items()],
            ["last_id"],
        )
    return stored


def _lock_cursors(user_ids: list[int]) -> dict[int, int]:
    """Lock these recipients' cursors (in id order: no deadlock between two transitions) and
    return each one's newest notice id; two queries, however many recipients."""
    if not user_ids:
        return {}
    if connection.vendor == "postgresql":
        # One statement: create the missing cursors and lock them all, in id order.
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO notifications_notificationcursor (user_id, last_id) "
                "SELECT u, 0 FROM unnest(%s::int[]) AS u ORDER BY u "
                "ON CONFLICT (user_id) DO UPDATE SET last_id = "
                "notifications_notificationcursor.last_id RETURNING user_id, last_id",
                [user_ids],
            )
            return dict(cursor.fetchall())
    NotificationCursor.objects.bulk_create(
        [NotificationCursor(user_id=u) for u in user_ids], ignore_conflicts=True
    )
    cursors = NotificationCursor.objects.select_for_update().filter(user_id__in=user_ids)
    return dict(cursors.order_by("user_id").values_list("user_id", "last_id"))


_STORED = ("recipient_id", "kind", "nomination_id", "actor_id", "audit_record_id", "text_vi",
           "text_en", "created_at", "previous_id")
_STORED_TYPES = ("bigint", "text", "bigint", "bigint", "bigint", "text", "text", "timestamptz",
                 "bigint")


def _store_advancing(notices: list[Notification]) -> list[Notification]:
    """Insert notices (at most one per recipient, their cursors locked) and move each
    recipient's cursor to theirs: one statement on PostgreSQL, two elsewhere."""
    if not notices or connection.vendor != "postgresql":
        rows = Notification.objects.bulk_create(notices)
        _advance_cursors(rows)
        return rows
    now = timezone.now()
    for notice in notices:
        notice.created_at = now  # what auto_now_add sets
    table, cursors = Notification._meta.db_table, NotificationCursor._meta.db_table
    arrays = ", ".join(f"%s::{t}[]" for t in _STORED_TYPES)
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH n AS (INSERT INTO {table} ({', '.join(_STORED)}) SELECT * FROM unnest("
            f"{arrays}) RETURNING id, recipient_id), c AS (UPDATE {cursors} SET last_id = n.id "
            f"FROM n WHERE {cursors}.user_id = n.recipient_id) SELECT recipient_id, id FROM n",
            [[getattr(n, column) for n in notices] for column in _STORED],
        )
        ids = dict(cursor.fetchall())
    for notice in notices:
        notice.pk = ids[notice.recipient_id]
        notice._state.adding, notice._state.db = False, connection.alias
    return notices


def _advance_cursors(rows: list[Notification]) -> None:
    if rows:
        NotificationCursor.objects.bulk_update(
            [NotificationCursor(user_id=n.recipient_id, last_id=n.pk) for n in rows], ["last_id"]
        )


def notifications_mark_read(
    *, user: User, notification_ids: Iterable[int] | None = None
) -> int:
    """Mark the user's notices read (all unread ones when ids is None); returns how many changed."""
    with transaction.atomic():
        qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
        if notification_ids is not None:
            qs = qs.filter(pk__in=list(notification_ids))
        changed = qs.update(read_at=timezone.now())
        if changed:
            push_on_commit({}, {user.pk})  # the user's other tabs update their bell
    return changed


# --- after commit -----------------------------------------------------------


def push_on_commit(pushes: dict, nudged: Iterable[int] = ()) -> None:
    """After commit, send each user's events, and a counts refresh to everyone else named."""
    if pushes or nudged:
        _send_on_commit(hub.push_message(pushes, nudged))


def grants_changed_on_commit(user_id: int) -> None:
    """After commit, the user's open websockets re-read their role grants and counts."""
    _send_on_commit(hub.push_message({}, regranted=[user_id]))


def close_session_sockets(session_key: str | None) -> None:
    """After commit, close the websockets this session opened, in every worker (sign-out)."""
    if session_key:
        _send_on_commit(hub.push_message({}, closed_sessions=[session_key]))


def _send_on_commit(message: dict) -> None:
    transaction.on_commit(lambda: push(message), robust=True)


def push(message: dict) -> bool:
    """Send one change's message to every worker's hub; never raises (the rows are the truth).

    One channel-layer message however many people it reaches (notifications.hub)."""
    layer = get_channel_layer()
    if layer is None:
        return False
    try:
        async_to_sync(layer.group_send)(hub.WORKERS_GROUP, message)
    except Exception:
        logger.warning(
            "notification push failed for %d notice(s); clients catch up on reconnect",
            len(message["notices"]),
            exc_info=True,
        )
        return False
    return True


# --- texts ------------------------------------------------------------------

_TASK_TEXTS = {
    "prepare": (
        "Dự thảo đề nghị mới {ref}: cần hoàn thiện và trình.",
        "New draft nomination {ref}: to complete and submit.",
    ),
    "review": (
        "Đề nghị {ref} đã được trình, chờ thẩm định.",
        "Nomination {ref} was submitted and awaits review.",
    ),
    "vote": (
        "Đề nghị {ref} chờ Hội đồng Thi đua - Khen thưởng bỏ phiếu: cần ghi kết quả.",
        "Nomination {ref} awaits the Emulation and Commendation Council's vote: record the result.",
    ),
    "decide": (
        "Đề nghị {ref} chờ Thủ trưởng phê duyệt.",
        "Nomination {ref} awaits the Director's decision.",
    ),
    "report": (
        "Đề nghị {ref} đã được phê duyệt: cần báo cáo Ban Thi đua - Khen thưởng tỉnh.",
        "Nomination {ref} was approved: report it to the Provincial Emulation and Commendation"
        " Board.",
    ),
}
_KIND_TEXTS: dict[str, tuple[str, str]] = {
    Kind.ASSIGNED: ("Bạn được giao xử lý đề nghị {ref}.", "You were assigned nomination {ref}."),
    Kind.VOTE_OPENED: (
        "Hội đồng Thi đua - Khen thưởng mở bỏ phiếu đề nghị {ref}.",
        "The Emulation and Commendation Council's vote is open for nomination {ref}.",
    ),
    Kind.RETURNED: (
        "Đề nghị {ref} bị trả lại để bổ sung: {reason}",
        "Nomination {ref} was returned for changes: {reason}",
    ),
    Kind.APPROVED: (
        "Đề nghị {ref} đã được phê duyệt (quyết định số {decision}).",
        "Nomination {ref} was approved (decision no. {decision}).",
    ),
    Kind.REJECTED: (
        "Đề nghị {ref} không được đề nghị / bị từ chối: {reason}",
        "Nomination {ref} was rejected: {reason}",
    ),
    Kind.REPORTED: (
        "Đề nghị {ref} đã được báo cáo Ban Thi đua - Khen thưởng tỉnh.",
        "Nomination {ref} was reported to the Provincial Emulation and Commendation Board.",
    ),
    Kind.REVOKED: (
        "Khen thưởng của đề nghị {ref} đã bị thu hồi (quyết định số {revocation}): {reason}. "
        "Tiền thưởng đã nhận phải được nộp lại.",
        "The award of nomination {ref} was revoked (decision no. {revocation}): {reason}. "
        "The bonus received is to be repaid.",
    ),
}


# Work taken from its holder: by the action that took it.
_TAKEN_BACK_TEXTS = {
    "escalate_release": (
        "Đề nghị {ref} đã được thu hồi về hàng chờ: {reason}",
        "Nomination {ref} was taken back to its queue: {reason}",
    ),
    "reassign": (
        "Đề nghị {ref} đã được giao lại cho người khác: {reason}",
        "Nomination {ref} was reassigned to someone else: {reason}",
    ),
}


def _texts(kind: str, nomination: Nomination, record: AuditRecord) -> dict:
    if kind == Kind.TASK:
        vi, en = _TASK_TEXTS[STATE_TASK[record.to_state]]
    elif kind == Kind.TAKEN_BACK:
        vi, en = _TAKEN_BACK_TEXTS[record.action]
    else:
        vi, en = _KIND_TEXTS[kind]
    award = nomination.award
    values = {
        "reason": record.comment or nomination.last_reason or "-",
        "decision": nomination.decision_number or "-",
        "revocation": nomination.revocation_number or "-",
    }
    ref_vi = f"#{nomination.pk} ({nomination.nominee_name} – {award.name_vi})"
    ref_en = f"#{nomination.pk} ({nomination.nominee_name} – {award.name_en or award.name_vi})"
    return {
        "text_vi": vi.format(ref=ref_vi, **values)[:TEXT_MAX],
        "text_en": en.format(ref=ref_en, **values)[:TEXT_MAX],
    }


def _display_name(user: User | None) -> str | None:
    if user is None:
        return None
    return full_name(user)


# --- e-mail digest ----------------------------------------------------------

# A run that claimed an outbox mail and died is taken over after this long.
DIGEST_CLAIM = datetime.timedelta(minutes=5)


def notification_digest_send(*, older_than: datetime.timedelta) -> tuple[int, int]:
    """Mail each user with an e-mail address their unread, undigested notices older than
    `older_than`, once; returns (mails sent, notices they covered).

    Two steps, so that no mail is sent inside a transaction holding row locks:
    1. For each such user, one short transaction locks their notices (skipping rows
       another run holds), writes one DigestMail outbox row with the text and marks the
       notices digested. No I/O happens in it.
    2. After those commits, outside any transaction, every unsent outbox mail (this
       run's and earlier runs' failures) is claimed with a conditional UPDATE (two runs
       never send one mail at once), sent, then marked sent.
    If sending fails (the mail server is down or refuses), the mail stays in the
    outbox with its error and is tried again at the next run (beat runs this every
    NOTIFICATION_DIGEST_EVERY_MINUTES), up to NOTIFICATION_DIGEST_MAX_ATTEMPTS times;
    its notices are not put in another digest. If the process dies after the server
    accepted a mail but before it was marked sent, that mail goes out again once its
    claim (DIGEST_CLAIM) runs out: a digest may arrive twice, it is never lost.
    """
    digest_compose(older_than=older_than)
    return digest_outbox_send()


def digest_compose(*, older_than: datetime.timedelta) -> int:
    """Step 1: one outbox mail per user with pending notices; returns how many were written."""
    cutoff = timezone.now() - older_than
    pending = Notification.objects.filter(
        read_at__isnull=True, digested_at__isnull=True, created_at__lt=cutoff
    ).exclude(recipient__email="")
    written = 0
    for user_id in sorted(set(pending.values_list("recipient_id", flat=True))):
        with transaction.atomic():
            rows = list(
                pending.filter(recipient_id=user_id)
                .select_for_update(skip_locked=True, of=("self",))
                .select_related("recipient")
                .order_by("id")
            )
            if not rows:
                continue
            DigestMail.objects.create(
                recipient_id=user_id, to=rows[0].recipient.email, notices=len(rows),
                **_digest_text(rows),
            )
            Notification.objects.filter(pk__in=[n.pk for n in rows]).update(
                digested_at=timezone.now()
            )
        written += 1
    return written


def _digest_text(rows: list[Notification]) -> dict[str, str]:
    body = "\n".join(
        [
            f"Bạn có {len(rows)} thông báo chưa đọc trên Vinh Danh:",
            *[f"- {n.text_vi}" for n in rows],
            "",
            f"You have {len(rows)} unread notifications on Vinh Danh:",
            *[f"- {n.text_en}" for n in rows],
        ]
    )
    subject = f"[Vinh Danh] {len(rows)} thông báo chưa đọc / unread notifications"
    return {"subject": subject, "body": body}


def digest_outbox_send() -> tuple[int, int]:
    """Step 2, outside any transaction: send the unsent outbox mails; (sent, notices)."""
    sent = notices = 0
    unsent = DigestMail.objects.filter(
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=Now()),
        sent_at__isnull=True, attempts__lt=settings.NOTIFICATION_DIGEST_MAX_ATTEMPTS,
    )
    for pk in list(unsent.order_by("id").values_list("pk", flat=True)):
        if not unsent.filter(pk=pk).update(
            claimed_until=Now() + DIGEST_CLAIM, attempts=F("attempts") + 1
        ):
            continue  # another run took it meanwhile
        mail = DigestMail.objects.get(pk=pk)
        try:
            send_mail(subject=mail.subject, message=mail.body, from_email=None,
                      recipient_list=[mail.to])
        except (smtplib.SMTPException, OSError) as error:
            logger.warning("digest mail %s to %s failed (attempt %s); kept for the next run",
                           mail.pk, mail.to, mail.attempts, exc_info=True)
            DigestMail.objects.filter(pk=pk).update(claimed_until=None, last_error=str(error))
            continue
        DigestMail.objects.filter(pk=pk).update(sent_at=Now(), claimed_until=None, last_error="")
        sent += 1
        notices += mail.notices
    return sent, notices
