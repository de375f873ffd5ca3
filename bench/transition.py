"""Time one transition through the service on PostgreSQL.

Creates (and afterwards drops) its own database, drafts 200 nominations, then
drives each through submit, claim, recommend, approve and report: 1,000
transitions, each timed on its own. Prints median, p95, p99 and mean.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/transition.py
"""

import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BENCH_DB = "vinhdanh_bench_transition"
base = urlparse(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"))
os.environ["DATABASE_URL"] = base._replace(path=f"/{BENCH_DB}").geturl()
os.environ.setdefault("SECRET_KEY", "bench-only")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["REDIS_URL"] = ""  # the benchmark measures the transition, not the push


def admin_sql(sql: str) -> None:
    import psycopg

    admin = base._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql)


def main(n_nominations: int = 200) -> None:
    admin_sql(f'DROP DATABASE IF EXISTS "{BENCH_DB}"')
    admin_sql(f'CREATE DATABASE "{BENCH_DB}"')
    try:
        run(n_nominations)
    finally:
        from django.db import connections

        connections.close_all()
        admin_sql(f'DROP DATABASE IF EXISTS "{BENCH_DB}"')


def run(n_nominations: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from tests import factories
    from workflow import services

    call_command("migrate", verbosity=0)
    org = factories.make_org()
    people = factories.make_people(org)
    drafts = [factories.new_draft(org, people, name=f"Người {i}") for i in range(n_nominations)]
    today = timezone.localdate()
    steps = [
        ("submit", lambda pk: services.nomination_submit(user=people["head"], nomination_id=pk)),
        ("claim", lambda pk: services.nomination_claim(user=people["reviewer"], nomination_id=pk)),
        ("recommend", lambda pk: services.nomination_recommend(
            user=people["reviewer"], nomination_id=pk, to="director")),
        ("approve", lambda pk: services.nomination_approve(
            user=people["director"], nomination_id=pk, decision_number="1/QĐ",
            decision_date=today)),
        ("report", lambda pk: services.nomination_report(
            user=people["liaison"], nomination_id=pk, report_number="1/BC", report_date=today)),
    ]
    per_step = {name: [] for name, _ in steps}
    for draft in drafts:
        for name, call in steps:
            started = time.perf_counter()
            call(draft.pk)
            per_step[name].append((time.perf_counter() - started) * 1000)
    all_ms = sorted(ms for values in per_step.values() for ms in values)

    def pct(values, p):
        return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]

    print(f"transitions through the service on PostgreSQL: {len(all_ms)}")
    print(f"  median {statistics.median(all_ms):.2f} ms   p95 {pct(all_ms, 95):.2f} ms   "
          f"p99 {pct(all_ms, 99):.2f} ms   mean {statistics.fmean(all_ms):.2f} ms")
    for name, values in per_step.items():
        print(f"  {name:<10} median {statistics.median(values):.2f} ms  (n={len(values)})")
    call_command("check_consistency")
    call_command("verify_audit")


if __name__ == "__main__":
    main()
