"""Background-work settings: the broker, eager tasks only without one, strict numbers, beat."""

import pytest
from django.conf import settings

from config.celery import app
from tests.test_settings import run

SHOW = ("import django; django.setup(); from django.conf import settings as s; "
        "print(s.CELERY_TASK_ALWAYS_EAGER, s.CELERY_BROKER_URL)")


def test_without_redis_tasks_run_where_they_are_sent_and_with_it_they_go_to_redis() -> None:
    demo = run("-c", SHOW, DEBUG="1")
    assert demo.returncode == 0, demo.stderr
    assert demo.stdout.split()[0] == "True"
    served = run("-c", SHOW, DEBUG="1", REDIS_URL="redis://127.0.0.1:6379/9")
    assert served.stdout.split() == ["False", "redis://127.0.0.1:6379/9"], served.stderr
    own = run("-c", SHOW, DEBUG="1", REDIS_URL="redis://127.0.0.1:6379/9",
              CELERY_BROKER_URL="redis://127.0.0.1:6379/8")
    assert own.stdout.split() == ["False", "redis://127.0.0.1:6379/8"], own.stderr


@pytest.mark.parametrize("name", ["JOB_LEASE_SECONDS", "JOB_SWEEP_SECONDS", "JOB_MAX_ATTEMPTS"])
@pytest.mark.parametrize("value", ["0", "-5", "soon"])
def test_a_job_setting_that_is_not_a_positive_whole_number_stops_the_start(
    name: str, value: str
) -> None:
    result = run("-c", SHOW, DEBUG="1", **{name: value})
    assert result.returncode != 0
    assert name in result.stderr or "invalid literal for int()" in result.stderr


def test_every_job_in_the_beat_schedule_is_a_registered_task() -> None:
    app.loader.import_default_modules()  # what a worker does on start: the autodiscovery
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert tasks == {"approvals.jobs_sweep", "notifications.digest_send", "approvals.exports_purge",
                     "monitoring.alerts_scan", "monitoring.alerts_digest",
                     "monitoring.dashboard_refresh", "approvals.idempotency_purge",
                     "workflow.audit_checkpoint", "approvals.deferred_sweep"}
    assert tasks <= set(app.tasks)
