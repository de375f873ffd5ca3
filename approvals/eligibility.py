"""The law's eligibility rules, as pure functions of a nominee's facts and a rule set's
parameters (approvals/rulesets.py). No database here: approvals/verdicts.py loads the facts
from the register and the records in a fixed number of queries, and the checks only read them.

Each check gives an outcome, a Vietnamese reason and its legal article (the rule set's
citation for it):

- PASS;
- FAIL (hard): the law excludes the nominee; submission is refused;
- SOFT_FAIL: the rule depends on something a person must confirm, so it does not refuse the
  submission but the standing reviewer must override it, with a written justification, before
  the proposal moves on. Which checks are soft, and why, is said at each `_soft(...)` below:
  a prerequisite title of the judged year that is proposed in the same round but not yet
  conferred (the decision is checked by the reviewer), a quota exceeded (the council ranks
  the candidates by votes, the candidate is not ineligible alone), and the Minister's
  certificate for an ad-hoc or thematic achievement (a judgement the law leaves to people);
- DEFER: a case about the nominee is pending (discipline, inspection, investigation,
  complaint): the proposal waits, it is not rejected (Law Art. 5; 152/2025 Art. 4).

Titles won in ad-hoc (đột xuất) or thematic (chuyên đề) campaigns never count towards the
yearly chains; after a discipline, achievements count only from its end.
"""

import datetime
import enum
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .rulesets import DISCIPLINE_LEVELS, EligibilityKind, Parameters

F = EligibilityKind

# The records' codes (approvals.models YearRating.Rating, Initiative.Level,
# PendingCase.Kind, Campaign.Kind), in the order the rules compare them.
RATINGS = ("not_completed", "completed", "good", "excellent")
LEVELS = ("unit", "sector", "national")
YEARLY = "yearly"


class Outcome(enum.StrEnum):
    PASS = "pass"
    FAIL = "fail"
    SOFT_FAIL = "soft_fail"
    DEFER = "defer"


OUTCOME_LABELS = {
    Outcome.PASS: gettext_lazy("Đạt"),
    Outcome.FAIL: gettext_lazy("Không đạt"),
    Outcome.SOFT_FAIL: gettext_lazy("Cần người thẩm định xác nhận"),
    Outcome.DEFER: gettext_lazy("Tạm hoãn xét"),
}

CHECK_LABELS = {
    "rule_set": gettext_lazy("Bộ quy tắc có hiệu lực"),
    "subject": gettext_lazy("Đúng đối tượng (cá nhân / tập thể)"),
    "pending_case": gettext_lazy("Không đang bị xem xét kỷ luật, thanh tra, điều tra, khiếu nại"),
    "months_worked": gettext_lazy("Thời gian công tác trong năm"),
    "discipline_in_year": gettext_lazy("Không bị kỷ luật trong năm"),
    "after_discipline": gettext_lazy("Thành tích chỉ tính từ khi hết thời hạn kỷ luật"),
    "ldtt_rating": gettext_lazy("Xếp loại hoàn thành tốt nhiệm vụ trở lên"),
    "cstdcs_ldtt": gettext_lazy("Đạt danh hiệu Lao động tiên tiến cùng năm"),
    "cstdcs_route": gettext_lazy("Hoàn thành xuất sắc nhiệm vụ, có sáng kiến hoặc đề tài"),
    "cstdcs_quota": gettext_lazy("Tỷ lệ Chiến sĩ thi đua cơ sở của đơn vị"),
    "cstd_sector_chain": gettext_lazy("Liên tục đạt Chiến sĩ thi đua cơ sở"),
    "cstd_sector_initiative": gettext_lazy("Sáng kiến, đề tài ảnh hưởng trong bộ, ngành"),
    "cstd_national_chain": gettext_lazy("Liên tục đạt Chiến sĩ thi đua cấp bộ, ngành"),
    "cstd_national_initiative": gettext_lazy("Sáng kiến, đề tài ảnh hưởng toàn quốc"),
    "minister_route": gettext_lazy("Một trong các tiêu chuẩn Bằng khen của Bộ trưởng"),
    "members_pending": gettext_lazy("Không thành viên nào đang bị xem xét kỷ luật"),
    "ttldtt_members_ldtt": gettext_lazy("Tỷ lệ thành viên đạt Lao động tiên tiến"),
    "ttldtt_members_discipline": gettext_lazy("Không thành viên nào bị kỷ luật ở mức loại trừ"),
    "ttldxs_members_completed": gettext_lazy("Thành viên hoàn thành nhiệm vụ"),
    "ttldxs_members_ldtt": gettext_lazy("Tỷ lệ thành viên đạt Lao động tiên tiến"),
    "ttldxs_members_cstdcs": gettext_lazy("Có thành viên đạt Chiến sĩ thi đua cơ sở"),
    "ttldxs_members_discipline": gettext_lazy("Không thành viên nào bị kỷ luật"),
}

