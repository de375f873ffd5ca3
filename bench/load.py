"""A bounded load run: 50 people for 60 s against uvicorn (2 workers, the psycopg pool,
Redis, a signed history) on 127.0.0.1 only, with the database's backends terminated twice.

Creates its own database (`<DATABASE_URL's name>_load`, dropped afterwards), seeds an office
with drafts and submitted proposals (and keeps a copy, `<name>_load_seed`, for
`--reuse-seed`), writes an audit checkpoint as beat would, runs Locust
(bench/locustfile.py) headless, cuts every connection of the database at 20 s and 40 s,
then prints per request type the answers by status and the p50 / p95 times, writes a
checkpoint again and runs `verify_audit --checkpoints`, `verify_dossier_files` and
`check_consistency`. Exits 1 if any answer was a 500 (or none at all), or a check failed.
The server's log (tracebacks) is in the `logs:` directory printed last.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379/13 \
        .venv/bin/python bench/load.py [--users 50] [--seconds 60] [--reuse-seed]
"""

import argparse
import csv
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

base = urlparse(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"))
# Named after DATABASE_URL's database, so that sessions sharing the server never collide.
LOAD_DB = f"{base.path.lstrip('/') or 'vinhdanh'}_load"
DB_URL = base._replace(path=f"/{LOAD_DB}").geturl()
# `--reuse-seed`: a copy of the seeded database (and its seed.json) kept for the next run.
SEED_DB = f"{LOAD_DB}_seed"
SEED_JSON = ROOT / "test-artefacts" / "load-seed.json"
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/13")
SERVER_ENV = {
    "DATABASE_URL": DB_URL,
    "REDIS_URL": REDIS_URL,
    "SECRET_KEY": "load-only-secret-key",
    "AUDIT_CHAIN_KEYS": "load-only-audit-chain-key",
    "DATABASE_POOL_MAX_SIZE": "4",
    "DEBUG": "0",
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "MEDIA_ROOT": str(ROOT / "test-artefacts" / "load-media"),
    "AUDIT_CHECKPOINT_DIR": str(ROOT / "test-artefacts" / "load-checkpoints"),
    "DJANGO_SETTINGS_MODULE": "config.settings",
}
os.environ.update(SERVER_ENV)


def admin_sql(sql: str, *params: object) -> list:
    import psycopg

    admin = base._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        cur = conn.execute(sql, params or None)
        return cur.fetchall() if cur.description else []


def cut_connections() -> int:
    """Terminate every backend of the load database (the server's pooled ones included)."""
    rows = admin_sql(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        "WHERE datname = %s AND pid <> pg_backend_pid()", LOAD_DB,
    )
    return len(rows)


def seed(n_drafts: int, n_submitted: int) -> dict:
    import django

    django.setup()
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from tests import factories
    from workflow import services

    call_command("migrate", verbosity=0)
    org = factories.make_org()
    people = factories.make_people(org)
    drafts = [factories.new_draft(org, people, name=f"Nguyễn Văn {i}").pk
              for i in range(n_drafts + n_submitted)]
    submitted = drafts[n_drafts:]
    _real_dossier_files()
    for pk in submitted:
        services.nomination_submit(user=people["head"], nomination_id=pk)
    seeded = {"drafts": drafts[:n_drafts], "submitted": submitted,
              "today": timezone.localdate().isoformat(), "people": {}}
    for who in ("reviewer", "head", "staff", "auditor"):
        user = people[who]
        session = SessionStore()
        session["_auth_user_id"] = str(user.pk)
        session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
        session["_auth_user_hash"] = user.get_session_auth_hash()
        session.create()
        token, _ = Token.objects.get_or_create(user=user)
        seeded["people"][who] = {"token": token.key, "session": session.session_key}
    from django.db import connections

    connections.close_all()
    return seeded


def _real_dossier_files() -> None:
    """The factory's dossier rows name no stored file: give each kind one real PDF (its
    size and sha256 recorded), so that downloads and `verify_dossier_files` check bytes."""
    import hashlib

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from approvals.models import DossierDocument

    for kind in DossierDocument.objects.values_list("kind", flat=True).distinct():
        data = b"%PDF-1.4\n% " + kind.encode() + b"\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
        name = default_storage.save(f"dossiers/load/{kind}.pdf", ContentFile(data))
        DossierDocument.objects.filter(kind=kind).update(
            file=name, size=len(data), sha256=hashlib.sha256(data).hexdigest())


def wait_up(url: str, proc: subprocess.Popen, timeout: float = 240) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url + "/login/", timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("the server did not start")


def run_checks() -> list[tuple[str, int, str]]:
    results = []
    for command in (["audit_checkpoint"], ["verify_audit", "--checkpoints"],
                    ["verify_dossier_files"], ["check_consistency"]):
        proc = subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT,
                              env={**os.environ}, capture_output=True, text=True)
        results.append((" ".join(command), proc.returncode,
                        (proc.stdout + proc.stderr).strip().splitlines()[-1:][0]
                        if (proc.stdout + proc.stderr).strip() else ""))
    return results


