"""Database faults made real: backends terminated on the test database, a connection cut.

`terminate_backends()` ends every other connection to the test database (the server
processes' ones), through PostgreSQL's own pg_terminate_backend, filtered by that
database's name: other sessions' databases on the same server are never touched.
`CuttingProxy` is a TCP hop between a server process and PostgreSQL that, once armed,
lets one transaction's COMMIT reach PostgreSQL, waits for PostgreSQL's answer, and then
cuts the connection instead of passing the answer on: the change is committed and the
application never hears so (a network fault at the worst moment).
"""

import asyncio
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

import psycopg
from django.db import connection

from tests.asgi_server import free_port

TERMINATE = (
    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
    "WHERE datname = current_database() AND pid <> pg_backend_pid() AND NOT (pid = ANY(%s))"
)


def backend_pid() -> int:
    """The PostgreSQL backend of this thread's Django connection (the test's own)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def terminate_backends(*, keep: tuple[int, ...] = (), through=None) -> int:
    """pg_terminate_backend on every other connection to the test database; how many.

    `through`: a raw connection to ask on (from another thread: keep the test's own pid)."""
    if through is not None:
        return through.execute(TERMINATE, [list(keep)]).fetchone()[0]
    with connection.cursor() as cursor:
        cursor.execute(TERMINATE, [list(keep)])
        return cursor.fetchone()[0]


def raw_connection(*, autocommit: bool = False) -> psycopg.Connection:
    """A connection of the test's own to the test database, outside Django's."""
    d = connection.settings_dict
    return psycopg.connect(
        host=d["HOST"] or "127.0.0.1", port=d["PORT"] or 5432, user=d["USER"],
        password=d["PASSWORD"] or None, dbname=d["NAME"], autocommit=autocommit,
    )


def wait_for_lock_waiter(timeout: float = 20) -> None:
    """Until some backend of the test database waits for a lock (a server's request)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return
        time.sleep(0.05)
    raise AssertionError("no request came to wait for the lock")


class Http:
    """A client that shows every answer as it is: no redirect followed, no error raised."""

    def __init__(self, base: str, *, jar: CookieJar | None = None, token: str | None = None):
        self.base, self.jar, self.token = base, jar or CookieJar(), token
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )

    def cookie(self, name: str) -> str:
        return next(c.value for c in self.jar if c.name == name)

    def request(self, method: str, path: str, *, json_body=None, form=None, headers=None):
        """(status, headers, body text) of one request."""
        headers = dict(headers or {})
        data = None
        if self.token:
            headers["Authorization"] = f"Token {self.token}"
        if json_body is not None:
            data, headers["Content-Type"] = json.dumps(json_body).encode(), "application/json"
        if form is not None:
            data = urllib.parse.urlencode(
                {**form, "csrfmiddlewaretoken": self.cookie("csrftoken")}
            ).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = self.base + path
        request = urllib.request.Request(self.base + path, data=data, method=method,
                                         headers=headers)
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read().decode()

    def get(self, path: str, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs):
        return self.request("POST", path, **kwargs)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class CuttingProxy:
    """A TCP proxy to PostgreSQL that can cut one connection right after a COMMIT commits.

    `arm(marker)`: the next transaction whose statements mention `marker` (a table name)
    is let through up to PostgreSQL's answer to its COMMIT; that answer is dropped and
    the connection closed. `cut` is set once that happened."""

    def __init__(self, upstream_port: int = 5432):
        self.upstream_port = upstream_port
        self.port = free_port()
        self.marker: bytes | None = None
        self.cut = threading.Event()
        self.loop = asyncio.new_event_loop()
        self.started = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        self.started.wait(10)

    def url(self, database_url: str) -> str:
        return database_url.replace(":5432/", f":{self.port}/", 1)

    def arm(self, marker: str) -> None:
        self.cut.clear()
        self.marker = marker.encode()

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_until_complete(
            asyncio.start_server(self._serve, "127.0.0.1", self.port)
        )
        self.started.set()
        self.loop.run_forever()

    async def _serve(self, client_r, client_w) -> None:
        server_r, server_w = await asyncio.open_connection("127.0.0.1", self.upstream_port)
        state = {"marked": False, "commit_sent": False}

        async def client_to_server():
            while data := await client_r.read(65536):
                if self.marker and self.marker in data:
                    state["marked"] = True
                if state["marked"] and b"Q\x00\x00\x00\x0bCOMMIT\x00" in data:
                    state["commit_sent"] = True
                server_w.write(data)
                await server_w.drain()

        async def server_to_client():
            while data := await server_r.read(65536):
                if state["commit_sent"] and b"COMMIT\x00" in data:
                    self.marker = None  # once
                    client_w.transport.abort()  # the answer is lost with the connection
                    server_w.close()
                    self.cut.set()
                    return
                client_w.write(data)
                await client_w.drain()

        tasks = [asyncio.ensure_future(client_to_server()),
                 asyncio.ensure_future(server_to_client())]
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        for task in tasks:
            task.cancel()
        client_w.close()
        server_w.close()
