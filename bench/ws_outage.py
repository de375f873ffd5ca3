"""Redis outage with many connected clients: is every notice delivered once, and how soon?

Starts its own redis-server on a spare port (never the shared one) and W uvicorn
workers on it, connects N standing reviewers whose clients behave like the
browser's live.js: on a closed socket they retry with backoff (0.5 s doubling
to 30 s, times 0.75–1.25) and on each (re)connect say hello with the newest id they
hold. Then Redis stops; the unit head commits K submissions (each notifies all
N reviewers; the notices are stored, the pushes fail); Redis starts again. It
prints how long after Redis came back every client held every notice, how many
were lost or duplicated, and how many reconnections that took. Finally one more
submission checks that live delivery is back.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
    .venv/bin/python bench/ws_outage.py [--clients 1000] [--during 5] [--down-seconds 10]

Figures, not a test: nothing here asserts a time.
"""

import argparse
import asyncio
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.ws_fanout import (  # noqa: E402 - sets the bench database and settings first
    ARTEFACTS,
    BENCH_DB,
    admin_sql,
    connections_per_process,
    free_port,
    make_reviewers,
    raise_open_file_limit,
    start_workers,
    stop_workers,
)

REDIS_PORT = free_port()
os.environ["REDIS_URL"] = f"redis://127.0.0.1:{REDIS_PORT}/0"


