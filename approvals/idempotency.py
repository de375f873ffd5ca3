"""Retries that do not do the work twice: the API's Idempotency-Key, the web forms' token.

A client that got no answer (a 503 while PostgreSQL's connection died, a timeout, a
dropped network) cannot know whether its change committed. It sends the same request
again with the same key, and gets the first outcome (status and body) instead of a
second change or a "conflict".

- The key is a row first (IdempotencyKey, unique per user and key), claimed before the
  work under a short lease (LEASE) with a claim token of its own.
- The outcome is written in the work's own transaction (`within`: the services' hook
  that runs inside the change's transaction) by an UPDATE conditional on the claim token,
  so the change and its outcome commit together or not at all. A request that lost its
  claim to a take-over is refused there and its change rolled back.
- An outcome that is no change (a refusal: 4xx) is stored after the work; a failure
  without an outcome (5xx, 503) gives the key back, so the retry does the work.
- A retry while the first request still runs is refused as "in progress" (409); after
  the lease, a key whose request died without an outcome is taken over.
- Keys are kept KEY_HOURS (settings.IDEMPOTENCY_KEY_HOURS), then purged (beat, hourly).
"""

import datetime
import hashlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth.models import User
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from approvals.models import IdempotencyKey
from workflow.errors import Conflict, WorkflowError

# Longer than any single request's work; a retry within it waits its turn.
LEASE = datetime.timedelta(seconds=30)
MAX_KEY_LENGTH = 255
# The web forms' one-time token: a hidden field ({% form_token %}, approvals.views.once).
FORM_TOKEN_FIELD = "vd_form_token"

T = TypeVar("T")


class InProgress(Conflict):
    code = "in_progress"
    retry_after = 1
    default_message = _("Yêu cầu với khóa này đang được xử lý; vui lòng thử lại sau ít giây.")


class KeyReused(WorkflowError):
    status = 422
    code = "idempotency_key_reused"
    default_message = _("Khóa Idempotency-Key này đã được dùng cho một yêu cầu khác.")


@dataclass(frozen=True)
class Outcome:
    """The first outcome of a key's request."""

    status: int
    body: str


@dataclass
class Claim:
    """This request holds the key; `stored` once its outcome is written."""

    row_id: int
    token: uuid.UUID
    stored: bool = False

    def within(self, outcome: Callable[[T], Outcome]) -> Callable[[T], None]:
        """A `within` hook for a service: writes `outcome(result)` in its transaction."""

        def record(result: T) -> None:
            idempotency_record(claim=self, outcome=outcome(result))

        return record


def request_hash(*parts: str | bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()


def _keep() -> datetime.timedelta:
    return datetime.timedelta(hours=settings.IDEMPOTENCY_KEY_HOURS)


def idempotency_claim(*, user: User, key: str, fingerprint: str) -> Claim | Outcome:
    """Claim `key` for this request, or return the first outcome if there is one.

    Raises KeyReused (the key was used for another request) or InProgress."""
    token = uuid.uuid4()
    rows = IdempotencyKey.objects.filter(user=user, key=key)
    rows.filter(created_at__lt=timezone.now() - _keep()).delete()  # expired: a new key
    try:
        with transaction.atomic():
            row = IdempotencyKey.objects.create(
                user=user, key=key, request_hash=fingerprint, claim=token,
                claimed_until=timezone.now() + LEASE,
            )
        return Claim(row.pk, token)
    except IntegrityError:
        pass
    row = rows.get()
    if row.request_hash != fingerprint:
        raise KeyReused()
    if row.status is not None:
        return Outcome(row.status, row.body)
    taken = rows.filter(pk=row.pk, status__isnull=True, claimed_until__lt=Now()).update(
        claim=token, claimed_until=timezone.now() + LEASE
    )
    if taken != 1:
        raise InProgress()
    return Claim(row.pk, token)  # its first request died without an outcome


def idempotency_record(*, claim: Claim, outcome: Outcome) -> None:
    """Write the outcome (inside the work's transaction, when there is one)."""
    changed = IdempotencyKey.objects.filter(
        pk=claim.row_id, claim=claim.token, status__isnull=True
    ).update(status=outcome.status, body=outcome.body, claim=None, claimed_until=None)
    if changed != 1:
        raise InProgress()  # another request took the key over: this change must not commit
    claim.stored = True


def idempotency_finish(*, claim: Claim, outcome: Outcome) -> None:
    """After the work: keep a refusal (4xx) or a success as the outcome unless it is already
    stored; give the key back after a failure without an outcome (5xx), so that a retry
    does the work."""
    if outcome.status >= 500:
        idempotency_release(claim=claim)
        return
    if claim.stored:
        return
    try:
        idempotency_record(claim=claim, outcome=outcome)
    except InProgress:
        pass  # taken over meanwhile: the other request's outcome stands


def idempotency_release(*, claim: Claim) -> None:
    """Give the key back: the work left no outcome, so that a retry does it.

    Conditional: if the work's COMMIT went through although its answer was lost, the
    outcome is there and stays."""
    try:
        IdempotencyKey.objects.filter(
            pk=claim.row_id, claim=claim.token, status__isnull=True
        ).delete()
    except DatabaseError:
        pass  # the database is still gone: the lease runs out, then a retry takes the key


def idempotency_purge(*, older_than: datetime.timedelta | None = None) -> int:
    """Delete keys older than IDEMPOTENCY_KEY_HOURS; returns how many."""
    cutoff = timezone.now() - (older_than if older_than is not None else _keep())
    deleted, _by_model = IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted


def with_header(value: Any) -> str:
    """A key as the client sent it, or "" if it is no usable key (printable ASCII, 1–255)."""
    key = str(value or "")
    if 0 < len(key) <= MAX_KEY_LENGTH and all(33 <= ord(c) <= 126 for c in key):
        return key
    return ""
