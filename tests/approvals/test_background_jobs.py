"""Bulk jobs in real Celery workers on Redis and PostgreSQL: claims, leases, the sweep, crashes."""

import datetime
import io
import threading
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from pytest_django.fixtures import Settings

from approvals import background, jobs
from approvals.access import load_actor, open_task
from approvals.jobs import bulk_start
from approvals.models import BulkJob, BulkJobItem, ExportJob, Nomination
from approvals.selectors import job_results
from approvals.states import State
from approvals.tasks import exports_purge, jobs_sweep
from config.celery import app
from tests import factories
from tests.celery_worker import kill_hard, wait_for, worker_process
from workflow.models import AuditRecord


def ago(seconds: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(seconds=seconds)


def held_job(
    user: Any, ids: list[int], *, lease_until: datetime.datetime, attempts: int = 1,
    action: str = "claim",
) -> BulkJob:
    """A job as a worker holding it leaves the row: running under some worker's token."""
    return BulkJob.objects.create(
        user=user, action=action, inputs={"comment": ""}, nomination_ids=ids, total=len(ids),
        status=BulkJob.Status.RUNNING, claim_token=uuid.uuid4(), lease_until=lease_until,
        attempts=attempts,
    )


def queued_job(
    user: Any, ids: list[int], *, nudged_at: datetime.datetime | None, action: str = "claim"
) -> BulkJob:
    return BulkJob.objects.create(
        user=user, action=action, inputs={"comment": ""}, nomination_ids=ids, total=len(ids),
        nudged_at=nudged_at,
    )


def sweep_output() -> str:
    out = io.StringIO()
    call_command("run_bulk_jobs", stdout=out)
    return out.getvalue()


def finished(job: BulkJob) -> bool:
    return BulkJob.objects.get(pk=job.pk).finished


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_in_the_middle_of_1000_submissions_leaves_each_done_exactly_once(
    org: dict[str, Any], people: dict[str, Any]
) -> None:
    drafts = [factories.new_draft(org, people, name=f"Người {i}").pk for i in range(1000)]
    with worker_process("first", lease_seconds=3) as first:
        job = bulk_start(user=people["head"], action="submit", nomination_ids=drafts,
                         inputs={"comment": "Trình theo danh sách"})
        assert wait_for(lambda: BulkJob.objects.get(pk=job.pk).processed >= 200, timeout=120)
        kill_hard(first)  # SIGKILL to the worker and its pool child: no goodbye, no ack
    left = BulkJob.objects.get(pk=job.pk)
    assert left.status == BulkJob.Status.RUNNING and 200 <= left.processed < 1000
    # What the dead worker committed is consistent: one item row per counted item.
    assert left.processed == left.items.count() == left.succeeded
    assert Nomination.objects.filter(pk__in=drafts, state=State.SUBMITTED).count() == left.processed

    with worker_process("second", lease_seconds=3):
        # The dead worker's lease runs out 3 s after its last item; then the sweep hands on.
        assert wait_for(lambda: f"bulk job: 1 (#{job.pk}) re-queued" in sweep_output(),
                        timeout=30)
        assert wait_for(lambda: finished(job), timeout=180)

    job.refresh_from_db()
    assert (job.status, job.attempts, job.claim_token) == (BulkJob.Status.DONE, 2, None)
    assert (job.processed, job.succeeded, job.failed) == (1000, 1000, 0)
    items = BulkJobItem.objects.filter(job=job)
    assert items.count() == 1000 and set(items.values_list("nomination_id", flat=True)) == set(
        drafts
    )
    assert not items.filter(ok=False).exists()
    per_nomination = (
        AuditRecord.objects.filter(action="submit", nomination_id__in=drafts)
        .values("nomination_id").annotate(n=Count("id"))
    )
    assert len(per_nomination) == 1000 and {row["n"] for row in per_nomination} == {1}
    assert set(Nomination.objects.filter(pk__in=drafts).values_list("state", flat=True)) == {
        State.SUBMITTED
    }
    call_command("check_consistency")
    call_command("verify_audit")


@pytest.mark.django_db(transaction=True)
def test_two_workers_racing_for_the_same_jobs_each_claim_a_job_once(people: dict[str, Any]) -> None:
    racing = [queued_job(people["reviewer"], [1], nudged_at=None) for _ in range(20)]
    start = threading.Barrier(2)
    won: dict[str, list[int]] = {"a": [], "b": []}

    def worker(name: str) -> None:
        try:
            for job in racing:
                start.wait()
                if background.claim(BulkJob, job.pk) is not None:
                    won[name].append(job.pk)
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=worker, args=(name,)) for name in won]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(won["a"] + won["b"]) == [job.pk for job in racing]
    assert set(BulkJob.objects.values_list("attempts", flat=True)) == {1}


