"""Each step of the pipeline sends a fixed number of statements (issue 14: fewer round trips),
whatever the number of people who hear of it; the counts are pinned here."""

from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from approvals.roles import Role
from approvals.services import role_grant
from tests import factories
from workflow import services

# Statements per step inside the test's transaction (a SAVEPOINT and its RELEASE stand for
# BEGIN and COMMIT), once the process's caches (content types) are warm.
# Submit, recommend and approve read the eligibility verdict's facts (12 statements); every
# step keeps the inbox tallies (1-2). Approve adds the nomination's line to its decision (4:
# the decision's row lock, the units, its count, the line; the warm-up's approval issued it).
PINNED = {"submit": 21, "claim": 12, "recommend": 24, "approve": 28, "report": 21}


def steps(people):
    today = timezone.localdate()
    return [
        ("submit", lambda pk: services.nomination_submit(user=people["head"], nomination_id=pk)),
        ("claim", lambda pk: services.nomination_claim(user=people["reviewer"], nomination_id=pk)),
        ("recommend", lambda pk: services.nomination_recommend(
            user=people["reviewer"], nomination_id=pk, to="director")),
        ("approve", lambda pk: services.nomination_approve(
            user=people["director"], nomination_id=pk, decision_number="1/QĐ",
            decision_date=today)),
        ("report", lambda pk: services.nomination_report(
            user=people["liaison"], nomination_id=pk, report_number="1/BC", report_date=today)),
    ]


def counts(draft, people) -> dict:
    got = {}
    for name, call in steps(people):
        with CaptureQueriesContext(connection) as queries:
            call(draft.pk)
        got[name] = len(queries)
    return got


def warm(org, people):
    counts(factories.new_draft(org, people, name="Làm nóng"), people)


def test_each_step_sends_its_pinned_number_of_statements(org, draft, people):
    warm(org, people)
    assert counts(draft, people) == PINNED


def test_the_count_does_not_grow_with_the_people_who_are_told(org, people, draft):
    for i in range(30):
        user = get_user_model().objects.create_user(username=f"tdv-{i}")
        role_grant(user=user, role=Role.STANDING_REVIEWER, unit=org["body"],
                   granted_by=people["admin"])
    warm(org, people)  # and the role map is read again once, after the grants
    assert counts(draft, people) == PINNED
