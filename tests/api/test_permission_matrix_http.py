"""The permission matrix again, over HTTP: every person × action × own/other unit.

The table of expected outcomes is the hand-written one of the service-level
matrix (tests/workflow/test_permission_matrix.py); here each cell must come
back with the status code of the error contract, and a refusal changes nothing.
"""

import pytest
from django.utils import timezone

from approvals.models import Nomination
from approvals.services import role_grant
from tests.api.conftest import API
from tests.factories import backdate_clock, make_second_reviewer
from tests.factories import nomination_in as drive
from tests.workflow.test_permission_matrix import CASES, ESCALATIONS, _mirror, expected
from workflow.models import AuditRecord

pytestmark = pytest.mark.usefixtures("consistent")

CODES = {403: "permission_denied", 404: "not_found", 409: "conflict"}


@pytest.fixture
def everyone(people):
    people = dict(people)
    people["reviewer2"] = make_second_reviewer()
    role_grant(user=people["reviewer2"], role="standing_reviewer")
    return people


def body_for(action, extra, people) -> dict:
    body = dict(extra)
    if "assignee" in body:
        body["assignee"] = people[body["assignee"]].pk
    if action == "approve":
        body["decision_date"] = timezone.localdate().isoformat()
    if action == "report":
        body["report_date"] = timezone.localdate().strftime("%d/%m/%Y")
    return body


@pytest.mark.parametrize("same_unit", [True, False], ids=["own-unit", "other-unit"])
@pytest.mark.parametrize(
    "action,state,extra,allowed,conflicts", CASES, ids=[f"{c[0]}-from-{c[1]}" for c in CASES]
)
def test_each_person_gets_the_status_code_the_rules_give(
    org, everyone, as_user, action, state, extra, allowed, conflicts, same_unit
):
    unit = "a" if same_unit else "b"
    award = "chien-si-thi-dua-co-so" if state == "council_vote" else "lao-dong-tien-tien"

    def make():
        n = drive(org, everyone, state, unit=unit, award_code=award)
        # A manager takes work from its holder only once it is overdue in its stage.
        return backdate_clock(n, 30) if action in ESCALATIONS else n

    shared = make()
    url = "{api}/nominations/{pk}/actions/{action}/"
    got, want = {}, {}
    for name in sorted(set(everyone) - {"reviewer2"}):
        want[name] = expected(
            name if same_unit else _mirror(name), state, allowed, conflicts, same_unit=True
        )
        n = make() if want[name] == 200 else shared
        records_before = AuditRecord.objects.count()
        response = as_user(name).post(
            url.format(api=API, pk=n.pk, action=action.replace("_", "-")),
            body_for(action, extra, everyone),
            format="json",
        )
        got[name] = response.status_code
        if response.status_code == 200:
            assert response.json()["id"] == n.pk
            assert response.json()["state"] == Nomination.objects.get(pk=n.pk).state
        else:
            assert response.json()["code"] == CODES.get(response.status_code), name
            assert AuditRecord.objects.count() == records_before, f"{name} changed the history"
            assert Nomination.objects.get(pk=n.pk).state == state, f"{name} changed the state"
    assert got == want


@pytest.mark.parametrize("state", ["draft", "submitted", "approved"])
def test_who_may_read_a_nomination_over_http(nomination_in, as_user, people, state):
    n = nomination_in(state)
    readers = {
        name
        for name in people
        if as_user(name).get(f"{API}/nominations/{n.pk}/").status_code == 200
    }
    body = set(people) - {"staff", "head", "outsider_staff", "outsider_head"}
    assert readers == ({"staff", "head"} | (set() if state == "draft" else body))


def test_the_list_shows_each_person_exactly_what_they_may_read(nomination_in, as_user, people):
    draft, submitted = nomination_in("draft").pk, nomination_in("submitted").pk
    theirs = nomination_in("submitted", unit="b").pk
    listed = {
        name: {n["id"] for n in as_user(name).get(f"{API}/nominations/").json()["results"]}
        for name in ("staff", "outsider_staff", "reviewer", "auditor")
    }
    assert listed["staff"] == {draft, submitted}
    assert listed["outsider_staff"] == {theirs}
    assert listed["reviewer"] == listed["auditor"] == {submitted, theirs}
