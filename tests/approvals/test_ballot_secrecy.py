"""The secret ballot, tried by someone with full access to the database: every table, every
column, the physical order of the rows (ctid) and the transaction that wrote each row
(xmin). Two worlds are played from the same starting point, in which two members swap their
votes; if anything stored linked a ballot to its voter, the two databases would differ."""

import json
import re

import pytest
from django.db import connection
from django.utils import timezone

from approvals import council
from approvals.models import BallotParticipation, SessionItem
from approvals.roles import Role
from approvals.states import State
from tests import factories
from workflow.models import AuditRecord

# Values that differ between two runs of the same acts whatever the votes: random keys,
# clocks, and the hash chain (it covers the clock).
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
MOMENT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(\+\d\d:\d\d|Z)?")
HEX = re.compile(r"\b[0-9a-f]{64}\b")
# The history is an ordered, timed log by design (a hash chain over sequential ids): it is
# read in its own order, which says all its physical order could. Its physical order here
# differs between worlds only because a rolled-back world's pages are pruned and reused.
LOG = AuditRecord._meta.db_table


def tables() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                       "ORDER BY tablename")
        return [r[0] for r in cursor.fetchall()]


def dump() -> dict[str, list[tuple[int, int, str]]]:
    """Every row of every table with all its columns, in physical order, each with its
    position (ctid order) and the rank of the transaction that wrote it (xmin order)."""
    raw: dict[str, list[tuple[str, int, str]]] = {}
    with connection.cursor() as cursor:
        for table in tables():
            order = "id" if table == LOG else "ctid"
            cursor.execute(f'SELECT ctid::text, xmin::text::bigint, row_to_json(t)::text '
                           f'FROM "{table}" t ORDER BY {order}')
            raw[table] = cursor.fetchall()
    xids = sorted({xmin for rows in raw.values() for _, xmin, _ in rows})
    rank = {x: i for i, x in enumerate(xids)}
    return {
        table: [(position, rank[xmin], _masked(row))
                for position, (_, xmin, row) in enumerate(rows)]
        for table, rows in raw.items()
    }


def _masked(row: str) -> str:
    return HEX.sub("<hash>", MOMENT.sub("<time>", UUID.sub("<uuid>", row)))


def sequences() -> list[tuple[str, int | None]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT schemaname || '.' || sequencename, last_value FROM pg_sequences "
                       "WHERE schemaname = 'public'")
        return cursor.fetchall()


def rewind(saved: list[tuple[str, int | None]]) -> None:
    """Sequences do not roll back: set them as they were, so both worlds number alike."""
    with connection.cursor() as cursor:
        for name, value in saved:
            if value is None:
                cursor.execute("SELECT setval(%s, 1, false)", [name])
            else:
                cursor.execute("SELECT setval(%s, %s, true)", [name, value])


def world(session, item, votes: list[tuple[object, bool]]) -> dict:
    """Play the ballots from the saved starting point, read everything, then undo them."""
    saved = sequences()
    with connection.cursor() as cursor:
        cursor.execute("SAVEPOINT world")
    try:
        for user, yes in votes:
            council.council_ballot_cast(user=user, session_id=session.pk,
                                        choices={item.pk: yes})
        return dump()
    finally:
        with connection.cursor() as cursor:
            cursor.execute("ROLLBACK TO SAVEPOINT world")
        rewind(saved)


@pytest.fixture
def ballot(people, nomination_in):
    """An open session over one nomination; three members present. The tables a ballot
    writes start as new, empty files (TRUNCATE, undone with the test's transaction): earlier
    tests' rolled-back rows would otherwise leave free slots that make the worlds' physical
    layouts differ by chance."""
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {BallotParticipation._meta.db_table}, "
                       f"{SessionItem._meta.db_table}")
    n = nomination_in(State.COUNCIL_VOTE)
    term = factories.council_term(people, size=3)
    voters = list(term.members.order_by("id"))
    for user in voters:
        factories.role_grant(user=user, role=Role.COUNCIL_MEMBER, unit=None)
    session = council.council_session_open(
        user=people["secretary"], term_id=term.pk, campaign_id=n.campaign_id,
        meets_on=timezone.localdate())
    council.council_attendance_record(user=people["secretary"], session_id=session.pk,
                                      statuses={u.pk: "present" for u in voters})
    return session, SessionItem.objects.get(session=session), voters


def test_two_members_who_swap_their_votes_leave_the_same_database(ballot):
    session, item, (alice, bob, carol) = ballot
    # A first run of the same acts, undone: the pages then hold the space it freed, as they
    # do for each world after it (the physical layout is the same from there on).
    world(session, item, [(alice, True), (bob, True), (carol, True)])
    # Alice for and Bob against, or the other way round; Carol for; the same order of casting.
    one = world(session, item, [(alice, True), (bob, False), (carol, True)])
    other = world(session, item, [(alice, False), (bob, True), (carol, True)])
    assert one == other
    # The same acts with another tally do leave another database: the dump sees the counts.
    different = world(session, item, [(alice, True), (bob, True), (carol, True)])
    assert different != one
    changed = {t for t in one if one[t] != different[t]}
    assert changed == {SessionItem._meta.db_table}, changed


def test_what_is_stored_says_who_took_part_and_never_how(ballot, people):
    session, item, (alice, bob, carol) = ballot
    council.council_ballot_cast(user=alice, session_id=session.pk, choices={item.pk: True})
    council.council_ballot_cast(user=bob, session_id=session.pk, choices={item.pk: False})
    columns = {f.column for f in BallotParticipation._meta.concrete_fields}
    assert columns == {"id", "item_id", "member_id"}  # no choice, no time, no sequence
    assert BallotParticipation._meta.pk.get_internal_type() == "UUIDField"
    assert set(BallotParticipation.objects.values_list("member", flat=True)) == {alice.pk, bob.pk}
    item.refresh_from_db()
    assert (item.yes, item.no) == (1, 1)
    records = AuditRecord.objects.filter(action="council_ballot_cast")
    assert {r.actor_id for r in records} == {alice.pk, bob.pk}
    for record in records:
        text = json.dumps(record.data) + record.comment
        assert record.data == {"session": session.pk, "items": [item.pk]}
        assert "true" not in text.lower() and "yes" not in text.lower()


def test_the_member_sees_that_they_voted_not_how(ballot, client):
    session, item, (alice, *_) = ballot
    council.council_ballot_cast(user=alice, session_id=session.pk, choices={item.pk: True})
    client.force_login(alice)
    page = client.get(f"/council/sessions/{session.pk}/ballot/").content.decode()
    assert 'data-testid="voted"' in page
    assert 'checked' not in page