@pytest.mark.django_db(transaction=True)
def test_a_worker_nudged_for_a_job_another_worker_holds_leaves_it_alone(
    nomination_in: Callable[..., Nomination], people: dict[str, Any], background_worker: object
) -> None:
    theirs = [nomination_in(State.SUBMITTED).pk for _ in range(2)]
    other = held_job(people["reviewer"], theirs, lease_until=timezone.now() + datetime.timedelta(
        minutes=5))
    control = queued_job(people["reviewer"], [nomination_in(State.SUBMITTED).pk],
                         nudged_at=timezone.now())
    background.nudge(BulkJob, other.pk)
    background.nudge(BulkJob, control.pk)  # one worker, one at a time: this one runs after
    assert wait_for(lambda: finished(control))
    untouched = BulkJob.objects.get(pk=other.pk)
    assert (untouched.status, untouched.claim_token, untouched.attempts, untouched.processed) == (
        BulkJob.Status.RUNNING, other.claim_token, 1, 0
    )
    assert not untouched.items.exists()
    assert set(Nomination.objects.filter(pk__in=theirs).values_list("state", flat=True)) == {
        State.SUBMITTED
    }


@pytest.mark.django_db(transaction=True)
def test_the_sweep_hands_on_a_job_whose_lease_ran_out_and_leaves_a_live_one(
    nomination_in: Callable[..., Nomination], people: dict[str, Any], background_worker: object
) -> None:
    dead = held_job(people["reviewer"], [nomination_in(State.SUBMITTED).pk], lease_until=ago(1))
    live_ids = [nomination_in(State.SUBMITTED).pk]
    live = held_job(people["reviewer"], live_ids,
                    lease_until=timezone.now() + datetime.timedelta(minutes=5))
    output = sweep_output()
    assert f"bulk job: 1 (#{dead.pk}) re-queued (lease ran out)" in output
    assert f"#{live.pk}" not in output
    assert wait_for(lambda: finished(dead))
    dead.refresh_from_db()
    assert (dead.status, dead.attempts, dead.succeeded) == (BulkJob.Status.DONE, 2, 1)
    still = BulkJob.objects.get(pk=live.pk)
    assert (still.status, still.claim_token, still.processed) == (
        BulkJob.Status.RUNNING, live.claim_token, 0
    )
    assert Nomination.objects.get(pk=live_ids[0]).state == State.SUBMITTED


@pytest.mark.django_db(transaction=True)
def test_the_sweep_nudges_again_a_queued_job_whose_nudge_was_lost(
    nomination_in: Callable[..., Nomination], people: dict[str, Any], background_worker: object
) -> None:
    lost = queued_job(people["reviewer"], [nomination_in(State.SUBMITTED).pk], nudged_at=ago(600))
    just_sent = queued_job(people["reviewer"], [nomination_in(State.SUBMITTED).pk],
                           nudged_at=timezone.now() + datetime.timedelta(minutes=5))
    output = sweep_output()
    assert f"bulk job: 0 re-queued (lease ran out), 1 (#{lost.pk}) nudged again" in output
    assert f"#{just_sent.pk}" not in output
    assert wait_for(lambda: finished(lost))
    assert BulkJob.objects.get(pk=lost.pk).succeeded == 1
    assert BulkJob.objects.get(pk=just_sent.pk).status == BulkJob.Status.QUEUED


def test_a_job_that_its_workers_never_finish_is_given_up_after_the_last_attempt(
    nomination_in: Callable[..., Nomination], people: dict[str, Any], settings: Settings
) -> None:
    settings.JOB_MAX_ATTEMPTS = 3
    ids = [nomination_in(State.SUBMITTED).pk]
    doomed = held_job(people["reviewer"], ids, lease_until=ago(1), attempts=3)
    again = held_job(people["reviewer"], ids, lease_until=ago(1), attempts=2)
    output = sweep_output()
    assert f"1 (#{doomed.pk}) given up" in output and f"1 (#{again.pk}) re-queued" in output
    doomed.refresh_from_db()
    assert (doomed.status, doomed.claim_token) == (BulkJob.Status.FAILED, None)
    assert doomed.finished_at is not None


