"""The facts the rules read come from one statement: every kind of record of a person, in
the models' own orderings, the live nominations as titles (the judged one left out, a
withdrawn one not counted), the open pending cases only; a collective's members by name."""

import datetime
from decimal import Decimal

from approvals.eligibility import (
    DisciplineFact,
    PendingCaseFact,
    PersonFacts,
    TitleFact,
    WorkFact,
    YearFacts,
)
from approvals.models import (
    Discipline,
    Initiative,
    Membership,
    Nomination,
    PastAward,
    PendingCase,
    Person,
    ResearchProject,
    YearRating,
)
from approvals.states import State
from approvals.verdicts import Nominee, case_for, persons_facts
from tests import factories

D = datetime.date


def _a_person_with_every_record(org, people):
    year = org["campaign"].year
    person = factories.qualify(factories.member(org["a"], "Lê Thị Cúc",
                                                gender="female"), year)
    YearRating.objects.create(person=person, year=year - 1, rating="good",
                              months_worked=Decimal("10.5"), maternity_months=Decimal("1.5"))
    Initiative.objects.create(person=person, title="Sáng kiến A", level="unit", year=year - 1)
    Initiative.objects.create(person=person, title="Sáng kiến B", level="sector", year=year)
    ResearchProject.objects.create(person=person, title="Đề tài C", level="unit",
                                   accepted_year=year - 2)
    Discipline.objects.create(person=person, level="reprimand", decision_ref="1/QĐ-KL",
                              effective_from=D(2019, 3, 1), effective_to=D(2020, 3, 1))
    Discipline.objects.create(person=person, level="warning", decision_ref="2/QĐ-KL",
                              effective_from=D(2021, 5, 1), effective_to=D(2022, 5, 1))
    PendingCase.objects.create(person=person, kind="inspection", opened_on=D(2026, 2, 3))
    PendingCase.objects.create(person=person, kind="complaint", opened_on=D(2025, 1, 2),
                               closed_on=D(2025, 6, 1))
    PastAward.objects.create(person=person, award=factories.award("giay-khen"), year=year - 2,
                             decision_number="3/QĐ", decision_date=D(year - 2, 12, 1),
                             decider="Giám đốc")
    judged = factories.new_draft(org, people, person=person)
    live = factories.new_draft(org, people, award_code="giay-khen", person=person)
    approved = factories.new_draft(org, people, award_code="chien-si-thi-dua-co-so",
                                   person=person)
    upward = factories.new_draft(org, people, award_code="bang-khen-chu-tich-tinh",
                                 person=person)
    withdrawn = factories.new_draft(org, people, award_code="bang-khen-thu-tuong",
                                    person=person)
    Nomination.objects.filter(pk=live.pk).update(state=State.IN_REVIEW)
    Nomination.objects.filter(pk__in=[approved.pk, upward.pk]).update(state=State.APPROVED)
    Nomination.objects.filter(pk=withdrawn.pk).update(state=State.WITHDRAWN)
    return person, judged


def test_a_persons_facts_hold_every_record_in_order_from_one_query(
        org, people, django_assert_num_queries):
    person, judged = _a_person_with_every_record(org, people)
    year, kind = org["campaign"].year, org["campaign"].kind
    with django_assert_num_queries(1):
        (facts,) = persons_facts([person.pk], excluding=judged.pk)
    assert facts == PersonFacts(
        name="Lê Thị Cúc",
        gender="female",
        years={year: YearFacts(year, "excellent", Decimal(12), Decimal(0)),
               year - 1: YearFacts(year - 1, "good", Decimal("10.5"), Decimal("1.5"))},
        titles=(
            TitleFact("ldtt", year, "yearly", True, "lao-dong-tien-tien"),
            TitleFact("generic", year - 2, "yearly", True, "giay-khen"),
            # The newest nomination first; the upward award is approved, not yet conferred.
            TitleFact("generic", year, kind, False, "bang-khen-chu-tich-tinh"),
            TitleFact("cstdcs", year, kind, True, "chien-si-thi-dua-co-so"),
            TitleFact("generic", year, kind, False, "giay-khen"),
        ),
        works=(
            WorkFact("initiative", "sector", year, "Sáng kiến B"),
            WorkFact("initiative", "unit", year - 1, "Sáng kiến A"),
            WorkFact("research", "unit", year - 2, "Đề tài C"),
        ),
        disciplines=(
            DisciplineFact("warning", D(2021, 5, 1), D(2022, 5, 1), "2/QĐ-KL"),
            DisciplineFact("reprimand", D(2019, 3, 1), D(2020, 3, 1), "1/QĐ-KL"),
        ),
        pending_cases=(PendingCaseFact("inspection", D(2026, 2, 3), "Đang thanh tra, kiểm tra"),),
        person_id=person.pk,
    )


def test_the_judged_nomination_is_a_title_only_when_not_excluded(org, people):
    person, judged = _a_person_with_every_record(org, people)
    (without,) = persons_facts([person.pk], excluding=judged.pk)
    (with_it,) = persons_facts([person.pk])
    assert len(with_it.titles) == len(without.titles) + 1
    assert TitleFact("ldtt", judged.year, judged.campaign.kind, False,
                     "lao-dong-tien-tien") in with_it.titles


def test_a_person_without_records_has_empty_facts_and_an_unknown_one_none(org):
    person = factories.member(org["a"], "Đỗ Văn Em")
    assert persons_facts([person.pk]) == [PersonFacts(name="Đỗ Văn Em", gender="male",
                                                      person_id=person.pk)]
    assert persons_facts([person.pk + 1000]) == []
    assert persons_facts([]) == []


def test_a_collectives_members_are_judged_by_name_from_a_fixed_number_of_queries(
        org, people, django_assert_num_queries):
    year = org["campaign"].year
    for name in ("Vũ Văn Giang", "Bùi Thị Hoa", "Ngô Văn Khánh"):
        factories.qualify(factories.member(org["a"], name), year)
    award = factories.award("tap-the-lao-dong-tien-tien")
    with django_assert_num_queries(3):  # the unit, its members, their facts
        case = case_for(award=award, campaign=org["campaign"],
                        nominee=Nominee(unit_id=org["a"].pk), proposing_unit_id=org["a"].pk)
    members = Person.objects.filter(
        pk__in=Membership.objects.filter(unit=org["a"]).values("person_id"))
    assert [m.name for m in case.nominee.members] == [
        p.full_name for p in members.order_by("full_name", "id")]
    assert all(m.years[year].rating == "excellent" for m in case.nominee.members
               if m.name in ("Vũ Văn Giang", "Bùi Thị Hoa", "Ngô Văn Khánh"))
