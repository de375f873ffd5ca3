"""Run the real ASGI app (daphne) in a subprocess against the test database.

Used by browser tests and multi-process websocket tests. The calling test must
use `transactional_db` (or `live_server`-style committed data), because the
server process is another connection and only sees committed rows.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from django.db import connection

from tests.processes import child_environ

ROOT = Path(__file__).resolve().parent.parent
ARTEFACTS = ROOT / "test-artefacts"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# The application's role (tests/conftest.py creates it and runs `grant_app_role` for it): the
# server processes get the rights they have in production, not the owner's (docs/deploy.md).
APP_ROLE = "vinhdanh_app_test"
APP_ROLE_PASSWORD = "test-only-app-role-password"  # noqa: S105 - a test role on loopback


def test_database_url() -> str:
    d = connection.settings_dict
    auth = f"{APP_ROLE}:{APP_ROLE_PASSWORD}"
    return f"postgres://{auth}@{d['HOST'] or '127.0.0.1'}:{d['PORT'] or 5432}/{d['NAME']}"


@contextmanager
def asgi_server(
    *, port: int | None = None, redis_url: str | None = None, name: str = "server",
    debug: bool = True, pool_size: int = 4, database_url: str | None = None,
    extra_env: dict[str, str] | None = None,
):
    """Yield the base URL of a uvicorn process (the production server) serving config.asgi.

    `debug=False` serves as production does (Django renders the error pages itself);
    `pool_size=0` opens a PostgreSQL connection per use instead of a pool."""
    port = port or free_port()
    ARTEFACTS.mkdir(exist_ok=True)
    log = open(ARTEFACTS / f"{name}-{port}.log", "wb")
    env = {
        **child_environ(),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database_url or test_database_url(),
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
        if redis_url is None
        else redis_url,
        "SECRET_KEY": "test-only-secret-key",
        "DEBUG": "1" if debug else "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "MEDIA_ROOT": str(ARTEFACTS / "media"),
        "DATABASE_POOL_MAX_SIZE": str(pool_size),  # 4: as deployed (docs/deploy.md)
        **(extra_env or {}),
    }
    proc = subprocess.Popen(
        # As deployed (docs/deploy.md): uvicorn leaves X-Forwarded-For alone, the application
        # reads it only through TRUSTED_PROXY_COUNT proxies (approvals/sign_in_limit.py).
        [sys.executable, "-m", "uvicorn", "--host", "127.0.0.1", "--port", str(port),
         "--no-proxy-headers", "config.asgi:application"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, proc)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def _wait_until_up(base: str, proc, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"ASGI server exited with {proc.returncode}; see test-artefacts")
        try:
            with urllib.request.urlopen(base + "/login/", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("ASGI server did not start in time")
