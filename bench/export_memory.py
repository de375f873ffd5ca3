"""Peak memory of the auditor's history export (CSV and XLSX) over many records.

Creates (and afterwards drops) its own database, inserts N history rows with SQL,
then downloads /audit/export.csv and /audit/export.xlsx through the Django test
client as an auditor, reading the streamed body chunk by chunk (an XLSX export
above AUDIT_XLSX_INLINE_ROWS is a background job: with no REDIS_URL, as here,
Celery runs it in this process after the job row commits, within the request;
then the file is downloaded). Prints rows,
bytes, seconds and how much the process's peak RSS grew during each export.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python \
        bench/export_memory.py [rows, default 1000000]
"""

import os
import resource
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BENCH_DB = "vinhdanh_bench_export"
base = urlparse(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"))
os.environ["DATABASE_URL"] = base._replace(path=f"/{BENCH_DB}").geturl()
os.environ.setdefault("SECRET_KEY", "bench-only")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["REDIS_URL"] = ""
os.environ.setdefault("ALLOWED_HOSTS", "testserver")


def admin_sql(sql: str) -> None:
    import psycopg

    admin = base._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(rows: int) -> None:
    admin_sql(f'DROP DATABASE IF EXISTS "{BENCH_DB}"')
    admin_sql(f'CREATE DATABASE "{BENCH_DB}"')
    try:
        run(rows)
    finally:
        from django.db import connections

        connections.close_all()
        admin_sql(f'DROP DATABASE IF EXISTS "{BENCH_DB}"')


def run(rows: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from tests import factories

    call_command("migrate", verbosity=0)
    org = factories.make_org()
    people = factories.make_people(org)
    with connection.cursor() as cursor:
        # Not a valid hash chain: the export does not check it, and this database is dropped.
        cursor.execute(
            """
            INSERT INTO workflow_auditrecord (actor_username, actor_role, action, from_state,
                to_state, comment, data, created_at, request_id, prev_hash, hash)
            SELECT 'nguoi' || (g %% 50), 'standing_reviewer', 'return', 'in_review', 'returned',
                'Bổ sung hồ sơ số ' || g, '{}'::jsonb, now() - (g || ' seconds')::interval, '',
                md5(g::text) || md5((g + 1)::text), md5((g + 2)::text) || md5(g::text)
            FROM generate_series(1, %s) AS g
            """,
            [rows],
        )
    client = Client()
    client.force_login(people["auditor"])
    print(f"history rows: {rows:,}; peak RSS before exports {peak_mb():.0f} MB")
    from approvals.models import ExportJob

    for name in ("export.csv", "export.xlsx"):
        before = peak_mb()
        started = time.perf_counter()
        response = client.get(f"/audit/{name}")
        how = "in the request"
        if response.status_code == 302:  # too large for one request: a background job
            answered = time.perf_counter() - started
            job = ExportJob.objects.latest("id")
            while not job.finished:
                time.sleep(0.5)
                job.refresh_from_db()
            how = f"as background job {job.pk} ({job.get_status_display()}; the request " \
                  f"answered in {answered * 1000:.0f} ms)"
            response = client.get(f"/audit/exports/{job.pk}/lich-su.xlsx")
        size = sum(len(chunk) for chunk in response.streaming_content)
        seconds = time.perf_counter() - started
        print(f"  /audit/{name}: {size / 1e6:.1f} MB in {seconds:.1f} s {how}; "
              f"peak RSS grew {peak_mb() - before:.0f} MB (to {peak_mb():.0f} MB)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
