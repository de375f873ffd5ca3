"""A keyed hash chain: an edit cannot be hidden by recomputing the chain without the key."""

import pytest
from django.core.checks import run_checks
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse

from approvals.states import State
from workflow.audit import chain_keys, key_id, verify_chain
from workflow.models import GENESIS_HASH, AuditChainHead, AuditRecord

KEY, OLD_KEY = "the-signing-key", "last-years-key"


def rewrite_from(target_id: int, *, comment: str, key: str | None) -> None:
    """What an intruder with database rights does: edit one record with the trigger off,
    then recompute every hash from there on (signed with `key`, or plain if None)."""
    records = list(AuditRecord.objects.order_by("id"))
    prev = GENESIS_HASH
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE workflow_auditrecord DISABLE TRIGGER USER")
        for record in records:
            if record.pk >= target_id:
                if record.pk == target_id:
                    record.comment = comment
                record.prev_hash = prev
                record.key_id = key_id(key) if key else ""
                record.hash = record.compute_hash(key.encode() if key else None)
                cursor.execute(
                    "UPDATE workflow_auditrecord SET comment = %s, prev_hash = %s, hash = %s,"
                    " key_id = %s WHERE id = %s",
                    [record.comment, record.prev_hash, record.hash, record.key_id, record.pk],
                )
            prev = record.hash
        cursor.execute("ALTER TABLE workflow_auditrecord ENABLE TRIGGER USER")
    AuditChainHead.objects.filter(pk=1).update(last_hash=prev)


# Each of these comes before the fixtures that make people: granting a role writes history.
@pytest.fixture
def keyed(settings):
    settings.AUDIT_CHAIN_KEYS = [KEY]


@pytest.fixture
def unkeyed(settings):
    settings.AUDIT_CHAIN_KEYS = []


@pytest.fixture
def old_keyed(settings):
    settings.AUDIT_CHAIN_KEYS = [OLD_KEY]


@pytest.fixture
def history(keyed, nomination_in):
    nomination_in(State.APPROVED)
    return list(AuditRecord.objects.order_by("id"))


def test_with_a_key_every_new_record_is_signed_with_it_and_verifies(history):
    assert {r.key_id for r in history} == {key_id(KEY)}
    report = verify_chain()
    assert report.ok and report.records == len(history) and report.key_ids == (key_id(KEY),)


def test_an_edit_rehashed_without_the_key_is_named(history):
    target = history[2]
    rewrite_from(target.pk, comment="đã sửa", key=None)
    report = verify_chain()
    assert not report.ok and report.first_broken_id == target.pk
    assert "not signed" in report.reason


def test_an_edit_rehashed_with_a_guessed_key_is_named(history):
    target = history[2]
    rewrite_from(target.pk, comment="đã sửa", key=KEY + "?")
    report = verify_chain()
    assert not report.ok and report.first_broken_id == target.pk


def test_an_edit_rehashed_with_the_key_itself_passes_which_is_why_it_stays_off_the_database(
    history,
):
    rewrite_from(history[2].pk, comment="đã sửa", key=KEY)
    assert verify_chain().ok


def test_without_a_key_a_rehashed_edit_goes_unnoticed(unkeyed, nomination_in):
    nomination_in(State.APPROVED)
    target = AuditRecord.objects.order_by("id")[2]
    assert target.key_id == ""
    rewrite_from(target.pk, comment="đã sửa", key=None)
    assert verify_chain().ok  # plain SHA-256: anyone can recompute it


def test_after_a_key_rotation_old_records_verify_while_the_old_key_is_listed(
    old_keyed, settings, nomination_in
):
    nomination_in(State.SUBMITTED)
    settings.AUDIT_CHAIN_KEYS = [KEY, OLD_KEY]
    nomination_in(State.SUBMITTED)
    ids = list(AuditRecord.objects.order_by("id").values_list("key_id", flat=True))
    assert ids[0] == key_id(OLD_KEY) and ids[-1] == key_id(KEY)
    assert verify_chain().ok
    settings.AUDIT_CHAIN_KEYS = [KEY]  # the old key dropped too soon
    report = verify_chain()
    assert not report.ok and key_id(OLD_KEY) in report.reason
    assert report.first_broken_id == AuditRecord.objects.order_by("id").first().pk


def test_key_ids_name_keys_without_revealing_them(keyed):
    assert list(chain_keys()) == [key_id(KEY)]
    assert KEY not in key_id(KEY) and len(key_id(KEY)) == 12
    assert key_id(KEY) != key_id(OLD_KEY)


def test_the_deploy_check_warns_without_a_key_and_not_with_one(settings):
    settings.AUDIT_CHAIN_KEYS = []
    assert "vinhdanh.W001" in {m.id for m in run_checks(include_deployment_checks=True)}
    settings.AUDIT_CHAIN_KEYS = [KEY]
    assert "vinhdanh.W001" not in {m.id for m in run_checks(include_deployment_checks=True)}


def test_verify_audit_names_the_signing_key(history, capsys):
    call_command("verify_audit")
    assert f"signing key(s): {key_id(KEY)}" in capsys.readouterr().out


def test_an_unsigned_chain_verifies_but_the_auditors_page_warns_about_it(
    unkeyed, people, nomination_in
):
    nomination_in(State.SUBMITTED)
    client = Client()
    client.force_login(people["auditor"])
    page = client.get(reverse("audit-verify")).content.decode()
    assert "Chuỗi lịch sử nguyên vẹn" in page
    assert 'data-testid="chain-unsigned"' in page and "AUDIT_CHAIN_KEYS" in page
