"""The suite's PostgreSQL backend: Django's, except for the flush between transactional tests.

That flush is one TRUNCATE of every table, and the history table refuses TRUNCATE
(workflow migration 0005). The suite's connection owns the tables, so inside the flush's
own transaction it switches the history's triggers off for that statement only, as any
owner could (which is why `verify_audit --checkpoints` exists). The application's role,
which the server processes use, cannot: it does not own the table.
"""

from django.db.backends.postgresql import base, operations

HISTORY = "workflow_auditrecord"


class DatabaseOperations(operations.DatabaseOperations):
    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        statements = super().sql_flush(
            style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )
        if HISTORY not in tables:
            return statements
        return [
            f"ALTER TABLE {HISTORY} DISABLE TRIGGER USER",
            *statements,
            f"ALTER TABLE {HISTORY} ENABLE TRIGGER USER",
        ]


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