# --- the facts ---------------------------------------------------------------------------


@dataclass(frozen=True)
class YearFacts:
    """Xếp loại: one year's rating and time worked."""

    year: int
    rating: str | None
    months_worked: Decimal = Decimal(12)
    maternity_months: Decimal = Decimal(0)


@dataclass(frozen=True)
class TitleFact:
    """A title or award held (conferred: a past award, an approved or reported nomination)
    or proposed (a live nomination not yet decided), with its campaign's kind."""

    family: str
    year: int
    campaign_kind: str = YEARLY
    conferred: bool = True
    award_code: str = ""


@dataclass(frozen=True)
class WorkFact:
    """An initiative (sáng kiến) recognised, or a research project accepted, in `year`."""

    kind: str  # "initiative" | "research"
    level: str
    year: int
    title: str = ""


@dataclass(frozen=True)
class DisciplineFact:
    level: str
    effective_from: datetime.date
    effective_to: datetime.date
    decision_ref: str = ""


@dataclass(frozen=True)
class PendingCaseFact:
    kind: str
    opened_on: datetime.date
    label: str = ""


@dataclass(frozen=True)
class PersonFacts:
    name: str
    gender: str = "male"
    years: dict[int, YearFacts] = field(default_factory=dict)
    titles: tuple[TitleFact, ...] = ()
    works: tuple[WorkFact, ...] = ()
    disciplines: tuple[DisciplineFact, ...] = ()
    # Only the cases still open on the day of judgement.
    pending_cases: tuple[PendingCaseFact, ...] = ()
    person_id: int | None = None


@dataclass(frozen=True)
class CollectiveFacts:
    name: str
    members: tuple[PersonFacts, ...] = ()
    unit_id: int | None = None

    def women_percent(self) -> Decimal:
        if not self.members:
            return Decimal(0)
        women = sum(1 for m in self.members if m.gender == "female")
        return Decimal(100 * women) / len(self.members)


@dataclass(frozen=True)
class QuotaFacts:
    """The proposing unit's year: its LĐTT holders (conferred or proposed) and its live
    CSTĐCS proposals (this one included)."""

    ldtt_holders: int
    cstdcs_candidates: int


Nominee = PersonFacts | CollectiveFacts


@dataclass(frozen=True)
class Case:
    family: str
    year: int
    nominee: Nominee
    campaign_kind: str = YEARLY
    quota: QuotaFacts | None = None


# --- the outcome -------------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    code: str
    outcome: Outcome
    reason: str
    article: str

    @property
    def label(self) -> str:
        return str(CHECK_LABELS.get(self.code, self.code))

    @property
    def outcome_label(self) -> str:
        return str(OUTCOME_LABELS[self.outcome])

    def as_json(self) -> dict[str, str]:
        return {"code": self.code, "label": self.label, "outcome": self.outcome.value,
                "reason": self.reason, "article": self.article}


# The verdict's outcome is its worst check's, in this order.
_SEVERITY = (Outcome.FAIL, Outcome.DEFER, Outcome.SOFT_FAIL, Outcome.PASS)


@dataclass(frozen=True)
class Verdict:
    rule_set: str
    family: str
    checks: tuple[Check, ...]

    @property
    def outcome(self) -> Outcome:
        present = {c.outcome for c in self.checks}
        return next((o for o in _SEVERITY if o in present), Outcome.PASS)

    def having(self, outcome: Outcome) -> list[Check]:
        return [c for c in self.checks if c.outcome == outcome]

    def check(self, code: str) -> Check:
        return next(c for c in self.checks if c.code == code)

    def as_json(self) -> dict[str, Any]:
        return {"rule_set": self.rule_set, "family": self.family,
                "outcome": self.outcome.value, "checks": [c.as_json() for c in self.checks]}


# --- helpers on the facts ----------------------------------------------------------------


