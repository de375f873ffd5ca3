"""History records with a valid hash chain, written by COPY, for the benchmarks that need many.

`copy_chained(rows)` appends each row to workflow_auditrecord after the chain's current head,
in order, with the hash the product would have written (workflow.models.chain_payload and
chain_hash, signed with the first of AUDIT_CHAIN_KEYS when there is one), and moves the head
(workflow_auditchainhead) to the last of them. The hashes are computed here in one process,
in order (each covers the one before); PostgreSQL only stores them.

A row: (nomination_id, actor_id, actor_username, actor_role, action, from_state, to_state,
comment, created_at), created_at an aware datetime.
"""

import os
from collections.abc import Iterable
from typing import Any

COLUMNS = ("nomination_id, actor_id, actor_username, on_behalf_of_username, actor_role, "
           "action, from_state, to_state, comment, data, created_at, request_id, prev_hash, "
           "hash, key_id")


def copy_chained(rows: Iterable[tuple[Any, ...]]) -> int:
    """Write `rows` chained after the current head, in one transaction; returns how many."""
    import psycopg
    from django.db import connection

    from workflow.audit import GENESIS_HASH, chain_keys
    from workflow.models import AuditRecord, chain_hash, chain_payload

    last = AuditRecord.objects.order_by("-id").only("hash").first()
    prev = last.hash if last is not None else GENESIS_HASH
    keys = chain_keys()
    key_id = next(iter(keys), "")
    key = keys.get(key_id)
    written = 0
    connection.close()  # the COPY runs on its own connection; Django's is read again after
    url = os.environ["DATABASE_URL"].replace("postgres://", "postgresql://", 1)
    with psycopg.connect(url) as raw:
        raw.execute("SET synchronous_commit = off")
        with raw.cursor() as cur, cur.copy(
            f"COPY workflow_auditrecord ({COLUMNS}) FROM STDIN"
        ) as copy:
            for (nomination_id, actor_id, username, role, action, from_state, to_state,
                 comment, created) in rows:
                payload = chain_payload(
                    nomination_id=nomination_id, actor_id=actor_id, actor_username=username,
                    actor_role=role, action=action, from_state=from_state, to_state=to_state,
                    comment=comment, data={}, created_at=created.isoformat(), request_id="",
                    prev_hash=prev, key_id=key_id, on_behalf_of_id=None,
                    on_behalf_of_username="",
                )
                record_hash = chain_hash(payload, key_id, key)
                copy.write_row((nomination_id, actor_id, username, "", role, action,
                                from_state, to_state, comment, "{}", created, "", prev,
                                record_hash, key_id))
                prev = record_hash
                written += 1
        raw.execute(
            "UPDATE workflow_auditchainhead SET last_hash = %s, last_record_id = "
            "(SELECT max(id) FROM workflow_auditrecord) WHERE id = 1", [prev])
        raw.commit()
    return written
