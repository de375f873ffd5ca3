"""The rule sets: seeded as data, chosen by the campaign's submission deadline, their
parameters checked against the schema in code; the catalogue's rule families; the council's
thresholds; women first among equal candidates."""

import copy
import datetime

import pytest

from approvals.catalogue import AWARDS, ELIGIBILITY
from approvals.eligibility import CollectiveFacts, PersonFacts, ranked, women_first
from approvals.models import Award, Campaign, RuleSet
from approvals.rulesets import RULE_SETS, ParameterErrors, parse_parameters
from approvals.verdicts import rule_set_for

SEED = {seed["code"]: seed for seed in RULE_SETS}


def _campaign(deadline: datetime.date) -> Campaign:
    return Campaign.objects.create(
        code=f"dot-{deadline:%Y%m%d}", name="Đợt", kind="yearly", year=deadline.year,
        starts_on=deadline - datetime.timedelta(days=200), ends_on=deadline,
        submission_deadline=deadline,
    )


def test_the_migration_seeds_the_three_rule_sets_with_their_periods_and_parameters(db):
    rows = {r.code: r for r in RuleSet.objects.all()}
    assert set(rows) == {"R2018", "R2024", "R2025"}
    for code, seed in SEED.items():
        row = rows[code]
        assert (row.effective_from, row.effective_to) == (seed["effective_from"],
                                                          seed["effective_to"])
        assert row.parameters == seed["parameters"]
    assert rows["R2024"].effective_to == datetime.date(2025, 6, 30)
    assert rows["R2025"].effective_to is None


@pytest.mark.parametrize("deadline,code", [
    (datetime.date(2023, 12, 31), "R2018"),
    (datetime.date(2024, 1, 1), "R2024"),
    (datetime.date(2025, 6, 30), "R2024"),
    (datetime.date(2025, 7, 1), "R2025"),
    (datetime.date(2026, 12, 10), "R2025"),
])
def test_a_campaign_is_judged_by_the_rule_set_in_force_on_its_submission_deadline(
    db, deadline, code, django_assert_num_queries
):
    campaign = _campaign(deadline)
    with django_assert_num_queries(1):
        assert rule_set_for(campaign).code == code


def test_a_campaign_before_every_rule_set_has_none(db):
    assert rule_set_for(_campaign(datetime.date(2017, 12, 1))) is None


def test_the_configurable_figures_are_the_rule_sets_data_and_differ_as_the_law_did(db):
    old, now = (RuleSet.objects.get(code=c).params for c in ("R2018", "R2025"))
    assert (old.min_months_worked, now.min_months_worked) == (10, 6)
    assert (old.cstdcs_quota_percent, now.cstdcs_quota_percent) == (15, None)
    assert (old.initiative_mandatory_for_cstdcs, now.initiative_mandatory_for_cstdcs) == (
        True, False)
    assert (old.collective_ldtt["ttldtt"].percent, old.collective_ldtt["ttldtt"].strictly_more,
            now.collective_ldtt["ttldtt"].percent) == (50, True, 70)
    assert now.excluding_discipline_level["ldtt"] == "reprimand"
    assert now.excluding_discipline_level["ttldtt"] == "warning"


def test_an_edited_parameter_changes_the_verdict_without_a_code_change(db):
    row = RuleSet.objects.get(code="R2025")
    row.parameters["min_months_worked"] = 9
    row.save()
    assert RuleSet.objects.get(code="R2025").params.min_months_worked == 9


def _bad(**changes):
    params = copy.deepcopy(SEED["R2025"]["parameters"])
    for key, value in changes.items():
        if value is KeyError:
            del params[key]
        else:
            params[key] = value
    return params


@pytest.mark.parametrize("params,key,message", [
    (_bad(min_months_worked=13), "min_months_worked", "phải là một số từ 0 đến 12"),
    (_bad(min_months_worked="sáu"), "min_months_worked", "phải là một số từ 0 đến 12"),
    (_bad(cstdcs_quota_percent=0), "cstdcs_quota_percent", "phải là một số từ 1 đến 100"),
    (_bad(excluding_discipline_level={"ldtt": "slap"}), "excluding_discipline_level.ldtt",
     "phải là một trong"),
    (_bad(initiative_mandatory_for_cstdcs="yes"), "initiative_mandatory_for_cstdcs",
     "phải là true hoặc false"),
    (_bad(quorum={"numerator": 4, "denominator": 3}), "quorum", "tử số không được lớn hơn"),
    (_bad(citations={}), "citations.ldtt_rating", "cần căn cứ pháp lý"),
    (_bad(min_months_worked=KeyError), "min_months_worked", "thiếu tham số này"),
    (_bad(min_month_worked=6), "min_month_worked", "tham số không có trong lược đồ"),
    ([1, 2], "", "Tham số phải là một đối tượng JSON"),
])
def test_bad_parameters_are_refused_naming_the_parameter_in_vietnamese(params, key, message):
    with pytest.raises(ParameterErrors) as refused:
        parse_parameters(params)
    assert any(key in e and message in e for e in refused.value.errors), refused.value.errors


def test_every_award_of_the_catalogue_is_judged_by_its_family(db):
    families = dict(Award.objects.values_list("code", "eligibility"))
    assert set(families) == {a[0] for a in AWARDS}
    for code, family in families.items():
        assert family == ELIGIBILITY.get(code, "generic")
    assert families["chien-si-thi-dua-co-so"] == "cstdcs"
    assert families["giay-khen"] == "generic"


def test_council_thresholds_count_all_members_and_the_quorum_is_two_thirds():
    p = parse_parameters(SEED["R2025"]["parameters"])
    assert p.vote_passes(8, 10, "cstdcs") and not p.vote_passes(7, 10, "cstdcs")
    assert p.vote_passes(9, 10, "cstd_sector") and not p.vote_passes(8, 10, "cstd_sector")
    assert not p.vote_passes(8, 10, "generic", "anh-hung-lao-dong")
    assert p.quorum_met(6, 9) and not p.quorum_met(5, 9)


PARAMS = parse_parameters(SEED["R2025"]["parameters"])


def _people(women: int, men: int) -> CollectiveFacts:
    return CollectiveFacts("P", tuple(PersonFacts(f"N{i}", "female") for i in range(women))
                           + tuple(PersonFacts(f"M{i}", "male") for i in range(men)))


def test_among_equal_candidates_women_come_first_but_merit_comes_before():
    man, woman = PersonFacts("Trần Văn Nam", "male"), PersonFacts("Lê Thị Hoa", "female")
    order = ranked([(7, man), (7, woman), (9, man)], merit=lambda c: c[0],
                   nominee=lambda c: c[1], params=PARAMS)
    assert order == [(9, man), (7, woman), (7, man)]


def test_a_collective_comes_first_from_seventy_percent_women():
    assert women_first(_people(7, 3), PARAMS)
    assert not women_first(_people(6, 4), PARAMS)
    many, few = _people(7, 3), _people(2, 8)
    assert ranked([few, many], merit=lambda c: 0, nominee=lambda c: c,
                  params=PARAMS) == [many, few]