def _year_span(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def _at_least(level: str, mildest: str | None) -> bool:
    return mildest is not None and DISCIPLINE_LEVELS.index(level) >= DISCIPLINE_LEVELS.index(
        mildest
    )


def _disciplined_in(person: PersonFacts, year: int, mildest: str | None) -> list[DisciplineFact]:
    start, end = _year_span(year)
    return [d for d in person.disciplines
            if _at_least(d.level, mildest) and d.effective_from <= end and d.effective_to >= start]


def _discipline_cutoff(person: PersonFacts, year: int) -> DisciplineFact | None:
    """The discipline ending last among those begun by the end of `year`: achievements of a
    year that began on or before its end do not count."""
    _start, end = _year_span(year)
    begun = [d for d in person.disciplines if d.effective_from <= end]
    return max(begun, key=lambda d: d.effective_to, default=None)


def _counts(person: PersonFacts, year: int, judged: int) -> bool:
    cutoff = _discipline_cutoff(person, judged)
    return cutoff is None or datetime.date(year, 1, 1) > cutoff.effective_to


def _title(person: PersonFacts, family: str, year: int) -> str:
    """"held", "proposed", "thematic" (only from ad-hoc or thematic campaigns) or ""."""
    found = [t for t in person.titles if t.family == family and t.year == year]
    yearly = [t for t in found if t.campaign_kind == YEARLY]
    if any(t.conferred for t in yearly):
        return "held"
    if yearly:
        return "proposed"
    return "thematic" if found else ""


def _works(person: PersonFacts, years: Iterable[int], judged: int, *, min_level: str,
           kinds: tuple[str, ...] = ("initiative", "research")) -> list[WorkFact]:
    wanted = set(years)
    low = LEVELS.index(min_level)
    return [w for w in person.works
            if w.kind in kinds and w.year in wanted and LEVELS.index(w.level) >= low
            and _counts(person, w.year, judged)]


def _years(years: Iterable[int]) -> str:
    return ", ".join(str(y) for y in years)


def _names(people: Iterable[PersonFacts]) -> str:
    return ", ".join(p.name for p in people)


def _date(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


def _number(value: Decimal) -> str:
    return f"{value.normalize():f}"


# --- the checks --------------------------------------------------------------------------


@dataclass(frozen=True)
class Context:
    case: Case
    params: Parameters

    @property
    def year(self) -> int:
        return self.case.year

    @property
    def person(self) -> PersonFacts:
        assert isinstance(self.case.nominee, PersonFacts)
        return self.case.nominee

    @property
    def collective(self) -> CollectiveFacts:
        assert isinstance(self.case.nominee, CollectiveFacts)
        return self.case.nominee

    def result(self, code: str, outcome: Outcome, reason: str) -> Check:
        return Check(code, outcome, reason, self.params.citation(code))

    def ok(self, code: str, reason: str) -> Check:
        return self.result(code, Outcome.PASS, reason)

    def fail(self, code: str, reason: str) -> Check:
        return self.result(code, Outcome.FAIL, reason)

    def soft(self, code: str, reason: str) -> Check:
        return self.result(code, Outcome.SOFT_FAIL, reason)


CheckFn = Callable[[Context], Check]


def pending_case(ctx: Context) -> Check:
    cases = ctx.person.pending_cases
    if not cases:
        return ctx.ok("pending_case", _("Không có vụ việc nào đang xem xét."))
    listed = "; ".join(
        _("%(kind)s từ %(day)s") % {"kind": c.label or c.kind, "day": _date(c.opened_on)}
        for c in cases
    )
    return ctx.result("pending_case", Outcome.DEFER, _(
        "Tạm hoãn xét cho đến khi có kết luận: %(cases)s."
    ) % {"cases": listed})


def months_worked(ctx: Context) -> Check:
    facts = ctx.person.years.get(ctx.year)
    minimum = ctx.params.min_months_worked
    if facts is None:
        return ctx.fail("months_worked", _("Chưa có số liệu thời gian công tác năm %(year)d.")
                        % {"year": ctx.year})
    maternity = facts.maternity_months if ctx.params.maternity_counts_as_worked else Decimal(0)
    worked = min(Decimal(12), facts.months_worked + maternity)
    detail = {"worked": _number(worked), "min": _number(minimum), "year": ctx.year,
              "maternity": _number(maternity)}
    reason = (
        _("Năm %(year)d công tác %(worked)s tháng (gồm %(maternity)s tháng nghỉ thai sản được "
          "tính là thời gian công tác); tối thiểu %(min)s tháng.")
        if maternity else _("Năm %(year)d công tác %(worked)s tháng; tối thiểu %(min)s tháng.")
    ) % detail
    return ctx.ok("months_worked", reason) if worked >= minimum else ctx.fail(
        "months_worked", reason
    )


def discipline_in_year(ctx: Context) -> Check:
    mildest = ctx.params.excluding_discipline_level.get(ctx.case.family)
    found = _disciplined_in(ctx.person, ctx.year, mildest)
    if mildest is None:
        return ctx.ok("discipline_in_year", _("Bộ quy tắc không loại trừ theo kỷ luật."))
    if not found:
        return ctx.ok("discipline_in_year", _(
            "Không bị kỷ luật từ mức “%(level)s” trở lên trong năm %(year)d."
        ) % {"level": _level_label(mildest), "year": ctx.year})
    d = found[0]
    return ctx.fail("discipline_in_year", _(
        "Bị kỷ luật “%(level)s” (%(ref)s, %(start)s – %(end)s) trong năm %(year)d."
    ) % {"level": _level_label(d.level), "ref": d.decision_ref or "—",
         "start": _date(d.effective_from), "end": _date(d.effective_to), "year": ctx.year})


DISCIPLINE_LABELS = {
    "reprimand": gettext_lazy("Khiển trách"),
    "warning": gettext_lazy("Cảnh cáo"),
    "demotion": gettext_lazy("Hạ bậc lương"),
    "removal": gettext_lazy("Cách chức"),
    "dismissal": gettext_lazy("Buộc thôi việc"),
}


def _level_label(level: str) -> str:
    return str(DISCIPLINE_LABELS.get(level, level))


def _window(ctx: Context, length: int) -> list[int]:
    """The `length` years that end with the judged year."""
    return list(range(ctx.year - length + 1, ctx.year + 1))


def _after_discipline(length: Callable[[Parameters], int]) -> CheckFn:
    def check(ctx: Context) -> Check:
        window = _window(ctx, length(ctx.params))
        cutoff = _discipline_cutoff(ctx.person, ctx.year)
        lost = [y for y in window if not _counts(ctx.person, y, ctx.year)]
        if cutoff is None or not lost:
            return ctx.ok("after_discipline", _(
                "Không có kỷ luật ảnh hưởng đến thành tích các năm %(years)s."
            ) % {"years": _years(window)})
        return ctx.fail("after_discipline", _(
            "Kỷ luật “%(level)s” (%(ref)s) hết hiệu lực ngày %(end)s: thành tích các năm "
            "%(years)s không được tính."
        ) % {"level": _level_label(cutoff.level), "ref": cutoff.decision_ref or "—",
             "end": _date(cutoff.effective_to), "years": _years(lost)})

    return check


def ldtt_rating(ctx: Context) -> Check:
    facts = ctx.person.years.get(ctx.year)
    if facts is None or facts.rating is None:
        return ctx.fail("ldtt_rating", _("Chưa có xếp loại năm %(year)d.") % {"year": ctx.year})
    label = RATING_LABELS.get(facts.rating, facts.rating)
    if RATINGS.index(facts.rating) >= RATINGS.index("good"):
        return ctx.ok("ldtt_rating", _("Năm %(year)d xếp loại “%(rating)s”.")
                      % {"year": ctx.year, "rating": label})
    return ctx.fail("ldtt_rating", _(
        "Năm %(year)d xếp loại “%(rating)s”; cần hoàn thành tốt nhiệm vụ trở lên."
    ) % {"year": ctx.year, "rating": label})


RATING_LABELS = {
    "excellent": gettext_lazy("Hoàn thành xuất sắc nhiệm vụ"),
    "good": gettext_lazy("Hoàn thành tốt nhiệm vụ"),
    "completed": gettext_lazy("Hoàn thành nhiệm vụ"),
    "not_completed": gettext_lazy("Không hoàn thành nhiệm vụ"),
}


def _title_check(ctx: Context, code: str, family: str, years: Sequence[int]) -> Check:
    """Each of `years` holds the yearly title `family`."""
    states = {y: _title(ctx.person, family, y) for y in years}
    name = F(family).label
    counted = {y: s for y, s in states.items() if _counts(ctx.person, y, ctx.year)}
    missing = [y for y in years if counted.get(y, "") in ("", "thematic")]
    if missing:
        thematic = [y for y in missing if states[y] == "thematic"]
        reason = _("Chưa đạt “%(title)s” năm %(years)s.") % {"title": name,
                                                            "years": _years(missing)}
        if thematic:
            reason += " " + _(
                "Danh hiệu năm %(years)s thuộc đợt đột xuất/chuyên đề, không tính vào chuỗi "
                "thành tích hằng năm."
            ) % {"years": _years(thematic)}
        return ctx.fail(code, reason)
    proposed = [y for y in years if counted[y] == "proposed"]
    if proposed:
        # Soft: the title is proposed in this round and not yet conferred; the standing
        # reviewer confirms its decision before the proposal moves on.
        return ctx.soft(code, _(
            "“%(title)s” năm %(years)s đang được đề nghị, chưa có quyết định công nhận."
        ) % {"title": name, "years": _years(proposed)})
    return ctx.ok(code, _("Đạt “%(title)s” các năm %(years)s.")
                  % {"title": name, "years": _years(years)})


def cstdcs_ldtt(ctx: Context) -> Check:
    return _title_check(ctx, "cstdcs_ldtt", F.LDTT, [ctx.year])


def cstdcs_route(ctx: Context) -> Check:
    person, year = ctx.person, ctx.year
    initiatives = _works(person, [year], year, min_level="unit", kinds=("initiative",))
    if ctx.params.initiative_mandatory_for_cstdcs:
        if initiatives:
            return ctx.ok("cstdcs_route", _("Có sáng kiến được công nhận năm %(year)d: %(t)s.")
                          % {"year": year, "t": initiatives[0].title or "—"})
        return ctx.fail("cstdcs_route", _(
            "Bộ quy tắc này bắt buộc có sáng kiến được công nhận từ cấp cơ sở trong năm "
            "%(year)d; chưa có."
        ) % {"year": year})
    facts = person.years.get(year)
    if facts is not None and facts.rating == "excellent":
        return ctx.ok("cstdcs_route", _("Năm %(year)d hoàn thành xuất sắc nhiệm vụ.")
                      % {"year": year})
    works = _works(person, [year], year, min_level="unit")
    if works:
        return ctx.ok("cstdcs_route", _("Có sáng kiến/đề tài được công nhận năm %(year)d: %(t)s.")
                      % {"year": year, "t": works[0].title or "—"})
    return ctx.fail("cstdcs_route", _(
        "Năm %(year)d không hoàn thành xuất sắc nhiệm vụ và không có sáng kiến hoặc đề tài "
        "được công nhận."
    ) % {"year": year})


def cstdcs_quota(ctx: Context) -> Check:
    percent = ctx.params.cstdcs_quota_percent
    if percent is None:
        return ctx.ok("cstdcs_quota", _("Bộ quy tắc không giới hạn tỷ lệ."))
    quota = ctx.case.quota or QuotaFacts(0, 1)
    allowed = int(quota.ldtt_holders * percent // 100)
    detail = {"percent": _number(percent), "ldtt": quota.ldtt_holders, "allowed": allowed,
              "n": quota.cstdcs_candidates}
    if quota.cstdcs_candidates <= allowed:
        return ctx.ok("cstdcs_quota", _(
            "%(n)d đề nghị, trong giới hạn %(allowed)d (%(percent)s%% của %(ldtt)d Lao động "
            "tiên tiến)."
        ) % detail)
    # Soft: over the quota the council ranks the candidates by votes; this candidate is not
    # ineligible by themselves.
    return ctx.soft("cstdcs_quota", _(
        "%(n)d đề nghị, vượt giới hạn %(allowed)d (%(percent)s%% của %(ldtt)d Lao động tiên "
        "tiến): Hội đồng xếp thứ tự theo số phiếu."
    ) % detail)


def cstd_sector_chain(ctx: Context) -> Check:
    years = _window(ctx, ctx.params.cstd_sector_cstdcs_years)
    return _title_check(ctx, "cstd_sector_chain", F.CSTDCS, years)


def _work_check(ctx: Context, code: str, years: Sequence[int], level: str) -> Check:
    works = _works(ctx.person, years, ctx.year, min_level=level)
    level_name = LEVEL_LABELS[level]
    if works:
        return ctx.ok(code, _("Có sáng kiến/đề tài %(level)s năm %(year)d: %(t)s.")
                      % {"level": level_name, "year": works[0].year, "t": works[0].title or "—"})
    return ctx.fail(code, _("Không có sáng kiến/đề tài %(level)s trong các năm %(years)s.")
                    % {"level": level_name, "years": _years(years)})


LEVEL_LABELS = {
    "unit": gettext_lazy("cấp cơ sở"),
    "sector": gettext_lazy("cấp bộ, ngành"),
    "national": gettext_lazy("toàn quốc"),
}


def cstd_sector_initiative(ctx: Context) -> Check:
    years = _window(ctx, ctx.params.cstd_sector_cstdcs_years)
    return _work_check(ctx, "cstd_sector_initiative", years, "sector")


def cstd_national_chain(ctx: Context) -> Check:
    p = ctx.params
    window = _window(ctx, p.cstd_national_window_years)
    states = {y: _title(ctx.person, F.CSTD_SECTOR, y) for y in window
              if _counts(ctx.person, y, ctx.year)}
    held = [y for y, s in states.items() if s == "held"]
    proposed = [y for y, s in states.items() if s == "proposed"]
    need = p.cstd_national_sector_titles
    detail = {"need": need, "years": _years(window), "held": _years(held) or "—"}
    if len(held) >= need:
        return ctx.ok("cstd_national_chain", _(
            "Đạt Chiến sĩ thi đua cấp bộ, ngành các năm %(held)s."
        ) % detail)
    if len(held) + len(proposed) >= need:
        # Soft: the last of the titles is proposed, not yet conferred (see _title_check).
        return ctx.soft("cstd_national_chain", _(
            "Chiến sĩ thi đua cấp bộ, ngành năm %(years)s đang được đề nghị, chưa có quyết định."
        ) % {"years": _years(proposed)})
    return ctx.fail("cstd_national_chain", _(
        "Cần %(need)d lần liên tục đạt Chiến sĩ thi đua cấp bộ, ngành trong các năm %(years)s; "
        "đã đạt: %(held)s."
    ) % detail)


def cstd_national_initiative(ctx: Context) -> Check:
    years = _window(ctx, ctx.params.cstd_national_window_years)
    return _work_check(ctx, "cstd_national_initiative", years, "national")


def minister_route(ctx: Context) -> Check:
    p, person = ctx.params, ctx.person
    years = _window(ctx, p.minister_years)
    chain = _title_check(ctx, "minister_route", F.CSTDCS, years)
    if chain.outcome == Outcome.PASS:
        return chain
    counted = [y for y in years if _counts(person, y, ctx.year)]
    excellent = all(
        y in counted and getattr(person.years.get(y), "rating", None) == "excellent"
        for y in years
    )
    initiatives = _works(person, years, ctx.year, min_level="unit", kinds=("initiative",))
    if excellent and len(initiatives) >= p.minister_initiatives:
        return ctx.ok("minister_route", _(
            "Hoàn thành xuất sắc nhiệm vụ các năm %(years)s và có %(n)d sáng kiến được công nhận."
        ) % {"years": _years(years), "n": len(initiatives)})
    if chain.outcome == Outcome.SOFT_FAIL:
        return chain
    if ctx.case.campaign_kind != YEARLY:
        # Soft: an ad-hoc or thematic achievement (Law Art. 74) is a judgement the law
        # leaves to the council and its standing body; the yearly routes do not apply.
        return ctx.soft("minister_route", _(
            "Khen thưởng đột xuất/chuyên đề: thành tích do người thẩm định đánh giá."
        ))
    return ctx.fail("minister_route", _(
        "Không đạt tiêu chuẩn nào: Chiến sĩ thi đua cơ sở %(n)d năm liên tục (%(years)s), "
        "hoặc hoàn thành xuất sắc nhiệm vụ %(n)d năm liên tục với %(k)d sáng kiến "
        "(có %(found)d)."
    ) % {"n": p.minister_years, "years": _years(years), "k": p.minister_initiatives,
         "found": len(initiatives)})


def members_pending(ctx: Context) -> Check:
    waiting = [m for m in ctx.collective.members if any(
        c.kind == "discipline" for c in m.pending_cases
    )]
    if not waiting:
        return ctx.ok("members_pending", _("Không thành viên nào đang bị xem xét kỷ luật."))
    return ctx.result("members_pending", Outcome.DEFER, _(
        "Tạm hoãn xét cho đến khi có kết luận xem xét kỷ luật: %(names)s."
    ) % {"names": _names(waiting)})


def _members_title_share(ctx: Context, code: str, family: str, share_of: str) -> Check:
    members = ctx.collective.members
    if not members:
        return ctx.fail(code, _("Tập thể chưa có thành viên trong năm %(year)d.")
                        % {"year": ctx.year})
    states = [_title(m, family, ctx.year) for m in members]
    held, proposed = states.count("held"), states.count("proposed")
    share = ctx.params.collective_ldtt[share_of]
    detail = {"held": held, "proposed": proposed, "total": len(members),
              "percent": _number(share.percent),
              "rule": _("trên") if share.strictly_more else _("ít nhất")}
    if share.met(held, len(members)):
        return ctx.ok(code, _(
            "%(held)d/%(total)d thành viên đạt Lao động tiên tiến (cần %(rule)s %(percent)s%%)."
        ) % detail)
    if share.met(held + proposed, len(members)):
        # Soft: reached only with members' titles proposed in this round, not yet conferred.
        return ctx.soft(code, _(
            "%(held)d/%(total)d thành viên đã đạt Lao động tiên tiến, %(proposed)d đang được đề "
            "nghị (cần %(rule)s %(percent)s%%)."
        ) % detail)
    return ctx.fail(code, _(
        "%(held)d/%(total)d thành viên đạt Lao động tiên tiến, %(proposed)d đang được đề nghị; "
        "cần %(rule)s %(percent)s%%."
    ) % detail)


def _members_discipline(ctx: Context, code: str) -> Check:
    mildest = ctx.params.excluding_discipline_level.get(ctx.case.family)
    found = [m for m in ctx.collective.members if _disciplined_in(m, ctx.year, mildest)]
    if not found:
        return ctx.ok(code, _(
            "Không thành viên nào bị kỷ luật từ mức “%(level)s” trở lên trong năm %(year)d."
        ) % {"level": _level_label(mildest) if mildest else "—", "year": ctx.year})
    return ctx.fail(code, _(
        "Thành viên bị kỷ luật từ mức “%(level)s” trở lên trong năm %(year)d: %(names)s."
    ) % {"level": _level_label(mildest or ""), "year": ctx.year, "names": _names(found)})


def ttldtt_members_ldtt(ctx: Context) -> Check:
    return _members_title_share(ctx, "ttldtt_members_ldtt", F.LDTT, F.TTLDTT)


def ttldtt_members_discipline(ctx: Context) -> Check:
    return _members_discipline(ctx, "ttldtt_members_discipline")


def ttldxs_members_completed(ctx: Context) -> Check:
    members = ctx.collective.members
    short = [m for m in members if (f := m.years.get(ctx.year)) is None or f.rating is None
             or RATINGS.index(f.rating) < RATINGS.index("completed")]
    percent = ctx.params.ttldxs_completed_percent
    done = len(members) - len(short)
    if members and done * 100 >= percent * len(members):
        return ctx.ok("ttldxs_members_completed", _(
            "%(done)d/%(total)d thành viên hoàn thành nhiệm vụ trở lên (cần %(percent)s%%)."
        ) % {"done": done, "total": len(members), "percent": _number(percent)})
    return ctx.fail("ttldxs_members_completed", _(
        "%(done)d/%(total)d thành viên hoàn thành nhiệm vụ (cần %(percent)s%%); chưa đạt hoặc "
        "chưa xếp loại: %(names)s."
    ) % {"done": done, "total": len(members), "percent": _number(percent),
         "names": _names(short) or "—"})


def ttldxs_members_ldtt(ctx: Context) -> Check:
    return _members_title_share(ctx, "ttldxs_members_ldtt", F.LDTT, F.TTLDXS)


def ttldxs_members_cstdcs(ctx: Context) -> Check:
    states = [(m, _title(m, F.CSTDCS, ctx.year)) for m in ctx.collective.members]
    held = [m for m, s in states if s == "held"]
    if held:
        return ctx.ok("ttldxs_members_cstdcs", _("Có Chiến sĩ thi đua cơ sở năm %(year)d: "
                                                 "%(names)s.")
                      % {"year": ctx.year, "names": _names(held)})
    proposed = [m for m, s in states if s == "proposed"]
    if proposed:
        # Soft: the member's CSTĐCS is proposed in this round, not yet conferred.
        return ctx.soft("ttldxs_members_cstdcs", _(
            "Chiến sĩ thi đua cơ sở năm %(year)d đang được đề nghị: %(names)s."
        ) % {"year": ctx.year, "names": _names(proposed)})
    return ctx.fail("ttldxs_members_cstdcs", _(
        "Không thành viên nào đạt Chiến sĩ thi đua cơ sở năm %(year)d."
    ) % {"year": ctx.year})


def ttldxs_members_discipline(ctx: Context) -> Check:
    return _members_discipline(ctx, "ttldxs_members_discipline")


FAMILY_CHECKS: dict[str, tuple[CheckFn, ...]] = {
    F.LDTT: (pending_case, months_worked, discipline_in_year, ldtt_rating),
    F.CSTDCS: (pending_case, months_worked, discipline_in_year, cstdcs_ldtt, cstdcs_route,
               cstdcs_quota),
    F.CSTD_SECTOR: (pending_case, discipline_in_year,
                    _after_discipline(lambda p: p.cstd_sector_cstdcs_years),
                    cstd_sector_chain, cstd_sector_initiative),
    F.CSTD_NATIONAL: (pending_case, discipline_in_year,
                      _after_discipline(lambda p: p.cstd_national_window_years),
                      cstd_national_chain, cstd_national_initiative),
    F.MINISTER_CERTIFICATE: (pending_case, discipline_in_year,
                             _after_discipline(lambda p: p.minister_years), minister_route),
    F.TTLDTT: (members_pending, ttldtt_members_ldtt, ttldtt_members_discipline),
    F.TTLDXS: (members_pending, ttldxs_members_completed, ttldxs_members_ldtt,
               ttldxs_members_cstdcs, ttldxs_members_discipline),
    F.GENERIC: (pending_case,),
}
COLLECTIVE = frozenset({F.TTLDTT.value, F.TTLDXS.value})


def judge(case: Case, params: Parameters, *, rule_set: str) -> Verdict:
    """Every check of the case's family under one rule set's parameters."""
    ctx = Context(case, params)
    is_collective = isinstance(case.nominee, CollectiveFacts)
    if case.family in COLLECTIVE and not is_collective or (
        case.family not in COLLECTIVE | {F.GENERIC.value} and is_collective
    ):
        wanted = _("tập thể") if case.family in COLLECTIVE else _("cá nhân")
        return Verdict(rule_set, case.family, (ctx.fail(
            "subject", _("Danh hiệu “%(title)s” dành cho %(who)s.")
            % {"title": F(case.family).label, "who": wanted},
        ),))
    if case.family == F.GENERIC and is_collective:
        return Verdict(rule_set, case.family, ())
    return Verdict(rule_set, case.family, tuple(fn(ctx) for fn in FAMILY_CHECKS[case.family]))


# --- women first among otherwise equal candidates ----------------------------------------

T = TypeVar("T")


@dataclass(frozen=True)
class Headcount:
    """How many of a nominee are women, when nothing else about them is needed: a person
    (`person`, one of one or none of one) or a collective's members."""

    women: int
    members: int
    person: bool = False

    def women_percent(self) -> Decimal:
        return Decimal(100 * self.women) / self.members if self.members else Decimal(0)


def women_first(nominee: Nominee | Headcount, params: Parameters) -> bool:
    """Women, or collectives with at least the rule set's share of women (70 %)."""
    if isinstance(nominee, PersonFacts):
        return nominee.gender == "female"
    if isinstance(nominee, Headcount) and nominee.person:
        return nominee.women == 1
    return nominee.women_percent() >= params.women_first_collective_percent


def ranked(candidates: Iterable[T], *, merit: Callable[[T], Any],
           nominee: Callable[[T], Nominee | Headcount], params: Parameters) -> list[T]:
    """Best merit first (e.g. council votes); among equal merit, women (or collectives with
    ≥ 70 % women) first (Law Art. 5); otherwise the given order stays."""
    return sorted(candidates, key=lambda c: (_negated(merit(c)),
                                              not women_first(nominee(c), params)))


def _negated(value: Any) -> Any:
    return tuple(-v for v in value) if isinstance(value, tuple) else -value
