"""The rule sets' parameters: their schema, parsed and checked in code, and the three rule sets
the law has had since 2018, seeded as data (migration "rule_sets").

Every figure that shared/domain/commendation-rules.md marks **configurable** is a parameter
here, never a constant in the checks (approvals/eligibility.py): months worked, the
discipline levels that exclude, the CSTĐCS quota, the collectives' percentages, whether an
initiative is mandatory for CSTĐCS, the council's thresholds and quorum. So are the legal
citations each check gives: the articles are the administrator's to correct when a text
changes, as the rule sets themselves are.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class EligibilityKind(models.TextChoices):
    """Which family of rules judges an award (Award.eligibility): code names families,
    never award codes."""

    LDTT = "ldtt", gettext_lazy("Lao động tiên tiến")
    CSTDCS = "cstdcs", gettext_lazy("Chiến sĩ thi đua cơ sở")
    CSTD_SECTOR = "cstd_sector", gettext_lazy("Chiến sĩ thi đua cấp bộ, ngành")
    CSTD_NATIONAL = "cstd_national", gettext_lazy("Chiến sĩ thi đua toàn quốc")
    TTLDTT = "ttldtt", gettext_lazy("Tập thể lao động tiên tiến")
    TTLDXS = "ttldxs", gettext_lazy("Tập thể lao động xuất sắc")
    MINISTER_CERTIFICATE = "minister_certificate", gettext_lazy("Bằng khen của Bộ trưởng")
    GENERIC = "generic", gettext_lazy("Chỉ các điều kiện chung")


F = EligibilityKind
# The families judged with their own criteria (GENERIC has only the common conditions).
JUDGED_FAMILIES = tuple(f.value for f in F if f is not F.GENERIC)
COLLECTIVE_FAMILIES = (F.TTLDTT.value, F.TTLDXS.value)
# Discipline levels, mildest first (Discipline.Level's order).
DISCIPLINE_LEVELS = ("reprimand", "warning", "demotion", "removal", "dismissal")

# Every check of approvals/eligibility.py; each rule set cites an article for each.
CHECK_CODES = (
    "subject",
    "pending_case",
    "months_worked",
    "discipline_in_year",
    "after_discipline",
    "ldtt_rating",
    "cstdcs_ldtt",
    "cstdcs_route",
    "cstdcs_quota",
    "cstd_sector_chain",
    "cstd_sector_initiative",
    "cstd_national_chain",
    "cstd_national_initiative",
    "minister_route",
    "members_pending",
    "ttldtt_members_ldtt",
    "ttldtt_members_discipline",
    "ttldxs_members_completed",
    "ttldxs_members_ldtt",
    "ttldxs_members_cstdcs",
    "ttldxs_members_discipline",
    "women_first",
)


@dataclass(frozen=True)
class Share:
    """A share of a collective's members: at least `percent`, or more than it."""

    percent: Decimal
    strictly_more: bool = False

    def met(self, part: int, whole: int) -> bool:
        if whole <= 0:
            return False
        # Integer arithmetic on the percentages: no rounding at the boundary.
        if self.strictly_more:
            return part * 100 > self.percent * whole
        return part * 100 >= self.percent * whole


@dataclass(frozen=True)
class Parameters:
    """One rule set's parameters, typed (parse_parameters builds it from the JSON)."""

    min_months_worked: Decimal
    maternity_counts_as_worked: bool
    # family -> the mildest discipline level that excludes (None: none excludes)
    excluding_discipline_level: dict[str, str | None]
    # None: no quota (the current texts set none)
    cstdcs_quota_percent: Decimal | None
    initiative_mandatory_for_cstdcs: bool
    collective_ldtt: dict[str, Share]
    ttldxs_completed_percent: Decimal
    cstd_sector_cstdcs_years: int
    cstd_national_sector_titles: int
    cstd_national_window_years: int
    minister_years: int
    minister_initiatives: int
    women_first_collective_percent: Decimal
    vote_threshold_percent: dict[str, Decimal]
    vote_threshold_by_award: dict[str, Decimal]
    quorum_numerator: int
    quorum_denominator: int
    citations: dict[str, str]

    def citation(self, check: str) -> str:
        return self.citations[check]

    def vote_threshold(self, family: str, award_code: str = "") -> Decimal:
        if award_code in self.vote_threshold_by_award:
            return self.vote_threshold_by_award[award_code]
        return self.vote_threshold_percent.get(
            family, self.vote_threshold_percent[F.GENERIC.value]
        )

    def vote_passes(self, votes_for: int, members: int, family: str, award_code: str = "") -> bool:
        """Thresholds count all council members, not those present (98/2023 Art. 30(7))."""
        return votes_for * 100 >= self.vote_threshold(family, award_code) * members

    def quorum_met(self, present: int, members: int) -> bool:
        return present * self.quorum_denominator >= self.quorum_numerator * members


