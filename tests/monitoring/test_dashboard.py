"""The dashboard's figures against a scenario computed by hand: fixed dates, known durations.

The stage visits are written explicitly (as the transitions would have written them),
so every duration is known; the nominations exist only to carry the state and due date
that the deadline figures read.
"""

import datetime
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from approvals.access import load_actor
from approvals.models import Campaign, Nomination
from approvals.states import State
from monitoring.dashboard import (
    dashboard_figures,
    dashboard_scope,
    percentile,
    stage_times,
)
from monitoring.models import StageVisit
from tests import factories
from workflow.errors import InvalidInput, PermissionRefused

TZ = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
TODAY = datetime.date(2026, 12, 1)  # a Tuesday
DAY = 86400


def at(month, day, hour=8):
    return datetime.datetime(2026, month, day, hour, tzinfo=TZ)


@pytest.fixture
def campaign(org):
    return Campaign.objects.create(
        code="tong-ket-2026", name="Tổng kết 2026", kind="yearly", year=2026,
        starts_on=datetime.date(2026, 10, 1), ends_on=datetime.date(2026, 12, 31),
        submission_deadline=datetime.date(2026, 12, 10),
    )


@pytest.fixture
def scenario(org, people, campaign):
    award = factories.award()

    def nomination(unit, state, due_on=None, name="N"):
        return Nomination.objects.create(
            campaign=campaign, award=award, unit=org[unit], nominee_name=name, state=state,
            nominee_person=factories.member(org[unit], name), year=campaign.year,
            due_on=due_on, created_by=people["staff"],
            submitted_at=None if state == State.DRAFT else at(11, 2),
        )

    def visit(n, stage, entered, left=None, wait=None, work=None, outcome="", holder=None,
              claimed=None):
        return StageVisit.objects.create(
            nomination=n, campaign=campaign, unit=n.unit, award=award, stage=stage,
            entered_at=entered, touched_at=left or entered, left_at=left, wait_seconds=wait,
            work_seconds=work, outcome=outcome, holder=holder, claimed_at=claimed,
        )

    reviewer, director = people["reviewer"], people["director"]
    n1 = nomination("a", State.APPROVED)
    visit(n1, "review", at(11, 2), at(11, 4), 1 * DAY, 1 * DAY, State.AWAITING_DIRECTOR, reviewer)
    visit(n1, "decide", at(11, 4), at(11, 5), 1 * DAY, 0, State.APPROVED, director)
    n2 = nomination("a", State.RETURNED)
    visit(n2, "review", at(11, 2), at(11, 6), 3 * DAY, 1 * DAY, State.RETURNED, reviewer)
    n3 = nomination("b", State.AWAITING_DIRECTOR)
    visit(n3, "review", at(11, 9), at(11, 19), 4 * DAY, 6 * DAY, State.AWAITING_DIRECTOR,
          reviewer)
    # Open work: unclaimed, 1 working day old, due tomorrow (near due).
    n4 = nomination("a", State.SUBMITTED, due_on=datetime.date(2026, 12, 2), name="Gần hạn")
    visit(n4, "review", at(11, 30, 9))
    # Claimed by the reviewer on Friday 20 Nov: 7 working days old, overdue since 25 Nov.
    n5 = nomination("b", State.IN_REVIEW, due_on=datetime.date(2026, 11, 25), name="Quá hạn")
    visit(n5, "review", at(11, 20), holder=reviewer, claimed=at(11, 20, 9))
    n6 = nomination("a", State.AWAITING_DIRECTOR, due_on=datetime.date(2026, 12, 31))
    visit(n6, "decide", at(10, 1))
    n7 = nomination("a", State.DRAFT)
    visit(n7, "prepare", at(11, 27))
    return {"n4": n4, "n5": n5}


def figures(people, name="manager", **filters):
    actor = load_actor(people[name])
    scope = dashboard_scope(actor, today=TODAY, campaign="tong-ket-2026", **filters)
    return {f.key: f for f in dashboard_figures(scope, actor)}


def test_work_in_progress_per_stage_and_unit(people, scenario):
    f = figures(people)
    assert f["wip"].rows == [
        ["Lập, bổ sung hồ sơ", 1, 1, 0],
        ["Thẩm định", 2, 1, 1],
        ["Thủ trưởng phê duyệt", 1, 1, 0],
    ]
    # unit, then prepare, review, vote, decide, report, total
    assert f["wip_unit"].rows == [["Đơn vị A", 1, 1, 0, 1, 0, 3], ["Đơn vị B", 0, 1, 0, 0, 0, 1]]
    assert f["wip_holder"].rows[0][0] == "(hàng chờ, chưa ai nhận)"
    assert ["reviewer", 0, 1, 0, 0, 0, 1] in f["wip_holder"].rows


def test_the_age_of_open_work_in_working_days(people, scenario):
    age = figures(people)["age"].rows
    # bucket, prepare, review, vote, decide, report, total
    assert age == [
        ["0–2", 1, 1, 0, 0, 0, 2],  # entered Fri 27 Nov (2 working days) and Mon 30 Nov (1)
        ["3–5", 0, 0, 0, 0, 0, 0],
        ["6–10", 0, 1, 0, 0, 0, 1],  # Fri 20 Nov: 7 working days
        ["11–20", 0, 0, 0, 0, 0, 0],
        ["> 20", 0, 0, 0, 1, 0, 1],  # 1 October
    ]


