"""Deployment checks (`manage.py check --deploy`)."""

from django.conf import settings
from django.core.checks import Tags, Warning, register
from django.db import connections


@register(Tags.security, deploy=True)
def audit_chain_is_signed(app_configs, **kwargs):
    if settings.AUDIT_CHAIN_KEYS:
        return []
    return [
        Warning(
            "AUDIT_CHAIN_KEYS is not set: the history is hashed with plain SHA-256, which "
            "anyone with write access to the database can recompute after an edit.",
            hint="Set AUDIT_CHAIN_KEYS to a long random secret before the first record "
            "(docs/deploy.md).",
            id="vinhdanh.W001",
        )
    ]


@register(Tags.database, deploy=True)
def history_role_is_restricted(app_configs, databases=None, **kwargs):
    """`check --deploy --database default`: the processes' role cannot change the history."""
    if not databases or "default" not in databases:
        return []
    connection = connections["default"]
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT r.rolsuper OR pg_has_role(current_user, t.tableowner, 'USAGE')"
            " OR has_table_privilege(t.tablename, 'UPDATE, DELETE, TRUNCATE')"
            " FROM pg_roles r, pg_tables t WHERE r.rolname = current_user"
            " AND t.schemaname = current_schema() AND t.tablename = 'workflow_auditrecord'"
        )
        row = cursor.fetchone()
    if row is None or not row[0]:
        return []
    return [
        Warning(
            "The database role of DATABASE_URL can change or empty the history: it is a "
            "superuser, its owner, or was granted UPDATE, DELETE or TRUNCATE on it.",
            hint="Connect the web, worker and beat processes as a role given its rights by "
            "`manage.py grant_app_role`; migrate as the owner (docs/deploy.md).",
            id="vinhdanh.W002",
        )
    ]
