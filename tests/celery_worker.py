"""Real Celery workers for the tests, on the suite's Redis and test database.

`thread_worker` runs one in a thread of the test process (celery.contrib.testing):
it shares this process's settings, so it sees what `settings` overrides and
the locmem mail outbox. `worker_process` runs `celery -A config worker` as a
process of its own (like tests/asgi_server.py runs uvicorn), to be killed with
SIGKILL. Either way the calling test must use `transactional_db`: a worker
reads through its own connection and only sees committed rows.
"""

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from celery import signals
from celery.contrib.testing.worker import start_worker

from config.celery import app
from tests.asgi_server import ARTEFACTS, ROOT, test_database_url
from tests.processes import child_environ


@signals.setup_logging.connect
def _keep_the_test_process_logging(**kwargs) -> None:
    # A receiver here stops an in-process worker from replacing the root logger's handlers
    # (pytest's log capture among them); worker processes still set up their own.
    return None


def purge_queue() -> None:
    """Drop nudges left by earlier tests: the rows they named were flushed with them."""
    app.control.purge()


@contextmanager
def thread_worker() -> Iterator[object]:
    purge_queue()
    with start_worker(app, pool="solo", concurrency=1, perform_ping_check=False,
                      shutdown_timeout=60) as worker:
        yield worker


@contextmanager
def worker_process(name: str, *, lease_seconds: int) -> Iterator[subprocess.Popen]:
    """A prefork worker (one child) in its own process group; stopped (or already killed)
    on exit."""
    ARTEFACTS.mkdir(exist_ok=True)
    log = open(ARTEFACTS / f"celery-{name}.log", "wb")
    env = {
        **child_environ(),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": test_database_url(),
        "SECRET_KEY": "test-only-secret-key",
        "MEDIA_ROOT": str(ARTEFACTS / "media"),
        "JOB_LEASE_SECONDS": str(lease_seconds),
        "CELERY_SKIP_CHECKS": "1",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=prefork",
         "--concurrency=1", f"--hostname={name}@%h", "--without-mingle", "--without-gossip",
         "--loglevel=INFO"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    try:
        _wait_until_ready(f"{name}@{socket.gethostname()}", proc)
        yield proc
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        log.close()


def kill_hard(proc: subprocess.Popen) -> None:
    """SIGKILL the worker and its pool child at once: no shutdown, no acknowledgement."""
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)


def _wait_until_ready(node: str, proc: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"celery worker exited with {proc.returncode}; see test-artefacts")
        if app.control.ping(destination=[node], timeout=0.5):
            return
    raise RuntimeError(f"celery worker {node} did not answer in time")


def wait_for(condition: Callable[[], bool], *, timeout: float = 60.0) -> bool:
    """Poll until `condition()` holds; the bound only stops a hung test."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()
