"""The history at scale: CSV and XLSX export rates and verify_audit's rate, beside their floors.

Creates (and afterwards drops) its own database, drafts a few nominations through the
services, then seeds N history records (default 10,000,000) with a valid hash chain by
COPY (the hashes computed here, in order, with the product's own chain_payload), and
times, ROUNDS times interleaved, the median of each:

- CSV: the product's export (approvals.exports.csv_chunks, what /audit/export.csv
  streams) against the floor `COPY workflow_auditrecord TO STDOUT (FORMAT csv)`;
- verify_audit: the product's verify_chain (segments in VERIFY_WORKERS processes) against
  one process reading the same rows and recomputing the same hashes (the plain loop), over
  the last FLOOR_VERIFY_RECORDS records (2,000,000: a rate, from the record before them);
- XLSX: the workbook a Celery worker builds (approvals.exports.write_xlsx), over the
  first XLSX_ROWS records (default 200,000), with this process's peak RSS before and after
  (constant memory: a write-only workbook and keyset batches).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python \\
        bench/history.py [records, default 10000000]
"""

import datetime
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

BENCH_DB = "vinhdanh_bench_history"
FLOOR_VERIFY_RECORDS = int(os.environ.get("BENCH_FLOOR_VERIFY_RECORDS", "2000000"))


