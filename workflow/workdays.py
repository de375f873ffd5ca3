"""The one working-day calendar of the product: every deadline counts its days here.

A working day is a weekday that is not a Vietnamese public holiday, lunar Tết
included, as the `holidays` package's Vietnam calendar gives them (with the
Saturdays it knows were worked in a swap), corrected by the administrator's
table `approvals.CalendarDay`: the government's yearly extra days off and
swapped working days, which the Prime Minister approves each autumn. A row of
that table wins over the package and over the weekend.

What the package gives (holidays 0.109, checked in tests/workflow/test_workdays.py):
2025 — Tết Mon 27 Jan to Sat 1 Feb, Fri 2 May off for Sat 26 April worked;
2026 — Tết Mon 16 to Fri 20 Feb, Mon 27 April (Hùng Kings' day on a Sunday),
Mon 31 August off for Sat 22 August worked, 24 November (Vietnam Cultural Day).
Versions before 2025 stop their swap table at 2024, so the data migration seeds
those days in the table as well (approvals/deadline_data.py): the result does
not depend on the package's version.

The calendar is built per year, on first use, as a sorted list of that year's
working days (as ordinals): counting working days and adding them are a
bisection and an index, never a walk day by day. A process keeps its calendar
while the token of `approvals.DeadlineRulesVersion` is the one it was built from;
every edit of the table changes the token (workflow/deadlines.py), so the next
read in any process rebuilds it.
"""

import bisect
import datetime
import threading
from collections.abc import Iterable, Mapping

import holidays

COUNTRY = "VN"


class WorkingCalendar:
    """Working days from the package's calendar and the administrator's corrections."""

    def __init__(self, overrides: Mapping[datetime.date, bool]):
        # day -> True (worked) / False (off), from approvals.CalendarDay
        self._overrides = dict(overrides)
        self._years: dict[int, list[int]] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[datetime.date, str]]) -> "WorkingCalendar":
        """From (day, kind) pairs, kind "off" or "working" (CalendarDay.Kind)."""
        return cls({day: kind == "working" for day, kind in rows})

    def _year(self, year: int) -> list[int]:
        days = self._years.get(year)
        if days is None:
            with self._lock:
                days = self._years.get(year)
                if days is None:
                    days = self._years[year] = self._build(year)
        return days

    def _build(self, year: int) -> list[int]:
        official = holidays.country_holidays(COUNTRY, years=year)
        worked_weekends = set(getattr(official, "weekend_workdays", ()))
        start = datetime.date(year, 1, 1).toordinal()
        end = datetime.date(year, 12, 31).toordinal()
        working = []
        for ordinal in range(start, end + 1):  # once per year and process, not per row
            day = datetime.date.fromordinal(ordinal)
            usual = (day.weekday() < 5 and day not in official) or day in worked_weekends
            if self._overrides.get(day, usual):
                working.append(ordinal)
        return working

    def is_working_day(self, day: datetime.date) -> bool:
        days = self._year(day.year)
        i = bisect.bisect_left(days, day.toordinal())
        return i < len(days) and days[i] == day.toordinal()

    def _through(self, day: datetime.date) -> int:
        """Working days of day's year up to and including day."""
        return bisect.bisect_right(self._year(day.year), day.toordinal())

    def working_days_between(self, start: datetime.date, end: datetime.date) -> int:
        """Working days after `start` up to and including `end` (negative if end < start).

        A stage that started on `start` has waited this many working days on `end`.
        """
        if end < start:
            return -self.working_days_between(end, start)
        if start.year == end.year:
            return self._through(end) - self._through(start)
        count = len(self._year(start.year)) - self._through(start)
        count += sum(len(self._year(y)) for y in range(start.year + 1, end.year))
        return count + self._through(end)

    def add_working_days(self, day: datetime.date, n: int) -> datetime.date:
        """The n-th working day after `day` (before it for n < 0); `day` itself for 0."""
        if n == 0:
            return day
        year, ordinal = day.year, day.toordinal()
        if n > 0:
            i = bisect.bisect_right(self._year(year), ordinal) + n - 1
            while i >= len(self._year(year)):
                i -= len(self._year(year))
                year += 1
            return datetime.date.fromordinal(self._year(year)[i])
        i = bisect.bisect_left(self._year(year), ordinal) + n
        while i < 0:
            year -= 1
            i += len(self._year(year))
        return datetime.date.fromordinal(self._year(year)[i])
