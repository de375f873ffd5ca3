"""A change that committed while its answer was lost is not done twice on the retry.

Between a real uvicorn server and PostgreSQL sits a TCP hop (tests.faults.helpers.
CuttingProxy) that lets the transition's COMMIT through, waits for PostgreSQL to
confirm it, and then cuts the connection instead of passing the confirmation on: the
change is committed, the server only sees its connection die. Its answer is 503; the
retry with the same Idempotency-Key (or the same web form token) gets the first outcome.
"""

import pytest

from approvals.models import Nomination
from approvals.states import State
from tests import factories
from tests.asgi_server import asgi_server
from tests.asgi_server import test_database_url as database_url
from tests.faults.helpers import CuttingProxy, Http
from workflow.models import AuditRecord

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

POOLS = [pytest.param(0, id="no-pool"), pytest.param(4, id="pool")]


@pytest.fixture
def proxy():
    hop = CuttingProxy()
    yield hop
    hop.close()


def submissions(nomination) -> int:
    return AuditRecord.objects.filter(nomination=nomination, action="submit").count()


@pytest.mark.parametrize("pool", POOLS)
def test_an_api_retry_with_the_same_key_returns_the_first_outcome_after_the_answer_was_lost(
    org, people, tokens, proxy, pool
):
    draft = factories.new_draft(org, people)
    path = f"/api/v1/nominations/{draft.pk}/actions/submit/"
    key = {"Idempotency-Key": "nop-ho-so-1"}
    with asgi_server(name=f"lost-api-{pool}", debug=False, pool_size=pool,
                     database_url=proxy.url(database_url())) as base:
        head = Http(base, token=tokens["head"])
        proxy.arm("workflow_auditrecord")
        status, headers, body = head.post(path, json_body={"comment": "Trình"}, headers=key)
        assert proxy.cut.is_set()
        # Committed, though the server never heard so: it answers 503, not 409 nor 500.
        assert Nomination.objects.get(pk=draft.pk).state == State.SUBMITTED
        assert (status, int(headers["Retry-After"]) > 0) == (503, True), body

        status, headers, body = head.post(path, json_body={"comment": "Trình"}, headers=key)
        assert status == 200, body
        assert headers["Idempotent-Replayed"] == "true"
        assert '"state":"submitted"' in body.replace(" ", "")
        assert submissions(draft) == 1

        # Without the key, the same request is a new one: refused, the state has moved on.
        assert head.post(path, json_body={"comment": "Trình"})[0] == 409
    assert submissions(draft) == 1


@pytest.mark.parametrize("pool", POOLS)
def test_a_web_form_posted_again_after_the_answer_was_lost_shows_the_first_outcome(
    org, people, web_login, proxy, pool
):
    draft = factories.new_draft(org, people)
    with asgi_server(name=f"lost-web-{pool}", debug=False, pool_size=pool,
                     database_url=proxy.url(database_url())) as base:
        head = Http(base, jar=web_login(base, "head"))
        page = head.get(f"/nominations/{draft.pk}/")[2]
        form = {"vd_form_token": form_token(page, "submit")}
        path = f"/nominations/{draft.pk}/actions/submit/"
        proxy.arm("workflow_auditrecord")
        status, headers, body = head.post(path, form=form)
        assert proxy.cut.is_set()
        assert Nomination.objects.get(pk=draft.pk).state == State.SUBMITTED
        assert status == 503 and int(headers["Retry-After"]) > 0
        assert "Hệ thống tạm thời gián đoạn" in body

        status, headers, body = head.post(path, form=form)  # the browser sends it again
        assert status == 302, body
        assert headers["Location"] == f"/nominations/{draft.pk}/"
        status, _, page = head.get(headers["Location"])
        assert status == 200
        assert "Thao tác này đã được thực hiện" in page
        assert submissions(draft) == 1


def form_token(page: str, action: str) -> str:
    """The one-time token of the action's form on a page."""
    form = page.split(f'data-action="{action}"', 1)[1].split("</form>", 1)[0]
    return form.split('name="vd_form_token" value="', 1)[1].split('"', 1)[0]