def _environment() -> None:
    base = urlparse(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"))
    os.environ["DATABASE_URL"] = base._replace(path=f"/{BENCH_DB}").geturl()
    os.environ["BENCH_ADMIN_URL"] = base._replace(path="/postgres").geturl()
    os.environ.setdefault("SECRET_KEY", "bench-only")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["REDIS_URL"] = ""


def admin_sql(sql: str) -> None:
    import psycopg

    with psycopg.connect(os.environ["BENCH_ADMIN_URL"], autocommit=True) as conn:
        conn.execute(sql)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(records: int = 10_000_000, rounds: int = 3, xlsx_rows: int = 200_000) -> dict:
    _environment()
    admin_sql(f'DROP DATABASE IF EXISTS "{BENCH_DB}"')
    admin_sql(f'CREATE DATABASE "{BENCH_DB}"')
    try:
        return run(records, rounds, xlsx_rows)
    finally:
        from django.db import connections

        connections.close_all()
        admin_sql(f'DROP DATABASE IF EXISTS "{BENCH_DB}"')


def seed(records: int) -> float:
    """N records with a valid chain, by COPY; returns the seconds it took."""
    from chain import copy_chained
    from django.db import connection

    from tests import factories

    org = factories.make_org()
    people = factories.make_people(org)
    ids = [factories.new_draft(org, people, name=f"Người {i}").pk for i in range(20)]
    actors = [(people[r].pk, people[r].username, r) for r in ("reviewer", "director", "head")]
    started = time.perf_counter()
    base = datetime.datetime(2026, 1, 5, 1, tzinfo=datetime.UTC)

    def rows():
        for i in range(records):
            actor_id, username, role = actors[i % 3]
            yield (ids[i % len(ids)], actor_id, username, role, "claim", "submitted",
                   "in_review", f"Ý kiến {i}" if i % 7 == 0 else "",
                   base + datetime.timedelta(microseconds=i * 1_000_003))

    copy_chained(rows())
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE workflow_auditrecord")
    return time.perf_counter() - started


def run(records: int, rounds: int, xlsx_rows: int) -> dict:
    import django

    django.setup()
    import psycopg
    from django.core.management import call_command
    from django.db import connection

    from approvals import exports
    from workflow.audit import VERIFY_WORKERS, Mark, verify_chain
    from workflow.checkpoints import one_snapshot
    from workflow.models import AuditRecord

    call_command("migrate", verbosity=0)
    seconds = seed(records)
    total = AuditRecord.objects.count()
    print(f"history: {total:,} records with a valid chain seeded by COPY in {seconds:.0f} s",
          flush=True)

    def product_csv() -> tuple[int, float]:
        started, size = time.perf_counter(), 0
        for chunk in exports.csv_chunks({}):
            size += len(chunk)
        return size, time.perf_counter() - started

    def floor_csv() -> tuple[int, float]:
        started, size = time.perf_counter(), 0
        with psycopg.connect(os.environ["DATABASE_URL"].replace("postgres://", "postgresql://")
                             ) as raw, raw.cursor() as cur, cur.copy(
            "COPY workflow_auditrecord TO STDOUT WITH (FORMAT csv)"
        ) as copy:
            for data in copy:
                size += len(data)
        return size, time.perf_counter() - started

    def product_verify() -> float:
        started = time.perf_counter()
        with one_snapshot():
            report = verify_chain()
        assert report.ok and report.records == total, report
        return time.perf_counter() - started

    # The plain loop's rate over the last FLOOR_VERIFY_RECORDS records (a rate: the same per
    # record over any stretch of the chain), from the record before them as verify_audit
    # --from-checkpoint starts (its count of the records up to it is in the time).
    floor_n = min(total, FLOOR_VERIFY_RECORDS)
    preceding = AuditRecord.objects.order_by("-id").values_list("id", "hash")[
        floor_n:floor_n + 1].first()
    start = None if preceding is None else Mark(
        records=total - floor_n, last_id=preceding[0], head_hash=preceding[1], name="bench")

    def floor_verify() -> float:
        started = time.perf_counter()
        with one_snapshot():
            report = verify_chain(start=start, workers=1, segment=10**12)
        assert report.ok and report.records == total, report
        return time.perf_counter() - started

    got: dict = {k: [] for k in ("csv", "csv_floor", "verify", "verify_one_process")}
    for _ in range(rounds):
        size, s = product_csv()
        got["csv"].append(total / s)
        _, s = floor_csv()
        got["csv_floor"].append(total / s)
        got["verify"].append(total / product_verify())
        got["verify_one_process"].append(floor_n / floor_verify())
        connection.close()
    med = {k: statistics.median(v) for k, v in got.items()}
    print(f"  CSV export (COPY of the labelled SELECT): {med['csv']:,.0f} rows/s; floor "
          f"(COPY of the bare table): {med['csv_floor']:,.0f} rows/s "
          f"({med['csv'] / med['csv_floor']:.0%}); {size / 1e6:.0f} MB")
    print(f"  verify_audit ({VERIFY_WORKERS} processes): {med['verify']:,.0f} records/s; one "
          f"process, the same checks, over the last {floor_n:,}: "
          f"{med['verify_one_process']:,.0f} records/s")
    limit = AuditRecord.objects.order_by("id").values_list("id", flat=True)[
        min(xlsx_rows, total) - 1]
    before = peak_mb()
    started = time.perf_counter()
    with tempfile.TemporaryFile(suffix=".xlsx") as target:
        written = exports.write_xlsx(exports.history_rows({}).filter(id__lte=limit), target)
    xlsx_s = time.perf_counter() - started
    print(f"  XLSX (the worker's write_xlsx): {written:,} rows in {xlsx_s:.1f} s, "
          f"{written / xlsx_s:,.0f} rows/s; peak RSS {before:.0f} MB before, "
          f"{peak_mb():.0f} MB after", flush=True)
    return {
        "records": total, "seed_seconds": round(seconds, 1), "rounds": rounds,
        "csv_rows_per_s": round(med["csv"]), "csv_floor_rows_per_s": round(med["csv_floor"]),
        "verify_records_per_s": round(med["verify"]), "verify_workers": VERIFY_WORKERS,
        "verify_one_process_records_per_s": round(med["verify_one_process"]),
        "verify_one_process_records": floor_n,
        "xlsx_rows": written, "xlsx_rows_per_s": round(written / xlsx_s),
        "xlsx_peak_rss_mb_before": round(before), "xlsx_peak_rss_mb_after": round(peak_mb()),
    }


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000_000)
