"""Honest answers while PostgreSQL's connections die: 503 with Retry-After, never a 500.

Real uvicorn processes serve the real application against the test database; the
test ends their PostgreSQL backends with pg_terminate_backend (filtered by the test
database's name) between and during requests, with and without the connection pool.
"""

import threading

import pytest

from approvals.models import Nomination
from approvals.states import State
from tests import factories
from tests.asgi_server import asgi_server, free_port
from tests.faults.helpers import (
    Http,
    backend_pid,
    raw_connection,
    terminate_backends,
    wait_for_lock_waiter,
)

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

POOLS = [pytest.param(0, id="no-pool"), pytest.param(4, id="pool")]
API = "/api/v1"


def assert_unavailable_page(status, headers, body) -> None:
    assert status == 503, (status, body[:300])
    assert int(headers["Retry-After"]) > 0
    assert "text/html" in headers["Content-Type"]
    assert "Hệ thống tạm thời gián đoạn" in body


def assert_unavailable_json(status, headers, body) -> None:
    assert status == 503, (status, body[:300])
    assert int(headers["Retry-After"]) > 0
    assert headers["Content-Type"] == "application/json"
    assert '"code":"unavailable"' in body.replace(" ", "")


@pytest.mark.parametrize("pool", POOLS)
def test_a_request_whose_connection_is_killed_answers_503_and_the_retry_succeeds(
    org, people, tokens, web_login, pool
):
    draft = factories.new_draft(org, people)
    with asgi_server(name=f"killed-{pool}", debug=False, pool_size=pool) as base:
        head = Http(base, token=tokens["head"])
        reviewer = Http(base, jar=web_login(base, "reviewer"))
        locker = raw_connection()
        try:
            # The API: the submission waits for the nomination's row lock; its backend dies.
            locker.execute("SELECT 1 FROM approvals_nomination WHERE id = %s FOR UPDATE",
                           [draft.pk])
            answers = []
            sending = threading.Thread(target=lambda: answers.append(
                head.post(f"{API}/nominations/{draft.pk}/actions/submit/", json_body={})))
            sending.start()
            wait_for_lock_waiter()
            terminate_backends(keep=(locker.info.backend_pid,))
            sending.join(60)
            locker.rollback()
            assert_unavailable_json(*answers[0])

            # A page: its read waits for a table lock; its backend dies.
            locker.execute("LOCK TABLE approvals_nomination IN ACCESS EXCLUSIVE MODE")
            sending = threading.Thread(target=lambda: answers.append(reviewer.get("/inbox/")))
            sending.start()
            wait_for_lock_waiter()
            terminate_backends(keep=(locker.info.backend_pid,))
            sending.join(60)
            locker.rollback()
            assert_unavailable_page(*answers[1])
        finally:
            locker.close()

        # Nothing was done, and the next requests are served normally.
        status, _, body = head.post(f"{API}/nominations/{draft.pk}/actions/submit/",
                                    json_body={})
        assert status == 200, body
        assert '"state":"submitted"' in body.replace(" ", "")
        assert reviewer.get("/inbox/")[0] == 200
    assert Nomination.objects.get(pk=draft.pk).state == State.SUBMITTED


