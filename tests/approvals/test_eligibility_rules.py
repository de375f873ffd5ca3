"""The law's rules, table-driven: every rule under every rule set, both sides, each case
naming the article its check must cite. The parameters are the seeded rule sets' own
(approvals/rulesets.py RULE_SETS, the data the migration loads)."""

import datetime
from decimal import Decimal

import pytest

from approvals.eligibility import (
    Case,
    CollectiveFacts,
    DisciplineFact,
    Outcome,
    PendingCaseFact,
    PersonFacts,
    QuotaFacts,
    TitleFact,
    WorkFact,
    YearFacts,
    judge,
)
from approvals.rulesets import RULE_SETS, parse_parameters

PARAMS = {seed["code"]: parse_parameters(seed["parameters"]) for seed in RULE_SETS}
# A year judged under each rule set.
YEAR = {"R2018": 2022, "R2024": 2024, "R2025": 2025}
L03, L22 = "Luật TĐKT 2003 (sửa đổi 2013)", "Luật TĐKT 2022"
D91, D98, D152 = "Nghị định 91/2017/NĐ-CP", "Nghị định 98/2023/NĐ-CP", "Nghị định 152/2025/NĐ-CP"
P18, P24 = f"{L03}, Điều 6; {D91}", f"{L22}, Điều 5; {D98}"
P25 = f"{L22}, Điều 5; {D152}, Điều 4"
PASS, FAIL, SOFT, DEFER = Outcome.PASS, Outcome.FAIL, Outcome.SOFT_FAIL, Outcome.DEFER


def person(y, *, rating="good", months=12, maternity=0, ratings=None, titles=(), works=(),
           disciplines=(), pending=(), gender="male", name="Nguyễn Văn An"):
    years = {y: YearFacts(y, rating, Decimal(months), Decimal(maternity))}
    for year, r in (ratings or {}).items():
        years[year] = YearFacts(year, r)
    return PersonFacts(name=name, gender=gender, years=years, titles=tuple(titles),
                       works=tuple(works), disciplines=tuple(disciplines),
                       pending_cases=tuple(pending))


def title(family, year, *, kind="yearly", conferred=True):
    return TitleFact(family, year, kind, conferred)


def work(level, year, kind="initiative"):
    return WorkFact(kind, level, year, f"Sáng kiến {year}")


def discipline(level, start, end):
    return DisciplineFact(level, start, end, "12/QĐ-KL")


def collective(y, ldtt=0, others=0, *, cstdcs=0, proposed=0, rating="good", disciplined=None,
               pending=False):
    """`ldtt` members holding LĐTT (the first `cstdcs` of them CSTĐCS too), `proposed` with
    LĐTT proposed, `others` without; `disciplined`: a level given to one more member."""
    members = []
    for i in range(ldtt):
        titles = [title("ldtt", y)] + ([title("cstdcs", y)] if i < cstdcs else [])
        members.append(person(y, rating=rating, titles=titles, name=f"TV{i}"))
    members += [person(y, titles=[title("ldtt", y, conferred=False)], name=f"ĐN{i}")
                for i in range(proposed)]
    members += [person(y, rating="completed", name=f"K{i}") for i in range(others)]
    if disciplined:
        members.append(person(y, disciplines=[discipline(
            disciplined, datetime.date(y, 3, 1), datetime.date(y, 9, 1))], name="KL"))
    if pending:
        members.append(person(y, pending=[PendingCaseFact("discipline", datetime.date(y, 5, 1))],
                              name="CX"))
    return CollectiveFacts("Phòng A", tuple(members))


CASES = []


def case(rule_set, family, build, check, outcome, article, id, **extra):
    CASES.append(pytest.param(rule_set, family, build, check, outcome, article, extra,
                              id=f"{rule_set}-{family}-{id}"))


