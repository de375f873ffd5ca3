"""Signed checkpoints outside the database: a lost tail of the history is named, even when
whoever removed it also set the chain head back so that the shorter chain verifies."""

import json

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from approvals.states import State
from config.celery import app
from workflow.audit import verify_chain
from workflow.checkpoints import Checkpoint, DirectorySink, checkpoint_write
from workflow.models import GENESIS_HASH, AuditChainHead, AuditRecord
from workflow.tasks import audit_checkpoint


class KeptInMemory:
    """Another sink (an object store, mail to the auditors) only has to write and read."""

    entries_written: list[tuple[str, bytes]] = []

    def write(self, name: str, content: bytes) -> None:
        self.entries_written.append((name, content))

    def entries(self):
        return list(self.entries_written)


@pytest.fixture
def sink_dir(settings, tmp_path):
    settings.AUDIT_CHECKPOINT_SINK = "workflow.checkpoints.DirectorySink"
    settings.AUDIT_CHECKPOINT_DIR = str(tmp_path / "checkpoints")
    return tmp_path / "checkpoints"


@pytest.fixture
def checkpointed(sink_dir, nomination_in):
    """A history, a checkpoint of it, then more history after the checkpoint."""
    nomination_in(State.APPROVED)
    call_command("audit_checkpoint")
    nomination_in(State.SUBMITTED)
    return json.loads(next(sink_dir.iterdir()).read_text())


def cut_tail(after_id: int | None) -> None:
    """What the tables' owner can do: switch the trigger off, delete every record after
    `after_id` (all of them if None), set the chain head back to fit, switch it on again."""
    kept = AuditRecord.objects.filter(pk=after_id).first() if after_id else None
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE workflow_auditrecord DISABLE TRIGGER USER")
        if after_id is None:
            cursor.execute("TRUNCATE workflow_auditrecord")
        else:
            cursor.execute("DELETE FROM workflow_auditrecord WHERE id > %s", [after_id])
        cursor.execute("ALTER TABLE workflow_auditrecord ENABLE TRIGGER USER")
    AuditChainHead.objects.filter(pk=1).update(
        last_hash=kept.hash if kept else GENESIS_HASH, last_record_id=after_id
    )


def third_newest_checkpointed(checkpoint: dict) -> int:
    ids = AuditRecord.objects.filter(pk__lte=checkpoint["last_id"]).values_list("pk", flat=True)
    return sorted(ids)[-3]


def verify_with_checkpoints(capsys) -> str:
    call_command("verify_audit", "--checkpoints")
    return capsys.readouterr().out


def test_a_checkpoint_records_the_count_the_last_id_and_its_hash_signed(checkpointed):
    records = list(AuditRecord.objects.order_by("id"))
    at = next(r for r in records if r.pk == checkpointed["last_id"])
    assert checkpointed["records"] == records.index(at) + 1
    assert checkpointed["head_hash"] == at.hash
    assert checkpointed["key_id"] and len(checkpointed["signature"]) == 64
    assert checkpointed["created_at"]


def test_an_intact_history_verifies_against_its_checkpoints(checkpointed, capsys):
    out = verify_with_checkpoints(capsys)
    assert f"{AuditRecord.objects.count()} records" in out
    assert f"1 checkpoint(s), the newest up to record {checkpointed['last_id']}" in out


def test_each_checkpoint_is_a_new_file_and_none_is_written_without_new_records(
    checkpointed, sink_dir, nomination_in
):
    first = next(sink_dir.iterdir())
    before = first.read_bytes()
    call_command("audit_checkpoint")
    assert len(list(sink_dir.iterdir())) == 2
    call_command("audit_checkpoint")  # nothing new since
    assert len(list(sink_dir.iterdir())) == 2
    assert first.read_bytes() == before


