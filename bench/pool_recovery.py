"""How fast the psycopg pool recovers after PostgreSQL ended its connections.

Creates its own database (dropped afterwards), starts uvicorn (1 worker, DATABASE_POOL_MAX_SIZE
connections), fills the pool with concurrent requests, terminates every backend of the
database, then sends requests one after another and prints, per round, the status and time of
each of the first requests after the cut; then the same with that many requests at once.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/pool_recovery.py [--pool 4] [--rounds 5]
"""

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

base = urlparse(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"))
BENCH_DB = f"{base.path.lstrip('/') or 'vinhdanh'}_pool"
DB_URL = base._replace(path=f"/{BENCH_DB}").geturl()


def admin_sql(sql: str, *params: object) -> list:
    import psycopg

    with psycopg.connect(base._replace(path="/postgres").geturl(), autocommit=True) as conn:
        cur = conn.execute(sql, params or None)
        return cur.fetchall() if cur.description else []


def cut() -> int:
    return len(admin_sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                         "WHERE datname = %s AND pid <> pg_backend_pid()", BENCH_DB))


def ask(url: str, token: str) -> tuple[int, float]:
    request = urllib.request.Request(url + "/api/v1/me/",
                                     headers={"Authorization": f"Token {token}"})
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    return status, (time.monotonic() - started) * 1000


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pool", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    env = {**os.environ, "DATABASE_URL": DB_URL, "REDIS_URL": "", "DEBUG": "0",
           "SECRET_KEY": "bench-only", "ALLOWED_HOSTS": "127.0.0.1",
           "DATABASE_POOL_MAX_SIZE": str(args.pool), "DJANGO_SETTINGS_MODULE": "config.settings"}
    admin_sql(f'DROP DATABASE IF EXISTS "{BENCH_DB}"')
    admin_sql(f'CREATE DATABASE "{BENCH_DB}"')
    try:
        subprocess.run([sys.executable, "manage.py", "migrate", "--no-input", "-v0"], cwd=ROOT,
                       env=env, check=True)
        token = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c",
             "from django.contrib.auth.models import User;"
             "from rest_framework.authtoken.models import Token;"
             "u = User.objects.create_user('bench');"
             "print(Token.objects.create(user=u).key)"],
            cwd=ROOT, env=env, check=True, capture_output=True, text=True,
        ).stdout.strip().splitlines()[-1]
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        url = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--host", "127.0.0.1", "--port", str(port),
             "--no-access-log", "--timeout-worker-healthcheck", "60",
             "config.asgi:application"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        try:
            for _ in range(100):
                try:
                    if ask(url, token)[0] == 200:
                        break
                except OSError:
                    time.sleep(0.3)
            firsts, concurrent = [], []
            with ThreadPoolExecutor(max_workers=args.pool * 2) as threads:
                for round_ in range(args.rounds):
                    list(threads.map(lambda _: ask(url, token), range(args.pool * 2)))  # fill
                    n = cut()
                    sequential = [ask(url, token) for _ in range(args.pool + 2)]
                    firsts.append(sequential[0][1])
                    print(f"round {round_ + 1}: {n} backends cut; one after another: "
                          + ", ".join(f"{s} {ms:.0f} ms" for s, ms in sequential))
                    list(threads.map(lambda _: ask(url, token), range(args.pool * 2)))
                    n = cut()
                    at_once = list(threads.map(lambda _: ask(url, token), range(args.pool)))
                    concurrent += [ms for _, ms in at_once]
                    print(f"          {n} backends cut; {args.pool} at once: "
                          + ", ".join(f"{s} {ms:.0f} ms" for s, ms in at_once))
            print(f"first request after the cut: median {statistics.median(firsts):.0f} ms, "
                  f"max {max(firsts):.0f} ms; {args.pool} at once: median "
                  f"{statistics.median(concurrent):.0f} ms, max {max(concurrent):.0f} ms")
        finally:
            server.terminate()
            server.wait(timeout=30)
    finally:
        admin_sql(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
    return 0


if __name__ == "__main__":
    sys.exit(main())