# --- LĐTT: months worked (10 under 91/2017, 6 now; maternity counts as worked) -----------
for rs, low, article in (("R2018", 10, f"{L03}, Điều 24; {D91}"),
                         ("R2024", 6, f"{L22}, Điều 24; Thông tư 01/2024/TT-BNV"),
                         ("R2025", 6, f"{L22}, Điều 24; {D152}, Điều 4(5)")):
    case(rs, "ldtt", lambda y, m=low: person(y, months=m), "months_worked", PASS, article,
         f"months-{low}-pass")
    case(rs, "ldtt", lambda y, m=low: person(y, months=m - 1), "months_worked", FAIL, article,
         f"months-{low - 1}-fail")
    case(rs, "ldtt", lambda y, m=low: person(y, months=m - 2, maternity=2), "months_worked",
         PASS, article, "maternity-counts-as-worked")
case("R2025", "cstdcs", lambda y: person(y, months=3, maternity=1, titles=[title("ldtt", y)]),
     "months_worked", FAIL, f"{L22}, Điều 24; {D152}, Điều 4(5)", "cstdcs-months-fail")

# --- LĐTT: rating "completed well" or better; discipline in the year ------------------------
for rs, law, decree in (("R2018", L03, D91), ("R2024", L22, D98),
                        ("R2025", L22, f"{D152}, Điều 4")):
    y = YEAR[rs]
    case(rs, "ldtt", lambda y: person(y, rating="good"), "ldtt_rating", PASS,
         f"{law}, Điều 24", "rating-good-pass")
    case(rs, "ldtt", lambda y: person(y, rating="completed"), "ldtt_rating", FAIL,
         f"{law}, Điều 24", "rating-completed-fail")
    case(rs, "ldtt", lambda y: person(y, disciplines=[discipline(
        "reprimand", datetime.date(y, 2, 1), datetime.date(y, 8, 1))]), "discipline_in_year",
        FAIL, f"{law}, Điều 24; {decree}", "reprimand-in-year-fail")
    case(rs, "ldtt", lambda y: person(y, disciplines=[discipline(
        "warning", datetime.date(y - 2, 2, 1), datetime.date(y - 1, 8, 1))]),
        "discipline_in_year", PASS, f"{law}, Điều 24; {decree}", "discipline-ended-before-pass")

# --- pending cases defer (they never reject) ----------------------------------------------
for rs, article in (("R2018", P18), ("R2024", P24), ("R2025", P25)):
    case(rs, "ldtt", lambda y: person(y, pending=[PendingCaseFact(
        "inspection", datetime.date(y, 10, 1))]), "pending_case", DEFER, article,
        "pending-inspection-defers")
    case(rs, "generic", lambda y: person(y), "pending_case", PASS, article, "no-case-passes")
case("R2025", "cstd_sector", lambda y: person(y, pending=[PendingCaseFact(
    "complaint", datetime.date(y, 4, 1))]), "pending_case", DEFER, P25, "sector-complaint-defers")

# --- CSTĐCS: LĐTT the same year, one route, the quota ----------------------------------------
for rs, law in (("R2018", L03), ("R2024", L22), ("R2025", L22)):
    art = f"{law}, Điều 23"
    case(rs, "cstdcs", lambda y: person(y, titles=[title("ldtt", y)]), "cstdcs_ldtt", PASS, art,
         "ldtt-held-pass")
    case(rs, "cstdcs", lambda y: person(y, titles=[title("ldtt", y - 1)]), "cstdcs_ldtt", FAIL,
         art, "ldtt-other-year-fail")
case("R2025", "cstdcs", lambda y: person(y, titles=[title("ldtt", y, conferred=False)]),
     "cstdcs_ldtt", SOFT, f"{L22}, Điều 23", "ldtt-proposed-same-round-soft")
case("R2024", "cstdcs", lambda y: person(y, titles=[title("ldtt", y, kind="thematic")]),
     "cstdcs_ldtt", FAIL, f"{L22}, Điều 23", "ldtt-thematic-does-not-count")
# Under 91/2017 an initiative was mandatory: an excellent rating alone is not enough.
case("R2018", "cstdcs", lambda y: person(y, rating="excellent"), "cstdcs_route", FAIL,
     f"{L03}, Điều 23", "excellent-without-initiative-fail")
