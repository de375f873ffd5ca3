"""Shared fixtures for browser tests: Debian's Chromium (never downloaded), the real ASGI
server against the test database, and a login helper.

Playwright's sync API runs an event loop in the test thread, so Django's guard
against sync database calls from async code is switched off for these tests.
"""

import os

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

import pytest  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.test import Client  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from tests.asgi_server import ARTEFACTS, asgi_server  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = ARTEFACTS / "screenshots"


@pytest.fixture(scope="module")
def browser():
    # Module scope: while Playwright runs, its event loop is running in this thread,
    # which breaks async_to_sync in any later, non-browser test module.
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def server_url(transactional_db):
    """A server process per test: a flush between tests re-creates content types and
    permissions under new ids, which a longer-lived server would still hold in its caches."""
    with asgi_server(name="browser") as base:
        yield base


@pytest.fixture
def new_context(browser, server_url):
    """Open a fresh browser context (its own cookies: one per person); all close after the test."""
    contexts = []

    def make(**kwargs):
        kwargs.setdefault("locale", "vi-VN")
        kwargs.setdefault("timezone_id", "Asia/Ho_Chi_Minh")
        kwargs.setdefault("viewport", {"width": 1280, "height": 900})
        context = browser.new_context(base_url=server_url, **kwargs)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


def accept_dialog(dialog) -> None:
    dialog.accept()


@pytest.fixture
def login(new_context, server_url):
    """login(context_or_page_or_None, username) -> a page signed in as `username`, on the inbox.

    The session is made in-process and handed to the browser as its cookie: the test
    settings hash passwords with a fast hasher the server does not accept (the login
    form itself is exercised by `test_signing_in_through_the_login_form`).
    """

    def sign_in(target, username):
        if target is None:
            target = new_context()
        page = target.new_page() if hasattr(target, "new_page") else target
        # The app asks before approving, refusing, withdrawing or removing (Rule.confirm):
        # people here say yes unless a test answers otherwise.
        page.on("dialog", accept_dialog)
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        page.context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": server_url}]
        )
        page.goto("/inbox/")
        return page

    return sign_in


@pytest.fixture
def screenshot():
    """screenshot(page, name): save a full-page PNG under test-artefacts/screenshots/."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name):
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
