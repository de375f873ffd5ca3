"""The demo's alert scan: a small timer thread in `make demo`'s runserver process, only.

Production runs the scan as a Celery beat task in a worker (monitoring/tasks.py),
never in a web worker. The demo has no broker and no beat, so its one server
process scans every ALERT_SCAN_SECONDS itself. The guard is strict: DEBUG on, no
broker (tasks eager), and the process is runserver's serving child.
"""

import logging
import os
import sys
import threading
import time
from collections.abc import Mapping, Sequence

from django.conf import settings
from django.db import close_old_connections

from .alerts import alerts_scan
from .snapshots import dashboard_snapshots_refresh

logger = logging.getLogger(__name__)
_started = threading.Event()


def is_demo_server(
    *, debug: bool, eager: bool, argv: Sequence[str], environ: Mapping[str, str]
) -> bool:
    """Whether this process is the demo's serving process (autoreload's child, or
    runserver --noreload); a production web worker, a Celery worker or a test never is."""
    if not (debug and eager) or len(argv) < 2 or argv[1] != "runserver":
        return False
    return environ.get("RUN_MAIN") == "true" or "--noreload" in argv


def start_if_demo_server() -> bool:
    if _started.is_set() or not is_demo_server(
        debug=settings.DEBUG, eager=settings.CELERY_TASK_ALWAYS_EAGER, argv=sys.argv,
        environ=os.environ,
    ):
        return False
    _started.set()
    threading.Thread(target=_loop, name="demo-alert-scan", daemon=True).start()
    return True


def _loop() -> None:
    while True:
        time.sleep(settings.ALERT_SCAN_SECONDS)
        try:
            alerts_scan()
            dashboard_snapshots_refresh()
        except Exception:  # the demo keeps serving; the next round tries again
            logger.exception("demo alert scan failed")
        finally:
            close_old_connections()