case("R2018", "cstdcs", lambda y: person(y, works=[work("unit", y)]), "cstdcs_route", PASS,
     f"{L03}, Điều 23", "initiative-pass")
case("R2018", "cstdcs", lambda y: person(y, works=[work("unit", y, "research")]),
     "cstdcs_route", FAIL, f"{L03}, Điều 23", "research-is-not-an-initiative-fail")
for rs in ("R2024", "R2025"):
    art = f"{L22}, Điều 23"
    case(rs, "cstdcs", lambda y: person(y, rating="excellent"), "cstdcs_route", PASS, art,
         "excellent-pass")
    case(rs, "cstdcs", lambda y: person(y, works=[work("unit", y, "research")]), "cstdcs_route",
         PASS, art, "research-pass")
    case(rs, "cstdcs", lambda y: person(y, works=[work("unit", y - 1)]), "cstdcs_route", FAIL,
         art, "initiative-of-another-year-fail")
case("R2018", "cstdcs", lambda y: person(y), "cstdcs_quota", PASS, f"{D91} (tỷ lệ 15%)",
     "quota-within-15-percent-pass", quota=QuotaFacts(20, 3))
case("R2018", "cstdcs", lambda y: person(y), "cstdcs_quota", SOFT, f"{D91} (tỷ lệ 15%)",
     "quota-over-15-percent-soft", quota=QuotaFacts(20, 4))
for rs in ("R2024", "R2025"):
    case(rs, "cstdcs", lambda y: person(y), "cstdcs_quota", PASS,
         f"{L22}, Điều 23 (không giới hạn tỷ lệ)", "no-quota-pass", quota=QuotaFacts(20, 10))

# --- sector CSTĐ: 3 consecutive CSTĐCS and a sector-level initiative -------------------------
for rs, law in (("R2018", L03), ("R2024", L22), ("R2025", L22)):
    art = f"{law}, Điều 22"
    case(rs, "cstd_sector", lambda y: person(y, titles=[title("cstdcs", y - i) for i in range(3)]),
         "cstd_sector_chain", PASS, art, "three-years-pass")
    case(rs, "cstd_sector",
         lambda y: person(y, titles=[title("cstdcs", y), title("cstdcs", y - 2)]),
         "cstd_sector_chain", FAIL, art, "gap-fail")
    case(rs, "cstd_sector", lambda y: person(y, works=[work("sector", y - 1)]),
         "cstd_sector_initiative", PASS, art, "sector-initiative-pass")
    case(rs, "cstd_sector", lambda y: person(y, works=[work("unit", y)]),
         "cstd_sector_initiative", FAIL, art, "unit-initiative-fail")
case("R2025", "cstd_sector", lambda y: person(y, titles=[
    title("cstdcs", y), title("cstdcs", y - 1, kind="adhoc"), title("cstdcs", y - 2)]),
    "cstd_sector_chain", FAIL, f"{L22}, Điều 22", "adhoc-title-breaks-the-chain")
case("R2024", "cstd_sector", lambda y: person(y, titles=[
    title("cstdcs", y, conferred=False), title("cstdcs", y - 1), title("cstdcs", y - 2)]),
    "cstd_sector_chain", SOFT, f"{L22}, Điều 22", "this-years-title-proposed-soft")

# --- after a discipline, achievements count only from its end --------------------------------
for rs, article in (("R2018", P18), ("R2024", P24), ("R2025", P25)):
    case(rs, "cstd_sector", lambda y: person(y, disciplines=[discipline(
        "reprimand", datetime.date(y - 3, 3, 1), datetime.date(y - 2, 6, 30))]),
        "after_discipline", FAIL, article, "ended-inside-the-window-fail")
    case(rs, "cstd_sector", lambda y: person(y, disciplines=[discipline(
        "reprimand", datetime.date(y - 4, 3, 1), datetime.date(y - 3, 12, 31))]),
        "after_discipline", PASS, article, "ended-before-the-window-pass")
