"""One large database per scale for the benchmarks, seeded with bulk SQL and shared by them.

`seeded(n)` makes (or, seeded already by this SEED_VERSION, reuses) the database
"<DATABASE_URL's name>_bench_<n>" and points Django at it: n nominations across 355
regional units and 12 awards in one campaign, in the states of PATHS (the same shares as
bench/dashboard.py), each with its viewflow process and, while open, its one open human
task (copied column by column from real ones the services made, so viewflow can work them),
held by one of 40 body-wide standing reviewers where the stage is claimed; about 10
history records each (not a valid hash chain: the inbox does not read it), and the inbox's
copies and tallies recounted from them (approvals.tallies.tally_rebuild).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python \\
        bench/seed.py [nominations, default 1000000] [--fresh]
"""

import datetime
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
os.environ.setdefault("SECRET_KEY", "bench-only")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["REDIS_URL"] = ""
BASE = urlparse(os.environ["DATABASE_URL"])
SEED_VERSION = f"inbox-4/{os.environ.get('BENCH_HISTORY_PER', '10')}"
T = TypeVar("T")
UNITS = 355
REVIEWERS = 40
# History records per nomination (BENCH_HISTORY_PER: fewer makes a quicker seed; the
# inbox reads only the "done" entries made from them).
HISTORY_PER_NOMINATION = int(os.environ.get("BENCH_HISTORY_PER", "10"))
START = datetime.datetime(2026, 3, 2, 8, tzinfo=datetime.UTC)

# (share %, state, whether its open task is claimed); closed states have no task.
PATHS = [
    (10, "draft", False),
    (10, "submitted", False),
    (10, "in_review", True),
    (5, "council_vote", True),
    (10, "awaiting_director", True),
    (5, "returned", False),
    (20, "approved", True),
    (25, "reported", False),
    (5, "rejected", False),
]
TASK_OF = {"draft": "prepare", "returned": "prepare", "submitted": "review",
           "in_review": "review", "council_vote": "vote", "awaiting_director": "decide",
           "approved": "report"}


@dataclass(frozen=True)
class Seeded:
    database: str
    nominations: int
    reviewer: str  # a body-wide standing reviewer (holds 1/40 of the claimed work)
    unit_staff: str  # the unit staff of one regional unit (kv-7)


def database_name(n: int, tag: str = "") -> str:
    return f"{BASE.path.lstrip('/') or 'postgres'}_bench_{tag}{n}"


def _admin(sql: str) -> list:
    import psycopg

    with psycopg.connect(BASE._replace(path="/postgres").geturl(), autocommit=True) as conn:
        cur = conn.execute(sql)
        return cur.fetchall() if cur.description else []


def dsn(n: int) -> str:
    return BASE._replace(path=f"/{database_name(n)}").geturl()


def use_database(name: str) -> None:
    """Point Django's default connection at `name` (set up Django first if need be)."""
    import django
    from django.conf import settings

    os.environ["DATABASE_URL"] = BASE._replace(path=f"/{name}").geturl()
    django.setup()
    from django.db import connections

    connections.close_all()
    settings.DATABASES["default"]["NAME"] = name
    connections["default"].settings_dict["NAME"] = name


def _seeded_already(name: str) -> bool:
    import psycopg

    if not _admin(f"SELECT 1 FROM pg_database WHERE datname = '{name}'"):
        return False
    try:
        with psycopg.connect(BASE._replace(path=f"/{name}").geturl()) as conn:
            row = conn.execute("SELECT version FROM bench_seed").fetchone()
    except psycopg.Error:
        return False
    return row is not None and row[0] == SEED_VERSION


def seeded(n: int, *, fresh: bool = False, paths: list | None = None, tag: str = "",
           awards: list[str] | None = None) -> Seeded:
    """`paths`: the states to seed in place of PATHS (same form), in a database named with
    `tag`; `awards`: the codes of the awards to seed (all 12 by default). bench/bulk_job.py
    seeds work awaiting the Director's decision, for awards its nominees qualify for."""
    name = database_name(n, tag)
    if fresh or paths is not None or not _seeded_already(name):
        _admin(f'DROP DATABASE IF EXISTS "{name}"')
        _admin(f'CREATE DATABASE "{name}"')
        use_database(name)
        _seed(n, paths or PATHS, awards)
    else:
        use_database(name)
        print(f"  reusing {name} (seed {SEED_VERSION})", flush=True)
    return Seeded(name, n, reviewer="cv0", unit_staff="cb.kv-7")


