"""The history table refuses TRUNCATE too, and the application's own PostgreSQL role may only
read and append to it: it does not own the table, so it cannot switch the trigger off."""

import json
import urllib.error
import urllib.request

import psycopg
import pytest
from django.db import DatabaseError, connection, transaction

from approvals.states import State
from tests.asgi_server import asgi_server
from tests.asgi_server import test_database_url as app_database_url
from tests.test_settings import run
from workflow.models import AuditRecord


@pytest.fixture
def history(nomination_in):
    nomination_in(State.SUBMITTED)
    return list(AuditRecord.objects.order_by("id"))


def test_the_database_refuses_a_truncate_even_by_the_tables_owner(history):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE workflow_auditrecord")
    assert AuditRecord.objects.count() == len(history)


@pytest.mark.parametrize(
    ("statement", "refusal"),
    [
        ("UPDATE workflow_auditrecord SET comment = 'sửa'", "permission denied"),
        ("DELETE FROM workflow_auditrecord", "permission denied"),
        ("TRUNCATE workflow_auditrecord", "permission denied"),
        ("ALTER TABLE workflow_auditrecord DISABLE TRIGGER USER", "must be owner"),
        ("ALTER TABLE workflow_auditrecord DISABLE TRIGGER ALL", "must be owner"),
        ("DROP TRIGGER workflow_auditrecord_append_only ON workflow_auditrecord", "must be owner"),
        ("DELETE FROM workflow_auditchainhead", "permission denied"),
    ],
)
def test_the_role_the_server_processes_connect_as_cannot_change_the_history(
    db, statement, refusal
):
    # tests/asgi_server.py (uvicorn) and tests/celery_worker.py (Celery) connect with this URL.
    with psycopg.connect(app_database_url(), autocommit=True) as app:
        assert app.info.user != connection.settings_dict["USER"]
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match=refusal):
            app.execute(statement)


@pytest.mark.django_db(transaction=True)
def test_the_role_the_server_processes_connect_as_reads_and_appends(history):
    last = history[-1]
    with psycopg.connect(app_database_url()) as app:
        count = app.execute("SELECT count(*) FROM workflow_auditrecord").fetchone()
        assert count == (len(history),)
        with app.transaction(force_rollback=True):
            app.execute(
                """INSERT INTO workflow_auditrecord (nomination_id, actor_id, actor_username,
                   actor_role, action, from_state, to_state, comment, data, created_at,
                   request_id, prev_hash, hash, key_id)
                   VALUES (NULL, NULL, 'x', '', 'view', '', '', '', '{}', now(), '', %s, %s, '')""",
                [last.hash, "e" * 64],
            )
            app.execute("UPDATE workflow_auditchainhead SET last_hash = %s", ["e" * 64])


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_web_server_process_is_connected_as_the_application_role(people):
    body = json.dumps({"username": "staff", "password": "?"}).encode()
    with asgi_server(name="role") as base:
        request = urllib.request.Request(
            base + "/api/v1/auth/token/", data=body, method="POST",
            headers={"Content-Type": "application/json"},
        )
        with pytest.raises(urllib.error.HTTPError, match="401"):  # the server read the database
            urllib.request.urlopen(request, timeout=30)
        with connection.cursor() as cursor:
            # Each server role: is it a superuser, may it act as the history's owner?
            cursor.execute(
                "SELECT DISTINCT a.usename, r.rolsuper, pg_has_role(a.usename, t.tableowner,"
                " 'USAGE') FROM pg_stat_activity a JOIN pg_roles r ON r.rolname = a.usename,"
                " pg_tables t WHERE t.tablename = 'workflow_auditrecord'"
                " AND a.datname = current_database() AND a.pid <> pg_backend_pid()"
            )
            roles = cursor.fetchall()
    with psycopg.connect(app_database_url()) as app:
        assert roles == [(app.info.user, False, False)]


def test_the_deploy_check_warns_when_the_processes_could_change_the_history(db):
    check = ("manage.py", "check", "--deploy", "--database", "default")
    d = connection.settings_dict
    auth = d["USER"] + (f":{d['PASSWORD']}" if d.get("PASSWORD") else "")
    owner_url = f"postgres://{auth}@{d['HOST'] or '127.0.0.1'}:{d['PORT'] or 5432}/{d['NAME']}"
    as_owner = run(*check, DATABASE_URL=owner_url, SECRET_KEY="x" * 60)
    as_app = run(*check, DATABASE_URL=app_database_url(), SECRET_KEY="x" * 60)
    assert "vinhdanh.W002" in as_owner.stderr + as_owner.stdout
    said = as_app.stderr + as_app.stdout
    assert "vinhdanh.W002" not in said and as_app.returncode == 0, said
