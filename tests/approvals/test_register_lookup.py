"""The lookup (approvals/register_selectors.py): a person's and a collective's commendation
history across years, a search that ignores accents, and who may read the register."""

import datetime

import pytest

from approvals import register_selectors as rs
from approvals.access import get_collective_for_actor, get_person_for_actor, load_actor
from approvals.models import Award, PastAward, YearRating
from approvals.states import State
from tests.factories import member, nomination_in, qualify
from workflow.errors import NotFound, PermissionRefused


@pytest.fixture
def an(org):
    # Rated "excellent" in the campaign's year, so the law lets the proposals below through.
    person = member(org["a"], "Nguyễn Văn An")
    YearRating.objects.create(person=person, year=org["campaign"].year, rating="excellent",
                              months_worked=12)
    return person


def past(award_code, year, **recipient):
    return PastAward.objects.create(
        award=Award.objects.get(code=award_code), year=year, decision_number=f"{year}/QĐ-CT",
        decision_date=datetime.date(year + 1, 1, 15), decider="Cục trưởng", **recipient,
    )


def test_a_persons_history_holds_decided_nominations_and_past_awards_newest_first(
    org, people, an
):
    approved = nomination_in(org, people, State.APPROVED, person=an)
    nomination_in(org, people, State.SUBMITTED, person=an, award_code="chien-si-thi-dua-co-so")
    past("lao-dong-tien-tien", 2019, person=an)
    past("chien-si-thi-dua-co-so", 2021, person=an)
    history = rs.person_history(an)
    assert [(c.year, c.source) for c in history] == [
        (approved.year, "nomination"), (2021, "past_award"), (2019, "past_award"),
    ]
    assert history[0].nomination_id == approved.pk
    assert history[0].decision_number == approved.decision_number != ""
    assert history[2].decision_date == datetime.date(2020, 1, 15)
    assert history[2].decider == "Cục trưởng"


def test_a_collectives_history_holds_its_own_awards(org, people):
    qualify(member(org["a"], "Lê Thị Bình"), org["campaign"].year)  # its member holds LĐTT
    decided = nomination_in(org, people, State.APPROVED, award_code="tap-the-lao-dong-tien-tien")
    past("tap-the-lao-dong-tien-tien", 2020, unit=org["a"])
    past("tap-the-lao-dong-tien-tien", 2020, unit=org["b"])
    history = rs.collective_history(org["a"])
    assert [(c.year, c.source) for c in history] == [
        (decided.year, "nomination"), (2020, "past_award")
    ]


@pytest.mark.parametrize("typed", ["nguyen van an", "NGUYỄN VĂN AN", "van an", "Nguyễn Văn An"])
def test_the_search_ignores_accents_and_case(org, people, an, typed):
    member(org["a"], "Trần Thị Đào")
    found = rs.person_list(load_actor(people["reviewer"]), filters={"q": typed})
    assert [p.full_name for p in found] == ["Nguyễn Văn An"]


def test_d_finds_the_letter_đ(org, people):
    member(org["a"], "Phạm Minh Đức")
    found = rs.person_list(load_actor(people["reviewer"]), filters={"q": "duc"})
    assert [p.full_name for p in found] == ["Phạm Minh Đức"]
    units = rs.collective_list(load_actor(people["reviewer"]), q="don vi a")
    assert [u.code for u in units] == ["don-vi-a"]


def test_the_list_runs_a_fixed_number_of_queries(org, people, django_assert_max_num_queries):
    for i in range(12):
        person = member(org["a" if i % 2 else "b"], f"Lê Văn {i}")
        past("lao-dong-tien-tien", 2018 + i % 3, person=person)
    actor = load_actor(people["reviewer"])
    with django_assert_max_num_queries(2):
        rows = list(rs.person_list(actor))
    assert len(rows) == 12 and all(r.awards == 1 for r in rows)
    assert all(len(r.current_memberships) == 1 for r in rows)


def test_a_persons_profile_runs_a_fixed_number_of_queries(
    org, people, an, django_assert_max_num_queries
):
    for year in range(2015, 2025):
        past("lao-dong-tien-tien", year, person=an)
    nomination_in(org, people, State.APPROVED, person=an)
    with django_assert_max_num_queries(10):
        profile = rs.person_profile(an)
        assert profile.awards == 11
        assert [m.unit.code for m in profile.current_memberships] == ["don-vi-a"]
        assert [c.award.code for c in profile.history][:1] == ["lao-dong-tien-tien"]


def test_the_standing_reviewer_reads_and_edits_everyone(org, people, an):
    actor = load_actor(people["reviewer"])
    assert get_person_for_actor(actor, an.pk, edit=True) == an
    assert get_collective_for_actor(actor, org["b"].pk) == org["b"]


def test_unit_staff_read_their_own_units_people_and_change_nothing(org, people, an):
    staff = load_actor(people["staff"])
    assert get_person_for_actor(staff, an.pk) == an
    with pytest.raises(PermissionRefused):
        get_person_for_actor(staff, an.pk, edit=True)
    assert get_collective_for_actor(staff, org["a"].pk) == org["a"]
    outsider = load_actor(people["outsider_staff"])
    with pytest.raises(NotFound) as hidden:
        get_person_for_actor(outsider, an.pk)
    with pytest.raises(NotFound) as missing:
        get_person_for_actor(outsider, 10**9)
    assert str(hidden.value.message) == str(missing.value.message)
    with pytest.raises(NotFound):
        get_collective_for_actor(outsider, org["a"].pk)


def test_a_person_whose_membership_ended_is_no_longer_read_by_the_unit(org, people):
    gone = member(org["a"], "Võ Thị Hà", until=datetime.date(2020, 12, 31))
    with pytest.raises(NotFound):
        get_person_for_actor(load_actor(people["staff"]), gone.pk)
    assert get_person_for_actor(load_actor(people["reviewer"]), gone.pk) == gone


@pytest.mark.parametrize("name", ["director", "member", "secretary", "auditor", "liaison"])
def test_other_roles_do_not_read_the_register(org, people, an, name):
    actor = load_actor(people[name])
    with pytest.raises(NotFound):
        get_person_for_actor(actor, an.pk)
    assert not rs.person_list(actor).exists()
