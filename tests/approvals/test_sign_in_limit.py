"""The sign-in limit holds against the three ways around it that the hand-written one had:
a forged X-Forwarded-For, counters culled from a cache, and concurrent guesses."""

import json
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.management import call_command
from django.test import Client, RequestFactory, override_settings

from approvals.sign_in_limit import client_address
from tests.asgi_server import asgi_server
from tests.factories import PASSWORD
from tests.notifications.live_client import usable_on_server

LOCKED = "Đăng nhập sai quá nhiều lần; vui lòng thử lại sau."
SERVER_LIMIT = 5  # LOGIN_MAX_FAILURES of a server process (config.settings' default)


def token_attempt(base: str, username: str, password: str, forwarded: str = "") -> int:
    """POST the API's token login to a real server; the HTTP status."""
    headers = {"Content-Type": "application/json"}
    if forwarded:
        headers["X-Forwarded-For"] = forwarded
    body = json.dumps({"username": username, "password": password}).encode()
    request = urllib.request.Request(
        base + "/api/v1/auth/token/", data=body, headers=headers, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def web_attempt(client: Client, username: str, password: str, address: str = "10.0.0.1"):
    return client.post(
        "/login/", {"username": username, "password": password}, REMOTE_ADDR=address
    )


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_forged_x_forwarded_for_gives_no_new_attempts_on_the_real_server(people):
    usable_on_server(people["director"], password=PASSWORD)
    with asgi_server(name="sign-in-forwarded") as base:
        statuses = [
            token_attempt(base, "director", f"guess-{i}", forwarded=f"198.51.100.{i}")
            for i in range(SERVER_LIMIT + 3)
        ]
        assert statuses.count(401) == SERVER_LIMIT
        assert statuses[SERVER_LIMIT:] == [429, 429, 429]
        assert token_attempt(base, "director", PASSWORD, forwarded="203.0.113.9") == 429


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_concurrent_wrong_passwords_are_checked_at_most_limit_times_on_the_real_server(people):
    usable_on_server(people["director"], password=PASSWORD)
    guesses = 40
    start = threading.Barrier(guesses)

    def guess(i: int) -> int:
        start.wait()
        return token_attempt(base, "director", f"guess-{i}")

    # 40 requests share the server's 4 pooled connections while five passwords are hashed:
    # on a busy machine that can take longer than the pool's 10 s wait, and a 503 is no 429.
    with asgi_server(name="sign-in-race", extra_env={"DATABASE_POOL_TIMEOUT": "120"}) as base:
        with ThreadPoolExecutor(max_workers=guesses) as pool:
            statuses = list(pool.map(guess, range(guesses)))
        checked = statuses.count(401)
        assert 1 <= checked <= SERVER_LIMIT, f"{checked} passwords checked, limit {SERVER_LIMIT}"
        assert statuses.count(429) == guesses - checked
        assert token_attempt(base, "director", PASSWORD) == 429


@pytest.mark.django_db
@override_settings(LOGIN_MAX_FAILURES=3)
def test_failures_for_hundreds_of_made_up_usernames_do_not_unlock_a_real_one(people):
    for _ in range(3):
        web_attempt(Client(), "director", "guess")
    # The old limit kept its counts in the database cache, which culls a third of its entries
    # past 300: with these names the director's count was gone after 597 of them.
    for i in range(650):
        web_attempt(Client(), f"khong-co-{i}", "guess")
    client = Client()
    response = web_attempt(client, "director", PASSWORD)
    assert LOCKED in response.text and "_auth_user_id" not in client.session


@pytest.mark.django_db
@override_settings(LOGIN_MAX_FAILURES=3)
def test_an_administrator_unlocks_a_user_with_axes_reset_username(people):
    for _ in range(3):
        web_attempt(Client(), "director", "guess")
    assert LOCKED in web_attempt(Client(), "director", PASSWORD).text
    call_command("axes_reset_username", "director")
    assert web_attempt(Client(), "director", PASSWORD).status_code == 302


@pytest.mark.django_db
@override_settings(LOGIN_MAX_FAILURES=3, TRUSTED_PROXY_COUNT=1)
def test_behind_one_trusted_proxy_the_address_it_saw_counts_and_not_the_clients_own_header(
    people,
):
    def attempt(forwarded: str, password: str = "guess"):
        return Client().post(
            "/login/", {"username": "director", "password": password},
            REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded,
        )

    # The client sends its own header each time; the proxy appends the address it saw.
    for i in range(3):
        attempt(f"192.0.2.{i}, 203.0.113.5")
    assert LOCKED in attempt("192.0.2.99, 203.0.113.5", PASSWORD).text
    assert attempt("203.0.113.6", PASSWORD).status_code == 302  # another office


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (0, "203.0.113.5", "127.0.0.1"),
        (1, "203.0.113.5", "203.0.113.5"),
        (1, "192.0.2.1, 203.0.113.5", "203.0.113.5"),
        (2, "192.0.2.1, 203.0.113.5, 10.1.1.1", "203.0.113.5"),
        (2, "203.0.113.5", "127.0.0.1"),  # fewer entries than proxies: not through them all
        (1, "not-an-address", "127.0.0.1"),
        (1, "", "127.0.0.1"),
    ],
)
def test_the_client_address_is_read_from_the_trusted_proxies_only(
    settings, count, forwarded, expected
):
    settings.TRUSTED_PROXY_COUNT = count
    request = RequestFactory().post(
        "/login/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded
    )
    assert client_address(request) == expected