class ParameterErrors(Exception):
    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


class _Reader:
    """Reads one rule set's JSON, collecting every problem (in Vietnamese) before failing."""

    def __init__(self, raw: Any):
        self.raw = raw if isinstance(raw, dict) else {}
        self.errors: list[str] = []
        if not isinstance(raw, dict):
            self.errors.append(_("Tham số phải là một đối tượng JSON."))

    def bad(self, key: str, message: str) -> None:
        self.errors.append(f"“{key}”: {message}")

    def get(self, key: str) -> Any:
        if key not in self.raw:
            self.bad(key, _("thiếu tham số này."))
        return self.raw.get(key)

    def number(self, key: str, value: Any, low: int, high: int) -> Decimal:
        try:
            if isinstance(value, bool) or value is None:
                raise InvalidOperation
            number = Decimal(str(value))
        except (InvalidOperation, ValueError):
            number = Decimal(-1)
        if not number.is_finite() or not low <= number <= high:
            self.bad(key, _("phải là một số từ %(low)d đến %(high)d.") % {"low": low, "high": high})
            return Decimal(low)
        return number

    def integer(self, key: str, low: int, high: int) -> int:
        value = self.get(key)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            if key in self.raw:
                self.bad(key, _("phải là một số nguyên từ %(low)d đến %(high)d.")
                         % {"low": low, "high": high})
            return low
        return value

    def boolean(self, key: str) -> bool:
        value = self.get(key)
        if not isinstance(value, bool):
            if key in self.raw:
                self.bad(key, _("phải là true hoặc false."))
            return False
        return value

    def mapping(self, key: str, value: Any) -> dict[str, Any]:
        if not isinstance(value, dict):
            if value is not None or key in self.raw:
                self.bad(key, _("phải là một đối tượng JSON."))
            return {}
        return value


def parse_parameters(raw: Any) -> Parameters:
    """The typed parameters, or ParameterErrors listing every problem (Vietnamese)."""
    r = _Reader(raw)
    months = r.number("min_months_worked", r.get("min_months_worked"), 0, 12)
    maternity = r.boolean("maternity_counts_as_worked")
    levels = r.mapping("excluding_discipline_level", r.get("excluding_discipline_level"))
    excluding: dict[str, str | None] = {}
    for family in JUDGED_FAMILIES:
        level = levels.get(family, "missing")
        if level is not None and level not in DISCIPLINE_LEVELS:
            r.bad(
                f"excluding_discipline_level.{family}",
                _("phải là một trong %(levels)s hoặc null.")
                % {"levels": ", ".join(DISCIPLINE_LEVELS)},
            )
        excluding[family] = level if level in DISCIPLINE_LEVELS else None
    quota_raw = r.get("cstdcs_quota_percent")
    quota = None if quota_raw is None else r.number("cstdcs_quota_percent", quota_raw, 1, 100)
    mandatory = r.boolean("initiative_mandatory_for_cstdcs")
    shares_raw = r.mapping("collective_ldtt", r.get("collective_ldtt"))
    shares: dict[str, Share] = {}
    for family in COLLECTIVE_FAMILIES:
        key = f"collective_ldtt.{family}"
        item = r.mapping(key, shares_raw.get(family))
        strict = item.get("strictly_more", False)
        if not isinstance(strict, bool):
            r.bad(key, _("“strictly_more” phải là true hoặc false."))
            strict = False
        shares[family] = Share(r.number(key, item.get("percent"), 1, 100), strict)
    thresholds = r.mapping("vote_threshold_percent", r.get("vote_threshold_percent"))
    if F.GENERIC.value not in thresholds:
        r.bad("vote_threshold_percent", _("cần giá trị “generic” cho các danh hiệu khác."))
    by_family: dict[str, Decimal] = {}
    for family, value in thresholds.items():
        if family not in F.values:
            r.bad(f"vote_threshold_percent.{family}", _("không phải nhóm quy tắc."))
        by_family[family] = r.number(f"vote_threshold_percent.{family}", value, 1, 100)
    # Optional: absent is the same as no award of its own.
    awards = r.mapping("vote_threshold_by_award", r.raw.get("vote_threshold_by_award", {}))
    by_award = {
        str(code): r.number(f"vote_threshold_by_award.{code}", value, 1, 100)
        for code, value in awards.items()
    }
    quorum = r.mapping("quorum", r.get("quorum"))
    numerator = _positive(r, "quorum.numerator", quorum.get("numerator"))
    denominator = _positive(r, "quorum.denominator", quorum.get("denominator"))
    if numerator > denominator:
        r.bad("quorum", _("tử số không được lớn hơn mẫu số."))
    citations_raw = r.mapping("citations", r.get("citations"))
    citations: dict[str, str] = {}
    for check in CHECK_CODES:
        text = citations_raw.get(check)
        if not isinstance(text, str) or not text.strip() or len(text) > 300:
            r.bad(f"citations.{check}", _("cần căn cứ pháp lý (tối đa 300 ký tự)."))
            text = ""
        citations[check] = text.strip()
    params = Parameters(
        min_months_worked=months,
        maternity_counts_as_worked=maternity,
        excluding_discipline_level=excluding,
        cstdcs_quota_percent=quota,
        initiative_mandatory_for_cstdcs=mandatory,
        collective_ldtt=shares,
        ttldxs_completed_percent=r.number(
            "ttldxs_completed_percent", r.get("ttldxs_completed_percent"), 1, 100
        ),
        cstd_sector_cstdcs_years=r.integer("cstd_sector_cstdcs_years", 1, 10),
        cstd_national_sector_titles=r.integer("cstd_national_sector_titles", 1, 5),
        cstd_national_window_years=r.integer("cstd_national_window_years", 1, 20),
        minister_years=r.integer("minister_years", 1, 10),
        minister_initiatives=r.integer("minister_initiatives", 0, 10),
        women_first_collective_percent=r.number(
            "women_first_collective_percent", r.get("women_first_collective_percent"), 1, 100
        ),
        vote_threshold_percent=by_family,
        vote_threshold_by_award=by_award,
        quorum_numerator=numerator,
        quorum_denominator=denominator,
        citations=citations,
    )
    unknown = sorted(set(r.raw) - KNOWN_KEYS)
    for key in unknown:
        r.bad(key, _("tham số không có trong lược đồ."))
    if r.errors:
        raise ParameterErrors(r.errors)
    return params


