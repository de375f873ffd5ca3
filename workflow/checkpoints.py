"""Signed checkpoints of the history, kept outside PostgreSQL.

The chain proves that no record was changed, inserted or removed in the middle,
but not that the newest ones are all there: whoever can get around the trigger
(the tables' owner) can delete the tail, or TRUNCATE, and set the chain head
back, and the shorter chain still verifies. So beat writes a checkpoint every
AUDIT_CHECKPOINT_EVERY_MINUTES (`manage.py audit_checkpoint` too): the number
of records, the last id and its hash, the time and the key id, signed with an
HMAC under AUDIT_CHAIN_KEYS, as a new entry in a sink the database's users
cannot reach (a directory by default, AUDIT_CHECKPOINT_DIR). `verify_audit
--checkpoints` then proves that every checkpointed record is still there and
that the chain runs through each checkpoint. What can still be lost unnoticed
is what was appended after the newest checkpoint.

A sink is any class (AUDIT_CHECKPOINT_SINK) with `write(name, content)`, which
stores a new entry and never replaces one, and `entries()`, which returns the
stored entries as (name, content) pairs; a sink that cannot read back (mail
to the auditors) returns none, and each checkpoint then verifies the chain
from its start.
"""

import datetime
import hashlib
import hmac
import json
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from .audit import ChainReport, Mark, chain_keys, verify_chain
from .models import GENESIS_HASH, AuditChainHead

SIGNING_CONTEXT = b"vinhdanh audit checkpoint\n"


class CheckpointError(Exception):
    """A checkpoint that cannot be trusted, or a chain a checkpoint must not vouch for."""


@dataclass(frozen=True)
class Checkpoint:
    records: int
    last_id: int | None
    head_hash: str
    created_at: str  # ISO 8601, UTC
    key_id: str  # the AUDIT_CHAIN_KEYS key that signs it; "" for a plain SHA-256 digest
    signature: str = ""

    def payload(self) -> bytes:
        fields = asdict(self)
        del fields["signature"]
        return SIGNING_CONTEXT + json.dumps(fields, sort_keys=True).encode()

    def expected_signature(self, key: bytes | None) -> str:
        if key is None:
            return hashlib.sha256(self.payload()).hexdigest()
        return hmac.new(key, self.payload(), hashlib.sha256).hexdigest()

    def to_bytes(self) -> bytes:
        return json.dumps(asdict(self), sort_keys=True, indent=1).encode() + b"\n"

    @classmethod
    def from_bytes(cls, content: bytes) -> "Checkpoint":
        fields = json.loads(content)
        if not isinstance(fields, dict) or set(fields) != set(cls.__dataclass_fields__):
            raise ValueError("not the fields of a checkpoint")
        checkpoint = cls(**fields)
        if not (isinstance(checkpoint.records, int) and checkpoint.records >= 0
                and (checkpoint.last_id is None or isinstance(checkpoint.last_id, int))
                and all(isinstance(getattr(checkpoint, f), str)
                        for f in ("head_hash", "created_at", "key_id", "signature"))):
            raise ValueError("a field of the wrong type")
        return checkpoint

    def mark(self, name: str) -> Mark | None:
        if self.last_id is None:
            return None  # vouches for an empty history: nothing to find
        return Mark(self.records, self.last_id, self.head_hash, f"checkpoint {name}")


class CheckpointSink(Protocol):
    def write(self, name: str, content: bytes) -> None: ...

    def entries(self) -> Sequence[tuple[str, bytes]]: ...


class DirectorySink:
    """One new file per checkpoint in AUDIT_CHECKPOINT_DIR; an existing file is never opened
    for writing (give the directory to beat's user alone, or mount it append-only)."""

    def __init__(self, directory: str | os.PathLike | None = None) -> None:
        self.directory = Path(directory or settings.AUDIT_CHECKPOINT_DIR)

    def write(self, name: str, content: bytes) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        with open(self.directory / name, "xb") as file:  # "x": fails if it exists
            file.write(content)
            file.flush()
            os.fsync(file.fileno())

    def entries(self) -> list[tuple[str, bytes]]:
        if not self.directory.is_dir():
            return []
        return [(path.name, path.read_bytes())
                for path in sorted(self.directory.glob("checkpoint-*.json"))]