def test_an_item_done_after_the_lease_was_handed_on_is_rolled_back_with_its_transition(
    nomination_in: Callable[..., Nomination], people: dict[str, Any]
) -> None:
    n = nomination_in(State.SUBMITTED)
    job = queued_job(people["reviewer"], [n.pk], nudged_at=None)
    stale = background.claim(BulkJob, job.pk)
    BulkJob.objects.filter(pk=job.pk).update(lease_until=ago(1))  # the worker stalled
    assert background.claim(BulkJob, job.pk) not in (None, stale)  # another worker took it
    before = AuditRecord.objects.count()
    with pytest.raises(background.LeaseLost):
        jobs._do_batch(BulkJob.objects.get(pk=job.pk), stale, [n.pk], {"comment": ""})
    assert Nomination.objects.get(pk=n.pk).state == State.SUBMITTED
    assert AuditRecord.objects.count() == before and not BulkJobItem.objects.exists()
    assert BulkJob.objects.get(pk=job.pk).processed == 0


@pytest.fixture
def no_broker() -> Iterator[None]:
    """As in the demo (no REDIS_URL, config/settings.py): Celery runs a task where it is sent."""
    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


def test_without_a_broker_a_large_job_runs_in_this_process_but_only_after_commit(
    nomination_in: Callable[..., Nomination], people: dict[str, Any],
    django_capture_on_commit_callbacks: Callable[..., Any], no_broker: None,
) -> None:
    ids = [nomination_in(State.SUBMITTED).pk for _ in range(jobs.INLINE_LIMIT + 1)]
    with django_capture_on_commit_callbacks(execute=False) as nudges:
        job = bulk_start(user=people["reviewer"], action="claim", nomination_ids=ids,
                         inputs={"comment": ""})
    assert len(nudges) == 1 and BulkJob.objects.get(pk=job.pk).status == BulkJob.Status.QUEUED
    assert not Nomination.objects.filter(pk__in=ids, state=State.IN_REVIEW).exists()
    nudges[0]()  # the commit
    job.refresh_from_db()
    assert (job.status, job.processed, job.succeeded) == (BulkJob.Status.DONE, len(ids), len(ids))
    assert job.items.count() == len(ids)


@pytest.mark.django_db(transaction=True)
def test_the_periodic_sweep_and_purge_that_beat_sends_run_in_a_worker(
    nomination_in: Callable[..., Nomination], people: dict[str, Any], settings: Settings,
    background_worker: object,
) -> None:
    dead = held_job(people["reviewer"], [nomination_in(State.SUBMITTED).pk], lease_until=ago(1))
    old = ExportJob.objects.create(user=people["auditor"], status=ExportJob.Status.DONE)
    ExportJob.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=settings.AUDIT_EXPORT_KEEP_DAYS + 1)
    )
    recent = ExportJob.objects.create(user=people["auditor"], status=ExportJob.Status.DONE)
    jobs_sweep.delay()
    exports_purge.delay()
    assert wait_for(lambda: finished(dead) and not ExportJob.objects.filter(pk=old.pk).exists())
    assert BulkJob.objects.get(pk=dead.pk).succeeded == 1
    assert ExportJob.objects.filter(pk=recent.pk).exists()