def _timed(label: str, sql: str, params: dict | None = None) -> None:
    from django.db import connection

    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(sql, params or {})
        rows = cursor.rowcount
    print(f"  seeded {label}: {rows:,} rows in {time.perf_counter() - start:.1f} s", flush=True)


def _templates(org: dict, people: dict) -> dict[str, dict]:
    """task name -> a real open task's row, made through the services."""
    from django.db import connection

    from approvals.models import Nomination
    from tests import factories

    made = {s: factories.nomination_in(org, people, s)
            for s in ("draft", "submitted", "council_vote", "awaiting_director", "approved")}
    rows = {}
    with connection.cursor() as cursor:
        for state, n in made.items():
            task_id = Nomination.objects.get(pk=n.pk).task_id
            cursor.execute("SELECT * FROM viewflow_task WHERE id = %s", [task_id])
            cols = [c.name for c in cursor.description]
            rows[TASK_OF[state]] = dict(zip(cols, cursor.fetchone(), strict=True))
        cursor.execute("SELECT * FROM viewflow_process WHERE id = %s",
                       [made["draft"].process_id])
        cols = [c.name for c in cursor.description]
        rows["process"] = dict(zip(cols, cursor.fetchone(), strict=True))
    return rows


def _seed(n: int, paths: list, award_codes: list[str] | None = None) -> None:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    from approvals.models import Award, Campaign, Unit
    from approvals.roles import Role
    from approvals.services import role_grant
    from approvals.tallies import tally_rebuild
    from tests import factories

    print(f"bench/seed.py: {n:,} nominations into {connection.settings_dict['NAME']}",
          flush=True)
    call_command("migrate", verbosity=0)
    org = factories.make_org()
    people = factories.make_people(org)
    Unit.objects.bulk_create([
        Unit(code=f"kv-{i}", name=f"Phòng THADS khu vực {i}", kind="regional",
             parent=org["body"]) for i in range(UNITS)
    ])
    campaign = Campaign.objects.create(
        code="tong-ket-2026-bench", name="Tổng kết 2026 (bench)", kind="yearly", year=2026,
        starts_on=datetime.date(2026, 3, 1), ends_on=datetime.date(2026, 12, 31),
        submission_deadline=datetime.date(2030, 12, 10),
    )
    User = get_user_model()
    reviewers = []
    for i in range(REVIEWERS):
        user = User.objects.create_user(username=f"cv{i}", first_name=f"Chuyên viên {i}")
        role_grant(user=user, role=Role.STANDING_REVIEWER)
        reviewers.append(user.pk)
    kv7 = Unit.objects.get(code="kv-7")
    staff = User.objects.create_user(username="cb.kv-7", first_name="Cán bộ kv-7")
    role_grant(user=staff, role=Role.UNIT_STAFF, unit=kv7)
    templates = _templates(org, people)
    units = list(Unit.objects.filter(code__startswith="kv-").order_by("pk")
                 .values_list("pk", flat=True))
    awards = list((Award.objects.filter(code__in=award_codes) if award_codes else
                   Award.objects).values_list("pk", flat=True))
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")
        cursor.execute("SELECT coalesce(max(id), 0) FROM approvals_nomination")
        base = cursor.fetchone()[0] + 1000
        cursor.execute("SELECT coalesce(max(id), 0) FROM viewflow_process")
        pbase = cursor.fetchone()[0] + 1000
        cursor.execute("SELECT coalesce(max(id), 0) FROM viewflow_task")
        tbase = cursor.fetchone()[0] + 1000
        cursor.execute("SELECT coalesce(max(id), 0) FROM approvals_person")
        person_base = cursor.fetchone()[0] + 1000
    cases, low = [], 0
    for index, (share, _state, _held) in enumerate(paths):
        cases.append(f"WHEN (g %% 100) < {low + share} THEN {index}")
        low += share
    path_of = f"(CASE {' '.join(cases)} END)"
    # The paths never submitted, and those without a due date (a draft's, or closed).
    drafts = ", ".join(str(i) for i, p in enumerate(paths) if p[1] == "draft") or "-1"
    undue = ", ".join(str(i) for i, p in enumerate(paths)
                      if p[1] in ("draft", "reported", "rejected")) or "-1"
    states = "ARRAY[" + ",".join(f"'{p[1]}'" for p in paths) + "]"
    held = "ARRAY[" + ",".join("true" if p[2] else "false" for p in paths) + "]"
    opened = "ARRAY[" + ",".join("true" if p[1] in TASK_OF else "false" for p in paths) + "]"
    params = {
        "start": START, "awards": awards, "n_awards": len(awards), "campaign": campaign.pk,
        "user": people["staff"].pk, "units": units, "n_units": len(units), "n": n,
        "base": base, "pbase": pbase, "tbase": tbase, "reviewers": reviewers,
        "n_reviewers": len(reviewers), "kv7": kv7.pk, "staff": staff.pk,
        "person_base": person_base,
    }
    process = templates["process"]
    ct = process["artifact_content_type_id"]
    _timed("viewflow processes", f"""
        INSERT INTO viewflow_process (id, flow_class, status, created, finished, data,
            artifact_content_type_id, artifact_object_id)
        SELECT %(pbase)s + g, %(flow)s,
            CASE WHEN ({states})[{path_of} + 1] IN ('reported', 'rejected') THEN 'DONE'
                 ELSE 'NEW' END,
            %(start)s::timestamptz,
            CASE WHEN ({states})[{path_of} + 1] IN ('reported', 'rejected')
                 THEN %(start)s::timestamptz END,
            '{{}}'::jsonb, {ct}, %(base)s + g
        FROM generate_series(1, %(n)s) AS g
    """, {**params, "flow": process["flow_class"]})
    # One person of the register per n_awards nominations: nomination g names person
    # person_base + 1 + g / n_awards for award g %% n_awards, so no two live nominations
    # name the same person, award and year (the constraint holds on the seeded rows too).
    _timed("persons", """
        INSERT INTO approvals_person (id, full_name, gender, position, created_at)
        SELECT %(person_base)s + 1 + p, 'Người ' || p, CASE WHEN p %% 2 = 0 THEN 'female'
            ELSE 'male' END, '', %(start)s::timestamptz
        FROM generate_series(0, %(n)s / %(n_awards)s) AS p
    """, params)
    # Each person's rating for the campaign's year ("good", the whole year worked): what
    # "Lao động tiên tiến" asks, so that an approval of it passes its checks (bulk_job.py).
    _timed("year ratings", """
        INSERT INTO approvals_yearrating (person_id, year, rating, months_worked,
            maternity_months)
        SELECT %(person_base)s + 1 + p, 2026, 'good', 12, 0
        FROM generate_series(0, %(n)s / %(n_awards)s) AS p
    """, params)
    # g -> nomination base + g, process pbase + g, its open task tbase + g.
    _timed("nominations", f"""
        INSERT INTO approvals_nomination (id, nominee_name, nominee_title, achievements, state,
            state_changed_at, decision_number, last_reason, created_at, updated_at, award_id,
            campaign_id, created_by_id, unit_id, submitted_at, clock_paused_days,
            clock_started_on, due_on, unit_working_days, process_id, task_id, task_owner_id,
            nominee_person_id, year, revocation_number, bonus_to_recover)
        SELECT %(base)s + g, 'Người ' || (g / %(n_awards)s), '', '', ({states})[{path_of} + 1],
            -- the day apart from the path (g %% 100): every stage has old and new work
            %(start)s::timestamptz + ((g * 37) %% 250) * interval '1 day'
                + (g %% 86400) * interval '1 second', '', '',
            %(start)s::timestamptz, %(start)s::timestamptz,
            ((%(awards)s)::bigint[])[1 + g %% %(n_awards)s], %(campaign)s, %(user)s,
            ((%(units)s)::bigint[])[1 + (g / 7) %% %(n_units)s],
            CASE WHEN {path_of} IN ({drafts}) THEN NULL ELSE %(start)s::timestamptz END, 0,
            (%(start)s::timestamptz + (g %% 250) * interval '1 day')::date,
            CASE WHEN {path_of} IN ({undue}) THEN NULL ELSE DATE '2026-11-29' + (g %% 40) END,
            0, %(pbase)s + g,
            CASE WHEN ({opened})[{path_of} + 1] THEN %(tbase)s + g END,
            CASE WHEN ({held})[{path_of} + 1]
                 THEN ((%(reviewers)s)::int[])[1 + g %% %(n_reviewers)s] END,
            %(person_base)s + 1 + g / %(n_awards)s, 2026, '', false
        FROM generate_series(1, %(n)s) AS g
    """, params)
    _seed_tasks(templates, params)
    without_indexes("workflow_auditrecord", lambda: _timed("history records", """
        INSERT INTO workflow_auditrecord (nomination_id, actor_id, actor_username, actor_role,
            action, from_state, to_state, comment, data, created_at, request_id, prev_hash, hash,
            key_id, on_behalf_of_username)
        SELECT %(base)s + 1 + (g / %(per)s),
            CASE WHEN g %% %(per)s IN (0, 8, 9) THEN
                CASE WHEN ((%(units)s)::bigint[])[1 + ((1 + g / %(per)s) / 7) %% %(n_units)s]
                          = %(kv7)s THEN %(staff)s ELSE %(user)s END
                 ELSE ((%(reviewers)s)::int[])[1 + (1 + g / %(per)s) %% %(n_reviewers)s] END,
            'nguoi', 'standing_reviewer',
            (ARRAY['create','submit','claim','recommend','claim','approve','claim','report',
                   'edit','upload_document'])[1 + g %% %(per)s %% 10], '', '', '', '{}'::jsonb,
            %(start)s::timestamptz + (g %% 250000) * interval '1 minute', '',
            md5(g::text) || md5((g + 1)::text), md5((g + 2)::text) || md5(g::text), '', ''
        FROM generate_series(0, %(total)s - 1) AS g
        WHERE %(base)s + 1 + (g / %(per)s) <= %(base)s + %(n)s
    """, {**params, "per": HISTORY_PER_NOMINATION, "total": n * HISTORY_PER_NOMINATION}))
    start = time.perf_counter()
    tally_rebuild(copies=False)  # the copies were written with the rows
    print(f"  inbox copies, done entries and tallies rebuilt in "
          f"{time.perf_counter() - start:.1f} s", flush=True)
    with connection.cursor() as cursor:
        for sql in ("VACUUM ANALYZE", ):
            start = time.perf_counter()
            cursor.execute(sql)
            print(f"  {sql} in {time.perf_counter() - start:.1f} s", flush=True)
        cursor.execute("CREATE TABLE bench_seed (version text)")
        cursor.execute("INSERT INTO bench_seed VALUES (%s)", [SEED_VERSION])


