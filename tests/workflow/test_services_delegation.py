"""Acting under a delegation: the substitute works the lent role's queue and the lender's held
tasks, inside the days and the role only, and every such action names both people."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from approvals.access import delegation_in_force, load_actor, load_actors, open_task
from approvals.delegations import delegation_cancel
from approvals.roles import Role
from approvals.selectors import absent_today, held_by_absent, inbox
from approvals.services import role_revoke
from approvals.states import State
from tests import factories
from tests.factories import delegate, person
from workflow import services
from workflow.errors import Conflict, NotFound, PermissionRefused
from workflow.models import AuditRecord

pytestmark = pytest.mark.usefixtures("consistent")


@pytest.fixture
def lender(org):
    """Trần Thị Bình holds two roles for the whole body: she lends the reviewer's only."""
    return person("tt.binh", (Role.STANDING_REVIEWER, None), (Role.DIRECTOR, None),
                  first_name="Bình", last_name="Trần Thị")


@pytest.fixture
def substitute(org):
    return person("nv.an", first_name="An", last_name="Nguyễn Văn")


@pytest.fixture
def held(org, people, lender):
    """A review the lender claimed."""
    n = factories.nomination_in(org, people, State.SUBMITTED)
    return services.nomination_claim(user=lender, nomination_id=n.pk)


def ids(qs) -> set[int]:
    return set(qs.values_list("pk", flat=True))


def test_the_substitute_sees_the_lent_roles_queue_and_the_lenders_held_work_in_their_inbox(
    org, people, lender, substitute, held, nomination_in
):
    queued = nomination_in(State.SUBMITTED)
    deciding = nomination_in(State.AWAITING_DIRECTOR)  # the lender's other role: not lent
    actor = load_actor(substitute)
    assert ids(inbox(actor, tab="queue")) == set() and ids(inbox(actor, tab="mine")) == set()
    delegate(lender, substitute, Role.STANDING_REVIEWER, days=(0, 2))
    actor = load_actor(substitute)
    assert queued.pk in ids(inbox(actor, tab="queue"))
    assert deciding.pk not in ids(inbox(actor, tab="queue"))
    assert ids(inbox(actor, tab="mine")) == {held.pk}


def test_the_substitute_acts_on_the_lenders_held_review_and_the_record_names_both(
    lender, substitute, held
):
    made = delegate(lender, substitute, Role.STANDING_REVIEWER)
    n = services.nomination_recommend(user=substitute, nomination_id=held.pk, to="director",
                                      comment="Đủ điều kiện")
    assert n.state == State.AWAITING_DIRECTOR
    record = AuditRecord.objects.filter(nomination=n).last()
    assert (record.action, record.actor, record.actor_role) == (
        "recommend", substitute, Role.STANDING_REVIEWER
    )
    assert (record.on_behalf_of, record.on_behalf_of_username) == (lender, "tt.binh")
    assert record.data["delegation"] == made.pk


def test_a_review_claimed_for_the_lender_is_the_lenders_when_she_is_back(
    org, people, lender, substitute, nomination_in
):
    n = nomination_in(State.SUBMITTED)
    delegate(lender, substitute, Role.STANDING_REVIEWER)
    services.nomination_claim(user=substitute, nomination_id=n.pk)
    assert open_task(n).owner == lender
    record = AuditRecord.objects.filter(nomination=n).last()
    assert (record.actor, record.on_behalf_of) == (substitute, lender)
    # Her own action carries no delegation.
    services.nomination_release(user=lender, nomination_id=n.pk)
    assert AuditRecord.objects.filter(nomination=n).last().on_behalf_of_username == ""


def test_the_substitute_is_refused_before_the_days_begin(lender, substitute, held, clock):
    delegate(lender, substitute, Role.STANDING_REVIEWER, days=(1, 3))
    with pytest.raises(NotFound):
        services.nomination_release(user=substitute, nomination_id=held.pk)
    clock(days=1)
    assert services.nomination_release(user=substitute, nomination_id=held.pk).state == (
        State.SUBMITTED
    )


def test_the_substitute_is_refused_after_the_last_day(lender, substitute, held, clock):
    delegate(lender, substitute, Role.STANDING_REVIEWER, days=(0, 1))
    clock(days=1)  # the last day: still in force
    assert load_actor(substitute).delegations
    clock(days=2)
    with pytest.raises(NotFound):
        services.nomination_release(user=substitute, nomination_id=held.pk)
    assert open_task(held).owner == lender


