"""The inbox at scale: every tab with its counts, for a body-wide reviewer and a unit's staff,
through the web page and the API, beside its floor, at 10,000 / 100,000 / 1,000,000
nominations (bench/seed.py seeds, or reuses, one database per scale).

Each case is a real request through Django's test client (session, middleware, the view,
the template or the serializer). Its floor is the same query shapes by hand: the data
queries the request ran (the tab's counts from the tallies and its page), replayed through
plain psycopg on their own connection, without Django. Product and floor run interleaved,
REPEATS times each; the figures are the median and p95 of those runs.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python \\
        bench/inbox.py [scale ...]   # default: 10000 100000 1000000

`run(scale) -> dict` returns the figures for bench/run_all.py.
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")

import seed  # noqa: E402  (bench/seed.py: the shared seeded databases)

REPEATS = int(os.environ.get("BENCH_INBOX_REPEATS", "30"))
TARGET_P95_MS = 100.0
# The tables whose queries are the inbox's data (not the session, the user, the grants).
DATA_TABLES = ("approvals_inboxtally", "approvals_nomination", "approvals_doneentry")


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _cases() -> list[tuple[str, str, str, dict]]:
    """(user kind, channel, tab, query string)."""
    cases = []
    for kind in ("reviewer", "unit_staff"):
        for tab in ("mine", "queue", "done"):
            cases.append((kind, "web", tab, {"tab": tab}))
        cases.append((kind, "api", "mine+queue", {}))
    return cases


def run(scale: int) -> dict:
    """Seed (or reuse) the database of `scale` nominations and measure every case."""
    import psycopg

    info = seed.seeded(scale)
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import (
        CaptureQueriesContext,
        setup_test_environment,
        teardown_test_environment,
    )
    from django.urls import reverse

    # The warm-up round runs in the test environment, so that the test client keeps each
    # page's context (its counts and rows); the timed rounds run without it, as a web worker
    # does: its instrumented rendering copies the context at every template and include.
    setup_test_environment()

    users = {
        "reviewer": get_user_model().objects.get(username=info.reviewer),
        "unit_staff": get_user_model().objects.get(username=info.unit_staff),
    }
    clients = {}
    for kind, user in users.items():
        clients[kind] = Client()
        clients[kind].force_login(user)
    floor_conn = psycopg.connect(seed.dsn(scale), autocommit=True)
    results: dict[str, dict] = {}
    samples: dict[str, dict[str, list[float]]] = {}
    cases = _cases()
    for _repeat in range(REPEATS + 1):  # the first round warms the caches, not counted
        if _repeat == 1:
            teardown_test_environment()
        for kind, channel, tab, params in cases:
            key = f"{kind}/{channel}/{tab}"
            url = reverse("inbox") if channel == "web" else reverse("api-inbox")
            with CaptureQueriesContext(connection) as captured:
                start = time.perf_counter()
                response = clients[kind].get(url, params)
                elapsed = time.perf_counter() - start
            assert response.status_code == 200, (key, response.status_code)
            data = [q["sql"] for q in captured.captured_queries
                    if any(t in q["sql"] for t in DATA_TABLES)]
            start = time.perf_counter()
            for sql in data:
                floor_conn.execute(sql.replace("%", "%%")).fetchall()
            floor = time.perf_counter() - start
            if _repeat == 0:
                if channel == "web":
                    counts = response.context["counts"]
                    rows = len(response.context["rows"])
                else:
                    body = response.json()
                    counts = body["counts"]
                    rows = len(body["mine"]["results"]) + len(body["queue"]["results"])
                results[key] = {"queries": len(captured), "data_queries": len(data),
                                "counts": dict(counts), "rows": rows}
                continue
            results[key]["queries"] = len(captured)  # warm: as every later request
            s = samples.setdefault(key, {"product": [], "floor": []})
            s["product"].append(elapsed * 1000)
            s["floor"].append(floor * 1000)
    floor_conn.close()
    for key, s in samples.items():
        r = results[key]
        r.update(
            p50_ms=round(statistics.median(s["product"]), 2),
            p95_ms=round(_pct(s["product"], 0.95), 2),
            floor_p50_ms=round(statistics.median(s["floor"]), 2),
            floor_p95_ms=round(_pct(s["floor"], 0.95), 2),
            runs=len(s["product"]),
        )
        r["ratio_p50"] = round(r["p50_ms"] / r["floor_p50_ms"], 1) if r["floor_p50_ms"] else None
        r["target_p95_ms"] = TARGET_P95_MS
        r["meets_target"] = r["p95_ms"] < TARGET_P95_MS
    return {"scale": scale, "database": info.database, "repeats": REPEATS, "cases": results}


def print_table(figures: dict) -> None:
    print(f"inbox at {figures['scale']:,} nominations ({figures['repeats']} interleaved runs "
          f"each; floor = the same data queries through plain psycopg)", flush=True)
    print(f"  {'case':<28} {'p50 ms':>8} {'p95 ms':>8} {'floor p50':>10} {'floor p95':>10} "
          f"{'queries':>8} {'data q':>7}  counts", flush=True)
    for key, r in figures["cases"].items():
        c = r["counts"]
        print(f"  {key:<28} {r['p50_ms']:>8.1f} {r['p95_ms']:>8.1f} {r['floor_p50_ms']:>10.1f} "
              f"{r['floor_p95_ms']:>10.1f} {r['queries']:>8} {r['data_queries']:>7}  "
              f"mine {c['mine']:,} queue {c['queue']:,} done {c['done']:,}"
              f"{'' if r['meets_target'] else '  (p95 over 100 ms)'}", flush=True)


if __name__ == "__main__":
    scales = [int(a) for a in sys.argv[1:]] or [10_000, 100_000, 1_000_000]
    for scale in scales:
        print_table(run(scale))
