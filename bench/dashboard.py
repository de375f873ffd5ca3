"""The managers' dashboard and a full alert scan over a large database.

Creates (and afterwards drops) its own database, seeds it with bulk SQL: N nominations
(default 1,000,000) across 355 regional units and 12 awards in one campaign, about
10 history records each (10 × N, a valid hash chain, verified
after the seed), and the stage visits those histories lead to (one per
stage passed, the open one included). Then it times each dashboard figure computed live (the
whole body, and one unit), three runs each, the refresh of the whole-body snapshot and the
page read from it, and the alert scan with one rule of each kind:
the first scan (which raises every alert and its notices) and a second one (nothing
new: the steady state). Prints what it ran and the figures.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python \
        bench/dashboard.py [nominations, default 1000000] [--keep] [--reuse]

Its database is named after DATABASE_URL's (`postgres_bench_dashboard` above). `--keep`
leaves it there; `--reuse` times again on the database a `--keep` run left (same N), without
seeding: its alerts, alert notices and snapshots are deleted first, so the first scan is a
first scan again (and the database is kept).
"""

import datetime
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

base = urlparse(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"))
# Its own database, named after DATABASE_URL's, so that two benches on one server do not meet.
BENCH_DB = f"{base.path.lstrip('/') or 'postgres'}_bench_dashboard"
os.environ["DATABASE_URL"] = base._replace(path=f"/{BENCH_DB}").geturl()
os.environ.setdefault("SECRET_KEY", "bench-only")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["REDIS_URL"] = ""
UNITS = 355
HISTORY_PER_NOMINATION = 10


def admin_sql(sql: str) -> None:
    import psycopg

    admin = base._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql)


def main(n: int, keep: bool, reuse: bool) -> None:
    if not reuse:
        admin_sql(f'DROP DATABASE IF EXISTS "{BENCH_DB}"')
        admin_sql(f'CREATE DATABASE "{BENCH_DB}"')
    try:
        run(n, reuse=reuse)
    finally:
        from django.db import connections

        connections.close_all()
        if not keep:
            admin_sql(f'DROP DATABASE IF EXISTS "{BENCH_DB}"')


def timed(label: str, sql: str, params: tuple = ()) -> None:
    from django.db import connection

    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.rowcount
    print(f"  seeded {label}: {rows:,} rows in {time.perf_counter() - start:.1f} s", flush=True)


# A nomination's path: the stages it passed and where it is now. (share %, state, stages passed
# closed before the open one, the open stage or None when closed)
PATHS = [
    (10, "draft", [], "prepare"),
    (10, "submitted", ["prepare"], "review"),
    (10, "in_review", ["prepare"], "review"),
    (5, "council_vote", ["prepare", "review"], "vote"),
    (10, "awaiting_director", ["prepare", "review"], "decide"),
    (5, "returned", ["prepare", "review"], "prepare"),
    (20, "approved", ["prepare", "review", "decide"], "report"),
    (25, "reported", ["prepare", "review", "decide", "report"], None),
    (5, "rejected", ["prepare", "review"], None),
]
OUTCOME = {"prepare": "submitted", "review": "awaiting_director", "vote": "awaiting_director",
           "decide": "approved", "report": "reported"}


