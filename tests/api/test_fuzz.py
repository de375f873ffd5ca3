"""Property-based fuzzing of the whole API from its own OpenAPI schema (Schemathesis).

Runs in-process against the WSGI app, over a world with nominations in every
open state, once as a user holding every role for the whole body and once as a
unit head. Bounded: a fixed number of examples per operation and no deadline. Every
response must be a non-5xx, with a status, content type, headers and body that
the schema documents. The `consistent` check then confirms that whatever the
fuzzer managed to do left states, tasks and the audit chain in agreement.
"""

import os
from collections import Counter

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from approvals.dossier import document_upload
from approvals.models import YearRating
from approvals.roles import Role
from approvals.services import role_grant
from tests.api.test_documents import PDF_BYTES
from tests.factories import nomination_in

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
# Bounded for the suite; set API_FUZZ_EXAMPLES higher for a deeper run.
EXAMPLES_PER_OPERATION = int(os.environ.get("API_FUZZ_EXAMPLES", "20"))


@pytest.fixture(params=["every-role", "unit-head"])
def world(request, org, people, consistent):
    """Nominations in every open state, and the fuzzer: a holder of every role, body-wide,
    or a unit head (who sees some nominations and may act on few: the 403 side)."""
    from django.contrib.auth import get_user_model

    if request.param == "every-role":
        fuzzer = get_user_model().objects.create_user(username="fuzzer", password="x-fuzz-x")
        for role in Role.values:
            role_grant(user=fuzzer, role=role)
    else:
        fuzzer = people["head"]
    states = ["draft", "submitted", "in_review", "council_vote", "awaiting_director", "approved"]
    nominations = [nomination_in(org, people, state) for state in states]
    nominations.append(nomination_in(org, people, "submitted", unit="b"))
    doc = document_upload(
        user=people["staff"],
        nomination_id=nominations[0].pk,
        kind="khac",
        name="a.pdf",
        data=PDF_BYTES,
    )
    # The register: the nominees' persons with a record of each kind (issue 11).
    persons = [n.nominee_person for n in nominations if n.nominee_person_id]
    rating = YearRating.objects.create(person=persons[0], year=2024, rating="good",
                                       months_worked=12)
    return {
        "user": fuzzer,
        "token": Token.objects.create(user=fuzzer).key,
        "ids": [n.pk for n in nominations],
        "doc_ids": [doc.pk],
        "register_ids": [p.pk for p in persons] + [rating.pk] + [m.pk for m in
                                                                 persons[0].memberships.all()],
    }


@pytest.fixture
def app():
    """The real WSGI app, run in-process inside the test's transaction.

    Like Django's test client, keep the app from closing the connection at the
    end of each request: that connection holds the test's open transaction.
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _aim_at_real_objects(case, world):
    """Half of the generated integer ids are mapped onto objects that exist."""
    params = case.path_parameters or {}
    ids = world["ids"] if "/nominations/" in case.operation.path else world["register_ids"]
    for name, pool in (("id", ids), ("doc_id", world["doc_ids"])):
        value = params.get(name)
        if isinstance(value, int) and not isinstance(value, bool) and value % 2 == 0:
            params[name] = pool[value // 2 % len(pool)]


def test_no_server_error_and_every_response_fits_the_schema(world, app):
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", app)
    headers = {"Authorization": f"Token {world['token']}"}
    statuses: Counter = Counter()
    failures = {}
    for result in schema.get_all_operations():
        operation = result.ok()
        cases = st.one_of(
            operation.as_strategy(GenerationMode.POSITIVE),
            operation.as_strategy(GenerationMode.NEGATIVE),
        )

        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=cases)
        def fuzz(case):
            _aim_at_real_objects(case, world)
            response = case.call_and_validate(headers=headers, checks=CHECKS)
            statuses[response.status_code] += 1
            # The fuzzer may revoke its own token (DELETE /auth/token/): give it back.
            Token.objects.get_or_create(user=world["user"], defaults={"key": world["token"]})

        try:
            fuzz()
        except Exception as exc:  # Hypothesis re-raises the smallest failing case
            failures[operation.label] = exc
    print(f"fuzzed {sum(statuses.values())} requests: {dict(sorted(statuses.items()))}")
    assert not failures, "\n\n".join(f"{label}:\n{exc}" for label, exc in failures.items())
    assert not [code for code in statuses if code >= 500]
    assert len(statuses) > 3  # the fuzzer got past authentication and validation