def test_time_in_stage_split_into_waiting_and_claimed(people, scenario):
    rows = {r[0]: r[1:] for r in figures(people)["time_in_stage"].rows}
    # Review: totals 2, 4, 10 days; waiting 1, 3, 4; claimed 1, 1, 6. percentile_cont:
    # p50 is the middle one, p90 lies 0.8 of the way from the 2nd to the 3rd.
    assert rows["Thẩm định"] == [3, 4.0, 8.8, 3.0, 3.8, 1.0, 5.0]
    assert rows["Thủ trưởng phê duyệt"] == [1, 1.0, 1.0, 1.0, 1.0, 0.0, 0.0]
    by_unit = figures(people)["time_in_stage_unit"].rows
    assert ["Đơn vị A", "Thẩm định", 2, 3.0, 3.8, 2.0, 2.8, 1.0, 1.0] in by_unit
    assert ["Đơn vị B", "Thẩm định", 1, 10.0, 10.0, 4.0, 4.0, 6.0, 6.0] in by_unit


def test_the_python_percentiles_agree_with_postgresql(people, scenario):
    """The demo (SQLite) computes percentiles in Python: the same numbers."""
    qs = StageVisit.objects.filter(left_at__isnull=False)
    in_sql = stage_times(qs, ["stage"])
    by_hand = []
    for stage in ("decide", "review"):
        totals = [v.wait_seconds + v.work_seconds for v in qs.filter(stage=stage)]
        by_hand.append((stage, percentile(totals, 0.5), percentile(totals, 0.9)))
    assert [(r["stage"], r["total_p50"], r["total_p90"]) for r in in_sql] == by_hand


def test_throughput_per_week_and_the_trend(people, scenario):
    f = figures(people)
    # week, prepare, review, vote, decide, report, total
    assert f["throughput"].rows == [["02/11/2026", 0, 2, 0, 1, 0, 3],
                                    ["16/11/2026", 0, 1, 0, 0, 0, 1]]
    # week, submitted to review, decided, returned, in the pipeline at the week's end
    assert f["trend"].rows == [
        ["02/11/2026", 2, 1, 1, 0],
        ["09/11/2026", 1, 0, 0, 1],
        ["16/11/2026", 1, 0, 0, 2],
        ["30/11/2026", 1, 0, 0, 3],
    ]


def test_overdue_and_near_due_items_with_their_holders(people, scenario):
    f = figures(people)
    assert [r[0] for r in f["overdue"].rows] == [scenario["n5"].pk, scenario["n4"].pk]
    overdue, near = f["overdue"].rows
    assert overdue[4:] == ["25/11/2026", "Quá hạn", "reviewer"]
    assert near[4:] == ["02/12/2026", "Sắp đến hạn", "(hàng chờ, chưa ai nhận)"]
    assert f["overdue_holders"].rows == [["reviewer", 1]]


def test_the_unit_filter_narrows_every_figure(people, scenario, org):
    f = figures(people, unit="don-vi-b")
    assert f["wip"].rows == [["Thẩm định", 1, 0, 1]]
    assert [r[0] for r in f["overdue"].rows] == [scenario["n5"].pk]


def test_bad_filters_are_vietnamese_field_errors(people, scenario):
    actor = load_actor(people["manager"])
    with pytest.raises(InvalidInput) as bad_campaign:
        dashboard_scope(actor, campaign="khong-co")
    assert bad_campaign.value.fields == {"campaign": ["Không có đợt thi đua này."]}
    with pytest.raises(InvalidInput) as bad_unit:
        dashboard_scope(actor, unit="khong-co")
    assert "unit" in bad_unit.value.fields


def test_only_dashboard_roles_see_it_and_only_for_their_units(people, scenario, org):
    for name in ("staff", "head", "auditor", "liaison", "secretary"):
        with pytest.raises(PermissionRefused):
            dashboard_scope(load_actor(people[name]))
    for name in ("director", "reviewer"):
        assert figures(people, name)["wip"].rows
    from approvals.roles import Role
    from approvals.services import role_grant
    role_grant(user=people["outsider_head"], role=Role.MANAGER, unit=org["b"])
    f = figures(people, "outsider_head")
    assert f["wip"].rows == [["Thẩm định", 1, 0, 1]]
    with pytest.raises(InvalidInput):
        dashboard_scope(load_actor(people["outsider_head"]), unit="don-vi-a")


def test_the_dashboard_reads_a_fixed_number_of_queries(people, scenario, campaign,
                                                       django_assert_max_num_queries):
    def count():
        with CaptureQueriesContext(connection) as queries:
            figures(people)
        return len(queries)

    figures(people)  # the process's caches (the working-day calendar) filled
    before = count()
    n = Nomination.objects.filter(state=State.IN_REVIEW).first()
    for day in range(1, 20):  # more visits, more holders, more weeks
        StageVisit.objects.create(
            nomination=n, campaign=campaign, unit=n.unit, award=n.award, stage="vote",
            entered_at=at(10, day), left_at=at(10, day + 1), touched_at=at(10, day + 1),
            wait_seconds=DAY, work_seconds=0, outcome=State.AWAITING_DIRECTOR,
            holder=people["secretary"] if day % 2 else people["director"],
        )
    assert count() == before
    with django_assert_max_num_queries(33):
        figures(people)


def test_an_overdue_item_is_listed_once_whatever_its_past_visits(people, scenario):
    n5 = scenario["n5"]
    StageVisit.objects.create(
        nomination=n5, campaign=n5.campaign, unit=n5.unit, award=n5.award, stage="prepare",
        entered_at=at(11, 10), left_at=at(11, 20), touched_at=at(11, 20), wait_seconds=DAY,
        work_seconds=0, outcome=State.SUBMITTED, holder=people["head"],
    )
    rows = figures(people)["overdue"].rows
    assert [r[0] for r in rows] == [n5.pk, scenario["n4"].pk] and rows[0][-1] == "reviewer"
