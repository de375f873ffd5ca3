"""Every approval of an award the head of the body decides is a line of a decision
(quyết định khen thưởng): the "approve" transition itself (workflow.services) calls
`decision_line_add` under the nomination's row lock, whichever way it is taken (the
decision page over a batch, one nomination's page, a bulk job, the API). So no nomination
is approved without its Decision row, its line and its bonus.

The decision is the one numbered `number`: the first approval under a number issues it
(its issuing body, signer, date, place, base salary and legal basis), later ones under the
same number by the same signer on the same date add their lines to it (a bulk job, or the
Director approving one by one into one decision). The same number with another signer,
date or issuing body is refused: it belongs to another document.

An award decided upward (approvals.models.Award.Decider.UPWARD) has no line: the head's
approval is the agreement to propose it (approvals.decisions.upward_proposal_create).
"""

import datetime
from collections.abc import Sequence
from decimal import Decimal
from typing import Any, TypeVar

from django.contrib.auth.models import User
from django.db import IntegrityError
from django.utils.translation import gettext as _

from workflow.errors import Conflict, InvalidInput, RuleViolation

from .bonus import bonus_amount
from .decision_selectors import signer_of
from .models import (
    Award,
    BaseSalary,
    Decision,
    DecisionLine,
    IssuedDocument,
    Nomination,
    RuleSet,
    Unit,
)
from .role_map import RoleMap, role_map

D = TypeVar("D", bound=IssuedDocument)


def base_salary_on(day: datetime.date) -> BaseSalary | None:
    """The base salary in force on `day`: the latest that starts on or before it."""
    return BaseSalary.objects.filter(effective_from__lte=day).order_by("-effective_from").first()


_UNIT_FIELDS = ("id", "name", "parent_id", "place", "has_legal_personality")


def _units() -> dict[int, Unit]:
    return {u.pk: u for u in Unit.objects.only(*_UNIT_FIELDS)}


def issuing_body(nominations: Sequence[Nomination],
                 units: dict[int, Unit] | None = None) -> Unit:
    """The unit with legal personality (Law 06/2022 Art. 80(1)) that the nominations' units
    belong to: one for them all (one query, none given the `units` by id)."""
    units = _units() if units is None else units
    found: dict[int, Unit] = {}
    for n in nominations:
        unit: Unit | None = units.get(n.unit_id)
        while unit is not None and not unit.has_legal_personality:
            unit = units.get(unit.parent_id) if unit.parent_id else None
        if unit is None:
            raise RuleViolation(reasons=[
                _("Đơn vị của đề nghị #%(id)s không thuộc cơ quan có tư cách pháp nhân.")
                % {"id": n.pk}
            ])
        found[unit.pk] = unit
    if len(found) > 1:
        raise RuleViolation(reasons=[
            _("Các đề nghị thuộc nhiều cơ quan ban hành (%(bodies)s): mỗi văn bản của một "
              "cơ quan.") % {"bodies": ", ".join(sorted(u.name for u in found.values()))}
        ])
    return next(iter(found.values()))


def line_names(position: int, n: Nomination, unit_name: str | None = None) -> dict[str, Any]:
    """A line's names as they are on issue (the unit read with `n` unless named)."""
    return {
        "position": position, "nomination": n, "nominee_name": n.nominee_name,
        "nominee_title": n.nominee_title,
        "unit_name": n.unit.name if unit_name is None else unit_name,
        "award_name": n.award.name_vi,
    }


def issue(model: type[D], *, user: User, number: str, date: datetime.date, place: str,
          body: Unit, **fields: Any) -> D:
    """The document's row, the signer as they are today. A lost race for the same number is
    a conflict, not a server error: the caller's transaction (or savepoint) is undone."""
    name, title = signer_of(user)
    try:
        return model._default_manager.create(
            number=number, date=date, place=place, issuing_body=body, signer=user,
            signer_name=name, signer_title=title, **fields,
        )
    except IntegrityError as exc:
        raise Conflict(_("Số, ký hiệu văn bản vừa được dùng cho văn bản khác.")) from exc