def test_a_given_up_job_says_so_on_its_page_and_in_the_api(
    nomination_in: Callable[..., Nomination], people: dict[str, Any], client: Client
) -> None:
    job = held_job(people["reviewer"], [nomination_in(State.SUBMITTED).pk], lease_until=ago(1),
                   attempts=1)
    with override_settings(JOB_MAX_ATTEMPTS=1):
        sweep_output()
    client.force_login(people["reviewer"])
    page = client.get(reverse("job-detail", args=[job.pk])).content.decode()
    assert 'data-job-status="failed"' in page and 'data-testid="job-given-up"' in page
    english = client.get(reverse("job-detail", args=[job.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert "The job stopped part-way" in english.content.decode()
    api = client.get(f"/api/v1/jobs/{job.pk}/").json()
    assert (api["status"], api["processed"], api["results"]) == ("failed", 0, [])


@pytest.mark.parametrize("items", [2, 40])
def test_a_jobs_results_are_read_in_two_queries_however_many_items(
    nomination_in: Callable[..., Nomination], people: dict[str, Any], items: int,
    django_assert_max_num_queries: Callable[..., Any],
) -> None:
    ids = [nomination_in(State.SUBMITTED).pk for _ in range(items)]
    job = queued_job(people["reviewer"], ids, nudged_at=None)
    jobs.run_job(job.pk)
    actor = load_actor(people["reviewer"])
    job = BulkJob.objects.get(pk=job.pk)
    with django_assert_max_num_queries(2):
        results = job_results(actor, job)
    assert [r["id"] for r in results] == ids and all(r["ok"] and r["name"] for r in results)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_stalled_worker_that_wakes_after_another_took_its_job_works_no_item_twice(
    org: dict[str, Any], people: dict[str, Any]
) -> None:
    """The first worker is frozen (alive, holding its claim) in the middle of the job; the
    sweep hands the job on and a second worker finishes it; when the first wakes up, it
    finds its lease gone and stops: every item is done exactly once."""
    import os
    import signal

    drafts = [factories.new_draft(org, people, name=f"Người {i}").pk for i in range(300)]
    with worker_process("frozen", lease_seconds=3) as first:
        job = bulk_start(user=people["head"], action="submit", nomination_ids=drafts,
                         inputs={"comment": "Trình"})
        assert wait_for(lambda: BulkJob.objects.get(pk=job.pk).processed >= 50, timeout=120)
        os.killpg(first.pid, signal.SIGSTOP)  # alive, but stalled mid-job
        try:
            with worker_process("second", lease_seconds=3):
                assert wait_for(lambda: f"(#{job.pk}) re-queued" in sweep_output(), timeout=30)
                assert wait_for(lambda: finished(job), timeout=180)
        finally:
            os.killpg(first.pid, signal.SIGCONT)  # it wakes while the job is done
        assert first.poll() is None  # the first worker is still alive
        wait_for(lambda: False, timeout=3)  # give it time to try its next item
    job.refresh_from_db()
    assert (job.status, job.processed, job.succeeded) == (BulkJob.Status.DONE, 300, 300)
    items = BulkJobItem.objects.filter(job=job)
    assert items.count() == 300 and items.values("nomination_id").distinct().count() == 300
    per_nomination = set(
        AuditRecord.objects.filter(action="submit", nomination_id__in=drafts)
        .values("nomination_id").annotate(n=Count("id")).values_list("n", flat=True)
    )
    assert per_nomination == {1}
    call_command("check_consistency")
    call_command("verify_audit")


def test_in_one_batch_a_refused_item_fails_alone_and_the_others_are_full_transitions(
    nomination_in: Callable[..., Nomination], people: dict[str, Any]
) -> None:
    first, draft, last = (nomination_in(State.SUBMITTED), nomination_in(State.DRAFT),
                          nomination_in(State.SUBMITTED))
    assert jobs.BATCH_ITEMS >= 3  # all three in one transaction
    before = AuditRecord.objects.order_by("-id").values_list("id", flat=True).first() or 0
    job = bulk_start(user=people["reviewer"], action="claim",
                     nomination_ids=[first.pk, draft.pk, last.pk], inputs={"comment": ""})
    assert (job.status, job.processed, job.succeeded, job.failed) == (
        BulkJob.Status.DONE, 3, 2, 1
    )
    items = {i.nomination_id: i for i in BulkJobItem.objects.filter(job=job)}
    assert items[first.pk].ok and items[last.pk].ok and not items[draft.pk].ok
    assert items[first.pk].state == items[last.pk].state == State.IN_REVIEW
    claims = AuditRecord.objects.filter(pk__gt=before, action="claim")
    assert sorted(claims.values_list("nomination_id", flat=True)) == sorted([first.pk, last.pk])
    assert AuditRecord.objects.filter(pk__gt=before).count() == 2
    assert Nomination.objects.get(pk=draft.pk).state == State.DRAFT
    for n in (first, last):
        task = open_task(Nomination.objects.get(pk=n.pk))
        assert task is not None and task.owner_id == people["reviewer"].pk

