"""The one working-day calendar: weekends, Vietnamese holidays with Tết, the government's
swaps, and the administrator's table, which wins and takes effect at once."""

import datetime

import holidays
import pytest

from approvals.deadline_data import CALENDAR_DAYS
from approvals.models import CalendarDay
from workflow import deadlines, sla
from workflow.errors import InvalidInput
from workflow.workdays import WorkingCalendar

D = datetime.date


@pytest.fixture
def calendar(db):
    """The calendar in force: the package's holidays and the seeded table."""
    return sla.deadline_rules().calendar


def test_the_seeded_table_holds_the_known_days_off_and_swaps_of_2025_and_2026(db):
    rows = dict(CalendarDay.objects.values_list("day", "kind"))
    assert rows[D(2025, 4, 26)] == "working" and rows[D(2025, 5, 2)] == "off"
    assert rows[D(2026, 8, 22)] == "working" and rows[D(2026, 8, 31)] == "off"
    assert rows[D(2026, 4, 27)] == "off"
    tet = [D(2026, 2, 14) + datetime.timedelta(days=i) for i in range(9)]
    assert [rows.get(day) for day in tet] == ["off"] * 9


def test_what_the_package_alone_gives_for_2025_and_2026_is_what_the_module_says():
    """workflow/workdays.py documents this: the table repeats it, so that an older package
    (whose swaps stop at 2024) gives the same deadlines."""
    vn = holidays.country_holidays("VN", years=[2025, 2026])
    assert {D(2025, 5, 2), D(2026, 8, 31), D(2026, 4, 27)} <= set(vn)
    assert {D(2026, 2, 16) + datetime.timedelta(days=i) for i in range(5)} <= set(vn)
    assert {D(2025, 4, 26), D(2026, 8, 22)} <= set(vn.weekend_workdays)


def test_the_table_alone_gives_the_swaps_where_the_package_has_none():
    """A calendar whose package knows no swap (an older version, or none for that year)
    still gets the seeded ones: the table's rows win over the usual week."""
    calendar = WorkingCalendar.from_rows((day, kind) for day, kind, _note in CALENDAR_DAYS)
    for day, kind, _note in CALENDAR_DAYS:
        assert calendar.is_working_day(day) is (kind == "working"), day


def test_every_day_of_tet_2026_is_off_and_the_next_working_day_is_monday_23(calendar):
    tet = [D(2026, 2, 14) + datetime.timedelta(days=i) for i in range(9)]
    assert not any(calendar.is_working_day(day) for day in tet)
    assert calendar.add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 23)
    assert calendar.working_days_between(D(2026, 2, 13), D(2026, 2, 23)) == 1
    # 20 working days of appraisal from Friday 6 February: Tết takes a week out.
    assert calendar.add_working_days(D(2026, 2, 6), 20) == D(2026, 3, 13)
    assert calendar.add_working_days(D(2026, 2, 23), -1) == D(2026, 2, 13)


def test_the_swapped_saturday_of_august_2026_is_worked_and_monday_31_is_off(calendar):
    assert calendar.is_working_day(D(2026, 8, 22))
    assert not calendar.is_working_day(D(2026, 8, 31))
    assert calendar.add_working_days(D(2026, 8, 21), 1) == D(2026, 8, 22)
    assert calendar.add_working_days(D(2026, 8, 21), 2) == D(2026, 8, 24)
    # Monday 31 off, then National Day on 1 and 2 September.
    assert calendar.add_working_days(D(2026, 8, 28), 1) == D(2026, 9, 3)
    assert calendar.working_days_between(D(2026, 8, 21), D(2026, 8, 28)) == 6


def test_the_2025_swap_works_saturday_26_april_and_rests_friday_2_may(calendar):
    assert calendar.add_working_days(D(2025, 4, 25), 1) == D(2025, 4, 26)
    # 30 April, 1 and 2 May off, then the weekend.
    assert calendar.add_working_days(D(2025, 4, 29), 1) == D(2025, 5, 5)
    # Fri 25, Sat 26 (worked), Mon 28, Tue 29, then Mon 5 May.
    assert calendar.working_days_between(D(2025, 4, 24), D(2025, 5, 5)) == 5


def test_counting_and_adding_cross_the_new_year_both_ways(calendar):
    assert calendar.add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 4)
    assert calendar.add_working_days(D(2027, 1, 4), -1) == D(2026, 12, 31)
    assert calendar.working_days_between(D(2026, 12, 30), D(2027, 1, 4)) == 2
    assert calendar.working_days_between(D(2027, 1, 4), D(2026, 12, 30)) == -2
    assert calendar.add_working_days(D(2026, 3, 4), 0) == D(2026, 3, 4)


@pytest.mark.parametrize("n", [1, 5, 20, 300, -1, -20])
def test_adding_n_working_days_lands_on_a_working_day_n_working_days_away(calendar, n):
    day = D(2025, 1, 1)
    while day < D(2027, 1, 1):
        other = calendar.add_working_days(day, n)
        assert calendar.is_working_day(other), (day, n)
        if n > 0:  # the working days in (day, other]
            assert calendar.working_days_between(day, other) == n, (day, n)
        else:  # the working days in [other, day): other counts, day does not
            within = calendar.working_days_between(other, day)
            within += calendar.is_working_day(other) - calendar.is_working_day(day)
            assert within == -n, (day, n)
        day += datetime.timedelta(days=3)


def test_an_admin_added_day_off_changes_the_results_at_once(db):
    tuesday = D(2026, 3, 3)
    assert sla.add_working_days(D(2026, 3, 2), 1) == tuesday
    deadlines.calendar_day_set(day=tuesday, kind="off", note="Nghỉ đột xuất")
    assert sla.add_working_days(D(2026, 3, 2), 1) == D(2026, 3, 4)
    assert sla.working_days_between(D(2026, 3, 2), D(2026, 3, 6)) == 3
    deadlines.calendar_day_clear(day=tuesday)
    assert sla.add_working_days(D(2026, 3, 2), 1) == tuesday


def test_an_admin_added_working_saturday_counts_at_once(db):
    saturday = D(2026, 10, 10)
    assert sla.add_working_days(D(2026, 10, 9), 1) == D(2026, 10, 12)
    deadlines.calendar_day_set(day=saturday, kind="working", note="Làm bù")
    assert sla.add_working_days(D(2026, 10, 9), 1) == saturday


def test_the_calendar_is_kept_until_the_token_changes_and_rebuilt_after(db):
    """A process keeps its calendar while the token is the one it was built from (one query
    per read); the services' edits change the token, so every process rebuilds."""
    before = sla.deadline_rules()
    CalendarDay.objects.create(day=D(2026, 3, 3), kind="off")  # behind the services' back
    assert sla.deadline_rules() is before
    deadlines.calendar_day_set(day=D(2026, 3, 5), kind="off")
    after = sla.deadline_rules()
    assert after is not before and after.token != before.token
    assert not after.calendar.is_working_day(D(2026, 3, 3))


def test_a_wrong_kind_of_day_is_refused_in_vietnamese(db):
    with pytest.raises(InvalidInput) as caught:
        deadlines.calendar_day_set(day=D(2026, 3, 3), kind="holiday")
    assert caught.value.fields == {"kind": ["Chọn ngày nghỉ hoặc ngày làm việc."]}