def without_indexes(table: str, load: Callable[[], T]) -> T:
    """Run `load` with the table's secondary indexes and unique constraints dropped, then
    build them again (much faster than keeping them up row by row); returns what it did."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                       "WHERE conrelid = %s::regclass AND contype = 'u'", [table])
        constraints = cursor.fetchall()
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s "
                       "AND indexname NOT LIKE '%%_pkey'", [table])
        names = {c for c, _d in constraints}
        indexes = [(i, d) for i, d in cursor.fetchall() if i not in names]
        for name, _definition in constraints:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    result = load()
    start = time.perf_counter()
    with connection.cursor() as cursor:
        for name, definition in constraints:
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        for _name, definition in indexes:
            cursor.execute(definition)
    print(f"  {table}: indexes built again in {time.perf_counter() - start:.1f} s", flush=True)
    return result


def _seed_tasks(templates: dict[str, dict], params: dict) -> None:
    """The open human task of each open nomination: the template task of its stage,
    column by column, with its own id, process, status and holder."""
    from django.db import connection

    columns = list(templates["review"])
    own = {
        "id": "n.task_id", "process_id": "n.process_id",
        "status": "CASE WHEN n.task_owner_id IS NULL THEN 'NEW' ELSE 'ASSIGNED' END",
        "owner_id": "n.task_owner_id", "created": "n.state_changed_at",
        "assigned": "CASE WHEN n.task_owner_id IS NOT NULL THEN n.state_changed_at END",
        "artifact_object_id": "n.id", "started": "NULL", "finished": "NULL",
    }
    pick = " ".join(
        f"WHEN '{state}' THEN {templates[task]['id']}" for state, task in TASK_OF.items()
    )
    select = ", ".join(own.get(c, f"tpl.{c}") for c in columns)
    _timed("viewflow open tasks", f"""
        INSERT INTO viewflow_task ({', '.join(columns)})
        SELECT {select}
        FROM approvals_nomination n
        JOIN viewflow_task tpl ON tpl.id = (CASE n.state {pick} END)
        WHERE n.id > %(base)s AND n.task_id IS NOT NULL
    """, params)
    with connection.cursor() as cursor:
        cursor.execute("SELECT setval(pg_get_serial_sequence('viewflow_task', 'id'), "
                       "(SELECT max(id) FROM viewflow_task))")
        cursor.execute("SELECT setval(pg_get_serial_sequence('viewflow_process', 'id'), "
                       "(SELECT max(id) FROM viewflow_process))")
        cursor.execute("SELECT setval(pg_get_serial_sequence('approvals_nomination', 'id'), "
                       "(SELECT max(id) FROM approvals_nomination))")
        cursor.execute("SELECT setval(pg_get_serial_sequence('approvals_person', 'id'), "
                       "(SELECT max(id) FROM approvals_person))")


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    seeded(int(args[0]) if args else 1_000_000, fresh="--fresh" in sys.argv)
