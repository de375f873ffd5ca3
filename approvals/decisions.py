"""The documents issued over many nominations at once (issue 12), each one service:

- `decision_create`: the Director's decision (quyết định khen thưởng) over a batch waiting
  for them: one Decision row, its lines with each bonus, and each nomination's own
  "approve" transition, all in one durable transaction;
- `report_batch_create`: a campaign's approved results reported to the provincial board
  (Ban Thi đua - Khen thưởng tỉnh), each nomination's "report" transition with it;
- `upward_proposal_create` and `upward_outcome_record`: higher awards proposed to the
  authority that decides them, and that authority's outcome, as fields of the proposal's
  line plus an audit record (no new lifecycle state: docs/decisions.md).

Each transition runs through workflow.services.nomination_act as a savepoint of the
batch's transaction (`batched`): any refused nomination refuses the whole document, with
the refusal naming it. The documents (DOCX, XLSX) are generated from these rows on request
(approvals/decision_documents.py).
"""

import datetime
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import Any, TypeVar

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from workflow.audit import audit_append
from workflow.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    PermissionRefused,
    RuleViolation,
    WorkflowError,
)
from workflow.policy import DOCUMENT_ROLES
from workflow.services import nomination_act

from .access import Actor, get_nomination_for_actor, load_actor
from .bonus import bonus_amount
from .decision_selectors import DECIDED_STATES, signer_of
from .models import (
    Award,
    BaseSalary,
    Campaign,
    Decision,
    DecisionLine,
    IssuedDocument,
    Nomination,
    ReportBatch,
    ReportLine,
    RuleSet,
    Unit,
    UpwardLine,
    UpwardProposal,
)
from .tallies import open_cell, tally_follow

MAX_ITEMS = 500
PROVINCIAL_BOARD = "Ban Thi đua - Khen thưởng tỉnh"

D = TypeVar("D", bound=IssuedDocument)


def base_salary_on(day: datetime.date) -> BaseSalary | None:
    """The base salary in force on `day`: the latest that starts on or before it."""
    return BaseSalary.objects.filter(effective_from__lte=day).order_by("-effective_from").first()


def _ids(nomination_ids: Iterable[Any]) -> list[int]:
    try:
        ids = sorted(dict.fromkeys(int(i) for i in nomination_ids))
    except (TypeError, ValueError):
        raise InvalidInput(fields={"nominations": [_("Danh sách mã đề nghị không hợp lệ.")]}) \
            from None
    if not ids or len(ids) > MAX_ITEMS:
        raise InvalidInput(
            fields={"nominations": [_("Chọn từ 1 đến %(n)d đề nghị.") % {"n": MAX_ITEMS}]}
        )
    return ids


def _check_header(number: str, date: datetime.date, place: str) -> tuple[str, str]:
    number, place = number.strip(), place.strip()
    errors: dict[str, list[str]] = {}
    if not number:
        errors["number"] = [_("Vui lòng nhập số, ký hiệu văn bản.")]
    if not place:
        errors["place"] = [_("Vui lòng nhập địa danh.")]
    if date > timezone.localdate():
        errors["date"] = [_("Ngày văn bản không được ở tương lai.")]
    if errors:
        raise InvalidInput(fields=errors)
    return number, place


def _check_role(actor: Actor, document: str) -> None:
    """Before any lock: the actor holds one of the document's roles somewhere (each
    nomination's own check, after its lock, says where)."""
    if not actor.units_for(*DOCUMENT_ROLES[document]):
        raise PermissionRefused(_("Bạn không có vai trò được phép ban hành văn bản này."))


def _check_number_free(model: type[IssuedDocument], number: str) -> None:
    if model._default_manager.filter(number=number).exists():
        raise InvalidInput(fields={"number": [
            _("Số, ký hiệu “%(number)s” đã được dùng cho văn bản khác.") % {"number": number}
        ]})