def test_removing_the_newest_records_and_setting_the_head_back_is_named(checkpointed, capsys):
    cut_tail(third_newest_checkpointed(checkpointed))
    assert verify_chain().ok  # the shorter chain fits together: the chain alone cannot tell
    with pytest.raises(CommandError) as refused:
        verify_with_checkpoints(capsys)
    message = str(refused.value)
    assert f"record {checkpointed['last_id']} is missing" in message
    assert f"{checkpointed['records']} records" in message
    assert f"the database has {checkpointed['records'] - 2}" in message


def test_a_truncate_by_the_owner_is_named(checkpointed, capsys):
    cut_tail(None)
    assert verify_chain().ok and verify_chain().records == 0
    with pytest.raises(CommandError, match="the database has 0 of them"):
        verify_with_checkpoints(capsys)


def test_a_forged_checkpoint_is_named(checkpointed, sink_dir, capsys):
    # Someone who cut the tail writes a checkpoint that fits what is left, without the key.
    forged = dict(checkpointed, records=1, last_id=AuditRecord.objects.order_by("id")[0].pk)
    (sink_dir / "checkpoint-99999999T999999Z-forged.json").write_text(json.dumps(forged))
    with pytest.raises(CommandError, match="checkpoint-99999999T999999Z-forged.json.*signature"):
        verify_with_checkpoints(capsys)


def test_an_unreadable_checkpoint_is_named(checkpointed, sink_dir, capsys):
    (sink_dir / "checkpoint-99999999T999999Z-broken.json").write_bytes(b"{not json")
    with pytest.raises(CommandError, match="checkpoint-99999999T999999Z-broken.json.*unreadable"):
        verify_with_checkpoints(capsys)


def test_no_checkpoint_is_written_over_a_broken_chain(checkpointed, sink_dir):
    cut_tail(third_newest_checkpointed(checkpointed))
    with pytest.raises(CommandError, match=f"record {checkpointed['last_id']} is missing"):
        call_command("audit_checkpoint")
    assert len(list(sink_dir.iterdir())) == 1


def test_the_sink_is_configurable(settings, nomination_in):
    settings.AUDIT_CHECKPOINT_SINK = f"{__name__}.KeptInMemory"
    KeptInMemory.entries_written.clear()
    nomination_in(State.SUBMITTED)
    written = checkpoint_write()
    assert written is not None
    [(name, content)] = KeptInMemory.entries_written
    assert Checkpoint.from_bytes(content) == written and name.startswith("checkpoint-")


def test_a_directory_sink_never_replaces_a_file(tmp_path):
    sink = DirectorySink(tmp_path)
    sink.write("checkpoint-a.json", b"1")
    with pytest.raises(FileExistsError):
        sink.write("checkpoint-a.json", b"2")
    assert sink.entries() == [("checkpoint-a.json", b"1")]


def test_beat_writes_checkpoints_with_a_registered_task(sink_dir, nomination_in):
    entry = settings.CELERY_BEAT_SCHEDULE["audit-checkpoint"]
    assert entry["task"] == "workflow.audit_checkpoint" and entry["task"] in app.tasks
    assert entry["schedule"] == settings.AUDIT_CHECKPOINT_EVERY_MINUTES * 60
    nomination_in(State.SUBMITTED)
    audit_checkpoint()
    assert len(list(sink_dir.iterdir())) == 1


def test_verify_audit_refuses_to_call_a_history_checkpointed_without_any_checkpoint(
    sink_dir, nomination_in, capsys
):
    nomination_in(State.SUBMITTED)
    with pytest.raises(CommandError, match="no checkpoint found"):
        verify_with_checkpoints(capsys)


def test_verify_audit_reads_an_auditors_copy_of_the_checkpoints(
    checkpointed, sink_dir, settings, tmp_path, capsys
):
    settings.AUDIT_CHECKPOINT_DIR = str(tmp_path / "elsewhere")
    cut_tail(third_newest_checkpointed(checkpointed))
    with pytest.raises(CommandError, match="is missing"):
        call_command("verify_audit", "--checkpoint-dir", str(sink_dir))
