"""Every (person × action × own unit / other unit) cell against the policy.

The expected outcomes are written out here, by hand, from the rules in the
brief, independently of workflow/policy.py: if the policy table drifts from
the rules, this test fails.
"""

import pytest
from django.utils import timezone

from approvals.states import State
from tests.factories import backdate_clock
from workflow import services
from workflow.errors import Conflict, NotFound, PermissionRefused
from workflow.models import AuditRecord, SecurityEvent

pytestmark = pytest.mark.usefixtures("consistent")

UNIT_PEOPLE = {"staff", "head"}
BODY_PEOPLE = {
    "reviewer", "member", "secretary", "director", "auditor", "manager", "liaison", "admin"
}
OUTSIDERS = {"outsider_staff", "outsider_head"}

# action, state it is tried in, extra input, who succeeds, who gets a conflict (409):
# the people who hold a role with that action but not from this state (or not holding the task).
CASES = [
    ("submit", State.DRAFT, {}, {"head"}, set()),
    ("submit", State.RETURNED, {}, {"head"}, set()),
    ("withdraw", State.SUBMITTED, {"comment": "Rút hồ sơ"}, {"head"}, set()),
    ("withdraw", State.AWAITING_DIRECTOR, {"comment": "Rút hồ sơ"}, {"head"}, set()),
    ("claim", State.SUBMITTED, {}, {"reviewer"}, {"secretary", "director", "liaison"}),
    ("claim", State.COUNCIL_VOTE, {}, {"secretary"}, {"reviewer", "director", "liaison"}),
    ("release", State.IN_REVIEW, {}, {"reviewer"}, {"secretary", "director", "liaison"}),
    ("return", State.IN_REVIEW, {"comment": "Bổ sung"}, {"reviewer"}, {"director"}),
    ("return", State.AWAITING_DIRECTOR, {"comment": "Bổ sung"}, {"director"}, {"reviewer"}),
    ("recommend", State.IN_REVIEW, {"to": "director"}, {"reviewer"}, set()),
    ("approve", State.AWAITING_DIRECTOR,
     {"decision_number": "9/QĐ", "decision_date": "2026-01-05"}, {"director"}, set()),
    ("reject", State.IN_REVIEW, {"comment": "Không đạt"}, {"reviewer"}, {"director"}),
    ("reject", State.AWAITING_DIRECTOR, {"comment": "Không đạt"}, {"director"}, {"reviewer"}),
    ("report", State.APPROVED, {"report_number": "3/BC"}, {"liaison", "reviewer"}, set()),
    ("reassign", State.IN_REVIEW, {"assignee": "reviewer2", "comment": "Quá hạn"},
     {"admin", "manager"}, set()),
    ("escalate_release", State.IN_REVIEW, {"comment": "Quá hạn"}, {"manager"}, set()),
    ("escalate_release", State.AWAITING_DIRECTOR, {"comment": "Quá hạn"}, set(), {"manager"}),
    ("submit", State.AWAITING_DIRECTOR, {}, set(), {"head"}),
    ("approve", State.IN_REVIEW,
     {"decision_number": "9/QĐ", "decision_date": "2026-01-05"}, set(), {"director"}),
]

OUTCOME = {Conflict: 409, PermissionRefused: 403, NotFound: 404}
# Taking work from its holder: a manager may only once it is overdue in its stage, so these
# cases are tried on overdue work (tests/workflow/test_services_escalation.py tries on-time).
ESCALATIONS = {"reassign", "escalate_release"}


def expected(person, state, allowed, conflicts, *, same_unit):
    """What the brief says should happen to `person` (as seen from the nomination's unit)."""
    if person in OUTSIDERS or (person in UNIT_PEOPLE and not same_unit):
        return 404  # another unit: the nomination does not exist for them
    if state == State.DRAFT and person in BODY_PEOPLE:
        return 404  # staff of other units and the body never see a unit's draft
    if person in allowed:
        return 200
    return 409 if person in conflicts else 403


def attempt(action, n, user, extra, people):
    kwargs = dict(extra)
    if "assignee" in kwargs:
        kwargs["assignee"] = people[kwargs.pop("assignee")].pk
    if action == "approve":
        kwargs["decision_date"] = timezone.localdate()
    if action == "report":
        kwargs["report_date"] = timezone.localdate()
    try:
        services.nomination_act(user=user, nomination_id=n.pk, action=action, inputs=kwargs)
    except (Conflict, PermissionRefused, NotFound) as exc:
        return OUTCOME[type(exc)]
    return 200


@pytest.fixture
def everyone(people, org):
    from approvals.services import role_grant
    from tests.factories import make_second_reviewer

    people = dict(people)
    people["reviewer2"] = make_second_reviewer()
    role_grant(user=people["reviewer2"], role="standing_reviewer")
    return people


def _mirror(person):
    """Seen from unit B, its own people (the "outsiders") play the unit roles, and A's don't."""
    return {"outsider_staff": "staff", "outsider_head": "head",
            "staff": "outsider_staff", "head": "outsider_head"}.get(person, person)


@pytest.mark.parametrize("same_unit", [True, False], ids=["own-unit", "other-unit"])
@pytest.mark.parametrize(
    "action,state,extra,allowed,conflicts", CASES, ids=[f"{c[0]}-from-{c[1]}" for c in CASES]
)
def test_each_person_gets_exactly_the_outcome_the_rules_give(
    org, everyone, nomination_in, action, state, extra, allowed, conflicts, same_unit
):
    unit = "a" if same_unit else "b"
    people = everyone
    award = "chien-si-thi-dua-co-so" if state == State.COUNCIL_VOTE else "lao-dong-tien-tien"
    from tests.factories import nomination_in as drive

    got, want = {}, {}
    def make():
        n = drive(org, people, state, unit=unit, award_code=award)
        return backdate_clock(n, 30) if action in ESCALATIONS else n

    shared = make()
    for name in sorted(set(everyone) - {"reviewer2"}):
        user = everyone[name]
        # Seen from the nomination's unit: in unit B the outsiders are "own unit".
        role_view = name if same_unit else _mirror(name)
        want[name] = expected(role_view, state, allowed, conflicts, same_unit=True)
        n = make() if want[name] == 200 else shared
        records_before = AuditRecord.objects.count()
        refusals_before = SecurityEvent.objects.count()
        got[name] = attempt(action, n, user, extra, people)
        if got[name] != 200:
            assert AuditRecord.objects.count() == records_before, f"{name} changed the history"
            assert type(n).objects.get(pk=n.pk).state == state, f"{name} changed the state"
            if got[name] in (403, 404):
                assert SecurityEvent.objects.count() == refusals_before + 1
    assert got == want