def subject_of(awards: Sequence[str], years: Sequence[int]) -> str:
    """Trích yếu: "khen thưởng <awards> năm <years>"."""
    names = ", ".join(dict.fromkeys(awards))
    listed = ", ".join(str(y) for y in sorted(set(years)))
    return (_("khen thưởng %(awards)s năm %(years)s") % {"awards": names, "years": listed})[:300]


def bonus_multiple(n: Nomination) -> Decimal:
    """The award's multiple, refusing an award the body does not decide or without one."""
    award = n.award
    if award.decided_by != Award.Decider.BODY:
        raise RuleViolation(reasons=[
            _("“%(award)s” do %(decider)s quyết định: trình cấp trên, không ghi vào quyết "
              "định của cơ quan.") % {"award": award.name_vi, "decider": award.decider_note}
        ])
    if award.bonus_multiple is None:
        raise RuleViolation(reasons=[
            _("Chưa có hệ số tiền thưởng của “%(award)s”: quản trị viên cần nhập trong danh "
              "mục danh hiệu.") % {"award": award.name_vi}
        ])
    return award.bonus_multiple


def _number_taken(number: str) -> InvalidInput:
    return InvalidInput(fields={"decision_number": [
        _("Số quyết định “%(number)s” đã được dùng cho văn bản khác (khác người ký, ngày ký "
          "hoặc cơ quan ban hành).") % {"number": number}
    ]})


def _issue_decision(nomination: Nomination, user: User, number: str, date: datetime.date,
                    place: str, body: Unit) -> Decision:
    base = base_salary_on(date)
    if base is None:
        raise RuleViolation(reasons=[
            _("Chưa có mức lương cơ sở áp dụng vào ngày %(date)s.")
            % {"date": date.strftime("%d/%m/%Y")}
        ])
    place = place.strip() or body.place
    if not place:
        raise InvalidInput(fields={"place": [
            _("Vui lòng nhập địa danh (cơ quan %(body)s chưa có địa danh mặc định).")
            % {"body": body.name}
        ]})
    rule_set = RuleSet.objects.in_force_on(date).order_by("-effective_from").first()
    return issue(
        Decision, user=user, number=number, date=date, place=place, body=body,
        base_salary=base.amount, legal_basis=rule_set.legal_basis if rule_set else "",
        subject=subject_of([nomination.award.name_vi], [nomination.year]), line_count=1,
    )


def decision_line_add(*, nomination: Nomination, user: User, number: str,
                      date: datetime.date, place: str = "",
                      roles: RoleMap | None = None) -> DecisionLine | None:
    """The approved `nomination` (row-locked by the caller's transition) as the next line of
    decision `number`, issuing that decision if it is new (7 statements; 4 for a later line).
    None for an award decided upward. `roles`: the role map the caller's transition read (its
    unit tree names the units above the nomination's, which are all issuing_body climbs; else
    read now). Refuses an award without a multiple, a date without a
    base salary in force, and a number that is another document's."""
    if nomination.award.decided_by != Award.Decider.BODY:
        return None
    multiple = bonus_multiple(nomination)
    decision = Decision.objects.select_for_update().filter(number=number).first()
    above = (roles or role_map()).ancestors(nomination.unit_id)
    units = {u.pk: u for u in Unit.objects.filter(pk__in=above).only(*_UNIT_FIELDS)}
    body = issuing_body([nomination], units)
    if decision is None:
        decision = _issue_decision(nomination, user, number, date, place, body)
    elif (decision.signer_id, decision.date, decision.issuing_body_id) != (
            user.pk, date, body.pk):
        raise _number_taken(number)
    else:
        decision.line_count += 1
        if nomination.award.name_vi not in decision.subject or str(nomination.year) not in \
                decision.subject:
            named = decision.lines.values_list("award_name", "nomination__year").distinct()
            awards, years = zip(*named, strict=True) if named else ((), ())
            decision.subject = subject_of([*awards, nomination.award.name_vi],
                                          [*years, nomination.year])
        Decision.objects.filter(pk=decision.pk).update(line_count=decision.line_count,
                                                       subject=decision.subject)
    return DecisionLine.objects.create(
        decision=decision, multiple=multiple,
        amount=bonus_amount(multiple, decision.base_salary),
        **line_names(decision.line_count, nomination, units[nomination.unit_id].name),
    )
