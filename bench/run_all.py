"""`make bench`: every benchmark in one run, each figure beside its floor; writes the results.

Runs, each in its own process (one that fails is reported and the others still run):

- transitions: product / plain libraries / raw-SQL floor per step (bench/transition.py);
- the inbox at each scale of BENCH_INBOX_SCALES, if bench/inbox.py is there (`run(scale)`);
- a bulk approval of BENCH_BULK items through a Celery worker, beside approvals called in a
  loop (bench/bulk_job.py), with the worker's peak RSS;
- CSV / XLSX export and verify_audit at BENCH_HISTORY records with a valid chain, beside
  COPY of the bare table and one process (bench/history.py);
- the websocket fan-out at BENCH_WS_CLIENTS clients (bench/ws_fanout.py), with a web
  worker's peak RSS.

Each bench makes and drops its own database (seeded by COPY / bulk SQL). Writes
bench/results/latest.json and bench/results/latest.md (the machine: cores, memory,
PostgreSQL version, the load average before and after: a shared machine shows it).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379/3 \\
        .venv/bin/python bench/run_all.py

`bench/run_all.py --table` rebuilds latest.md from latest.json.
"""

import datetime
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
RESULTS = BENCH / "results"


def env_ints(name: str, default: str) -> list[int]:
    return [int(x) for x in os.environ.get(name, default).replace("_", "").split(",") if x]


SCALES = env_ints("BENCH_INBOX_SCALES", "10000,100000,1000000")
BULK = env_ints("BENCH_BULK", "10000")[0]
HISTORY = env_ints("BENCH_HISTORY", "10000000")[0]
WS_CLIENTS = env_ints("BENCH_WS_CLIENTS", "1000,5000")
ROUNDS = env_ints("BENCH_ROUNDS", "5")[0]


def over(part: int | None, whole: int) -> str:
    """The words ", over the last N" when a floor was measured over part of the records."""
    return f", over the last {part:,}" if part and part < whole else ""