def _positive(r: _Reader, key: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        r.bad(key, _("phải là một số nguyên dương."))
        return 1
    return value


KNOWN_KEYS = {
    "min_months_worked", "maternity_counts_as_worked", "excluding_discipline_level",
    "cstdcs_quota_percent", "initiative_mandatory_for_cstdcs", "collective_ldtt",
    "ttldxs_completed_percent", "cstd_sector_cstdcs_years", "cstd_national_sector_titles",
    "cstd_national_window_years", "minister_years", "minister_initiatives",
    "women_first_collective_percent", "vote_threshold_percent", "vote_threshold_by_award",
    "quorum", "citations",
}


def validate_parameters(value: Any) -> None:
    """The model field's validator: the admin shows each problem, in Vietnamese."""
    try:
        parse_parameters(value)
    except ParameterErrors as exc:
        raise ValidationError(exc.errors) from exc


# --- the three rule sets since 2018 (seeded by the data migration) -----------------------

_LAW_2003 = "Luật TĐKT 2003 (sửa đổi 2013)"
_LAW_2022 = "Luật TĐKT 2022"


def _citations(law: str, decree: str, *, maternity: str, quota: str,
               minister: str, principles: str) -> dict[str, str]:
    return {
        "subject": f"{law}, Điều 8",
        "pending_case": principles,
        "months_worked": f"{law}, Điều 24; {maternity}",
        "discipline_in_year": f"{law}, Điều 24; {decree}",
        "after_discipline": principles,
        "ldtt_rating": f"{law}, Điều 24",
        "cstdcs_ldtt": f"{law}, Điều 23",
        "cstdcs_route": f"{law}, Điều 23",
        "cstdcs_quota": quota,
        "cstd_sector_chain": f"{law}, Điều 22",
        "cstd_sector_initiative": f"{law}, Điều 22",
        "cstd_national_chain": f"{law}, Điều 21",
        "cstd_national_initiative": f"{law}, Điều 21",
        "minister_route": minister,
        "members_pending": principles,
        "ttldtt_members_ldtt": f"{law}, Điều 28",
        "ttldtt_members_discipline": f"{law}, Điều 28",
        "ttldxs_members_completed": f"{law}, Điều 27(1)",
        "ttldxs_members_ldtt": f"{law}, Điều 27(1)",
        "ttldxs_members_cstdcs": f"{law}, Điều 27(1)",
        "ttldxs_members_discipline": f"{law}, Điều 27(1)",
        "women_first": principles,
    }


def _parameters(*, months: int, quota: int | None, mandatory: bool, ttldtt: dict[str, Any],
                citations: dict[str, str]) -> dict[str, Any]:
    return {
        "min_months_worked": months,
        "maternity_counts_as_worked": True,
        "excluding_discipline_level": {
            "ldtt": "reprimand", "cstdcs": "reprimand", "cstd_sector": "reprimand",
            "cstd_national": "reprimand", "minister_certificate": "reprimand",
            "ttldtt": "warning", "ttldxs": "reprimand",
        },
        "cstdcs_quota_percent": quota,
        "initiative_mandatory_for_cstdcs": mandatory,
        "collective_ldtt": {"ttldtt": ttldtt, "ttldxs": {"percent": 70, "strictly_more": False}},
        "ttldxs_completed_percent": 100,
        "cstd_sector_cstdcs_years": 3,
        "cstd_national_sector_titles": 2,
        "cstd_national_window_years": 6,
        "minister_years": 2,
        "minister_initiatives": 2,
        "women_first_collective_percent": 70,
        "vote_threshold_percent": {
            "cstdcs": 80, "cstd_sector": 90, "cstd_national": 90, "generic": 80,
        },
        "vote_threshold_by_award": {"anh-hung-lao-dong": 90},
        "quorum": {"numerator": 2, "denominator": 3},
        "citations": citations,
    }


RULE_SETS: list[dict[str, Any]] = [
    {
        "code": "R2018",
        "name": "Quy định 2018–2023 (Nghị định 91/2017/NĐ-CP)",
        "legal_basis": (
            "Luật Thi đua, Khen thưởng 2003, sửa đổi 2005, 2009, 2013; Nghị định "
            "91/2017/NĐ-CP; Thông tư 12/2019/TT-BNV; Thông tư 05/2018/TT-BTP."
        ),
        "effective_from": datetime.date(2018, 1, 1),
        "effective_to": datetime.date(2023, 12, 31),
        "parameters": _parameters(
            months=10, quota=15, mandatory=True,
            ttldtt={"percent": 50, "strictly_more": True},
            citations=_citations(
                _LAW_2003, "Nghị định 91/2017/NĐ-CP",
                maternity="Nghị định 91/2017/NĐ-CP",
                quota="Nghị định 91/2017/NĐ-CP (tỷ lệ 15%)",
                minister=f"{_LAW_2003}, Điều 72",
                principles=f"{_LAW_2003}, Điều 6; Nghị định 91/2017/NĐ-CP",
            ),
        ),
    },
    {
        "code": "R2024",
        "name": "Quy định 01/01/2024 – 30/06/2025 (Nghị định 98/2023/NĐ-CP)",
        "legal_basis": (
            "Luật Thi đua, Khen thưởng số 06/2022/QH15; Nghị định 98/2023/NĐ-CP; "
            "Thông tư 01/2024/TT-BNV; Thông tư 11/2023/TT-BTP."
        ),
        "effective_from": datetime.date(2024, 1, 1),
        "effective_to": datetime.date(2025, 6, 30),
        "parameters": _parameters(
            months=6, quota=None, mandatory=False,
            ttldtt={"percent": 70, "strictly_more": False},
            citations=_citations(
                _LAW_2022, "Nghị định 98/2023/NĐ-CP",
                maternity="Thông tư 01/2024/TT-BNV",
                quota=f"{_LAW_2022}, Điều 23 (không giới hạn tỷ lệ)",
                minister=f"{_LAW_2022}, Điều 74",
                principles=f"{_LAW_2022}, Điều 5; Nghị định 98/2023/NĐ-CP",
            ),
        ),
    },
    {
        "code": "R2025",
        "name": "Quy định từ 01/07/2025 (Nghị định 152/2025/NĐ-CP)",
        "legal_basis": (
            "Luật Thi đua, Khen thưởng số 06/2022/QH15; Nghị định 152/2025/NĐ-CP (thay thế "
            "Nghị định 98/2023/NĐ-CP); Thông tư 15/2025/TT-BNV."
        ),
        "effective_from": datetime.date(2025, 7, 1),
        "effective_to": None,
        "parameters": _parameters(
            months=6, quota=None, mandatory=False,
            ttldtt={"percent": 70, "strictly_more": False},
            citations=_citations(
                _LAW_2022, "Nghị định 152/2025/NĐ-CP, Điều 4",
                maternity="Nghị định 152/2025/NĐ-CP, Điều 4(5)",
                quota=f"{_LAW_2022}, Điều 23 (không giới hạn tỷ lệ)",
                minister=f"{_LAW_2022}, Điều 74",
                principles=f"{_LAW_2022}, Điều 5; Nghị định 152/2025/NĐ-CP, Điều 4",
            ),
        ),
    },
]


def load_rule_sets(rule_set_model: Any) -> None:
    """Create the seeded rule sets that are missing (the data migration, test set-up);
    an administrator's edits of existing rows stay."""
    for seed in RULE_SETS:
        rule_set_model.objects.get_or_create(
            code=seed["code"], defaults={k: v for k, v in seed.items() if k != "code"}
        )