def _labels(actor: Actor, ids: Sequence[int]) -> dict[int, str]:
    """id -> "#12 Nguyễn Văn An – Lao động tiên tiến" for the nominations the actor sees (one
    query): a refusal names the nomination without telling what the actor may not see."""
    qs = Nomination.objects.filter(actor.visible_filter(), pk__in=ids).select_related("award")
    return {n.pk: f"#{n.pk} {n.nominee_name} – {n.award.name_vi}" for n in qs}


def _refusing(label: str, exc: WorkflowError) -> WorkflowError:
    """The same refusal, naming the nomination that refuses the whole document."""
    return type(exc)(
        _("Không thể ban hành văn bản: đề nghị %(nomination)s: %(message)s")
        % {"nomination": label, "message": exc.message},
        reasons=exc.reasons, fields=exc.fields,
    )


def _each(actor: Actor, ids: Sequence[int],
          act: Callable[[int], Nomination]) -> list[Nomination]:
    """`act` on each nomination in id order (the locks always taken in one order); the
    first refusal refuses them all, named."""
    labels = _labels(actor, ids)
    done = []
    for pk in ids:
        try:
            done.append(act(pk))
        except WorkflowError as exc:
            raise _refusing(labels.get(pk, f"#{pk}"), exc) from exc
    return done


def _issuing_body(nominations: Sequence[Nomination]) -> Unit:
    """The unit with legal personality (Law 06/2022 Art. 80(1)) that the nominations' units
    belong to: one for them all (one query)."""
    units = {u.pk: u for u in Unit.objects.only("id", "name", "parent_id",
                                                 "has_legal_personality")}
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


def _line_names(position: int, n: Nomination) -> dict[str, Any]:
    return {
        "position": position, "nomination": n, "nominee_name": n.nominee_name,
        "nominee_title": n.nominee_title, "unit_name": n.unit.name,
        "award_name": n.award.name_vi,
    }


def _issue(model: type[D], *, user: User, number: str, date: datetime.date, place: str,
           nominations: Sequence[Nomination], **fields: Any) -> D:
    """The document's row: the issuing body of its nominations, the signer as they are
    today; a lost race for the same number is a conflict, not a server error."""
    body = _issuing_body(nominations)
    name, title = signer_of(user)
    try:
        return model._default_manager.create(
            number=number, date=date, place=place, issuing_body=body, signer=user,
            signer_name=name, signer_title=title, **fields,
        )
    except IntegrityError as exc:
        raise Conflict(_("Số, ký hiệu văn bản vừa được dùng cho văn bản khác.")) from exc


def _subject(nominations: Sequence[Nomination]) -> str:
    awards = ", ".join(dict.fromkeys(n.award.name_vi for n in nominations))
    years = ", ".join(str(y) for y in sorted({n.year for n in nominations}))
    subject = _("khen thưởng %(awards)s năm %(years)s") % {"awards": awards, "years": years}
    return subject[:300]


# --- the Director's decision ------------------------------------------------


def _multiple(n: Nomination) -> Decimal:
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


def decision_create(
    *, user: User, number: str, date: datetime.date, place: str,
    nomination_ids: Iterable[Any], within: Callable[[Decision], None] | None = None,
) -> Decision:
    """Quyết định khen thưởng: the Director approves the nominations together. One decision
    row, one line per nomination with its bonus (the award's multiple × the base salary in
    force on `date`, rounded up to 10,000 VND), and each nomination's "approve" transition
    with its history record, in one durable transaction: one refusal refuses it all."""
    number, place = _check_header(number, date, place)
    ids = _ids(nomination_ids)
    actor = load_actor(user)
    _check_role(actor, "decision")
    inputs = {"decision_number": number, "decision_date": date}

    def approve(pk: int) -> Nomination:
        n = nomination_act(user=user, nomination_id=pk, action="approve", inputs=inputs,
                           batched=True)
        _multiple(n)
        return n

    with transaction.atomic(durable=True):
        _check_number_free(Decision, number)
        base = base_salary_on(date)
        if base is None:
            raise RuleViolation(reasons=[
                _("Chưa có mức lương cơ sở áp dụng vào ngày %(date)s.")
                % {"date": date.strftime("%d/%m/%Y")}
            ])
        approved = _each(actor, ids, approve)
        rule_set = RuleSet.objects.in_force_on(date).order_by("-effective_from").first()
        decision = _issue(
            Decision, user=user, number=number, date=date, place=place, nominations=approved,
            base_salary=base.amount, legal_basis=rule_set.legal_basis if rule_set else "",
            subject=_subject(approved),
        )
        DecisionLine.objects.bulk_create([
            DecisionLine(decision=decision, multiple=(multiple := _multiple(n)),
                         amount=bonus_amount(multiple, base.amount), **_line_names(i, n))
            for i, n in enumerate(approved, start=1)
        ])
        if within is not None:
            within(decision)
    return decision