def start_redis() -> subprocess.Popen:
    import redis

    ARTEFACTS.mkdir(exist_ok=True)
    proc = subprocess.Popen(
        ["redis-server", "--port", str(REDIS_PORT), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--maxclients", "20000"],
        stdout=open(ARTEFACTS / "bench-redis.log", "ab"),
        stderr=subprocess.STDOUT,
    )
    client = redis.Redis(port=REDIS_PORT)
    for _ in range(200):
        try:
            if client.ping():
                return proc
        except redis.ConnectionError:
            time.sleep(0.05)
    raise RuntimeError("redis-server did not start")


def stop_redis(proc: subprocess.Popen) -> None:
    proc.terminate()
    proc.wait(timeout=10)


class ReconnectingClient:
    """What live.js does: hello with the last id seen contiguously, backoff on a closed
    socket; the events go through LiveClient, the same decisions as live.js."""

    def __init__(self, url: str, session_key: str, last_id: int):
        from tests.notifications.live_client import LiveClient

        self.url, self.session_key = url, session_key
        self.live = LiveClient(last_id)
        self.ids: set[int] = set()
        self.duplicates = 0
        self.connects = 0
        self.open = asyncio.Event()
        self.changed = asyncio.Event()

    async def run(self) -> None:
        from websockets.asyncio.client import connect

        delay = 0.5
        while True:
            try:
                async with connect(
                    self.url.replace("http://", "ws://") + "/ws/notifications/",
                    additional_headers={"Cookie": f"sessionid={self.session_key}",
                                        "Origin": self.url},
                    open_timeout=60,
                    max_queue=None,
                ) as ws:
                    self.connects += 1
                    delay = 0.5
                    self.live.hello()
                    while self.live.outbox:
                        await ws.send(json.dumps(self.live.outbox.pop(0)))
                    async for raw in ws:
                        event = json.loads(raw)
                        if event["type"] == "notification":
                            if event["id"] in self.ids:
                                self.duplicates += 1
                            self.ids.add(event["id"])
                            self.changed.set()
                        elif event["type"] == "counts":
                            self.open.set()
                        self.live.receive(event)
                        while self.live.outbox:  # a gap, or a missed push: ask again
                            await ws.send(json.dumps(self.live.outbox.pop(0)))
            except asyncio.CancelledError:
                raise
            except Exception:
                pass
            self.open.clear()
            await asyncio.sleep(delay * (0.75 + random.random() * 0.5))  # as live.js
            delay = min(delay * 2, 30)


async def scenario(args, workers, session_keys, drafts, people, reviewer_ids):
    from asgiref.sync import sync_to_async

    from notifications.models import Notification
    from workflow import services

    def newest_id() -> int:
        return Notification.objects.order_by("-id").values_list("id", flat=True).first() or 0

    def notice_ids_since(since: int) -> dict:
        wanted: dict = {}
        for user_id, pk in Notification.objects.filter(
            pk__gt=since, recipient_id__in=reviewer_ids
        ).values_list("recipient_id", "id"):
            wanted.setdefault(user_id, set()).add(pk)
        return wanted

    submit = sync_to_async(services.nomination_submit, thread_sensitive=False)
    start = await sync_to_async(newest_id)()
    url = workers[0][0]
    clients = [ReconnectingClient(url, key, start) for key in session_keys]
    tasks = []
    t0 = time.perf_counter()
    for batch in range(0, len(clients), 50):
        for c in clients[batch : batch + 50]:
            tasks.append(asyncio.create_task(c.run()))
        await asyncio.gather(*(c.open.wait() for c in clients[batch : batch + 50]))
    print(f"{len(clients)} clients connected in {time.perf_counter() - t0:.1f} s; "
          f"per worker process: {connections_per_process(workers)}")

    redis_proc = args.redis
    await asyncio.to_thread(stop_redis, redis_proc)
    down_at = time.perf_counter()
    print("Redis stopped")
    failed = 0
    for draft in drafts[: args.during]:
        try:
            await submit(user=people["head"], nomination_id=draft.pk)
        except Exception as error:  # would be an error page for the unit head
            failed += 1
            print(f"  submission {draft.pk} failed: {error!r}")
    print(f"{args.during} submissions while Redis was down: {args.during - failed} succeeded")
    await asyncio.sleep(max(0.0, args.down_seconds - (time.perf_counter() - down_at)))
    args.redis = await asyncio.to_thread(start_redis)
    back_at = time.perf_counter()
    print(f"Redis back after {back_at - down_at:.1f} s")

    wanted = await sync_to_async(notice_ids_since)(start)
    expected = sum(len(v) for v in wanted.values())
    by_client = {c: wanted.get(uid, set()) for c, uid in zip(clients, reviewer_ids, strict=True)}
    deadline = back_at + args.timeout
    while time.perf_counter() < deadline and not all(
        want <= c.ids for c, want in by_client.items()
    ):
        await asyncio.sleep(0.05)
    all_at = time.perf_counter()
    have = sum(len(want & c.ids) for c, want in by_client.items())
    reconnects = sum(c.connects - 1 for c in clients)
    print(f"stored during the outage: {expected} notices for {len(clients)} clients")
    print(f"received after Redis came back: {have} of {expected}, lost {expected - have}, "
          f"duplicates {sum(c.duplicates for c in clients)}, reconnections {reconnects}")
    print(f"every client had every notice {all_at - back_at:.1f} s after Redis came back"
          if have == expected else f"gave up after {args.timeout} s")

    # Live again: one more submission, commit to receipt.
    before = {id(c): set(c.ids) for c in clients}
    await asyncio.gather(*(c.open.wait() for c in clients))
    committed = time.perf_counter()
    await submit(user=people["head"], nomination_id=drafts[args.during].pk)
    latest = await sync_to_async(notice_ids_since)(max(max(v) for v in wanted.values()))
    want_live = sum(len(v) for v in latest.values())
    while time.perf_counter() < committed + 30 and sum(
        len(c.ids - before[id(c)]) for c in clients
    ) < want_live:
        await asyncio.sleep(0.01)
    got = sum(len(c.ids - before[id(c)]) for c in clients)
    print(f"live again: {got} of {want_live} notices of one more submission "
          f"within {time.perf_counter() - committed:.2f} s")
    for t in tasks:
        t.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--during", type=int, default=5, help="submissions while Redis is down")
    parser.add_argument("--down-seconds", type=float, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=300)
    args = parser.parse_args()
    raise_open_file_limit()
    admin_sql(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
    admin_sql(f'CREATE DATABASE "{BENCH_DB}"')
    args.redis = start_redis()
    workers = []
    try:
        import django

        django.setup()
        import logging

        logging.getLogger("notifications").setLevel(logging.ERROR)  # the failed pushes
        from django.core.management import call_command

        from tests import factories

        call_command("migrate", verbosity=0)
        org = factories.make_org()
        people = factories.make_people(org)
        workers = start_workers(args.workers, "uvicorn")
        print(f"workers: {args.workers} uvicorn worker processes, Redis on port {REDIS_PORT}, "
              f"pool {os.environ.get('DATABASE_POOL_MAX_SIZE', '0')}")
        session_keys = make_reviewers(0, args.clients)
        from django.contrib.auth import get_user_model

        reviewer_ids = [
            get_user_model().objects.get(username=f"bench-reviewer-{i}").pk
            for i in range(args.clients)
        ]
        drafts = [factories.new_draft(org, people, name=f"Outage {i}")
                  for i in range(args.during + 1)]
        asyncio.run(scenario(args, workers, session_keys, drafts, people, reviewer_ids))
    finally:
        stop_workers(workers)
        if args.redis.poll() is None:
            stop_redis(args.redis)
        from django.db import connections

        connections.close_all()
        admin_sql(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')


if __name__ == "__main__":
    main()
