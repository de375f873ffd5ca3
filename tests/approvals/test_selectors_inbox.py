"""The "Của tôi" (mine) tab: what is mine to act on, counted the way it is listed."""

from django.contrib.auth import get_user_model

from approvals.access import load_actor, load_actors
from approvals.roles import Role
from approvals.selectors import TABS, inbox, inbox_counts, inbox_counts_many
from approvals.services import role_grant
from approvals.states import State
from tests.factories import PASSWORD


def mine(person) -> list:
    return list(inbox(load_actor(person), tab="mine").values_list("pk", flat=True))


def test_a_returned_nomination_is_in_its_unit_staff_and_heads_own_tab(people, nomination_in):
    n = nomination_in(State.RETURNED)
    assert n.pk in mine(people["staff"]) and n.pk in mine(people["head"])


def test_a_returned_nomination_is_not_in_the_tab_of_another_units_staff(people, nomination_in):
    n = nomination_in(State.RETURNED)
    assert n.pk not in mine(people["outsider_staff"])
    assert n.pk not in mine(people["outsider_head"])


def test_the_unit_sees_its_drafts_there_too_but_not_what_it_has_submitted(people, nomination_in):
    draft = nomination_in(State.DRAFT)
    nomination_in(State.SUBMITTED)
    assert mine(people["staff"]) == [draft.pk]


def test_a_reviewer_has_there_only_what_they_claimed(people, nomination_in):
    nomination_in(State.RETURNED)
    claimed = nomination_in(State.IN_REVIEW)
    assert mine(people["reviewer"]) == [claimed.pk]


def test_the_counts_match_each_tab_for_the_unit_and_for_the_others(org, people, nomination_in):
    nomination_in(State.RETURNED)
    nomination_in(State.DRAFT)
    nomination_in(State.IN_REVIEW)
    nomination_in(State.RETURNED, unit="b")
    second = get_user_model().objects.create_user(username="staff2", password=PASSWORD)
    role_grant(user=second, role=Role.UNIT_STAFF, unit=org["a"])
    actors = load_actors([*people.values(), second])
    counts = inbox_counts_many(list(actors.values()))
    for user_id, actor in actors.items():
        listed = {tab: inbox(actor, tab=tab).count() for tab in TABS}
        assert counts[user_id] == listed, actor.user.username
    assert counts[people["staff"].pk]["mine"] == 2
    assert counts[people["outsider_staff"].pk]["mine"] == 1


def test_counting_the_tab_takes_the_same_queries_for_one_or_many_unit_proposals(
    people, nomination_in, django_assert_num_queries
):
    nomination_in(State.RETURNED)
    actor = load_actor(people["staff"])
    with django_assert_num_queries(1):  # the tallies (approvals/tallies.py)
        one = inbox_counts(actor)
    for _ in range(5):
        nomination_in(State.RETURNED)
    with django_assert_num_queries(1):
        six = inbox_counts(actor)
    assert (one["mine"], six["mine"]) == (1, 6)
    with django_assert_num_queries(1):
        assert len(list(inbox(actor, tab="mine"))) == 6

