"""The candidates' ranking for an award in a campaign: merit (the council's votes) first;
among otherwise equal candidates, women and collectives of at least 70 % women first (Law
06/2022/QH15 Art. 5), on the page, in the API, in a fixed number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from approvals.access import load_actor
from approvals.models import Person, RuleSet, Unit
from approvals.ranking import candidate_ranking
from approvals.states import State
from approvals.verdicts import rule_set_for
from tests import factories
from tests.factories import award, member, nomination_in, qualify
from workflow.errors import NotFound

F, M = Person.Gender.FEMALE, Person.Gender.MALE
LDTT, CSTDCS, TTLDTT = "lao-dong-tien-tien", "chien-si-thi-dua-co-so", "tap-the-lao-dong-tien-tien"


def proposed(org, people, name, gender, *, code=LDTT, unit="a", state=State.SUBMITTED):
    person = qualify(member(org[unit], name, gender=gender), org["campaign"].year)
    return nomination_in(org, people, state, award_code=code, unit=unit, person=person)


def ranking(user, org, code=LDTT):
    return candidate_ranking(load_actor(user), campaign_id=org["campaign"].pk,
                             award_id=award(code).pk)


def order(result):
    return [c.nomination.nominee_name for c in result.candidates]


def voted(people, n, votes_for):
    return factories.council_decide(people, [n], yes=votes_for,
                                    term=factories.council_term(people, size=9))[0]


def man_and_woman_voted(org, people, *, man, woman):
    """A man of unit A and a woman of unit B, both proposed for CSTĐCS, voted on by the council."""
    pair = (("Lê Văn Cường", M, "a", man), ("Phạm Thị Dung", F, "b", woman))
    for name, gender, unit, yes in pair:
        voted(people, proposed(org, people, name, gender, code=CSTDCS, unit=unit,
                               state=State.COUNCIL_VOTE), yes)


def team(org, code, women, men):
    """A sub-unit of unit A whose members all hold LĐTT of the year (TTLĐTT's 70 %)."""
    unit = Unit.objects.create(code=code, name=f"Tổ {code}", kind="office", parent=org["a"])
    for i in range(women + men):
        qualify(member(unit, f"Thành viên {code} {i}", gender=F if i < women else M),
                org["campaign"].year)
    return unit


def test_among_candidates_without_votes_a_woman_comes_before_a_man_who_was_proposed_first(
    org, people
):
    proposed(org, people, "Nguyễn Văn Bình", M)
    proposed(org, people, "Trần Thị Mai", F)
    result = ranking(people["reviewer"], org)
    assert order(result) == ["Trần Thị Mai", "Nguyễn Văn Bình"]
    assert [(c.position, c.women_first, c.raised) for c in result.candidates] == [
        (1, True, True), (2, False, False)]
    rule_set = rule_set_for(org["campaign"])
    assert (result.rule_set, result.citation) == (rule_set.code, rule_set.params.citation(
        "women_first"))
    assert "Luật TĐKT 2022, Điều 5" in result.citation


def test_more_votes_come_before_the_women_first_priority(org, people):
    man_and_woman_voted(org, people, man=9, woman=8)
    result = ranking(people["secretary"], org, CSTDCS)
    assert order(result) == ["Lê Văn Cường", "Phạm Thị Dung"]
    assert [(c.votes_for, c.votes_total, c.raised) for c in result.candidates] == [
        (9, 9, False), (8, 9, False)]


def test_with_as_many_votes_the_woman_is_placed_first_and_the_page_says_why(
    org, people, client
):
    man_and_woman_voted(org, people, man=8, woman=8)
    assert order(ranking(people["secretary"], org, CSTDCS)) == ["Phạm Thị Dung", "Lê Văn Cường"]
    client.force_login(people["secretary"])
    page = client.get("/ranking/", {"campaign": org["campaign"].pk, "award": award(CSTDCS).pk})
    html = page.content.decode()
    assert page.status_code == 200
    assert html.index("Phạm Thị Dung") < html.index("Lê Văn Cường")
    assert html.count('data-testid="raised"') == 1
    assert "Xếp trên người ngang phiếu nhờ ưu tiên nữ" in html
    assert "8/9" in html


def test_a_collective_of_seventy_percent_women_comes_first_and_one_of_sixty_does_not(
    org, people
):
    sixty, seventy = team(org, "to-sau-muoi", 6, 4), team(org, "to-bay-muoi", 7, 3)
    for unit in (sixty, seventy):
        nomination_in(org, people, State.SUBMITTED, award_code=TTLDTT, collective=unit)
    result = ranking(people["reviewer"], org, TTLDTT)
    assert order(result) == ["Tổ to-bay-muoi", "Tổ to-sau-muoi"]
    assert [(c.women, c.members, c.women_first) for c in result.candidates] == [
        (7, 10, True), (6, 10, False)]


def test_the_collectives_share_is_the_rule_sets_data_an_administrator_edits(org, people):
    sixty = team(org, "to-sau-muoi", 6, 4)
    first = team(org, "to-truoc", 3, 7)
    for unit in (first, sixty):
        nomination_in(org, people, State.SUBMITTED, award_code=TTLDTT, collective=unit)
    assert order(ranking(people["reviewer"], org, TTLDTT)) == ["Tổ to-truoc", "Tổ to-sau-muoi"]
    row = RuleSet.objects.get(code=rule_set_for(org["campaign"]).code)
    row.parameters["women_first_collective_percent"] = 60
    row.save()
    assert order(ranking(people["reviewer"], org, TTLDTT)) == ["Tổ to-sau-muoi", "Tổ to-truoc"]


def test_drafts_and_withdrawn_or_rejected_nominations_are_not_candidates(org, people):
    proposed(org, people, "Đỗ Thị Hoa", F, state=State.DRAFT)
    proposed(org, people, "Vũ Thị Lan", F, state=State.WITHDRAWN)
    proposed(org, people, "Bùi Thị Ngọc", F, state=State.REJECTED)
    proposed(org, people, "Hồ Văn Phúc", M, state=State.APPROVED)
    assert order(ranking(people["reviewer"], org)) == ["Hồ Văn Phúc"]


def test_a_unit_head_ranks_only_the_candidates_they_may_see(org, people):
    proposed(org, people, "Ngô Văn Quang", M, unit="a")
    proposed(org, people, "Đinh Thị Sen", F, unit="b")
    assert order(ranking(people["head"], org)) == ["Ngô Văn Quang"]
    assert order(ranking(people["reviewer"], org)) == ["Đinh Thị Sen", "Ngô Văn Quang"]


def test_the_ranking_takes_the_same_queries_for_two_candidates_as_for_six(org, people):
    actor, campaign, chosen = load_actor(people["reviewer"]), org["campaign"], award(TTLDTT)

    def count():
        with CaptureQueriesContext(connection) as queries:
            candidate_ranking(actor, campaign_id=campaign.pk, award_id=chosen.pk)
        return len(queries)

    for i in range(2):
        nomination_in(org, people, State.SUBMITTED, award_code=TTLDTT,
                      collective=team(org, f"to-{i}", 2, 1))
    two = count()
    for i in range(2, 6):
        nomination_in(org, people, State.SUBMITTED, award_code=TTLDTT,
                      collective=team(org, f"to-{i}", 1, 2))
    assert count() == two <= 5


def test_an_unknown_campaign_or_award_is_not_found(org, people):
    with pytest.raises(NotFound, match="đợt thi đua"):
        candidate_ranking(load_actor(people["reviewer"]), campaign_id=10**9,
                          award_id=award().pk)
    with pytest.raises(NotFound, match="danh hiệu"):
        candidate_ranking(load_actor(people["reviewer"]), campaign_id=org["campaign"].pk,
                          award_id=10**9)


def test_the_page_asks_for_a_campaign_and_an_award_in_vietnamese(org, people, client):
    client.force_login(people["reviewer"])
    empty = client.get("/ranking/")
    assert empty.status_code == 200 and 'data-testid="ranking"' not in empty.content.decode()
    bad = client.get("/ranking/", {"campaign": "abc", "award": ""})
    assert bad.status_code == 400
    said = bad.content.decode()
    assert "Chọn đợt thi đua trong danh sách." in said and said.count('role="alert"') == 1
    assert "Chọn danh hiệu hoặc hình thức" in said
    missing = client.get("/ranking/", {"campaign": 10**9, "award": award().pk})
    assert missing.status_code == 404 and "Không có đợt thi đua này." in missing.content.decode()


def test_the_api_gives_the_same_order_with_the_counts(org, people, client):
    proposed(org, people, "Nguyễn Văn Bình", M)
    woman = proposed(org, people, "Trần Thị Mai", F)
    client.force_login(people["reviewer"])
    answer = client.get("/api/v1/ranking/", {"campaign": org["campaign"].pk,
                                             "award": award().pk})
    assert answer.status_code == 200
    body = answer.json()
    assert body["award"] == LDTT and body["rule_set"]
    assert [(c["position"], c["nomination"], c["women_first"]) for c in body["candidates"]][0] \
        == (1, woman.pk, True)
    refused = client.get("/api/v1/ranking/", {"campaign": "x", "award": award().pk})
    assert refused.status_code == 400