case("R2025", "cstd_sector", lambda y: person(
    y, titles=[title("cstdcs", y - i) for i in range(3)],
    disciplines=[discipline("reprimand", datetime.date(y - 3, 3, 1), datetime.date(y - 2, 6, 30))]),
    "cstd_sector_chain", FAIL, f"{L22}, Điều 22", "titles-before-the-end-do-not-count")

# --- CSTĐTQ: sector CSTĐ twice in a row and a nationwide initiative ---------------------------
for rs, law in (("R2018", L03), ("R2024", L22), ("R2025", L22)):
    art = f"{law}, Điều 21"
    case(rs, "cstd_national", lambda y: person(y, titles=[title("cstd_sector", y),
                                                          title("cstd_sector", y - 3)]),
         "cstd_national_chain", PASS, art, "twice-pass")
    case(rs, "cstd_national", lambda y: person(y, titles=[title("cstd_sector", y)]),
         "cstd_national_chain", FAIL, art, "once-fail")
    case(rs, "cstd_national", lambda y: person(y, works=[work("national", y - 2)]),
         "cstd_national_initiative", PASS, art, "national-initiative-pass")
    case(rs, "cstd_national", lambda y: person(y, works=[work("sector", y - 2)]),
         "cstd_national_initiative", FAIL, art, "sector-initiative-fail")

# --- Bằng khen Bộ trưởng: its routes ----------------------------------------------------------
for rs, art in (("R2018", f"{L03}, Điều 72"), ("R2024", f"{L22}, Điều 74"),
                ("R2025", f"{L22}, Điều 74")):
    case(rs, "minister_certificate", lambda y: person(
        y, titles=[title("cstdcs", y), title("cstdcs", y - 1)]), "minister_route", PASS, art,
        "cstdcs-two-years-pass")
    case(rs, "minister_certificate", lambda y: person(
        y, rating="excellent", ratings={y - 1: "excellent"},
        works=[work("unit", y), work("unit", y - 1)]), "minister_route", PASS, art,
        "excellent-two-years-two-initiatives-pass")
    case(rs, "minister_certificate", lambda y: person(
        y, rating="excellent", ratings={y - 1: "excellent"}, works=[work("unit", y)]),
        "minister_route", FAIL, art, "one-initiative-fail")
case("R2025", "minister_certificate", lambda y: person(y), "minister_route", SOFT,
     f"{L22}, Điều 74", "adhoc-achievement-soft", campaign_kind="adhoc")
case("R2024", "minister_certificate", lambda y: person(y), "minister_route", FAIL,
     f"{L22}, Điều 74", "no-route-in-a-yearly-campaign-fail")

# --- TTLĐTT: members' LĐTT share (over 50 % then, at least 70 % now), discipline ---------------
case("R2018", "ttldtt", lambda y: collective(y, 5, 5), "ttldtt_members_ldtt", FAIL,
     f"{L03}, Điều 28", "exactly-50-percent-fail")
case("R2018", "ttldtt", lambda y: collective(y, 6, 4), "ttldtt_members_ldtt", PASS,
     f"{L03}, Điều 28", "60-percent-pass")
for rs in ("R2024", "R2025"):
    art = f"{L22}, Điều 28"
    case(rs, "ttldtt", lambda y: collective(y, 7, 3), "ttldtt_members_ldtt", PASS, art,
         "70-percent-pass")
    case(rs, "ttldtt", lambda y: collective(y, 6, 4), "ttldtt_members_ldtt", FAIL, art,
         "60-percent-fail")
case("R2025", "ttldtt", lambda y: collective(y, 5, 3, proposed=2), "ttldtt_members_ldtt", SOFT,
     f"{L22}, Điều 28", "reached-with-proposed-titles-soft")
for rs, law in (("R2018", L03), ("R2024", L22), ("R2025", L22)):
    art = f"{law}, Điều 28"
    case(rs, "ttldtt", lambda y: collective(y, 8, 1, disciplined="warning"),
         "ttldtt_members_discipline", FAIL, art, "member-warned-fail")
    case(rs, "ttldtt", lambda y: collective(y, 8, 1, disciplined="reprimand"),
         "ttldtt_members_discipline", PASS, art, "member-reprimanded-pass")

