"""The environment a test starts another process of the product with: the test process's own,
less what only the test process may have. The browser tests switch Django's guard against
sync database calls from async code off for themselves (tests/browser/conftest.py); a server,
worker or command started beside them runs as production does, with the guard on."""

import os

TEST_PROCESS_ONLY = ("DJANGO_ALLOW_ASYNC_UNSAFE",)


def child_environ(*, drop: tuple[str, ...] = (), **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in TEST_PROCESS_ONLY + drop}
    env.update(extra)
    return env
