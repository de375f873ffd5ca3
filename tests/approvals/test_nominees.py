"""A nomination names a person of the proposing unit or a collective of it, once per award
and year (one achievement, one award)."""

import datetime

import pytest

from approvals.models import Nomination, Unit
from approvals.services import nomination_create, nomination_update
from approvals.states import State
from tests import factories
from tests.factories import award, member
from workflow.errors import Conflict, InvalidInput

pytestmark = pytest.mark.django_db


def create(org, people, *, code="lao-dong-tien-tien", unit="a", **nominee):
    staff = people["staff"] if unit == "a" else people["outsider_staff"]
    return nomination_create(user=staff, unit_id=org[unit].pk, campaign_id=org["campaign"].pk,
                             award_id=award(code).pk, **nominee)


def test_a_member_of_the_unit_is_nominated_with_the_campaigns_year_and_their_name(org, people):
    person = member(org["a"], "Trần Thị Bình")
    n = create(org, people, nominee_person_id=person.pk)
    assert (n.nominee_person, n.nominee_unit) == (person, None)
    assert n.nominee_name == "Trần Thị Bình" and n.year == org["campaign"].year
    assert n.nominee_title == person.position


def test_a_person_of_another_unit_is_refused_in_vietnamese(org, people):
    stranger = member(org["b"], "Người ngoài")
    with pytest.raises(InvalidInput) as refused:
        create(org, people, nominee_person_id=stranger.pk)
    assert "không công tác tại Đơn vị A" in refused.value.fields["nominee_person"][0]
    assert not Nomination.objects.exists()


def test_a_membership_that_ended_before_the_campaign_is_refused(org, people):
    before = org["campaign"].starts_on - datetime.timedelta(days=1)
    former = member(org["a"], "Đã chuyển công tác", until=before)
    with pytest.raises(InvalidInput):
        create(org, people, nominee_person_id=former.pk)


def test_a_membership_that_ends_during_the_campaign_is_enough(org, people):
    moved = member(org["a"], "Chuyển giữa đợt", until=org["campaign"].starts_on)
    assert create(org, people, nominee_person_id=moved.pk).nominee_person == moved


def test_a_collective_award_names_the_unit_itself_or_its_child(org, people):
    team = Unit.objects.create(code="to-1", name="Tổ 1", kind="office", parent=org["a"])
    own = create(org, people, code="tap-the-lao-dong-tien-tien", nominee_unit_id=org["a"].pk)
    child = create(org, people, code="tap-the-lao-dong-tien-tien", nominee_unit_id=team.pk)
    assert (own.nominee_unit, own.nominee_name) == (org["a"], "Đơn vị A")
    assert (child.nominee_unit, child.nominee_person) == (team, None)


def test_a_collective_outside_the_unit_is_refused(org, people):
    with pytest.raises(InvalidInput) as refused:
        create(org, people, code="tap-the-lao-dong-tien-tien", nominee_unit_id=org["b"].pk)
    assert "không thuộc Đơn vị A" in refused.value.fields["nominee_unit"][0]


def test_an_individual_award_needs_a_person_and_a_collective_award_a_unit(org, people):
    with pytest.raises(InvalidInput) as for_person:
        create(org, people, nominee_unit_id=org["a"].pk)
    assert "dành cho cá nhân" in for_person.value.fields["nominee_person"][0]
    with pytest.raises(InvalidInput) as for_unit:
        create(org, people, code="tap-the-lao-dong-tien-tien",
               nominee_person_id=member(org["a"]).pk)
    assert "dành cho tập thể" in for_unit.value.fields["nominee_unit"][0]


def test_naming_both_or_neither_is_refused(org, people):
    for nominee in ({}, {"nominee_person_id": member(org["a"]).pk,
                         "nominee_unit_id": org["a"].pk}):
        with pytest.raises(InvalidInput) as refused:
            create(org, people, **nominee)
        assert "chỉ một" in refused.value.fields["nominee_person"][0]


def test_a_second_live_nomination_for_the_same_award_and_year_names_the_first(org, people):
    person = member(org["a"], "Trần Thị Bình")
    first = create(org, people, nominee_person_id=person.pk)
    with pytest.raises(Conflict) as refused:
        create(org, people, nominee_person_id=person.pk)
    message = str(refused.value.message)
    assert f"#{first.pk}" in message and "Lao động tiên tiến" in message
    assert "một thành tích chỉ được đề nghị một hình thức khen thưởng" in message
    assert Nomination.objects.count() == 1


def test_the_same_person_may_be_nominated_for_another_award(org, people):
    person = member(org["a"])
    create(org, people, nominee_person_id=person.pk)
    other = create(org, people, code="chien-si-thi-dua-co-so", nominee_person_id=person.pk)
    assert other.nominee_person == person


def test_a_second_collective_nomination_is_refused_too(org, people):
    first = create(org, people, code="tap-the-lao-dong-tien-tien", nominee_unit_id=org["a"].pk)
    with pytest.raises(Conflict) as refused:
        create(org, people, code="tap-the-lao-dong-tien-tien", nominee_unit_id=org["a"].pk)
    assert f"#{first.pk}" in str(refused.value.message)


@pytest.mark.parametrize("state", [State.WITHDRAWN, State.REJECTED])
def test_after_a_withdrawal_or_a_rejection_the_person_may_be_nominated_again(
    org, people, state
):
    person = factories.qualify(member(org["a"]), org["campaign"].year)
    factories.nomination_in(org, people, state, person=person)
    assert create(org, people, nominee_person_id=person.pk).state == State.DRAFT


def test_the_unit_of_another_unit_may_not_nominate_the_same_person_twice_either(org, people):
    person = member(org["a"])  # moved to unit B this year: a member of both
    person.memberships.create(unit=org["b"], starts_on=org["campaign"].starts_on)
    create(org, people, nominee_person_id=person.pk)
    with pytest.raises(Conflict):
        create(org, people, unit="b", nominee_person_id=person.pk)


def test_editing_the_nominee_checks_the_unit_and_records_the_change(org, people, draft):
    other = member(org["a"], "Lê Văn Cường")
    n = nomination_update(user=people["staff"], nomination_id=draft.pk,
                          nominee_person_id=other.pk)
    assert (n.nominee_person, n.nominee_name) == (other, "Lê Văn Cường")
    record = n.history.filter(action="edit").get()
    assert set(record.data["changed"]) == {"nominee_person_id", "nominee_name"}
    with pytest.raises(InvalidInput):
        nomination_update(user=people["staff"], nomination_id=draft.pk,
                          nominee_person_id=member(org["b"]).pk)


def test_editing_into_a_duplicate_is_refused_naming_the_first(org, people):
    person = member(org["a"])
    first = create(org, people, nominee_person_id=person.pk)
    second = create(org, people, code="chien-si-thi-dua-co-so", nominee_person_id=person.pk)
    with pytest.raises(Conflict) as refused:
        nomination_update(user=people["staff"], nomination_id=second.pk,
                          award_id=first.award_id)
    assert f"#{first.pk}" in str(refused.value.message)
    assert Nomination.objects.get(pk=second.pk).award.code == "chien-si-thi-dua-co-so"
