"""Websocket fan-out: commit-to-receipt latency and lost messages on the Redis channel layer.

Creates its own database (vd_bench), N standing reviewers with a session each,
starts W daphne workers on loopback sharing the Redis layer, connects the N
clients round-robin across the workers (each says hello first), then commits
R submissions by the unit head in this process. Each submission notifies all N
reviewers. Latency is measured from the moment the transaction has committed
(the after-commit push starts) to the moment each client has the notification
event. A notice a client never receives is counted as lost. Prints a table.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
    REDIS_URL=redis://127.0.0.1:6379/3 .venv/bin/python bench/ws_fanout.py [N ...]

Figures, not a test: nothing here asserts a time.
"""

import argparse
import asyncio
import json
import os
import resource
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from procs import peak_rss_mb  # noqa: E402

sys.path.insert(0, str(ROOT))

BENCH_DB = "vd_bench"
base = urlparse(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"))
os.environ["DATABASE_URL"] = base._replace(path=f"/{BENCH_DB}").geturl()
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/3")
os.environ.setdefault("SECRET_KEY", "bench-only")
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
ARTEFACTS = ROOT / "test-artefacts"


def admin_sql(sql: str) -> None:
    import psycopg

    with psycopg.connect(base._replace(path="/postgres").geturl(), autocommit=True) as conn:
        conn.execute(sql)


def raise_open_file_limit() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_workers(count: int, server: str) -> list:
    """Start the ASGI workers; returns [(base_url, Popen)], one entry per address.

    uvicorn: one master with `count` worker processes sharing one address, as deployed
    (docs/deploy.md). daphne: `count` processes, each on its own port (behind a proxy)."""
    ARTEFACTS.mkdir(exist_ok=True)
    env = {**os.environ, "ALLOWED_HOSTS": "127.0.0.1,localhost", "LOG_LEVEL": "WARNING"}
    if server == "uvicorn":
        commands = [
            ["uvicorn", "--host", "127.0.0.1", "--log-level", "warning", "--no-access-log",
             "--workers", str(count)]
        ]
    else:
        commands = [["daphne", "-v", "0", "-b", "127.0.0.1"] for _ in range(count)]
    workers = []
    for i, command in enumerate(commands):
        port = free_port()
        log = open(ARTEFACTS / f"bench-worker-{i}.log", "wb")
        proc = subprocess.Popen(
            [sys.executable, "-m", *command, "--port", str(port), "config.asgi:application"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        workers.append((f"http://127.0.0.1:{port}", proc))
    for url, proc in workers:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(url + "/login/", timeout=2):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"worker {url} did not start") from None
                time.sleep(0.2)
    return workers


def connections_per_process(workers) -> list[int]:
    """Established client connections held by each server process (from `ss`), largest first."""
    import re

    per_pid: dict = {}
    for url, _ in workers:
        port = urlparse(url).port
        out = subprocess.run(
            ["ss", "-Htnp", "state", "established", f"( sport = :{port} )"],
            capture_output=True,
            text=True,
        ).stdout
        for pid in re.findall(r"pid=(\d+)", out):
            per_pid[pid] = per_pid.get(pid, 0) + 1
    return sorted(per_pid.values(), reverse=True)


def stop_workers(workers) -> None:
    for _, proc in workers:
        proc.terminate()
    for _, proc in workers:
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def make_reviewers(start: int, stop: int) -> list[str]:
    """Standing reviewers for the whole body, each with a session; returns the session keys."""
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.sessions.backends.db import SessionStore

    from approvals.roles import Role
    from approvals.services import role_grant

    User = get_user_model()
    keys = []
    for i in range(start, stop):
        user = User(username=f"bench-reviewer-{i}")
        user.set_unusable_password()
        user.save()
        role_grant(user=user, role=Role.STANDING_REVIEWER)
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        keys.append(session.session_key)
    return keys


class Client:
    def __init__(self, url: str, session_key: str):
        self.url, self.session_key = url, session_key
        self.ws = None
        self.received: dict[int, float] = {}  # nomination id -> perf_counter at receipt
        self.duplicates = 0
        self.counts_at: list[float] = []  # perf_counter of each counts event
        self.ready = asyncio.Event()

    async def run(self, last_id: int) -> None:
        from websockets.asyncio.client import connect

        self.ws = await connect(
            self.url.replace("http://", "ws://") + "/ws/notifications/",
            additional_headers={"Cookie": f"sessionid={self.session_key}", "Origin": self.url},
            open_timeout=60,
            max_queue=None,
        )
        await self.ws.send(json.dumps({"type": "hello", "last_id": last_id}))
        async for raw in self.ws:
            now = time.perf_counter()
            event = json.loads(raw)
            if event["type"] == "notification":
                if event["nomination"] in self.received:
                    self.duplicates += 1
                else:
                    self.received[event["nomination"]] = now
            elif event["type"] == "counts":
                self.counts_at.append(now)
                self.ready.set()


async def run_round_set(n_clients, rounds, warmup, workers, session_keys, drafts, people):
    from asgiref.sync import sync_to_async

    from notifications import services as notify_services
    from notifications.models import Notification
    from workflow import services

    committed: dict[int, float] = {}
    current = {"nomination": None}
    original_push = notify_services.push

    def timed_push(messages: dict):
        # Called by transaction.on_commit: the transaction has just committed.
        if current["nomination"] is not None:
            committed.setdefault(current["nomination"], time.perf_counter())
        t = time.perf_counter()
        result = original_push(messages)
        if os.environ.get("BENCH_VERBOSE"):
            took = (time.perf_counter() - t) * 1000
            print(f"  push of {len(messages['notices'])} notices took {took:.1f} ms")
        return result

    notify_services.push = timed_push
    last_id = await sync_to_async(
        lambda: Notification.objects.order_by("-id").values_list("id", flat=True).first() or 0
    )()
    clients = [Client(workers[i % len(workers)][0], session_keys[i]) for i in range(n_clients)]
    tasks = []
    started = time.perf_counter()
    for batch in range(0, n_clients, 50):
        for c in clients[batch : batch + 50]:
            tasks.append(asyncio.create_task(c.run(last_id)))
        await asyncio.gather(*(c.ready.wait() for c in clients[batch : batch + 50]))
    connect_s = time.perf_counter() - started
    print(f"  {n_clients} clients connected in {connect_s:.1f} s; per worker process: "
          f"{connections_per_process(workers)}")

    counts_latencies: list[float] = []
    for number, draft in enumerate(drafts):  # the first `warmup` rounds are not counted
        current["nomination"] = draft.pk
        seen_counts = [len(c.counts_at) for c in clients]
        await sync_to_async(services.nomination_submit, thread_sensitive=False)(
            user=people["head"], nomination_id=draft.pk
        )
        # The round ends when every client has the notice and the counts that follow it
        # (or after 60 s): the next commit does not queue behind this round's counts.
        deadline = time.perf_counter() + 60
        while time.perf_counter() < deadline and not all(
            draft.pk in c.received and len(c.counts_at) > seen
            for c, seen in zip(clients, seen_counts, strict=True)
        ):
            await asyncio.sleep(0.01)
        if number >= warmup:
            counts_latencies += [
                (c.counts_at[seen] - committed[draft.pk]) * 1000
                for c, seen in zip(clients, seen_counts, strict=True)
                if len(c.counts_at) > seen
            ]
    await asyncio.sleep(1)
    notify_services.push = original_push

    drafts = drafts[warmup:]
    latencies, lost = [], 0
    for c in clients:
        for draft in drafts[:rounds]:
            if draft.pk in c.received:
                latencies.append((c.received[draft.pk] - committed[draft.pk]) * 1000)
            else:
                lost += 1
    if os.environ.get("BENCH_VERBOSE"):
        for draft in drafts[:rounds]:
            per = sorted(
                (c.received[draft.pk] - committed[draft.pk]) * 1000
                for c in clients
                if draft.pk in c.received
            )
            if not per:
                print(f"  round {draft.pk}: nothing received")
                continue
            mid = per[len(per) // 2]
            print(f"  round {draft.pk}: min {per[0]:.1f} median {mid:.1f} max {per[-1]:.1f} ms")
    duplicates = sum(c.duplicates for c in clients)
    for c in clients:
        await c.ws.close()
    for t in tasks:
        t.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return latencies, lost, duplicates, connect_s, counts_latencies


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("clients", nargs="*", type=int, default=[100, 1000])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--server", choices=["uvicorn", "daphne"], default="uvicorn")
    args = parser.parse_args()
    raise_open_file_limit()
    admin_sql(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
    admin_sql(f'CREATE DATABASE "{BENCH_DB}"')
    workers = []
    try:
        import django

        django.setup()
        from django.core.management import call_command

        from tests import factories

        call_command("migrate", verbosity=0)
        org = factories.make_org()
        people = factories.make_people(org)
        workers = start_workers(args.workers, args.server)
        print(
            f"workers: {args.workers} {args.server} worker processes, "
            f"{len(workers)} address(es), layer {os.environ['REDIS_URL']}"
        )
        rows, session_keys = [], []
        for n in sorted(args.clients):
            # Exactly n reviewers exist during the run with n clients: each submission
            # notifies n + 1 people (the n clients and the fixture's own reviewer).
            t0 = time.perf_counter()
            session_keys += make_reviewers(len(session_keys), n)
            print(f"set-up: {n} reviewers ({time.perf_counter() - t0:.1f} s)")
            drafts = [
                factories.new_draft(org, people, name=f"Bench {n}-{i}")
                for i in range(args.warmup + args.rounds)
            ]
            latencies, lost, duplicates, connect_s, counts_lat = asyncio.run(
                run_round_set(n, args.rounds, args.warmup, workers, session_keys, drafts, people)
            )
            rows.append(
                (n, args.rounds, len(latencies), lost, duplicates, connect_s, latencies, counts_lat)
            )
        print()
        print("commit -> notification received (ms); commit -> inbox counts received (ms)")
        print(
            f"{'clients':>7} {'events':>6} {'expected':>8} {'received':>8} {'lost':>4} {'dup':>3} "
            f"{'p50':>7} {'p95':>7} {'p99':>7} {'max':>7} {'counts p50':>10} {'counts p95':>10}"
        )
        for n, rounds, received, lost, dup, _, lat, counts_lat in rows:
            print(
                f"{n:>7} {rounds:>6} {n * rounds:>8} {received:>8} {lost:>4} {dup:>3} "
                f"{pct(lat, 50):>7.1f} {pct(lat, 95):>7.1f} {pct(lat, 99):>7.1f} "
                f"{max(lat):>7.1f} {pct(counts_lat, 50):>10.1f} {pct(counts_lat, 95):>10.1f}"
            )
        peaks = {pid: mb for _, proc in workers for pid, mb in peak_rss_mb(proc.pid).items()}
        if peaks:
            print(f"peak RSS of a web (ASGI) worker process: {max(peaks.values()):.0f} MB")
    finally:
        stop_workers(workers)
        from django.db import connections

        connections.close_all()
        admin_sql(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')


if __name__ == "__main__":
    main()