def percentiles(stats_csv: Path) -> dict[str, tuple[str, str, str]]:
    out = {}
    with open(stats_csv) as handle:
        for row in csv.DictReader(handle):
            out[row["Name"]] = (row["Request Count"], row["50%"], row["95%"])
    return out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse-seed", action="store_true",
                        help="start from the seed kept by an earlier run (seeding takes minutes)")
    args = parser.parse_args()

    admin_sql(f'DROP DATABASE IF EXISTS "{LOAD_DB}"')
    reuse = args.reuse_seed and SEED_JSON.exists() and admin_sql(
        "SELECT 1 FROM pg_database WHERE datname = %s", SEED_DB)
    if reuse:
        admin_sql(f'CREATE DATABASE "{LOAD_DB}" TEMPLATE "{SEED_DB}"')
    else:
        admin_sql(f'CREATE DATABASE "{LOAD_DB}"')
    # The checkpoints vouch for this run's history only.
    shutil.rmtree(SERVER_ENV["AUDIT_CHECKPOINT_DIR"], ignore_errors=True)
    work = Path(tempfile.mkdtemp(prefix="vinhdanh-load-"))
    with socket.socket() as probe:  # a free port: other sessions run servers too
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    try:
        if reuse:
            seeded = json.loads(SEED_JSON.read_text())
        else:
            seeded = seed(n_drafts=600, n_submitted=400)
            admin_sql(f'DROP DATABASE IF EXISTS "{SEED_DB}"')
            # The seeding's pooled connections stay open after close_all(): a template
            # must have none.
            cut_connections()
            admin_sql(f'CREATE DATABASE "{SEED_DB}" TEMPLATE "{LOAD_DB}"')
            SEED_JSON.parent.mkdir(exist_ok=True)
            SEED_JSON.write_text(json.dumps(seeded))
        (work / "seed.json").write_text(json.dumps(seeded))
        # As beat would: a checkpoint vouches for the seeded history before the run.
        subprocess.run([sys.executable, "manage.py", "audit_checkpoint"], cwd=ROOT,
                       env={**os.environ}, check=True, capture_output=True)
        server = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--host", "127.0.0.1", "--port", str(port),
             "--workers", "2", "--no-access-log", "--no-proxy-headers",
             # On a busy machine a starting worker misses uvicorn's 5 s health check and is
             # killed and started again, over and over.
             "--timeout-worker-healthcheck", "60",
             "config.asgi:application"],
            cwd=ROOT, env={**os.environ}, stdout=open(work / "server.log", "wb"),
            stderr=subprocess.STDOUT,
        )
        try:
            wait_up(url, server)
            cuts: list[tuple[float, int]] = []
            started = time.monotonic()

            def cutter() -> None:
                for at in (args.seconds / 3, 2 * args.seconds / 3):
                    time.sleep(max(0.0, started + at - time.monotonic()))
                    cuts.append((round(time.monotonic() - started, 1), cut_connections()))

            threading.Thread(target=cutter, daemon=True).start()
            env = {**os.environ, "LOAD_SEED": str(work / "seed.json"),
                   "LOAD_RESULTS": str(work / "tally.json")}
            subprocess.run(
                [sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "locustfile.py"),
                 "--headless", "-u", str(args.users), "-r", str(args.users), "-t",
                 f"{args.seconds}s", "--host", url, "--csv", str(work / "load"),
                 "--only-summary", "--stop-timeout", "30"],
                cwd=ROOT, env=env, capture_output=True, check=False,
            )
        finally:
            server.terminate()
            server.wait(timeout=30)
        tally = json.loads((work / "tally.json").read_text())
        times = percentiles(work / "load_stats.csv")
        print(f"load: {args.users} users for {args.seconds} s against uvicorn --workers 2 "
              f"(pool 4), connections cut at {', '.join(f'{t} s ({n} backends)' for t, n in cuts)}")
        print(f"{'request':<12}{'count':>7}{'p50 ms':>8}{'p95 ms':>8}  answers by status")
        bad = 0
        for name in sorted(tally):
            count, p50, p95 = times.get(name, ("?", "?", "?"))
            statuses = ", ".join(f"{s}: {n}" for s, n in sorted(tally[name].items()))
            bad += sum(n for s, n in tally[name].items() if s.startswith("5") and s != "503")
            bad += tally[name].get("no-answer", 0)
            print(f"{name:<12}{count:>7}{p50:>8}{p95:>8}  {statuses}")
        checks = run_checks()
        for command, code, last in checks:
            print(f"{command}: {'OK' if code == 0 else 'FAILED'} — {last}")
        print(f"server errors (5xx other than 503, or no answer): {bad}")
        return 1 if bad or any(code for _, code, _ in checks) else 0
    finally:
        if not args.keep:
            admin_sql(f'DROP DATABASE IF EXISTS "{LOAD_DB}" WITH (FORCE)')
        print(f"logs: {work}")


if __name__ == "__main__":
    sys.exit(main())
