"""Throughput of a bulk approval through a real Celery worker on PostgreSQL and Redis.

Seeds (bench/seed.py, bulk SQL; dropped afterwards) N + LOOP nominations awaiting the
Director's decision, each with its viewflow process and open "decide" task and about ten
history records, across 355 regional units; starts `celery -A config worker` (prefork, one
child) against it, then asks for one bulk `approve` of N as the Director, as the web and
the API do (approvals.jobs.bulk_start): each item a full transition (its checks after its
row lock, its task done and the next opened, its history record, its line of the decision
with its bonus, its notices), BATCH_ITEMS to a transaction with a savepoint each. Prints
the time from the job's commit to its first item and to its last, items per second, the
worker's CPU time over that wall time (how much of a core one busy worker child takes;
PostgreSQL's share is on top), and what the job wrote (history records, decision lines,
notices). For comparison it then approves
LOOP more by calling the service in a loop in this process (no job, no item rows, no
worker): the difference is the cost of the job.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
    REDIS_URL=redis://127.0.0.1:6379/3 .venv/bin/python bench/bulk_job.py [N, default 1000]
"""

import datetime
import os
import resource
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/3")
REDIS_URL = os.environ["REDIS_URL"]
import seed  # noqa: E402  (sets the bench's environment; it clears REDIS_URL)
from procs import peak_rss_mb  # noqa: E402

os.environ["REDIS_URL"] = REDIS_URL  # the worker's broker
os.environ.setdefault("CELERY_SKIP_CHECKS", "1")
LOOP = int(os.environ.get("BENCH_BULK_LOOP", "300"))
TAG = "bulk"


def main(n: int) -> None:
    try:
        run(n)
    finally:
        from django.db import connections

        connections.close_all()
        seed._admin(f'DROP DATABASE IF EXISTS "{seed.database_name(n + LOOP, TAG)}"')


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
    started = time.perf_counter()
    # "Lao động tiên tiến", the title most approved in bulk: the body decides it, so each
    # approval is also a line of the decision with its bonus; the seeded nominees have the
    # year's rating it asks for (the approval checks eligibility again).
    seed.seeded(n + LOOP, paths=[(100, "awaiting_director", False)], tag=TAG,
                awards=["lao-dong-tien-tien"])
    from django.contrib.auth import get_user_model

    from approvals.jobs import bulk_start
    from approvals.models import BulkJob, BulkJobItem, DecisionLine, Nomination
    from notifications.models import Notification
    from workflow import services
    from workflow.models import AuditRecord

    ids = list(Nomination.objects.filter(state="awaiting_director", unit__code__startswith="kv-")
               .order_by("pk").values_list("pk", flat=True))
    assert len(ids) == n + LOOP, len(ids)
    print(f"{n + LOOP:,} nominations awaiting the Director seeded in "
          f"{time.perf_counter() - started:.1f} s", flush=True)
    director = get_user_model().objects.get(username="director")
    by_job, by_loop = ids[:n], ids[n:]
    inputs = {"decision_number": "15/QĐ-bench", "decision_date": datetime.date(2026, 12, 1),
              "place": ""}
    history_before, notices_before = AuditRecord.objects.count(), Notification.objects.count()

    worker = start_worker()
    try:
        committed = time.perf_counter()
        job = bulk_start(user=director, action="approve", nomination_ids=by_job, inputs=inputs)
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
    failed = list(BulkJobItem.objects.filter(job=job, ok=False)
                  .values_list("message", "reasons")[:3])
    assert (row.status, row.succeeded, BulkJobItem.objects.filter(job=job).count()) == (
        BulkJob.Status.DONE, n, n
    ), (row.status, row.succeeded, row.failed, failed)
    approved = Nomination.objects.filter(pk__in=by_job, state="approved").count()
    history = AuditRecord.objects.count() - history_before
    notices = Notification.objects.count() - notices_before
    lines = DecisionLine.objects.filter(nomination_id__in=by_job).count()
    assert approved == n and history >= n and lines == n, (approved, history, lines)
    print(f"bulk approval of {n} through one Celery worker: first item after "
          f"{first * 1000:.0f} ms, all in {seconds:.1f} s: {n / seconds:.0f} items/s; worker CPU "
          f"{cpu:.1f} s (with its start-up) = {cpu / seconds:.2f} of a core; {approved:,} "
          f"approved, {history:,} history records, {lines:,} decision lines, {notices:,} notices")

    started = time.perf_counter()
    for pk in by_loop:
        services.nomination_act(user=director, nomination_id=pk, action="approve",
                                inputs=inputs)
    loop = time.perf_counter() - started
    print(f"the same approval of {len(by_loop)} more called in a loop in one process: "
          f"{loop:.1f} s: {len(by_loop) / loop:.0f} /s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