# --- TTLĐXS: 100 % completed, ≥ 70 % LĐTT, ≥ 1 CSTĐCS, nobody disciplined ---------------------
for rs, law in (("R2018", L03), ("R2024", L22), ("R2025", L22)):
    art = f"{law}, Điều 27(1)"
    case(rs, "ttldxs", lambda y: collective(y, 8, 2, cstdcs=1), "ttldxs_members_completed",
         PASS, art, "all-completed-pass")
    case(rs, "ttldxs", lambda y: CollectiveFacts("P", collective(y, 8, 1).members + (
        person(y, rating="not_completed", name="X"),)), "ttldxs_members_completed", FAIL, art,
        "one-not-completed-fail")
    case(rs, "ttldxs", lambda y: collective(y, 7, 3, cstdcs=1), "ttldxs_members_ldtt", PASS,
         art, "70-percent-pass")
    case(rs, "ttldxs", lambda y: collective(y, 6, 4, cstdcs=1), "ttldxs_members_ldtt", FAIL,
         art, "60-percent-fail")
    case(rs, "ttldxs", lambda y: collective(y, 8, 2, cstdcs=1), "ttldxs_members_cstdcs", PASS,
         art, "one-cstdcs-pass")
    case(rs, "ttldxs", lambda y: collective(y, 8, 2), "ttldxs_members_cstdcs", FAIL, art,
         "no-cstdcs-fail")
    case(rs, "ttldxs", lambda y: collective(y, 8, 1, disciplined="reprimand"),
         "ttldxs_members_discipline", FAIL, art, "member-reprimanded-fail")
    case(rs, "ttldxs", lambda y: collective(y, 8, 2), "ttldxs_members_discipline", PASS, art,
         "nobody-disciplined-pass")
for rs, article in (("R2018", P18), ("R2024", P24), ("R2025", P25)):
    case(rs, "ttldxs", lambda y: collective(y, 8, 1, pending=True), "members_pending", DEFER,
         article, "member-discipline-case-defers")
    case(rs, "ttldtt", lambda y: collective(y, 8, 1), "members_pending", PASS, article,
         "no-member-case-passes")

# --- the subject: a title for collectives is not given to a person, nor the reverse ------------
case("R2025", "ttldtt", lambda y: person(y), "subject", FAIL, f"{L22}, Điều 8",
     "collective-title-for-a-person-fail")
case("R2018", "ldtt", lambda y: collective(y, 8, 1), "subject", FAIL, f"{L03}, Điều 8",
     "person-title-for-a-collective-fail")


@pytest.mark.parametrize("rule_set,family,build,check,outcome,article,extra", CASES)
def test_each_rule_gives_its_outcome_with_its_article(rule_set, family, build, check, outcome,
                                                      article, extra):
    year = YEAR[rule_set]
    verdict = judge(Case(family=family, year=year, nominee=build(year), **extra),
                    PARAMS[rule_set], rule_set=rule_set)
    result = verdict.check(check)
    assert (result.outcome, result.article) == (outcome, article), result.reason
    assert result.reason


def test_the_table_has_at_least_sixty_cases_covering_every_check_under_every_rule_set():
    assert len(CASES) >= 60
    covered = {(p.values[0], p.values[3]) for p in CASES}
    for rule_set in PARAMS:
        checks = {c for rs, c in covered if rs == rule_set}
        assert {"pending_case", "months_worked", "ldtt_rating", "discipline_in_year",
                "after_discipline", "cstdcs_ldtt", "cstdcs_route", "cstdcs_quota",
                "cstd_sector_chain", "cstd_sector_initiative", "cstd_national_chain",
                "cstd_national_initiative", "minister_route", "members_pending",
                "ttldtt_members_ldtt", "ttldtt_members_discipline", "ttldxs_members_completed",
                "ttldxs_members_ldtt", "ttldxs_members_cstdcs",
                "ttldxs_members_discipline", "subject"} - checks <= {"subject"}
