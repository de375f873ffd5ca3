"""A real HTTP session and a real websocket client, for tests against real server processes."""

import asyncio
import json
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

from django.contrib.auth.hashers import make_password
from django.test import override_settings
from websockets.asyncio.client import connect

from notifications import events


def usable_on_server(*users, password: str) -> None:
    """The suite hashes with MD5 for speed; a server process runs config.settings, which does not
    accept MD5, so re-hash these users' passwords with the production hasher."""
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.PBKDF2PasswordHasher"]):
        encoded = make_password(password)
    for user in users:
        type(user).objects.filter(pk=user.pk).update(password=encoded)


class WebSession:
    """A browser-like session: logs in through the login form, posts forms with the CSRF token."""

    def __init__(self, base: str):
        self.base = base
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def cookie(self, name: str) -> str:
        return next(c.value for c in self.jar if c.name == name)

    def get(self, path: str):
        with self.opener.open(self.base + path, timeout=30) as response:
            return response.status, response.read()

    def post(self, path: str, data: dict) -> int:
        """POST a form; redirects are followed; a 4xx or 5xx raises urllib.error.HTTPError."""
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": self.cookie("csrftoken")})
        request = urllib.request.Request(self.base + path, data=body.encode(), method="POST")
        with self.opener.open(request, timeout=30) as response:
            response.read()
            return response.status

    def login(self, username: str, password: str) -> "WebSession":
        self.get("/login/")
        self.post("/login/", {"username": username, "password": password})
        assert self.cookie("sessionid"), "login did not set a session"
        return self

    def act(self, nomination_id: int, action: str, **fields) -> int:
        return self.post(f"/nominations/{nomination_id}/actions/{action}/", fields)

    @property
    def cookie_header(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.jar)


def ws_url(base: str) -> str:
    return base.replace("http://", "ws://", 1) + "/ws/notifications/"


async def ws_connect(base: str, session: WebSession):
    return await connect(
        ws_url(base),
        additional_headers={"Cookie": session.cookie_header, "Origin": base},
        open_timeout=10,
    )


async def ws_receive(ws, timeout: float = 10) -> dict:
    return events.validate(json.loads(await asyncio.wait_for(ws.recv(), timeout)))


async def ws_hello(ws, last_id: int) -> list[dict]:
    """Send hello and return the replayed notifications, up to the closing counts event."""
    await ws.send(json.dumps({"type": "hello", "last_id": last_id}))
    replayed = []
    while True:
        event = await ws_receive(ws)
        if event["type"] == "counts":
            return replayed
        replayed.append(event)


async def ws_until_notification(ws, timeout: float = 10) -> dict:
    """The next notification event, skipping counts events."""
    while True:
        event = await ws_receive(ws, timeout)
        if event["type"] == "notification":
            return event


class LiveClient:
    """What notifications/static/notifications/live.js does with the events it receives:
    the same state and the same decisions (keep the two in step). `shown` lists the
    notices it would toast, in order; `outbox` the hellos it would send."""

    def __init__(self, last_id: int):
        self.last_id = last_id  # every notice up to it has been seen
        self.seen: set[int] = set()
        self.ahead: dict[int, int] = {}  # previous id -> notice id, after a gap
        self.catching_up = False
        self.asked_at = -1
        self.shown: list[int] = []
        self.outbox: list[dict] = []

    def hello(self) -> None:
        self.catching_up = True
        self.asked_at = self.last_id
        self.outbox.append({"type": "hello", "last_id": self.last_id})

    def remember(self, event: dict) -> bool:
        if event["id"] in self.seen or event["id"] <= self.last_id:
            return False
        self.seen.add(event["id"])
        self.ahead[max(event["previous"], self.last_id)] = event["id"]
        while self.last_id in self.ahead:
            self.last_id = self.ahead.pop(self.last_id)
        return True

    def receive(self, event: dict) -> None:
        if event["type"] == "notification":
            if not self.remember(event):
                return
            self.shown.append(event["id"])
            if self.ahead and not self.catching_up:
                self.hello()
        elif event["type"] == "counts":
            self.catching_up = False
            if event["last_id"] > self.last_id and self.asked_at != self.last_id:
                self.hello()

    async def run(self, ws, *, until, timeout: float = 10) -> None:
        """Send what it would send and feed it what arrives, until `until()` holds."""
        async with asyncio.timeout(timeout):
            while True:
                while self.outbox:
                    await ws.send(json.dumps(self.outbox.pop(0)))
                if until():
                    return
                self.receive(await ws_receive(ws, timeout))