# --- the report to the provincial board -------------------------------------


def report_batch_create(
    *, user: User, campaign_id: int, number: str, date: datetime.date, place: str,
    nomination_ids: Iterable[Any], within: Callable[[ReportBatch], None] | None = None,
) -> ReportBatch:
    """Báo cáo: report a campaign's approved nominations to the provincial board; each one's
    "report" transition runs in the batch's one durable transaction."""
    number, place = _check_header(number, date, place)
    ids = _ids(nomination_ids)
    actor = load_actor(user)
    _check_role(actor, "report_batch")
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None:
        raise InvalidInput(fields={"campaign": [_("Không tìm thấy đợt thi đua.")]})
    inputs = {"report_number": number, "report_date": date}

    def report(pk: int) -> Nomination:
        n = nomination_act(user=user, nomination_id=pk, action="report", inputs=inputs,
                           batched=True)
        if n.campaign_id != campaign.pk:
            raise RuleViolation(reasons=[
                _("Đề nghị không thuộc đợt “%(campaign)s”.") % {"campaign": campaign.name}
            ])
        return n

    with transaction.atomic(durable=True):
        _check_number_free(ReportBatch, number)
        reported = _each(actor, ids, report)
        batch = _issue(ReportBatch, user=user, number=number, date=date, place=place,
                       nominations=reported, campaign=campaign, recipient=PROVINCIAL_BOARD)
        ReportLine.objects.bulk_create([
            ReportLine(batch=batch, decision_number=n.decision_number,
                       decision_date=n.decision_date, **_line_names(i, n))
            for i, n in enumerate(reported, start=1)
        ])
        if within is not None:
            within(batch)
    return batch


# --- proposals upward and their outcome -------------------------------------


def _locked_for(actor: Actor, pk: int, document: str) -> tuple[Nomination, str]:
    """The nomination, row-locked, and the actor's role for `document` at its unit."""
    nomination = get_nomination_for_actor(actor, pk, for_update=True)
    roles = [r for r in sorted(DOCUMENT_ROLES[document]) if r in actor.roles_at(nomination.unit_id)]
    if not roles:
        raise PermissionRefused(_("Bạn không có vai trò được phép thực hiện thao tác này với "
                                  "đề nghị của đơn vị này."))
    return nomination, roles[0]


def _audit(nomination: Nomination, user: User, role: str, action: str,
           data: dict[str, Any], comment: str = "") -> None:
    """A history record that changes no state, and the actor's "done" tab with it."""
    record = audit_append(
        nomination=nomination, actor=user, role=role, action=action,
        from_state=nomination.state, to_state=nomination.state, comment=comment, data=data,
    )
    tally_follow(nomination=nomination, before=open_cell(nomination), record=record)