def seed(n: int, campaign_id: int, user_ids: list[int], unit_ids: list[int],
         award_ids: list[int]) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection

    start_day = datetime.datetime(2026, 3, 2, 8, tzinfo=datetime.UTC)
    # The path of nomination g: bucket g % 100 into PATHS by their shares.
    cases, low = [], 0
    for index, (share, _state, _closed, _open) in enumerate(PATHS):
        cases.append(f"WHEN (g %% 100) < {low + share} THEN {index}")
        low += share
    path_of = f"(CASE {' '.join(cases)} END)"
    states = "ARRAY[" + ",".join(f"'{p[1]}'" for p in PATHS) + "]"
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")
    # One person per nomination (one live nomination per person, award and year).
    timed("persons", """
        INSERT INTO approvals_person (id, full_name, gender, position, created_at)
        SELECT g, 'Người ' || g, '', '', now() FROM generate_series(1, %(n)s) AS g
    """, {"n": n})
    timed("nominations", f"""
        INSERT INTO approvals_nomination (id, nominee_person_id, year, nominee_name,
            nominee_title, achievements, state,
            state_changed_at, decision_number, last_reason, created_at, updated_at, award_id,
            campaign_id, created_by_id, unit_id, submitted_at, clock_paused_days,
            clock_started_on, due_on, unit_working_days, revocation_number, bonus_to_recover)
        SELECT g, g, (SELECT year FROM approvals_campaign WHERE id = %(campaign)s),
            'Người ' || g, '', '', ({states})[{path_of} + 1],
            %(start)s + (g %% 250) * interval '1 day', '', '', %(start)s, %(start)s,
            ((%(awards)s)::bigint[])[1 + g %% %(n_awards)s], %(campaign)s, %(user)s,
            ((%(units)s)::bigint[])[1 + (g / 7) %% %(n_units)s],
            CASE WHEN {path_of} = 0 THEN NULL ELSE %(start)s END, 0,
            (%(start)s + (g %% 250) * interval '1 day')::date,
            -- about 5 %% of the open work overdue on 1 December, some near due
            CASE WHEN {path_of} IN (0, 7, 8) THEN NULL
                 ELSE DATE '2026-11-29' + (g %% 40) END,
            0, '', false
        FROM generate_series(1, %(n)s) AS g
    """.replace("%(start)s", "%(start)s::timestamptz"), {
        "start": start_day, "awards": award_ids, "n_awards": len(award_ids),
        "campaign": campaign_id, "user": user_ids[0], "units": unit_ids,
        "n_units": len(unit_ids), "n": n,
    })
    # Visits: stage k of a nomination entered 10 days apart, each closed one lasting 2 to 9
    # days of which 1 or 2 waiting unclaimed; the open one held unless it is in the queue.
    rows = []
    for index, (_share, state, closed, open_stage) in enumerate(PATHS):
        stages = closed + ([open_stage] if open_stage else [])
        for k, stage in enumerate(stages):
            is_open = open_stage is not None and k == len(stages) - 1
            if is_open:
                outcome = "''"
            else:  # the state it went to: the next stage's, or where the path stands now
                outcome = f"'{state}'" if k == len(closed) - 1 else f"'{OUTCOME[stage]}'"
            held = is_open and stage != "prepare" and state != "submitted"
            rows.append((index, stage, len(stages) - 1 - k, is_open, outcome, held))
    selects = []
    for index, stage, back, is_open, outcome, held in rows:
        entered = f"(s.day - interval '{10 * back} days' + (s.g %% 7) * interval '1 hour')"
        days = "(2 + s.g %% 8)"
        left = "NULL::timestamptz" if is_open else f"({entered} + {days} * interval '1 day')"
        wait = "NULL::bigint" if is_open else "(86400 * (1 + s.g %% 2))::bigint"
        work = "NULL::bigint" if is_open else f"(86400 * {days} - 86400 * (1 + s.g %% 2))::bigint"
        closer = stage != "prepare" and (held or not is_open)
        holder = (f"((%(users)s)::int[])[1 + s.g %% {len(user_ids)}]" if closer
                  else "NULL::int")
        claimed = f"{entered} + interval '1 day'" if held else "NULL::timestamptz"
        selects.append(f"""
            SELECT s.g, {campaign_id}, s.unit_id, s.award_id, '{stage}', {entered}, {holder},
                {claimed}, 0, coalesce({left}, {entered}), {left}, {outcome}, {wait}, {work}
            FROM s WHERE s.path = {index}""")
    timed("stage visits", f"""
        WITH s AS (SELECT id AS g, unit_id, award_id, {path_of.replace('g %%', 'id %%')} AS path,
                          %(start)s::timestamptz + (id %% 250) * interval '1 day' AS day
                   FROM approvals_nomination)
        INSERT INTO monitoring_stagevisit (nomination_id, campaign_id, unit_id, award_id, stage,
            entered_at, holder_id, claimed_at, claimed_seconds, touched_at, left_at, outcome,
            wait_seconds, work_seconds)
        {' UNION ALL '.join(selects)}
    """, {"start": start_day, "users": user_ids})
    # The history: 10 records each, a valid hash chain (bench/chain.py).
    from chain import copy_chained
    from seed import without_indexes

    actions = ("create", "submit", "claim", "recommend", "claim", "approve", "claim", "report",
               "edit", "upload_document")
    per, total = HISTORY_PER_NOMINATION, n * HISTORY_PER_NOMINATION
    minute = datetime.timedelta(minutes=1)
    username = get_user_model().objects.get(pk=user_ids[0]).username
    start = time.perf_counter()
    written = without_indexes("workflow_auditrecord", lambda: copy_chained(
        (1 + g // per, user_ids[0], username, "standing_reviewer", actions[g % per % 10], "", "",
         "", start_day + (g % 250000) * minute)
        for g in range(total)
    ))
    print(f"  seeded history records: {written:,} rows with a valid chain in "
          f"{time.perf_counter() - start:.1f} s", flush=True)
    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"  ANALYZE in {time.perf_counter() - start:.1f} s", flush=True)