def machine() -> dict:
    import psycopg

    mem_kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                  if line.startswith("MemTotal:"))
    # The server's maintenance database: DATABASE_URL's own need not exist (each bench makes
    # and drops its own; the tests make test_<name>), as on a fresh clone.
    url = urlparse(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"))
    with psycopg.connect(url._replace(scheme="postgresql", path="/postgres").geturl()) as conn:
        version = conn.execute("SHOW server_version").fetchone()[0]
    return {"cores": os.cpu_count(), "memory_gb": round(mem_kb / 1024 / 1024, 1),
            "postgresql": version, "python": sys.version.split()[0],
            "load_average_before": os.getloadavg()}


def call(name: str, code: str) -> dict:
    """Run `code` (which prints `RESULT <json>` last) in a fresh interpreter; its output shows."""
    print(f"\n=== {name}", flush=True)
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=BENCH, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    result, lines = None, []
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("RESULT "):
            result = json.loads(line[len("RESULT "):])
        else:
            print(line, end="", flush=True)
            lines.append(line.rstrip())
    proc.wait()
    seconds = round(time.perf_counter() - started, 1)
    if proc.returncode != 0:
        return {"error": f"exit {proc.returncode}", "tail": lines[-15:], "seconds": seconds}
    return {**(result or {}), "output": lines[-40:], "seconds": seconds}


def script(name: str, *args: str) -> dict:
    return call(name, f"import runpy, sys; sys.argv = [{name!r}, *{list(args)!r}]; "
                      f"runpy.run_path({str(BENCH / name)!r}, run_name='__main__')")


def number(pattern: str, lines: list[str]) -> float | None:
    for line in lines:
        if m := re.search(pattern, line):
            return float(m.group(1).replace(",", ""))
    return None


def main() -> None:
    RESULTS.mkdir(exist_ok=True)
    started = time.perf_counter()
    results: dict = {"when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
                     "machine": machine(), "scales": {
                         "inbox": SCALES, "bulk": BULK, "history": HISTORY,
                         "ws_clients": WS_CLIENTS, "rounds": ROUNDS}}
    results["transition"] = call(
        "transition", "import json, transition; "
        f"print('RESULT ' + json.dumps(transition.main(rounds={ROUNDS})))")
    if (BENCH / "inbox.py").exists():
        results["inbox"] = {
            str(n): call(f"inbox {n:,}", "import json, inbox; "
                         f"print('RESULT ' + json.dumps(inbox.run({n}), default=str))")
            for n in SCALES
        }
    else:
        results["inbox"] = {"skipped": "bench/inbox.py is not in this tree"}
        print("\n=== inbox: skipped (bench/inbox.py is not in this tree)")
    bulk = script("bulk_job.py", str(BULK))
    out = bulk.get("output", [])
    bulk.update({
        "items": BULK,
        "job_items_per_s": number(r"all in [\d.]+ s: (\d+) items/s", out),
        "job_seconds": number(r"all in ([\d.]+) s", out),
        "loop_per_s": number(r"in a loop in one process: [\d.]+ s: (\d+) /s", out),
        "celery_peak_rss_mb": number(r"peak RSS of the Celery worker .*?: (\d+) MB", out),
    })
    results["bulk"] = bulk
    results["history"] = call(
        "history", "import json, history; "
        f"print('RESULT ' + json.dumps(history.main(records={HISTORY})))")
    ws = script("ws_fanout.py", *map(str, WS_CLIENTS))
    out = ws.get("output", [])
    ws["rows"] = [line for line in out if re.match(r"^\s*\d+\s+\d+\s+\d+", line)]
    ws["web_peak_rss_mb"] = number(r"peak RSS of a web \(ASGI\) worker process: (\d+) MB", out)
    results["ws_fanout"] = ws
    results["machine"]["load_average_after"] = os.getloadavg()
    results["seconds"] = round(time.perf_counter() - started)
    (RESULTS / "latest.json").write_text(json.dumps(results, indent=1, ensure_ascii=False,
                                                    default=str))
    markdown = table(results)
    (RESULTS / "latest.md").write_text(markdown)
    print("\n" + markdown)


def table(r: dict) -> str:
    m = r["machine"]
    lines = [
        f"# `make bench`, {r['when']}",
        "",
        f"Machine: {m['cores']} cores, {m['memory_gb']} GB, PostgreSQL {m['postgresql']}, "
        f"Python {m['python']}; load average {m['load_average_before'][0]:.1f} before, "
        f"{m.get('load_average_after', [0])[0]:.1f} after (a shared machine: other sessions' "
        f"work runs beside it). Whole run: {r.get('seconds', 0) / 60:.0f} min. "
        f"Scales: {r['scales']}.",
        "",
        "| figure | product | floor (same run) | ratio |",
        "|---|---|---|---|",
    ]
    t = r["transition"]
    for step, row in t.get("steps", {}).items():
        lines.append(
            f"| transition `{step}` (per s; statements) | {row['product']['per_s']}/s, "
            f"{row['product']['queries']} q (plain libraries {row['plain']['per_s']}/s, "
            f"{row['plain']['queries']} q) | {row['floor']['per_s']}/s, "
            f"{row['floor']['queries']} q "
            f"| {row['product_share_of_floor']:.1%} of the floor; "
            f"{row['product_time_over_plain_time']:.2f}× the plain path's time |")
    if "all_steps" in t:
        a = t["all_steps"]
        lines.append(f"| transition, all steps | {a['product']}/s (plain {a['plain']}/s) | "
                     f"{a['floor']}/s | {a['product_share_of_floor']:.1%}; "
                     f"{a['product_time_over_plain_time']:.2f}× plain |")
    elif "error" in t:
        lines.append(f"| transitions | failed: {t['error']} | | |")
    inbox = r["inbox"]
    if "skipped" in inbox:
        lines.append(f"| inbox | skipped: {inbox['skipped']} | | |")
    else:
        for n, res in inbox.items():
            if "cases" not in res:
                lines.append(f"| inbox at {int(n):,} | failed: {res.get('error')} | | |")
                continue
            for key, c in res["cases"].items():
                lines.append(
                    f"| inbox at {int(n):,}, {key} with its counts (p50 / p95; statements) | "
                    f"{c['p50_ms']} / {c['p95_ms']} ms, {c['queries']} q | the same data "
                    f"queries by hand: {c['floor_p50_ms']} / {c['floor_p95_ms']} ms | p95 "
                    f"{'under' if c['meets_target'] else 'over'} {c['target_p95_ms']:.0f} ms |")
    b = r["bulk"]
    lines.append(
        f"| bulk approval of {b['items']:,} (one Celery worker) | {b.get('job_seconds')} s, "
        f"{b.get('job_items_per_s')} items/s | the same in a loop: {b.get('loop_per_s')} /s | "
        f"{'' if b.get('error') is None else 'failed: ' + b['error']} |")
    h = r["history"]
    if "error" in h:
        lines.append(f"| history ({HISTORY:,}) | failed: {h['error']} | | |")
    else:
        lines += [
            f"| history CSV export, {h['records']:,} records | {h['csv_rows_per_s']:,} rows/s | "
            f"COPY of the bare table: {h['csv_floor_rows_per_s']:,} rows/s | "
            f"{h['csv_rows_per_s'] / h['csv_floor_rows_per_s']:.0%} |",
            f"| XLSX (Celery task's writer), {h['xlsx_rows']:,} rows | {h['xlsx_rows_per_s']:,} "
            f"rows/s, peak RSS {h['xlsx_peak_rss_mb_before']} → {h['xlsx_peak_rss_mb_after']} MB"
            " | | |",
            f"| verify_audit, {h['records']:,} records | {h['verify_records_per_s']:,}/s "
            f"({h['verify_workers']} processes) | one process"
            f"{over(h.get('verify_one_process_records'), h['records'])}: "
            f"{h['verify_one_process_records_per_s']:,}/s | "
            f"{h['verify_records_per_s'] / h['verify_one_process_records_per_s']:.2f}× |",
        ]
    w = r["ws_fanout"]
    for row in w.get("rows", []):
        lines.append(f"| websocket fan-out (clients events expected received lost dup p50 p95 "
                     f"p99 max, ms) | `{row.strip()}` | | |")
    if w.get("error"):
        lines.append(f"| websocket fan-out | failed: {w['error']} | | |")
    lines.append(f"| peak RSS | web worker {w.get('web_peak_rss_mb')} MB, Celery worker "
                 f"{b.get('celery_peak_rss_mb')} MB | | |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    if sys.argv[1:] == ["--table"]:  # rebuild latest.md from latest.json
        stored = json.loads((RESULTS / "latest.json").read_text())
        (RESULTS / "latest.md").write_text(table(stored))
        print(table(stored))
    else:
        main()
