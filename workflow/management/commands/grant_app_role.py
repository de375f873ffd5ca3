"""Give the application's PostgreSQL role what it needs, and on the history no more.

Run as the tables' owner after every `migrate` (docs/deploy.md, "Two database roles"):
the web, worker and beat processes connect as ROLE, which may read and write every
table but may only read and append to the history (`workflow_auditrecord`) and may not
delete the chain head. ROLE owns no table, so it cannot switch the history's triggers off.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

HISTORY = "workflow_auditrecord"
CHAIN_HEAD = "workflow_auditchainhead"


class Command(BaseCommand):
    help = "Grant ROLE every table, but only SELECT and INSERT on the history."

    def add_arguments(self, parser):
        parser.add_argument("role", help="the role DATABASE_URL of the web, worker and beat names")

    def handle(self, *args, role: str, **options):
        if connection.vendor != "postgresql":
            raise CommandError("grant_app_role is for PostgreSQL only")
        with connection.cursor() as cursor:
            self._refuse_a_powerful_role(cursor, role)
            name = connection.ops.quote_name(role)
            with transaction.atomic():
                cursor.execute(f"GRANT USAGE ON SCHEMA public TO {name}")
                cursor.execute(
                    f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {name}"
                )
                cursor.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {name}")
                cursor.execute(f"REVOKE ALL ON {HISTORY} FROM {name}")
                cursor.execute(f"GRANT SELECT, INSERT ON {HISTORY} TO {name}")
                cursor.execute(f"REVOKE ALL ON {CHAIN_HEAD} FROM {name}")
                cursor.execute(f"GRANT SELECT, INSERT, UPDATE ON {CHAIN_HEAD} TO {name}")
            cursor.execute(
                "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
            )
            tables = cursor.fetchone()[0]
        self.stdout.write(
            f"{role}: SELECT, INSERT, UPDATE, DELETE on the {tables} tables of schema public, "
            f"except {HISTORY} (SELECT, INSERT) and {CHAIN_HEAD} (SELECT, INSERT, UPDATE)"
        )

    def _refuse_a_powerful_role(self, cursor, role: str) -> None:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", [role])
        row = cursor.fetchone()
        if row is None:
            raise CommandError(f"there is no role {role}: create it first (docs/deploy.md)")
        if row[0]:
            raise CommandError(f"{role} is a superuser, which no grant can restrict")
        cursor.execute(
            "SELECT tableowner, pg_has_role(%s, tableowner, 'USAGE') FROM pg_tables"
            " WHERE schemaname = 'public' AND tablename = %s",
            [role, HISTORY],
        )
        row = cursor.fetchone()
        if row is None:
            raise CommandError(f"there is no table {HISTORY}: run migrate first")
        if row[1]:
            raise CommandError(
                f"{role} is {row[0]}, the owner of {HISTORY}, or has its rights: the "
                "application needs a role of its own"
            )