def test_after_the_pooled_connections_were_terminated_the_next_request_is_served(
    org, people, tokens, web_login
):
    """(Without the pool nothing is held between requests: nothing to terminate.)"""
    with asgi_server(name="between", debug=False, pool_size=4) as base:
        api = Http(base, token=tokens["reviewer"])
        web = Http(base, jar=web_login(base, "reviewer"))
        answers: list = []

        def ask() -> None:
            answers.append(api.get(f"{API}/inbox/"))

        for _round in range(4):
            # Several requests at once, so that the pool holds several connections.
            answers.clear()
            threads = [threading.Thread(target=ask) for _ in range(4)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(60)
            assert [a[0] for a in answers] == [200] * 4
            assert terminate_backends() > 0
            assert api.get(f"{API}/inbox/")[0] == 200
            assert web.get("/inbox/")[0] == 200
            assert api.get(f"{API}/me/")[0] == 200


@pytest.mark.parametrize("pool", POOLS)
def test_while_backends_keep_dying_no_request_answers_500(
    org, people, tokens, web_login, pool
):
    drafts = [factories.new_draft(org, people, name=f"Người {i}") for i in range(6)]
    # While connections keep dying, the pool may have none to give for a while: a request
    # waits DATABASE_POOL_TIMEOUT for one, then answers 503.
    with asgi_server(name=f"storm-{pool}", debug=False, pool_size=pool,
                     extra_env={"DATABASE_POOL_TIMEOUT": "2"}) as base:
        head = Http(base, token=tokens["head"])
        web = Http(base, jar=web_login(base, "head"))
        stop = threading.Event()
        mine = backend_pid()

        def killer():
            with raw_connection(autocommit=True) as killing:
                while not stop.wait(0.5):
                    terminate_backends(keep=(mine, killing.info.backend_pid), through=killing)

        answers = []
        thread = threading.Thread(target=killer)
        thread.start()
        try:
            for round_ in range(2):
                for draft in drafts:
                    answers.append(("api", head.post(
                        f"{API}/nominations/{draft.pk}/actions/submit/", json_body={})))
                    answers.append(("page", web.get(f"/nominations/{draft.pk}/")))
                answers.append(("missing", web.get(f"/khong-co-trang-nay-{round_}/")))
        finally:
            stop.set()
            thread.join()
        statuses = [(kind, a[0]) for kind, a in answers]
        assert not [s for s in statuses if s[1] >= 500 and s[1] != 503], statuses
        for kind, (status, headers, body) in answers:
            if status == 503:
                (assert_unavailable_json if kind == "api" else assert_unavailable_page)(
                    status, headers, body)
        # Once the backends stop dying, every request is served at once.
        assert web.get(f"/nominations/{drafts[0].pk}/")[0] == 200
        assert head.get(f"{API}/inbox/")[0] == 200
        assert web.get("/khong-co-trang-nay/")[0] == 404


@pytest.mark.parametrize("pool", POOLS)
def test_a_404_after_a_terminated_connection_is_still_a_404(org, people, web_login, pool):
    with asgi_server(name=f"error-page-{pool}", debug=False, pool_size=pool) as base:
        web = Http(base, jar=web_login(base, "reviewer"))
        paths = ["/khong-co-trang-nay/", "/nominations/999999/"]
        # Django renders error pages on threads of a pool of its own: give several a page.
        for _ in range(5):
            assert [web.get(p)[0] for p in paths] == [404, 404]
        terminate_backends()  # (the pages' own threads hold none once they give theirs back)
        for _ in range(5):
            assert [web.get(p)[0] for p in paths] == [404, 404]
        assert web.get("/inbox/")[0] == 200


def test_with_the_database_unreachable_pages_and_the_api_answer_503(people):
    nowhere = f"postgres://postgres@127.0.0.1:{free_port()}/nowhere"
    with asgi_server(name="unreachable", debug=False, pool_size=0,
                     database_url=nowhere) as base:
        jar = Http(base).jar
        web = Http(base, jar=jar)
        web.get("/login/")  # the sign-in page itself needs no database
        assert_unavailable_page(*web.post(
            "/login/", form={"username": "reviewer", "password": factories.PASSWORD}))
        assert_unavailable_page(*Http(base).get("/inbox/", headers={
            "Cookie": "sessionid=abcdefghijklmnopqrstuvwxyz012345"}))
        assert_unavailable_json(*Http(base, token="0" * 40).get(f"{API}/inbox/"))
        status, _, body = Http(base).get("/inbox/", headers={
            "Cookie": "sessionid=abcdefghijklmnopqrstuvwxyz012345", "Accept-Language": "en"})
        assert status == 503 and "Service temporarily unavailable" in body
        assert_unavailable_json(*Http(base, token="0" * 40).post(
            f"{API}/nominations/1/actions/submit/", json_body={}))
