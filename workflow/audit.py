"""Appending to and verifying the hash-chained history."""

import hashlib
import hmac
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .context import request_id_var
from .models import GENESIS_HASH, AuditChainHead, AuditRecord, SecurityEvent


def chain_keys() -> dict[str, bytes]:
    """key id -> key, from AUDIT_CHAIN_KEYS; the first key signs new records, all verify."""
    return {key_id(key): key.encode() for key in settings.AUDIT_CHAIN_KEYS}


def key_id(key: str) -> str:
    """A short public fingerprint of a key (it names the key without revealing it)."""
    return hmac.new(key.encode(), b"vinhdanh audit chain key id", hashlib.sha256).hexdigest()[:12]


def audit_append(
    *,
    nomination: Any = None,
    actor: Any,
    role: str = "",
    action: str,
    from_state: str = "",
    to_state: str = "",
    comment: str = "",
    data: dict | None = None,
    on_behalf_of: Any = None,
) -> AuditRecord:
    """Append one record; must run inside the caller's transaction (it locks the chain head).

    `on_behalf_of`: the person `actor` stood in for under a delegation, if any."""
    head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
    record = AuditRecord(
        nomination=nomination,
        actor=actor,
        actor_username=getattr(actor, "username", "") or "",
        actor_role=role,
        on_behalf_of=on_behalf_of,
        on_behalf_of_username=getattr(on_behalf_of, "username", "") or "",
        action=action,
        from_state=from_state,
        to_state=to_state,
        comment=comment,
        data=data or {},
        created_at=timezone.now(),
        request_id=request_id_var.get(),
        prev_hash=head.last_hash,
    )
    keys = chain_keys()
    record.key_id = next(iter(keys), "")
    record.hash = record.compute_hash(keys.get(record.key_id))
    record.save()
    AuditChainHead.objects.filter(pk=head.pk).update(
        last_hash=record.hash, last_record_id=record.pk
    )
    return record


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    records: int
    first_broken_id: int | None = None
    reason: str = ""
    head_hash: str = GENESIS_HASH
    key_ids: tuple = ()  # the keys the verified records are signed with
    checkpoints: int = 0  # how many checkpoints the chain was held against
    checkpointed_up_to: int | None = None  # the newest checkpoint's last record


@dataclass(frozen=True)
class Mark:
    """A point the chain must still pass through: record `last_id` is the `records`-th and
    has the hash `head_hash`, as `name` (a checkpoint kept outside the database) says."""

    records: int
    last_id: int
    head_hash: str
    name: str


def verify_chain(*, start: Mark | None = None, marks: tuple[Mark, ...] = ()) -> ChainReport:
    """Recompute every hash in order; name the first record that does not fit.

    With AUDIT_CHAIN_KEYS set, every record must be signed with one of them: an
    unsigned record (which anyone can compute) counts as broken. From `start` only the
    records after it are read (it must still be there); each of `marks` must be met."""
    keys = chain_keys()
    prev, count, after = GENESIS_HASH, 0, 0
    if start is not None:
        broken = _missing(start) or _unmet(start, _count_up_to(start.last_id), _hash_of(start))
        if broken:
            return ChainReport(False, _count_up_to(start.last_id), start.last_id, broken)
        prev, count, after = start.head_hash, start.records, start.last_id
    pending = {mark.last_id: mark for mark in marks}
    used: dict = {}
    records = AuditRecord.objects.filter(id__gt=after).order_by("id")
    for record in records.iterator(chunk_size=2000):
        count += 1
        if record.prev_hash != prev:
            return ChainReport(
                False, count, record.pk, "prev_hash does not match the record before"
            )
        if record.key_id and record.key_id not in keys:
            return ChainReport(
                False, count, record.pk,
                f"signed with key {record.key_id}, which is not in AUDIT_CHAIN_KEYS",
            )
        if keys and not record.key_id:
            return ChainReport(
                False, count, record.pk, "not signed, although AUDIT_CHAIN_KEYS is set"
            )
        if not hmac.compare_digest(record.compute_hash(keys.get(record.key_id)), record.hash):
            return ChainReport(False, count, record.pk, "content does not match its hash")
        mark = pending.pop(record.pk, None)
        if mark is not None and (broken := _unmet(mark, count, record.hash)):
            return ChainReport(False, count, record.pk, broken)
        used.setdefault(record.key_id, None)
        prev = record.hash
    if pending:
        mark = pending[min(pending)]
        return ChainReport(False, count, mark.last_id, _missing(mark, present=False))
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and head.last_hash != prev:
        return ChainReport(
            False, count, head.last_record_id, "chain head is ahead: records removed"
        )
    return ChainReport(
        True, count, head_hash=prev, key_ids=tuple(k for k in used if k),
        checkpoints=len(marks),
    )


def _count_up_to(record_id: int) -> int:
    return AuditRecord.objects.filter(id__lte=record_id).count()


def _hash_of(mark: Mark) -> str:
    return AuditRecord.objects.filter(pk=mark.last_id).values_list("hash", flat=True).first() or ""


def _missing(mark: Mark, present: bool | None = None) -> str:
    """The reason for a mark whose last record is gone, or "" if it is there."""
    if present is None:
        present = AuditRecord.objects.filter(pk=mark.last_id).exists()
    if present:
        return ""
    return (
        f"record {mark.last_id} is missing: {mark.name} vouches for {mark.records} records "
        f"up to it, the database has {_count_up_to(mark.last_id)} of them"
    )


def _unmet(mark: Mark, count: int, record_hash: str) -> str:
    """The reason a present record does not fit its mark, or ""."""
    if not hmac.compare_digest(record_hash, mark.head_hash):
        return f"record {mark.last_id} no longer has the hash {mark.name} vouches for"
    if count != mark.records:
        change = "removed" if count < mark.records else "inserted"
        return (
            f"{mark.name} vouches for {mark.records} records up to record {mark.last_id}, "
            f"the database has {count}: records {change}"
        )
    return ""


def security_log(
    *, actor: Any, action: str, nomination_id: Any, outcome: str, detail: str = ""
) -> None:
    """Record a refused attempt in its own transaction, so the refusal itself is kept."""
    with transaction.atomic():
        SecurityEvent.objects.create(
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            action=action,
            nomination_id_attempted=_as_int(nomination_id),
            outcome=outcome,
            detail=str(detail)[:2000],
            request_id=request_id_var.get(),
        )


def _as_int(value: Any) -> int | None:
    """The attempted id if it fits the bigint column, else None (the refusal is still kept)."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if -(2**63) <= number < 2**63 else None
