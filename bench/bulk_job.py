"""Throughput of a bulk job through a real Celery worker on PostgreSQL and Redis.

Creates (and afterwards drops) its own database, drafts N nominations, starts
`celery -A config worker` (prefork, one child) against it, then asks for one
bulk `submit` of all N as the unit head, as the web and the API do
(approvals.jobs.bulk_start). Prints the time from the job's commit to its
first item and to its last, items per second, and the worker's CPU time over
that wall time (how much of a core one busy worker child takes; PostgreSQL's
share is on top). For comparison it then
submits N more drafts by calling the service in a loop in this process (no
job, no item rows, no worker): the difference is the cost of the job.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
    REDIS_URL=redis://127.0.0.1:6379/3 .venv/bin/python bench/bulk_job.py [N, default 1000]
"""

import os
import resource
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from procs import peak_rss_mb  # noqa: E402

BENCH_DB = "vinhdanh_bench_bulk"
base = urlparse(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"))
os.environ["DATABASE_URL"] = base._replace(path=f"/{BENCH_DB}").geturl()
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/3")
os.environ.setdefault("SECRET_KEY", "bench-only")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("CELERY_SKIP_CHECKS", "1")


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


def start_worker() -> subprocess.Popen:
    from config.celery import app

    app.control.purge()  # nudges another run left on this Redis database
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=prefork",
         "--concurrency=1", "--hostname=bench@%h", "--without-mingle", "--without-gossip",
         "--loglevel=WARNING"],
        cwd=ROOT, start_new_session=True,
    )
    node = f"bench@{socket.gethostname()}"
    while not app.control.ping(destination=[node], timeout=0.5):
        if proc.poll() is not None:
            raise SystemExit(f"worker exited with {proc.returncode}")
    return proc


def run(n: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    from approvals.jobs import bulk_start
    from approvals.models import BulkJob, BulkJobItem
    from tests import factories
    from workflow import services

    call_command("migrate", verbosity=0)
    org = factories.make_org()
    people = factories.make_people(org)
    started = time.perf_counter()
    drafts = [factories.new_draft(org, people, name=f"Người {i}").pk for i in range(2 * n)]
    print(f"{2 * n} drafts in {time.perf_counter() - started:.1f} s")
    by_job, by_loop = drafts[:n], drafts[n:]

    worker = start_worker()
    try:
        committed = time.perf_counter()
        job = bulk_start(user=people["head"], action="submit", nomination_ids=by_job,
                         inputs={"comment": ""})
        first = None
        while True:
            row = BulkJob.objects.get(pk=job.pk)
            if first is None and row.processed:
                first = time.perf_counter() - committed
            if row.finished:
                break
            time.sleep(0.05)
        seconds = time.perf_counter() - committed
        peaks = peak_rss_mb(worker.pid)
        print(f"peak RSS of the Celery worker (main, pool child): "
              f"{max(peaks.values()):.0f} MB (" + ", ".join(f"{mb:.0f}" for mb in peaks.values())
              + " MB)")
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=60)
    # The worker and its pool child, once both have exited and been waited for.
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = usage.ru_utime + usage.ru_stime
    assert (row.status, row.succeeded, BulkJobItem.objects.filter(job=job).count()) == (
        BulkJob.Status.DONE, n, n
    ), (row.status, row.succeeded, row.failed)
    print(f"bulk submit of {n} through one Celery worker: first item after {first * 1000:.0f} ms, "
          f"all in {seconds:.1f} s: {n / seconds:.0f} items/s; worker CPU {cpu:.1f} s "
          f"(with its start-up) = {cpu / seconds:.2f} of a core")

    started = time.perf_counter()
    for pk in by_loop:
        services.nomination_submit(user=people["head"], nomination_id=pk)
    loop = time.perf_counter() - started
    print(f"the same {n} submissions called in a loop in one process: {loop:.1f} s: "
          f"{n / loop:.0f} /s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
