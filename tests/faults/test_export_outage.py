"""The history's CSV streams from COPY through psycopg itself: a connection that dies in
the middle is still Django's OperationalError, which answers 503 (approvals.unavailable),
not psycopg's own error, which answered 500 in the load run."""

import pytest
from django.db import OperationalError, connection

from approvals.exports import csv_chunks
from approvals.states import State
from tests.faults.helpers import backend_pid, raw_connection
from workflow.models import AuditRecord

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_backend_terminated_during_the_copy_is_a_database_error_django_knows(nomination_in):
    nomination_in(State.SUBMITTED)
    chunks = csv_chunks({})
    assert next(chunks).startswith("\ufeff".encode())  # the header, before the COPY
    pid = backend_pid()
    with raw_connection(autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
    try:
        with pytest.raises(OperationalError):
            next(chunks)
    finally:
        connection.close()


def test_without_a_fault_the_copy_gives_every_record(nomination_in):
    nomination_in(State.SUBMITTED)
    body = b"".join(csv_chunks({})).decode("utf-8-sig").splitlines()
    assert len(body) == 1 + AuditRecord.objects.count()  # the header, then every record
