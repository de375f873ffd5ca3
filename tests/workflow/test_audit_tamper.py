"""The history refuses change, and verify_audit finds what got around the refusal."""

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from approvals.states import State
from workflow.audit import verify_chain
from workflow.models import AppendOnlyError, AuditRecord


@pytest.fixture
def history(nomination_in):
    nomination_in(State.APPROVED)
    return list(AuditRecord.objects.order_by("id"))


def test_an_intact_history_verifies(history):
    report = verify_chain()
    assert report.ok and report.records == len(history)
    call_command("verify_audit")


def test_the_database_refuses_an_update_through_raw_sql(history):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE workflow_auditrecord SET comment = 'sửa' WHERE id = %s", [history[1].pk]
            )
    assert AuditRecord.objects.get(pk=history[1].pk).comment == history[1].comment


def test_the_database_refuses_a_delete_through_raw_sql(history):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM workflow_auditrecord WHERE id = %s", [history[0].pk])
    assert AuditRecord.objects.count() == len(history)


def test_the_model_refuses_to_save_or_delete_an_existing_record(history):
    record = history[0]
    record.comment = "sửa"
    with pytest.raises(AppendOnlyError):
        record.save()
    with pytest.raises(AppendOnlyError):
        record.delete()
    with pytest.raises(AppendOnlyError):
        AuditRecord.objects.filter(pk=record.pk).update(comment="x")
    with pytest.raises(AppendOnlyError):
        AuditRecord.objects.all().delete()


def test_a_forged_row_inserted_around_the_trigger_is_named_by_verify_audit(history):
    last = history[-1]
    with connection.cursor() as cursor:
        cursor.execute(
            """INSERT INTO workflow_auditrecord (nomination_id, actor_id, actor_username,
               actor_role, action, from_state, to_state, comment, data, created_at,
               request_id, prev_hash, hash)
               VALUES (%s, %s, 'director', 'director', 'approve', 'awaiting_director',
               'approved', '', '{}', now(), '', %s, %s) RETURNING id""",
            [last.nomination_id, last.actor_id, last.hash, "f" * 64],
        )
        forged_id = cursor.fetchone()[0]
    report = verify_chain()
    assert not report.ok and report.first_broken_id == forged_id
    with pytest.raises(CommandError, match=f"record {forged_id}"):
        call_command("verify_audit")


def test_an_edit_made_with_the_trigger_disabled_is_named_by_verify_audit(history):
    target = history[2]
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE workflow_auditrecord DISABLE TRIGGER USER")
        cursor.execute(
            "UPDATE workflow_auditrecord SET comment = 'đã sửa' WHERE id = %s", [target.pk]
        )
        cursor.execute("ALTER TABLE workflow_auditrecord ENABLE TRIGGER USER")
    report = verify_chain()
    assert not report.ok and report.first_broken_id == target.pk
    with pytest.raises(CommandError, match=f"record {target.pk}"):
        call_command("verify_audit")


def test_removing_the_newest_records_with_the_trigger_disabled_is_noticed(history):
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE workflow_auditrecord DISABLE TRIGGER USER")
        cursor.execute("DELETE FROM workflow_auditrecord WHERE id = %s", [history[-1].pk])
        cursor.execute("ALTER TABLE workflow_auditrecord ENABLE TRIGGER USER")
    report = verify_chain()
    assert not report.ok and "removed" in report.reason
