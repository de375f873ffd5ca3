"""The history refuses change, and verify_audit finds what got around the refusal."""

import time

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from approvals.states import State
from workflow import audit
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


def tamper_comment(record_id):
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE workflow_auditrecord DISABLE TRIGGER USER")
        cursor.execute(
            "UPDATE workflow_auditrecord SET comment = 'đã sửa' WHERE id = %s", [record_id]
        )
        cursor.execute("ALTER TABLE workflow_auditrecord ENABLE TRIGGER USER")


def test_a_chain_verified_in_segments_reports_what_one_pass_reports(history):
    assert len(history) >= 6
    whole = verify_chain(segment=10**9)
    assert whole.ok and verify_chain(segment=2, workers=1) == whole


@pytest.mark.parametrize("where", ["first", "inside", "last"])
def test_a_tamper_in_a_later_segment_is_named_as_in_one_pass(history, where):
    """Each segment starts from the stored hash of the record before it: an edit in the
    middle of one, or on the last record of the one before (whose stored hash the next
    starts from), is found at the same record with the same count."""
    target = {"first": history[2], "inside": history[3], "last": history[-1]}[where]
    tamper_comment(target.pk)
    whole = verify_chain(segment=10**9)
    assert not whole.ok and whole.first_broken_id == target.pk
    assert verify_chain(segment=2, workers=1) == whole


def test_a_record_removed_at_a_segment_boundary_is_noticed(history):
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE workflow_auditrecord DISABLE TRIGGER USER")
        cursor.execute("DELETE FROM workflow_auditrecord WHERE id = %s", [history[2].pk])
        cursor.execute("ALTER TABLE workflow_auditrecord ENABLE TRIGGER USER")
    whole = verify_chain(segment=10**9)
    assert not whole.ok and whole.first_broken_id == history[3].pk
    assert verify_chain(segment=2, workers=1) == whole


@pytest.mark.django_db(transaction=True)
def test_worker_processes_verify_the_segments_in_one_snapshot_and_find_a_later_tamper(
    org, people, nomination_in
):
    nomination_in(State.APPROVED)
    history = list(AuditRecord.objects.order_by("id"))
    whole = verify_chain(segment=10**9)
    with transaction.atomic():  # a snapshot the worker processes read in
        assert verify_chain(segment=2, workers=2) == whole
    assert whole.ok and whole.records == len(history)
    tamper_comment(history[-2].pk)
    with transaction.atomic():
        apart = verify_chain(segment=2, workers=2)
    assert not apart.ok and apart.first_broken_id == history[-2].pk
    assert apart == verify_chain(segment=10**9)
    with pytest.raises(CommandError, match=f"record {history[-2].pk}"):
        call_command("verify_audit")


_verify_apart = audit._verify_apart


def _slow_verify_apart(job):
    """A segment that takes 1.5 s, as a long one does (the forked workers run this)."""
    time.sleep(1.5)
    return _verify_apart(job)


@pytest.mark.django_db(transaction=True)
def test_worker_processes_that_outlast_the_idle_transaction_timeout_still_verify(
    org, people, nomination_in, monkeypatch
):
    """The parent waits idle in its transaction while the workers read in its snapshot: the
    idle-in-transaction timeout (30 s in settings, 1 s here) must not end it under them."""
    nomination_in(State.APPROVED)
    whole = verify_chain(segment=10**9)
    monkeypatch.setattr(audit, "_verify_apart", _slow_verify_apart)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL idle_in_transaction_session_timeout = '1s'")
        assert verify_chain(segment=2, workers=2) == whole
    assert whole.ok