def run(n: int, *, reuse: bool = False) -> None:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import get_resolver
    from django.utils import timezone

    from approvals.access import load_actor
    from approvals.models import Award, Campaign, Unit
    from monitoring.alerts import alerts_scan
    from monitoring.dashboard import FIGURES, dashboard_figures, dashboard_scope
    from monitoring.models import Alert, AlertRule, DashboardSnapshot, StageVisit
    from monitoring.snapshots import dashboard_snapshots_refresh
    from notifications.models import Notification, NotificationCursor
    from tests import factories
    from workflow.audit import VERIFY_WORKERS, verify_chain
    from workflow.checkpoints import one_snapshot
    from workflow.models import AuditRecord

    print(f"bench/dashboard.py {n:,} nominations, {timezone.now():%Y-%m-%d %H:%M} UTC",
          flush=True)
    call_command("migrate", verbosity=0)
    AlertRule.objects.all().delete()
    if reuse:  # the database a run with --keep left: as it was before its first scan
        print("  reusing the seeded database (--reuse)", flush=True)
        Alert.objects.all().delete()
        Notification.objects.filter(kind="alert").delete()
        NotificationCursor.objects.all().delete()
        DashboardSnapshot.objects.all().delete()
        people = {"manager": get_user_model().objects.get(username="manager")}
        campaign = Campaign.objects.get(code="tong-ket-2026-bench")
        start = time.perf_counter()
        with connection.cursor() as cursor:
            # The deleted alerts and notices would otherwise stay as dead rows in the tables
            # and their unique indexes, which the next first scan walks (133,674 dead alert
            # rows after three reuses made it 7.3 s, against 4.5 s on the fresh database).
            for model in (Alert, Notification, NotificationCursor, DashboardSnapshot):
                cursor.execute(f'VACUUM "{model._meta.db_table}"')
            cursor.execute("ANALYZE")
        print(f"  VACUUM of the emptied tables and ANALYZE in {time.perf_counter() - start:.1f} s",
              flush=True)
    else:
        org = factories.make_org()
        people = factories.make_people(org)
        Unit.objects.bulk_create([
            Unit(code=f"kv-{i}", name=f"Phòng THADS khu vực {i}", kind="regional",
                 parent=org["body"]) for i in range(UNITS)
        ])
        campaign = Campaign.objects.create(
            code="tong-ket-2026-bench", name="Tổng kết 2026 (bench)", kind="yearly", year=2026,
            starts_on=datetime.date(2026, 3, 1), ends_on=datetime.date(2026, 12, 31),
            submission_deadline=datetime.date(2026, 12, 10),
        )
        reviewers = [get_user_model().objects.create_user(username=f"cv{i}") for i in range(40)]
        seed(n, campaign.pk, [u.pk for u in reviewers],
             list(Unit.objects.filter(code__startswith="kv-").values_list("pk", flat=True)),
             list(Award.objects.values_list("pk", flat=True)))
    print(f"  rows: {AuditRecord.objects.count():,} history, "
          f"{StageVisit.objects.count():,} visits "
          f"({StageVisit.objects.filter(left_at__isnull=True).count():,} open)", flush=True)

    start = time.perf_counter()
    with one_snapshot():
        report = verify_chain()
    print(f"  the history's chain verified (verify_chain, {VERIFY_WORKERS} processes): "
          f"{'valid' if report.ok else 'BROKEN at ' + str(report.first_broken_id)}, "
          f"{report.records:,} records in {time.perf_counter() - start:.1f} s", flush=True)
    if not report.ok:
        raise SystemExit(f"the seeded history is not a valid chain: {report}")

    today = datetime.date(2026, 12, 1)
    actor = load_actor(people["manager"])
    one_unit = Unit.objects.get(code="kv-7")
    for label, unit in (("whole body, live", None), (f"one unit ({one_unit.code})", one_unit.code)):
        scope = dashboard_scope(actor, campaign=campaign.code, unit=unit, today=today)
        print(f"dashboard, {label}: seconds per figure (min / median of 3)", flush=True)
        total = 0.0
        for key in FIGURES:
            times = []
            for _ in range(3):
                start = time.perf_counter()
                dashboard_figures(scope, actor, only=key, stored=False)
                times.append(time.perf_counter() - start)
            total += statistics.median(times)
            print(f"  {key:<24} {min(times):7.3f} {statistics.median(times):7.3f}", flush=True)
        print(f"  {'all figures (sum)':<24} {total:15.3f}", flush=True)

    start = time.perf_counter()
    dashboard_snapshots_refresh(today=today)
    print(f"whole-body snapshot refresh (beat): {time.perf_counter() - start:.2f} s", flush=True)
    scope = dashboard_scope(actor, campaign=campaign.code, today=today)
    times, queries = [], 0
    for _ in range(3):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            figures = dashboard_figures(scope, actor)
            times.append(time.perf_counter() - start)
        queries = len(captured)
    stored = sum(1 for f in figures if f.computed_at)
    print(f"dashboard, whole body from the snapshot ({stored} stored figures + the overdue "
          f"list and holders live): {min(times):.3f} / {statistics.median(times):.3f} s, "
          f"{queries} queries", flush=True)

    for kind, threshold in [("overdue", 0), ("queue", 20), ("drafts_before_deadline", 10),
                            ("silent_unit", 10), ("idle_holder", 5), ("return_share", 30)]:
        AlertRule.objects.create(kind=kind, threshold=threshold)
    # A scan's notices link to their nominations (django.urls.reverse): the first reverse()
    # in a process imports the whole URL configuration (the views, the API, its schema).
    # A Celery worker pays that once, at its first task; the scans below are timed in a warm
    # process, as the worker's second and later scans are, and the loading is shown apart.
    start = time.perf_counter()
    get_resolver().url_patterns  # noqa: B018 (loads it)
    print(f"URL configuration loaded in {time.perf_counter() - start:.2f} s (once per worker "
          "process, before the timed scans)", flush=True)
    for run_no in (1, 2):
        start = time.perf_counter()
        report = alerts_scan(today=today)
        print(f"alert scan {run_no}: {time.perf_counter() - start:.2f} s, raised "
              f"{len(report.raised):,}, cleared {len(report.cleared):,}, notices "
              f"{report.notified:,}", flush=True)
    print(f"  alerts now: {Alert.objects.count():,}; notices: "
          f"{Notification.objects.filter(kind='alert').count():,}", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_total_relation_size('monitoring_stagevisit')),"
                       " pg_size_pretty(pg_total_relation_size('workflow_auditrecord'))")
        visits, history = cursor.fetchone()
    print(f"  sizes: stage visits {visits} (with indexes), history {history}", flush=True)


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    main(int(args[0]) if args else 1_000_000, "--keep" in sys.argv or "--reuse" in sys.argv,
         "--reuse" in sys.argv)
