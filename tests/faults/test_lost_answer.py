"""A change that committed while its answer was lost is not done twice on the retry.

Between a real uvicorn server and PostgreSQL sits a TCP hop (tests.faults.helpers.
CuttingProxy) that lets the transition's COMMIT through, waits for PostgreSQL to
confirm it, and then cuts the connection instead of passing the confirmation on: the
change is committed, the server only sees its connection die. Its answer is 503; the
retry with the same Idempotency-Key (or the same web form token) gets the first outcome.
"""

import pytest
from django.utils import timezone

from approvals import dossier
from approvals.models import BulkJob, Delegation, Nomination
from approvals.roles import Role
from approvals.states import State
from tests import factories
from tests.asgi_server import asgi_server
from tests.asgi_server import test_database_url as database_url
from tests.faults.helpers import CuttingProxy, Http
from workflow.models import AuditRecord

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
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


def _edit(org, people, http):
    draft = factories.new_draft(org, people)
    path = f"/api/v1/nominations/{draft.pk}/"
    return ("PATCH", path, {"achievements": "Bổ sung"}, "workflow_auditrecord",
            lambda: AuditRecord.objects.filter(nomination=draft, action="edit").count())


def _removal(org, people, http):
    draft = factories.new_draft(org, people)
    doc = dossier.document_upload(user=people["staff"], nomination_id=draft.pk, kind="khac",
                                  name="anh.png", data=PNG)
    path = f"/api/v1/nominations/{draft.pk}/documents/{doc.pk}/"
    return ("DELETE", path, None, "workflow_auditrecord",
            lambda: AuditRecord.objects.filter(nomination=draft, action="remove_document").count())


def _bulk(org, people, http):
    ids = [factories.nomination_in(org, people, State.SUBMITTED).pk for _ in range(2)]
    body = {"action": "claim", "nomination_ids": ids, "comment": "Nhận"}
    return ("POST", "/api/v1/nominations/bulk-actions/", body, "approvals_bulkjob",
            lambda: BulkJob.objects.count())


def _delegation(org, people, http):
    today = timezone.localdate()
    body = {"substitute": people["director"].pk, "role": Role.STANDING_REVIEWER, "unit": None,
            "starts_on": today.isoformat(), "ends_on": today.isoformat()}
    return ("POST", "/api/v1/delegations/", body, "workflow_auditrecord",
            lambda: Delegation.objects.count())


@pytest.mark.parametrize("change", [_edit, _removal, _bulk, _delegation],
                         ids=["edit", "document-removal", "bulk-job", "delegation"])
def test_the_outcome_of_every_change_is_stored_with_it_so_a_retry_after_a_lost_answer_is_not_done_twice(  # noqa: E501
    org, people, tokens, proxy, change
):
    with asgi_server(name=f"lost-{change.__name__}", debug=False, pool_size=0,
                     database_url=proxy.url(database_url())) as base:
        who = "reviewer" if change in (_bulk, _delegation) else "staff"
        http = Http(base, token=tokens[who])
        method, path, body, marker, done = change(org, people, http)
        key = {"Idempotency-Key": f"lost-{change.__name__}"}
        proxy.arm(marker)
        status, headers, text = http.request(method, path, json_body=body, headers=key)
        assert proxy.cut.is_set()
        assert (status, done()) == (503, 1), text  # committed, though the answer was lost
        status, headers, text = http.request(method, path, json_body=body, headers=key)
        assert status < 300 and headers["Idempotent-Replayed"] == "true", text
        assert done() == 1