def upward_proposal_create(
    *, user: User, number: str, date: datetime.date, place: str, authority: str,
    nomination_ids: Iterable[Any], within: Callable[[UpwardProposal], None] | None = None,
) -> UpwardProposal:
    """Tờ trình: propose approved nominations of higher awards (those the head of the body
    does not decide) to `authority`; each then waits for its outcome (UpwardLine.outcome)."""
    number, place = _check_header(number, date, place)
    authority = authority.strip()
    if not authority:
        raise InvalidInput(fields={"authority": [_("Vui lòng nhập cơ quan nhận tờ trình.")]})
    ids = _ids(nomination_ids)
    actor = load_actor(user)
    _check_role(actor, "upward_propose")
    data = {"number": number, "date": date.isoformat(), "authority": authority}

    def propose(pk: int) -> Nomination:
        nomination, role = _locked_for(actor, pk, "upward_propose")
        if nomination.state not in DECIDED_STATES:
            raise Conflict(_("Chỉ trình cấp trên đề nghị đã được Thủ trưởng phê duyệt."))
        if nomination.award.decided_by != Award.Decider.UPWARD:
            raise RuleViolation(reasons=[
                _("“%(award)s” do Thủ trưởng cơ quan quyết định, không trình cấp trên.")
                % {"award": nomination.award.name_vi}
            ])
        if UpwardLine.objects.filter(nomination=nomination).exists():
            raise Conflict(_("Đề nghị đã được trình cấp trên."))
        _audit(nomination, user, role, "upward_propose", data)
        return nomination

    with transaction.atomic(durable=True):
        _check_number_free(UpwardProposal, number)
        proposed = _each(actor, ids, propose)
        proposal = _issue(UpwardProposal, user=user, number=number, date=date, place=place,
                          nominations=proposed, authority=authority)
        UpwardLine.objects.bulk_create([
            UpwardLine(proposal=proposal, **_line_names(i, n))
            for i, n in enumerate(proposed, start=1)
        ])
        if within is not None:
            within(proposal)
    return proposal


def upward_outcome_record(
    *, user: User, nomination_id: int, conferred: bool, decision_number: str = "",
    decision_date: datetime.date | None = None, note: str = "",
    within: Callable[[UpwardLine], None] | None = None,
) -> UpwardLine:
    """The standing reviewer records the higher authority's outcome of a proposed
    nomination: conferred (with that authority's decision number and date) or not. A
    conferred one is a title the person holds (approvals.verdicts, the register's history)."""
    decision_number, note = decision_number.strip(), note.strip()
    if conferred:
        errors: dict[str, list[str]] = {}
        if not decision_number:
            errors["decision_number"] = [_("Vui lòng nhập số quyết định của cấp trên.")]
        if decision_date is None:
            errors["decision_date"] = [_("Vui lòng nhập ngày quyết định của cấp trên.")]
        elif decision_date > timezone.localdate():
            errors["decision_date"] = [_("Ngày văn bản không được ở tương lai.")]
        if errors:
            raise InvalidInput(fields=errors)
    else:
        decision_number, decision_date = "", None
    actor = load_actor(user)
    with transaction.atomic(durable=True):
        nomination, role = _locked_for(actor, nomination_id, "upward_outcome")
        line = UpwardLine.objects.select_for_update().select_related("proposal").filter(
            nomination=nomination).first()
        if line is None:
            raise NotFound(_("Đề nghị chưa được trình cấp trên."))
        if line.outcome != UpwardLine.Outcome.PENDING:
            raise Conflict(_("Kết quả của cấp trên đã được ghi."))
        if decision_date is not None and decision_date < line.proposal.date:
            raise InvalidInput(fields={"decision_date": [
                _("Ngày quyết định không được trước ngày tờ trình (%(date)s).")
                % {"date": line.proposal.date.strftime("%d/%m/%Y")}
            ]})
        line.outcome = (UpwardLine.Outcome.CONFERRED if conferred
                        else UpwardLine.Outcome.NOT_CONFERRED)
        line.outcome_number, line.outcome_date, line.outcome_note = (
            decision_number, decision_date, note)
        line.outcome_at = timezone.now()
        line.save()
        _audit(nomination, user, role, "upward_outcome", {
            "proposal": line.proposal.number, "outcome": line.outcome,
            "decision_number": decision_number,
            "decision_date": decision_date.isoformat() if decision_date else None,
        }, comment=note)
        if within is not None:
            within(line)
    return line