def configured_sink() -> CheckpointSink:
    return import_string(settings.AUDIT_CHECKPOINT_SINK)()


def read_checkpoints(entries: Sequence[tuple[str, bytes]]) -> list[tuple[str, Checkpoint]]:
    """Every entry as a checkpoint whose signature holds, oldest first; CheckpointError names
    the first entry that is unreadable, forged or signed with an unknown key."""
    keys = chain_keys()
    found = []
    for name, content in entries:
        try:
            checkpoint = Checkpoint.from_bytes(content)
        except (ValueError, TypeError) as error:
            raise CheckpointError(f"checkpoint {name} is unreadable ({error})") from None
        if checkpoint.key_id and checkpoint.key_id not in keys:
            raise CheckpointError(
                f"checkpoint {name} is signed with key {checkpoint.key_id}, "
                "which is not in AUDIT_CHAIN_KEYS"
            )
        if keys and not checkpoint.key_id:
            raise CheckpointError(
                f"checkpoint {name} is not signed, although AUDIT_CHAIN_KEYS is set: forged"
            )
        expected = checkpoint.expected_signature(keys.get(checkpoint.key_id))
        if not hmac.compare_digest(expected, checkpoint.signature):
            raise CheckpointError(
                f"checkpoint {name}: the signature does not match (forged or altered)"
            )
        found.append((name, checkpoint))
    return sorted(found, key=lambda item: (item[1].last_id or 0, item[1].created_at))


@contextmanager
def one_snapshot() -> Iterator[None]:
    """Read the records and the chain head as of one moment: appends that commit meanwhile
    would otherwise make the head look ahead of the records just read."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def checkpoint_write(*, sink: CheckpointSink | None = None) -> Checkpoint | None:
    """Write a checkpoint of the history as it is now, or None if nothing was appended since
    the newest one. Refuses (CheckpointError) to vouch for a chain that does not verify."""
    sink = sink or configured_sink()
    previous = read_checkpoints(sink.entries())
    with one_snapshot():
        checkpoint = _checkpoint_of_now(previous)
    if checkpoint is None:
        return None
    stamp = timezone.now().astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    sink.write(f"checkpoint-{stamp}-{checkpoint.last_id or 0}.json", checkpoint.to_bytes())
    return checkpoint


def _checkpoint_of_now(previous: list[tuple[str, Checkpoint]]) -> Checkpoint | None:
    head = AuditChainHead.objects.filter(pk=1).first()
    # The head and its record commit together, and one snapshot holds both.
    last_id = head.last_record_id if head else None
    head_hash = head.last_hash if head else GENESIS_HASH
    newest = previous[-1] if previous else None
    if newest and (newest[1].last_id, newest[1].head_hash) == (last_id, head_hash):
        return None
    start = newest[1].mark(newest[0]) if newest else None
    report = verify_chain(start=start)
    if not report.ok:
        raise CheckpointError(f"not vouching for a broken chain: {_broken(report)}")
    keys = chain_keys()
    key_id = next(iter(keys), "")
    checkpoint = Checkpoint(
        records=report.records,  # read in the same snapshot as the head
        last_id=last_id,
        head_hash=head_hash,
        created_at=timezone.now().astimezone(datetime.UTC).isoformat(),
        key_id=key_id,
    )
    return replace(checkpoint, signature=checkpoint.expected_signature(keys.get(key_id)))


def verify_with_checkpoints(entries: Sequence[tuple[str, bytes]] | None = None) -> ChainReport:
    """The chain, held against every checkpoint in the sink (or in `entries`)."""
    if entries is None:
        entries = configured_sink().entries()
    try:
        found = read_checkpoints(entries)
    except CheckpointError as error:
        return ChainReport(False, 0, None, str(error))
    marks = tuple(m for name, cp in found if (m := cp.mark(name)) is not None)
    with one_snapshot():
        report = verify_chain(marks=marks)
    if not report.ok or not found:
        return report
    return replace(report, checkpoints=len(found), checkpointed_up_to=found[-1][1].last_id)


def _broken(report: ChainReport) -> str:
    return f"{report.reason} (record {report.first_broken_id})"
