"""Time the deadline queries over a large table of nominations on PostgreSQL.

Creates (and afterwards drops) its own database, inserts N nominations (100,000 by
default) in every open state with clocks spread over 2026, then times, each as the
median of several runs: the refresh an edit of the calendar runs (every open due date
recomputed), the lists' deadline filters (count) and the deadline sort (first page of
100, as the pages and the API read it), and the working days waited of a page of rows.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/deadlines.py [N]
"""

import datetime
import os
import random
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BENCH_DB = "vinhdanh_bench_deadlines"
base = urlparse(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"))
os.environ["DATABASE_URL"] = base._replace(path=f"/{BENCH_DB}").geturl()
os.environ.setdefault("SECRET_KEY", "bench-only")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["REDIS_URL"] = ""


def admin_sql(sql: str) -> None:
    import psycopg

    admin = base._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql)


def main(n: int) -> None:
    admin_sql(f'DROP DATABASE IF EXISTS "{BENCH_DB}"')
    admin_sql(f'CREATE DATABASE "{BENCH_DB}"')
    try:
        run(n)
    finally:
        from django.db import connections

        connections.close_all()
        admin_sql(f'DROP DATABASE IF EXISTS "{BENCH_DB}"')


def timed(label: str, call, runs: int = 5):
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = call()
        times.append((time.perf_counter() - started) * 1000)
    print(f"  {label:<62} median {statistics.median(times):8.1f} ms  (max {max(times):.1f})")
    return result


def insert(n: int, org, people) -> None:
    from approvals.models import Nomination, Person
    from approvals.states import State
    from tests import factories

    rng = random.Random(2026)
    award = factories.award()
    states = [State.DRAFT, State.SUBMITTED, State.IN_REVIEW, State.RETURNED,
              State.COUNCIL_VOTE, State.AWAITING_DIRECTOR, State.APPROVED, State.REPORTED]
    start = datetime.date(2026, 1, 2)
    # One person per nomination (one live nomination per person, award and year).
    persons = Person.objects.bulk_create(
        [Person(full_name=f"Người {i}") for i in range(n)], batch_size=10_000
    )
    batch = []
    for i in range(n):
        state = rng.choice(states)
        started = start + datetime.timedelta(days=rng.randrange(330))
        returned = started + datetime.timedelta(days=rng.randrange(20)) if (
            state == State.RETURNED) else None
        batch.append(Nomination(
            campaign=org["campaign"], award=award, unit=org["a" if i % 2 else "b"],
            nominee_person=persons[i], year=org["campaign"].year,
            nominee_name=f"Người {i}", state=state, created_by=people["staff"],
            clock_started_on=started, returned_on=returned,
            clock_paused_days=rng.choice([0, 0, 0, 2, 5]),
        ))
        if len(batch) == 10_000:
            Nomination.objects.bulk_create(batch)
            batch = []
    Nomination.objects.bulk_create(batch)


def run(n: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from approvals.access import load_actor
    from approvals.selectors import nomination_list
    from tests import factories
    from workflow import deadlines, sla

    call_command("migrate", verbosity=0)
    org = factories.make_org()
    people = factories.make_people(org)
    print(f"inserting {n:,} nominations ...", flush=True)
    insert(n, org, people)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE approvals_nomination")
    reviewer = load_actor(people["reviewer"])
    today = datetime.date(2026, 10, 15)

    print(f"{n:,} nominations on PostgreSQL, today = {today}:")
    timed("calendar for one year, built from nothing", lambda: (
        sla.forget_rules(), sla.deadline_rules().calendar.is_working_day(today)), runs=3)
    changed = timed("refresh of every open due date (first fill)",
                    lambda: deadlines.due_dates_refresh(), runs=1)
    print(f"    ({changed:,} due dates written)")
    timed("an administrator adds a day off (edit + refresh)", lambda: deadlines.calendar_day_set(
        day=datetime.date(2026, 11, 2), kind="off", note="bench"), runs=1)
    timed("... and takes it back", lambda: deadlines.calendar_day_clear(
        day=datetime.date(2026, 11, 2)), runs=1)
    for status in ("overdue", "near_due", "on_time"):
        count = timed(f"list filter deadline_status={status} (count)", lambda s=status: (
            nomination_list(reviewer, filters={"deadline_status": s}, today=today).count()))
        print(f"    ({count:,} rows)")

    def first_page():
        return list(nomination_list(reviewer, order="deadline", today=today)[:100])

    timed("(for comparison) list sorted newest first, first page of 100", lambda: list(
        nomination_list(reviewer, order="newest", today=today)[:100]))
    rows = timed("list sorted by deadline, first page of 100", first_page)
    timed("list overdue sorted by deadline, first page of 100", lambda: list(
        nomination_list(reviewer, filters={"overdue": True}, order="deadline",
                        today=today)[:100]))
    timed("working days waited and status of those 100 rows", lambda: sla.deadlines_of(
        rows, today=today))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
