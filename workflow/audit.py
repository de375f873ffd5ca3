"""Appending to and verifying the hash-chained history."""

import hashlib
import hmac
import json
import multiprocessing
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import psycopg
import psycopg.conninfo
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max, Min
from django.utils import timezone

from .context import request_id_var
from .models import (
    GENESIS_HASH,
    AuditChainHead,
    AuditRecord,
    SecurityEvent,
    chain_hash,
    chain_payload,
)

# A chain longer than this is cut into segments; each is verified from the stored hash
# of the record just before it, which the segment before verifies: together exactly the
# checks of one pass in order (the first broken record, the count, the marks, the head).
SEGMENT_RECORDS = 250_000
VERIFY_WORKERS = max(1, min(8, os.cpu_count() or 1))


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
    if connection.vendor == "postgresql":
        _insert_and_advance(record, head.pk)
        return record
    record.save()
    AuditChainHead.objects.filter(pk=head.pk).update(
        last_hash=record.hash, last_record_id=record.pk
    )
    return record


def _insert_and_advance(record: AuditRecord, head_id: int) -> None:
    """INSERT the record and move the chain head to it, in one statement."""
    fields = [f for f in AuditRecord._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(f.attname) for f in fields)
    values = [f.get_db_prep_save(getattr(record, f.attname), connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH r AS (INSERT INTO workflow_auditrecord ({columns}) VALUES "
            f"({', '.join(['%s'] * len(fields))}) RETURNING id) "
            "UPDATE workflow_auditchainhead SET last_hash = %s, "
            "last_record_id = (SELECT id FROM r) WHERE id = %s RETURNING last_record_id",
            [*values, record.hash, head_id],
        )
        record.pk = cursor.fetchone()[0]
    record._state.adding, record._state.db = False, connection.alias


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


def verify_chain(
    *, start: Mark | None = None, marks: tuple[Mark, ...] = (), workers: int | None = None,
    segment: int = SEGMENT_RECORDS,
) -> ChainReport:
    """Recompute every hash in order; name the first record that does not fit.

    With AUDIT_CHAIN_KEYS set, every record must be signed with one of them: an
    unsigned record (which anyone can compute) counts as broken. From `start` only the
    records after it are read (it must still be there); each of `marks` must be met.

    A chain longer than `segment` records is verified in segments, by `workers` processes
    (VERIFY_WORKERS) reading in this transaction's snapshot when it has written nothing
    (else here, one segment after the other): the same checks, the same report."""
    keys = chain_keys()
    prev, count, after = GENESIS_HASH, 0, 0
    if start is not None:
        broken = _missing(start) or _unmet(start, _count_up_to(start.last_id), _hash_of(start))
        if broken:
            return ChainReport(False, _count_up_to(start.last_id), start.last_id, broken)
        prev, count, after = start.head_hash, start.records, start.last_id
    pending = {mark.last_id: mark for mark in marks}
    used: dict = {}
    workers = VERIFY_WORKERS if workers is None else workers
    segments = _segments(after, prev, segment, pieces_at_most=4 * max(1, workers))
    for result in _run_segments(segments, keys, set(pending), workers):
        for position, record_id, record_hash in result.hits:
            mark = pending.pop(record_id)
            if broken := _unmet(mark, count + position, record_hash):
                return ChainReport(False, count + position, record_id, broken)
        if result.broken is not None:
            record_id, reason = result.broken
            return ChainReport(False, count + result.count, record_id, reason)
        count += result.count
        used.update(dict.fromkeys(result.key_ids))
        prev = result.last_hash
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


# --- verification: the chain recomputed, in segments, in parallel when it is long ---


_ROWS_SQL = (
    "SELECT id, nomination_id, actor_id, actor_username, actor_role, action, from_state, "
    "to_state, comment, data::text, created_at, request_id, prev_hash, hash, key_id, "
    "on_behalf_of_id, on_behalf_of_username FROM workflow_auditrecord "
    "WHERE id > %s AND id <= %s ORDER BY id"
)
_FETCH = 5000
_SNAPSHOT_ID = re.compile(r"^[0-9A-F-]+$")


@dataclass
class _Segment:
    after: int  # the segment is the records with after < id <= upto
    upto: int
    prev: str  # the hash its first record must name: the stored hash of the one before


@dataclass
class _Result:
    count: int  # records read, the broken one included
    broken: tuple[int, str] | None  # (record id, reason) of the first that does not fit
    hits: list[tuple[int, int, str]]  # (position, id, hash) of the marked records read
    key_ids: list[str]
    last_hash: str


def _verify_rows(rows: Any, prev: str, keys: dict[str, bytes], marked: set[int]) -> _Result:
    """One pass over (id-ordered) rows of _ROWS_SQL, starting from `prev`."""
    count = 0
    hits: list[tuple[int, int, str]] = []
    used: dict[str, None] = {}
    loads, payload_of, digest = json.loads, chain_payload, chain_hash
    for (pk, nomination_id, actor_id, actor_username, actor_role, action, from_state, to_state,
         comment, data, created_at, request_id, prev_hash, record_hash, record_key,
         on_behalf_of_id, on_behalf_of_username) in rows:
        count += 1
        if prev_hash != prev:
            return _Result(count, (pk, "prev_hash does not match the record before"), hits,
                           list(used), prev)
        if record_key and record_key not in keys:
            return _Result(count, (
                pk, f"signed with key {record_key}, which is not in AUDIT_CHAIN_KEYS"
            ), hits, list(used), prev)
        if keys and not record_key:
            return _Result(count, (pk, "not signed, although AUDIT_CHAIN_KEYS is set"), hits,
                           list(used), prev)
        payload = payload_of(
            nomination_id=nomination_id, actor_id=actor_id, actor_username=actor_username,
            actor_role=actor_role, action=action, from_state=from_state, to_state=to_state,
            comment=comment, data=loads(data), created_at=created_at.isoformat(),
            request_id=request_id, prev_hash=prev_hash, key_id=record_key,
            on_behalf_of_id=on_behalf_of_id, on_behalf_of_username=on_behalf_of_username,
        )
        if not hmac.compare_digest(digest(payload, record_key, keys.get(record_key)),
                                   record_hash):
            return _Result(count, (pk, "content does not match its hash"), hits, list(used), prev)
        if pk in marked:
            hits.append((count, pk, record_hash))
        used.setdefault(record_key, None)
        prev = record_hash
    return _Result(count, None, hits, list(used), prev)


def _verify_here(segment: _Segment, keys: dict[str, bytes], marked: set[int]) -> _Result:
    """A segment read through this process's connection (and its transaction)."""
    with connection.chunked_cursor() as cursor:
        cursor.execute(_ROWS_SQL, [segment.after, segment.upto])

        def rows() -> Iterator[Any]:
            while batch := cursor.fetchmany(_FETCH):
                yield from batch

        return _verify_rows(rows(), segment.prev, keys, marked)


def _verify_apart(
    job: tuple[str, str, _Segment, dict[str, bytes], set[int]],
) -> _Result:
    """A segment read in a worker process, on its own connection, in the parent's snapshot."""
    conninfo, snapshot, segment, keys, marked = job
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute("SET TIME ZONE 'UTC'")
        conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        conn.execute(f"SET TRANSACTION SNAPSHOT '{snapshot}'")  # checked: [0-9A-F-]+
        with conn.cursor(name="verify_audit") as cursor:
            cursor.itersize = _FETCH
            cursor.execute(_ROWS_SQL, [segment.after, segment.upto])
            return _verify_rows(cursor, segment.prev, keys, marked)


def _segments(after: int, prev: str, size: int, pieces_at_most: int) -> list[_Segment]:
    """The records after `after`, cut by id into segments of about `size` records."""
    bounds = AuditRecord.objects.filter(id__gt=after).aggregate(lo=Min("id"), hi=Max("id"))
    if bounds["hi"] is None:
        return [_Segment(after, after, prev)]
    span = bounds["hi"] - after
    pieces = max(1, min(pieces_at_most, span // max(1, size)))
    cuts = [after + span * i // pieces for i in range(pieces)] + [bounds["hi"]]
    segments = [_Segment(cuts[0], cuts[1], prev)]
    for lo, hi in zip(cuts[1:-1], cuts[2:], strict=True):
        before = (
            AuditRecord.objects.filter(id__gt=after, id__lte=lo).order_by("-id")
            .values_list("hash", flat=True).first()
        )
        segments.append(_Segment(lo, hi, before or prev))
    return segments


def _conninfo() -> str:
    s = connection.settings_dict
    given = {"dbname": s["NAME"], "user": s.get("USER"), "password": s.get("PASSWORD"),
             "host": s.get("HOST"), "port": str(s.get("PORT") or "")}
    return psycopg.conninfo.make_conninfo(**{k: v for k, v in given.items() if v})


def _export_snapshot() -> str | None:
    """This transaction's snapshot, for worker processes to read in; None when they could
    not see what it reads (it has written something itself, or this is not PostgreSQL)."""
    if connection.vendor != "postgresql" or not connection.in_atomic_block:
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_xact_id_if_assigned() IS NULL")
        if not cursor.fetchone()[0]:
            return None
        # While the workers read, this transaction waits idle for them; it holds no lock
        # and writes nothing, so the idle-in-transaction timeout (settings, 30 s), meant for
        # a stalled writer, would only end it and take the workers' snapshot with it (a
        # 10,000,000-record chain takes over a minute). For this transaction only.
        cursor.execute("SET LOCAL idle_in_transaction_session_timeout = 0")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
    return snapshot if _SNAPSHOT_ID.match(snapshot) else None


def _run_segments(
    segments: list[_Segment], keys: dict[str, bytes], marked: set[int], workers: int
) -> Iterator[_Result]:
    snapshot = _export_snapshot() if workers > 1 and len(segments) > 1 else None
    if snapshot is None:
        for segment in segments:
            yield _verify_here(segment, keys, marked)
        return
    jobs = [(_conninfo(), snapshot, segment, keys, marked) for segment in segments]
    # fork: the workers never touch the inherited connection (they open their own).
    with multiprocessing.get_context("fork").Pool(min(workers, len(segments))) as pool:
        yield from pool.imap(_verify_apart, jobs)


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