def test_the_days_are_those_of_ho_chi_minh_city(lender, substitute, clock):
    start = datetime.date(2026, 3, 10)
    clock.at(datetime.datetime(2026, 3, 8, 9, 0, tzinfo=datetime.UTC))
    delegate(lender, substitute, Role.STANDING_REVIEWER, days=(2, 2))
    # 17:30 UTC on the 9th is already 00:30 on the 10th in Asia/Ho_Chi_Minh.
    clock.at(datetime.datetime(2026, 3, 9, 16, 59, tzinfo=datetime.UTC))
    assert timezone.localdate() < start and not load_actor(substitute).delegations
    clock.at(datetime.datetime(2026, 3, 9, 17, 30, tzinfo=datetime.UTC))
    assert timezone.localdate() == start and load_actor(substitute).delegations


def test_the_substitute_is_refused_the_lenders_other_role(
    lender, substitute, nomination_in
):
    n = nomination_in(State.AWAITING_DIRECTOR)
    services.nomination_claim(user=lender, nomination_id=n.pk)  # as the Director
    delegate(lender, substitute, Role.STANDING_REVIEWER)
    with pytest.raises(PermissionRefused):
        services.nomination_approve(user=substitute, nomination_id=n.pk,
                                    decision_number="1/QĐ", decision_date=timezone.localdate())
    with pytest.raises(Conflict):  # the lent reviewer's role has no say at this stage
        services.nomination_release(user=substitute, nomination_id=n.pk)
    assert open_task(n).owner == lender
    assert n.pk not in ids(inbox(load_actor(substitute), tab="mine"))


def test_the_substitute_is_refused_once_the_delegation_is_cancelled(lender, substitute, held):
    made = delegate(lender, substitute, Role.STANDING_REVIEWER, days=(0, 5))
    delegation_cancel(user=lender, delegation_id=made.pk)
    assert not load_actor(substitute).delegations
    with pytest.raises(NotFound):
        services.nomination_release(user=substitute, nomination_id=held.pk)


def test_a_delegation_cancelled_after_the_substitute_was_loaded_is_refused_under_the_lock(
    lender, substitute
):
    made = delegate(lender, substitute, Role.STANDING_REVIEWER)
    [lent] = load_actor(substitute).delegations
    delegation_cancel(user=lender, delegation_id=made.pk)
    with pytest.raises(PermissionRefused):
        delegation_in_force(lent, for_update=True)


def test_a_delegation_lends_no_more_than_the_lender_still_holds(lender, substitute, held):
    delegate(lender, substitute, Role.STANDING_REVIEWER)
    role_revoke(user=lender, role=Role.STANDING_REVIEWER)
    assert Role.STANDING_REVIEWER not in load_actor(substitute).roles
    with pytest.raises(NotFound):
        services.nomination_release(user=substitute, nomination_id=held.pk)


def test_a_unit_role_lent_for_the_unit_drafts_for_the_lender(org, people, substitute):
    delegate(people["staff"], substitute, Role.UNIT_STAFF, unit=org["a"])
    n = factories.new_draft(org, {**people, "staff": substitute})
    record = AuditRecord.objects.get(nomination=n, action="create")
    assert (record.actor, record.on_behalf_of, record.actor_role) == (
        substitute, people["staff"], Role.UNIT_STAFF
    )
    with pytest.raises(PermissionRefused):
        factories.new_draft(org, {**people, "outsider_staff": substitute}, unit="b")


def test_work_held_by_someone_away_today_is_flagged_in_one_query(
    people, lender, substitute, held, nomination_in
):
    other = nomination_in(State.IN_REVIEW)  # held by the base reviewer, who is here
    reviewer = load_actor(people["reviewer"])
    assert ids(held_by_absent(reviewer)) == set()
    delegate(lender, substitute, Role.STANDING_REVIEWER, days=(0, 1))
    with CaptureQueriesContext(connection) as ctx:
        flagged = ids(held_by_absent(reviewer))
    assert flagged == {held.pk} and other.pk not in flagged and len(ctx) == 1
    assert absent_today([lender.pk, people["reviewer"].pk]) == {lender.pk}


def test_loading_many_substitutes_takes_one_query_once_the_role_map_is_read(org, lender):
    substitutes = [person(f"thay-{i}") for i in range(12)]
    for i, s in enumerate(substitutes):
        delegate(lender, s, Role.STANDING_REVIEWER, unit=org["a"] if i % 2 else org["b"],
                 days=(i, i))
    load_actors([lender])
    with CaptureQueriesContext(connection) as ctx:
        actors = load_actors(substitutes)
    assert len(ctx) == 1
    # Today only the first lends (for unit B): the others start on later days.
    assert actors[substitutes[0].pk].scopes == {Role.STANDING_REVIEWER: frozenset({org["b"].pk})}
    assert all(not actors[s.pk].scopes for s in substitutes[1:])
