"""One transition, three ways, on PostgreSQL: the product, the plain libraries, the SQL floor.

For each step of the pipeline (submit, claim, recommend, approve, report) it prints the
throughput (transitions per second, one at a time) and the statements per transition of

- product: workflow.services, every check and every record (the history, notices,
  stage visits, the deadline clock);
- plain: django-fsm's transition + save and viewflow's activation as their docs show
  them (`with task.activation() as a: a.assign(user); a.start(); a.execute()`), no
  access check, no history, no notice;
- floor: the same durable facts as the product written with plain psycopg, one
  transaction each: the row locked with its open task, the state, the task done and the
  next one opened, the hash-chained history record (a valid chain), the notices with their
  cursors; viewflow's routing row and the stage visits left out.

and the ratios. Each figure is the median of ROUNDS interleaved rounds (a batch of each
path in turn, so that the shared machine's noise falls on all three alike).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/transition.py
"""

import json
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BENCH_DB = "vinhdanh_bench_transition"
STEPS = ("submit", "claim", "recommend", "approve", "report")
PATHS = ("product", "plain", "floor")


def _environment() -> None:
    base = urlparse(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"))
    os.environ["DATABASE_URL"] = base._replace(path=f"/{BENCH_DB}").geturl()
    os.environ["BENCH_ADMIN_URL"] = base._replace(path="/postgres").geturl()
    os.environ.setdefault("SECRET_KEY", "bench-only")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["REDIS_URL"] = ""  # the benchmark measures the transition, not the push


def admin_sql(sql: str) -> None:
    import psycopg

    with psycopg.connect(os.environ["BENCH_ADMIN_URL"], autocommit=True) as conn:
        conn.execute(sql)


def main(rounds: int = 5, per_round: int = 30) -> dict:
    _environment()
    admin_sql(f'DROP DATABASE IF EXISTS "{BENCH_DB}"')
    admin_sql(f'CREATE DATABASE "{BENCH_DB}"')
    try:
        return run(rounds, per_round)
    finally:
        from django.db import connections

        connections.close_all()
        admin_sql(f'DROP DATABASE IF EXISTS "{BENCH_DB}"')


class _Counter:
    """Statements sent through Django's connection (an execute wrapper: no DEBUG needed)."""

    def __init__(self) -> None:
        self.n = 0

    def __call__(self, execute, sql, params, many, context):
        self.n += 1
        return execute(sql, params, many, context)


def run(rounds: int, per_round: int) -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone
    from viewflow.workflow.models import Task

    from tests import factories
    from workflow import services
    from workflow.audit import chain_keys, verify_chain
    from workflow.models import chain_hash, chain_payload
    from workflow.policy import OPEN_TASK_STATUSES

    call_command("migrate", verbosity=0)
    org = factories.make_org()
    people = factories.make_people(org)
    today = timezone.localdate()
    actors = {"submit": "head", "claim": "reviewer", "recommend": "reviewer",
              "approve": "director", "report": "liaison"}
    inputs = {"submit": {}, "claim": {}, "recommend": {"to": "director"},
              "approve": {"decision_number": "1/QĐ", "decision_date": today},
              "report": {"report_number": "1/BC", "report_date": today}}

    def product(step, pk):
        services.nomination_act(user=people[actors[step]], nomination_id=pk, action=step,
                                inputs=inputs[step])

    fsm = {"submit": lambda n: n.submit(), "claim": lambda n: n.claim_review(),
           "recommend": lambda n: n.recommend_to_director(),
           "approve": lambda n: n.approve(decision_number="1/QĐ", decision_date=today),
           "report": lambda n: n.report()}
    from approvals.models import Nomination

    def plain(step, pk):
        user = people[actors[step]]
        with transaction.atomic():
            nomination = Nomination.objects.select_for_update().get(pk=pk)
            fsm[step](nomination)
            nomination.save()
            task = Task.objects.filter(
                process_id=nomination.process_id, status__in=OPEN_TASK_STATUSES,
                flow_task_type="HUMAN",
            ).get()
            with task.activation() as activation:
                if step == "claim":
                    activation.assign(user)
                else:
                    if activation.assign.can_proceed():
                        activation.assign(user)
                    activation.start(None)
                    activation.execute()

    # The floor: what the product writes, as plain SQL on its own psycopg connection.
    import psycopg

    raw = psycopg.connect(os.environ["DATABASE_URL"].replace("postgres://", "postgresql://"))
    raw.execute("SET TIME ZONE 'UTC'")
    raw.commit()
    keys = chain_keys()
    key_id = next(iter(keys), "")
    recipients = {  # a cached role map: who hears of each step
        "submit": [people["reviewer"].pk], "claim": [people["head"].pk],
        "recommend": [people["director"].pk, people["head"].pk],
        "approve": [people["liaison"].pk, people["head"].pk],
        "report": [people["head"].pk],
    }
    moves = {"submit": ("submitted", "review"), "claim": ("in_review", None),
             "recommend": ("awaiting_director", "decide"), "approve": ("approved", "report"),
             "report": ("reported", None)}
    floor_statements = {}

    def floor(step, pk):
        user = people[actors[step]]
        to_state, next_task = moves[step]
        n = 0
        with raw.cursor() as cur:
            cur.execute(
                "SELECT n.state, t.id, t.owner_id, t.process_id FROM approvals_nomination n "
                "JOIN viewflow_task t ON t.process_id = n.process_id AND t.flow_task_type = "
                "'HUMAN' AND t.status IN ('NEW', 'ASSIGNED', 'STARTED') WHERE n.id = %s "
                "ORDER BY t.id DESC LIMIT 1 FOR UPDATE OF n", [pk])
            from_state, task_id, owner_id, process_id = cur.fetchone()
            n += 1
            cur.execute("UPDATE approvals_nomination SET state = %s, state_changed_at = now() "
                        "WHERE id = %s", [to_state, pk])
            n += 1
            if step == "claim":
                cur.execute("UPDATE viewflow_task SET owner_id = %s, status = 'ASSIGNED', "
                            "assigned = now() WHERE id = %s", [user.pk, task_id])
                n += 1
            else:
                cur.execute("UPDATE viewflow_task SET owner_id = %s, status = 'DONE', "
                            "started = now(), finished = now() WHERE id = %s", [user.pk, task_id])
                n += 1
                if next_task:
                    cur.execute(
                        "WITH t AS (INSERT INTO viewflow_task (flow_task, flow_task_type, status, "
                        "created, token, process_id, data) VALUES (%s, 'HUMAN', 'NEW', now(), "
                        "'start', %s, '{}') RETURNING id) INSERT INTO viewflow_task_previous "
                        "(from_task_id, to_task_id) SELECT t.id, %s FROM t",
                        [f"workflow/flows.NominationFlow.{next_task}", process_id, task_id])
                    n += 1
            cur.execute("SELECT last_hash FROM workflow_auditchainhead WHERE id = 1 FOR UPDATE")
            prev = cur.fetchone()[0]
            n += 1
            created = timezone.now()
            data = {k: v.isoformat() if hasattr(v, "isoformat") else v
                    for k, v in inputs[step].items()}
            payload = chain_payload(
                nomination_id=pk, actor_id=user.pk, actor_username=user.username,
                actor_role=actors[step], action=step, from_state=from_state, to_state=to_state,
                comment="", data=data, created_at=created.isoformat(), request_id="",
                prev_hash=prev, key_id=key_id, on_behalf_of_id=None, on_behalf_of_username="",
            )
            record_hash = chain_hash(payload, key_id, keys.get(key_id))
            cur.execute(
                "WITH r AS (INSERT INTO workflow_auditrecord (nomination_id, actor_id, "
                "actor_username, on_behalf_of_username, actor_role, action, from_state, "
                "to_state, comment, data, created_at, request_id, prev_hash, hash, key_id) "
                "VALUES (%s, %s, %s, '', %s, %s, %s, %s, '', %s, %s, '', %s, %s, %s) "
                "RETURNING id) UPDATE workflow_auditchainhead SET last_hash = %s, "
                "last_record_id = (SELECT id FROM r) WHERE id = 1 RETURNING last_record_id",
                [pk, user.pk, user.username, actors[step], step, from_state, to_state,
                 json.dumps(data), created, prev, record_hash, key_id, record_hash])
            record_id = cur.fetchone()[0]
            n += 1
            who = sorted(recipients[step])
            cur.execute(
                "INSERT INTO notifications_notificationcursor (user_id, last_id) "
                "SELECT u, 0 FROM unnest(%s::int[]) u ON CONFLICT (user_id) DO UPDATE SET "
                "last_id = notifications_notificationcursor.last_id RETURNING user_id, last_id",
                [who])
            previous = dict(cur.fetchall())
            n += 1
            cur.execute(
                "WITH n AS (INSERT INTO notifications_notification (recipient_id, kind, "
                "nomination_id, actor_id, audit_record_id, text_vi, text_en, created_at, "
                "previous_id) SELECT u, %s, %s, %s, %s, %s, %s, now(), p FROM "
                "unnest(%s::int[], %s::bigint[]) AS x(u, p) RETURNING id, recipient_id) "
                "UPDATE notifications_notificationcursor c SET last_id = n.id FROM n "
                "WHERE c.user_id = n.recipient_id",
                [step, pk, user.pk, record_id, f"Đề nghị {pk}: {step}", f"Nomination {pk}",
                 who, [previous[u] for u in who]])
            n += 1
        raw.commit()
        floor_statements[step] = n + 1  # and the COMMIT (BEGIN goes with the first)

    calls = {"product": product, "plain": plain, "floor": floor}
    counter = _Counter()
    per: dict = {p: {s: [] for s in STEPS} for p in PATHS}  # rounds of transitions/s
    queries: dict = {p: {} for p in PATHS}
    for _round in range(rounds):
        for path in PATHS:
            drafts = [factories.new_draft(org, people, name=f"{path} {i}").pk
                      for i in range(per_round)]
            for step in STEPS:
                with connection.execute_wrapper(counter):
                    counter.n = 0
                    started = time.perf_counter()
                    for pk in drafts:
                        calls[path](step, pk)
                    elapsed = time.perf_counter() - started
                per[path][step].append(len(drafts) / elapsed)
                queries[path][step] = (
                    floor_statements[step] if path == "floor" else counter.n / len(drafts)
                )
    raw.close()
    report: dict = {"rounds": rounds, "per_round": per_round, "steps": {}}
    print(f"transitions, one at a time, median of {rounds} interleaved rounds of "
          f"{per_round} nominations per path (transitions/s; statements per transition)")
    print(f"  {'step':<10} {'product':>16} {'plain':>16} {'floor':>16} "
          f"{'product/floor':>14} {'plain/product':>14}")
    for step in STEPS:
        rates = {p: statistics.median(per[p][step]) for p in PATHS}
        row = {p: {"per_s": round(rates[p], 1), "queries": round(queries[p][step], 1)}
               for p in PATHS}
        row["product_share_of_floor"] = round(rates["product"] / rates["floor"], 3)
        row["product_time_over_plain_time"] = round(rates["plain"] / rates["product"], 3)
        report["steps"][step] = row
        print(f"  {step:<10} " + " ".join(
            f"{rates[p]:>8.1f}/s {queries[p][step]:>4.0f}q" for p in PATHS
        ) + f" {rates['product'] / rates['floor']:>13.1%} "
            f"{rates['plain'] / rates['product']:>13.2f}×")
    total = {p: len(STEPS) / sum(1 / statistics.median(per[p][s]) for s in STEPS) for p in PATHS}
    report["all_steps"] = {p: round(total[p], 1) for p in PATHS}
    report["all_steps"]["product_share_of_floor"] = round(total["product"] / total["floor"], 3)
    report["all_steps"]["product_time_over_plain_time"] = round(
        total["plain"] / total["product"], 3)
    print(f"  all steps: product {total['product']:.1f}/s, plain {total['plain']:.1f}/s, "
          f"floor {total['floor']:.1f}/s: product at {total['product'] / total['floor']:.1%} "
          f"of the floor, its time {total['plain'] / total['product']:.2f}× the plain path's")
    chain = verify_chain()
    print(f"  the history chain (floor records too): {'verifies' if chain.ok else chain.reason}, "
          f"{chain.records} records")
    report["chain_ok"] = chain.ok
    return report


if __name__ == "__main__":
    main()
