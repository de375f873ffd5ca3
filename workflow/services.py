"""Every change of a nomination's lifecycle state, one function per action.

Each action is declared once, in workflow/policy.py (roles, states, inputs,
holder rule, reason); `nomination_act` takes any of them with inputs already
parsed by workflow/schemas.py. It opens one durable transaction, locks the
nomination row, re-checks the role, the state and the task's holder after the
lock, moves the FSM state and the viewflow task together, appends the
hash-chained history record (with the action's inputs) and queues
notifications. Web views, the API, bulk jobs, commands and tests all come here.
"""

import copy
import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.db import OperationalError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from viewflow.workflow.exceptions import FlowLockFailed
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from approvals import selectors
from approvals.access import (
    Actor,
    Delegated,
    assignee_for,
    delegation_in_force,
    get_nomination_for_actor,
    load_actor,
    open_task,
)
from approvals.decision_lines import decision_line_add
from approvals.eligibility import Check, Outcome, Verdict
from approvals.exemplars import exemplars_withdraw_for
from approvals.models import (
    DeadlineRulesVersion,
    Nomination,
    RoleMapVersion,
    SessionItem,
    VoteSession,
)
from approvals.names import full_name
from approvals.role_map import role_map
from approvals.states import State
from approvals.tallies import open_cell, tally_follow, task_follow
from approvals.verdicts import missing_documents, nomination_verdict, soft_fails_open
from monitoring.visits import stage_visit_follow
from notifications.services import notify_transition

from .audit import audit_append, security_log
from .errors import (
    Conflict,
    InvalidInput,
    NotFound,
    PermissionRefused,
    RuleViolation,
    connection_lost,
)
from .flows import NominationFlow, route_on_locked
from .policy import MAX_COMMENT, POLICY, TASK_ROLES, Holder, Rule
from .schemas import CONTROL_CHARACTERS, CONTROL_MESSAGE, check_typed, inputs_to_json
from .sla import Rules, clock_after, clock_of, deadline_rules, due_on

InputValue = str | int | bool | datetime.date
Within = Callable[[Nomination], None]


@dataclass
class Step:
    """What an action's own code sees: taken after the lock and the checks."""

    user: User
    actor: Actor
    nomination: Nomination
    task: Task | None
    inputs: Mapping[str, Any]
    comment: str
    # The person `user` stands in for, when acting under a delegation.
    on_behalf_of: User | None = None


def _state_label(state: str) -> str:
    return str(State(state).label) if state in State.values else state


def acting_as(
    actor: Actor, nomination: Nomination, action: str, task: Task | None, *,
    overdue: bool = False,
) -> tuple[str, Delegated | None]:
    """The role in which `actor` may take `action` now, and the delegation it is lent by
    (None: their own role), or why not (403 / 409; 422 for an escalation of work that is
    not overdue: `overdue`, Rule.overdue_only).

    Their own roles come first; a task someone else holds can only be worked by whom that
    person lent the role to."""
    rule = POLICY[action]
    unit_id = nomination.unit_id
    roles_here = actor.roles_at(unit_id) & rule.roles
    if not roles_here:
        raise PermissionRefused(
            _("Bạn không có vai trò được phép “%(action)s” đề nghị của đơn vị này.")
            % {"action": rule.label}
        )
    if not rule.roles_for(roles_here, nomination.state, overdue=True):
        raise Conflict(
            _("Không thể “%(action)s” khi đề nghị đang ở trạng thái “%(state)s”.")
            % {"action": rule.label, "state": _state_label(nomination.state)}
        )
    # Policy order makes the choice deterministic.
    roles = rule.roles_for(roles_here, nomination.state, overdue=overdue)
    if not roles:
        raise RuleViolation(reasons=[
            _("Chỉ được “%(action)s” khi đề nghị đã quá hạn xử lý ở bước hiện tại.")
            % {"action": rule.label}
        ])
    owner_id = task.owner_id if task is not None else None
    if rule.holder is Holder.HOLDER and owner_id not in (None, actor.user.pk):
        for role in roles:
            lent = actor.delegation(role, unit_id, delegator_id=owner_id)
            if lent is not None:
                return role, lent
        return roles[0], None  # _check_task refuses: someone else holds it
    own = [r for r in roles if r in actor.granted_at(unit_id)]
    if own:
        return own[0], None
    return roles[0], actor.delegation(roles[0], unit_id)


def _check_task(rule: Rule, task: Task | None, holder_id: int, state: str) -> None:
    """Rule.holder, enforced after the lock (workflow.policy.task_allows offers the same);
    `holder_id` is the acting user, or the person they stand in for."""
    if rule.holder is Holder.NONE:
        return
    if task is None:
        raise Conflict()
    if rule.holder is Holder.QUEUED:
        if task.owner_id is not None:
            raise Conflict(_held_by(task))
    elif rule.holder is Holder.CLAIMED:
        if task.owner_id is None:
            raise Conflict(_("Đề nghị chưa có người nhận xử lý; không có gì để giao lại."))
    elif task.owner_id is None:
        if state not in rule.claim_from:
            raise Conflict(_("Cần nhận xử lý đề nghị trước khi thực hiện thao tác này."))
    elif task.owner_id != holder_id:
        raise Conflict(_held_by(task))


def _held_by(task: Task) -> str:
    return _("Đề nghị đang do %(owner)s xử lý.") % {"owner": full_name(task.owner)}


def _clean_comment(comment: str, *, required: bool) -> str:
    comment = comment.strip()
    if CONTROL_CHARACTERS.search(comment):
        raise InvalidInput(fields={"comment": [str(CONTROL_MESSAGE)]})
    if required and not comment:
        raise InvalidInput(fields={"comment": [_("Vui lòng nêu lý do.")]})
    if len(comment) > MAX_COMMENT:
        raise InvalidInput(
            fields={"comment": [_("Ý kiến dài quá %(n)d ký tự.") % {"n": MAX_COMMENT}]}
        )
    return comment


def _check_values(rule: Rule, inputs: Mapping[str, Any]) -> None:
    """The declared inputs' own limits, all reported at once (before any lock is taken)."""
    errors: dict[str, list[str]] = {}
    for spec in rule.inputs:
        value = inputs.get(spec.name)
        if isinstance(value, str):
            value = value.strip()
        if spec.required and value in (None, ""):
            errors[spec.name] = [_("Vui lòng nhập “%(label)s”.") % {"label": spec.label}]
        elif spec.not_future and isinstance(value, datetime.date) and (
            value > timezone.localdate()
        ):
            errors[spec.name] = [_("Ngày văn bản không được ở tương lai.")]
    if errors:
        raise InvalidInput(fields=errors)


def _activation(task: Task) -> Any:
    """The task's viewflow activation, as `task.activation()` makes it but without taking the
    process lock and re-reading the task and its process: the frame holds the nomination's
    row lock, which every change of its process takes first (this module is the only
    writer), and read the task with its process after that lock (access.open_task)."""
    return task.flow_task.activation_class(task)


def _complete_task(task: Task, user: User) -> None:
    """Finish the human task as `user`; viewflow then creates the next stage's task.

    The task is written once, done: taking it (what viewflow's assign or reassign does
    before its own save) is set here in memory, as viewflow's own create() sets an owner,
    and saved with the completion (the frame has checked who may act)."""
    activation = _activation(task)
    if task.status == STATUS.NEW:
        task.status = STATUS.ASSIGNED
    task.owner = user
    activation.start(None)
    activation.execute()


def _route_on(step: Step) -> None:
    """Finish the task: the Switch after it routes on the state just set on the locked row
    (flows.route_on_locked; the row is written once, by the frame)."""
    assert step.task is not None  # Rule.holder guarantees an open task
    route_on_locked(step.task.process, step.nomination)
    _complete_task(step.task, step.user)


def _columns(nomination: Nomination) -> dict[str, Any]:
    return {
        f.attname: copy.deepcopy(v) if isinstance(v := getattr(nomination, f.attname), dict | list)
        else v
        for f in nomination._meta.concrete_fields
    }


def _save_changes(nomination: Nomination, before: Mapping[str, Any]) -> None:
    """One UPDATE of the columns that changed since the lock (none: no statement)."""
    after = _columns(nomination)
    changed = [f.name for f in nomination._meta.concrete_fields
               if after[f.attname] != before[f.attname]]
    if changed:
        nomination.save(update_fields=changed)


def nomination_act(
    *,
    user: User,
    nomination_id: int,
    action: str,
    inputs: Mapping[str, Any],
    within: Within | None = None,
    batched: bool = False,
) -> Nomination:
    """Take the lifecycle `action` with its parsed inputs (the comment among them).

    `within(nomination)` runs inside the transition's transaction, after the history
    record, so both commit or neither does. `batched`: the caller holds the durable
    transaction (a bulk job's batch, approvals/jobs.py) and this change is a savepoint in
    it, so that one refused or failed change is undone alone; events go after its commit.
    """
    return perform_transition(
        user=user, nomination_id=nomination_id, action=action, inputs=inputs,
        apply=APPLY[action], within=within, batched=batched,
    )


def perform_transition(
    *,
    user: User,
    nomination_id: int,
    action: str,
    inputs: Mapping[str, Any],
    apply: "Apply",
    within: Within | None = None,
    batched: bool = False,
) -> Nomination:
    """The shared frame of every change (STYLE.md, "How a transition is written"):
    lifecycle actions and the unit's content changes (editing, documents) alike.
    `batched`: see nomination_act."""
    rule = POLICY[action]
    check_typed(rule, inputs)
    _check_values(rule, inputs)
    comment = _clean_comment(str(inputs.get("comment", "")), required=rule.comment_required)
    recorded = {k: v for k, v in inputs_to_json(action, inputs).items() if k != "comment"}
    if batched and not transaction.get_connection().in_atomic_block:
        raise RuntimeError("a batched change needs its batch's transaction")
    try:
        with transaction.atomic(durable=not batched):
            # Before the row lock: an edit of the calendar takes the rules' row first too.
            rules_token, roles_token = _tokens()
            rules = deadline_rules(lock=True, token=rules_token)
            actor = load_actor(user, roles=role_map(token=roles_token))
            nomination = get_nomination_for_actor(actor, nomination_id, for_update=True)
            before = _columns(nomination)
            task = open_task(nomination, locked=True)
            cell = open_cell(nomination)
            # Escalation: overdue in its stage, by the one hook (a query only for such rules).
            overdue = bool(rule.overdue_only) and Nomination.objects.filter(
                selectors.escalation_q(rules=rules), pk=nomination.pk
            ).exists()
            role, lent = acting_as(actor, nomination, action, task, overdue=overdue)
            # Under a delegation: it must still be in force once locked (a cancel locks it too).
            principal = delegation_in_force(lent, for_update=True).delegator if lent else None
            holder_id = principal.pk if principal is not None else user.pk
            _check_task(rule, task, holder_id, nomination.state)
            from_state = nomination.state
            step = Step(user, actor, nomination, task, inputs, comment, principal)
            extra = apply(step) or {}
            if lent is not None:
                extra["delegation"] = lent.id
            if nomination.state != from_state:
                nomination.state_changed_at = timezone.now()
                _run_clock(nomination, from_state, rules)
            task_follow(nomination, step.task)
            _save_changes(nomination, before)
            record = audit_append(
                nomination=nomination,
                actor=user,
                role=role,
                action=action,
                from_state=from_state,
                to_state=nomination.state,
                comment=comment,
                data={**recorded, **extra},
                on_behalf_of=principal,
            )
            stage_visit_follow(nomination=nomination, record=record)
            tally_follow(nomination=nomination, before=cell, record=record)
            notify_transition(nomination=nomination, record=record, using=actor.role_map)
            if within is not None:
                within(nomination)
    except (PermissionRefused, NotFound) as exc:
        security_log(
            actor=user,
            action=action,
            nomination_id=nomination_id,
            outcome=exc.code,
            detail=str(exc.message),
        )
        raise
    except (OperationalError, FlowLockFailed) as exc:
        # A lock we could not get in time is a lost race, not a server error; a connection
        # that died is neither: it goes on up and the request answers 503 (not a conflict,
        # which would tell the client that someone else changed the nomination).
        if connection_lost(exc):
            raise
        raise Conflict() from exc
    return nomination


def _tokens() -> tuple[str | None, str | None]:
    """The deadline rules' token, held FOR SHARE as deadline_rules(lock=True) holds it, and
    the role map's, in one statement on PostgreSQL; None: each is read as usual."""
    if connection.vendor != "postgresql":
        return None, None
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT d.token, (SELECT r.token FROM {RoleMapVersion._meta.db_table} r "
            f"WHERE r.id = 1) FROM {DeadlineRulesVersion._meta.db_table} d WHERE d.id = 1 "
            "FOR SHARE OF d"
        )
        row = cursor.fetchone()
    return (row[0], row[1] or "") if row else (None, None)


def _run_clock(nomination: Nomination, from_state: str, rules: Rules) -> None:
    """Record what the deadline clock needs (workflow/sla.py) with the state change."""
    clock = clock_after(
        clock_of(nomination), from_state=from_state, to_state=nomination.state,
        day=timezone.localdate(nomination.state_changed_at), calendar=rules.calendar,
    )
    nomination.clock_started_on = clock.started_on
    nomination.clock_paused_days = clock.paused_days
    nomination.returned_on = clock.returned_on
    nomination.unit_working_days = clock.unit_days
    nomination.due_on = due_on(clock, nomination.state, rules)


# --- what each action does, after the frame's checks ------------------------

Apply = Callable[[Step], dict[str, Any] | None]
APPLY: dict[str, Apply] = {}


def applies(action: str) -> Callable[[Apply], Apply]:
    def register(fn: Apply) -> Apply:
        APPLY[action] = fn
        return fn

    return register


@applies("submit")
def _submit(step: Step) -> dict[str, Any]:
    """Thủ trưởng đơn vị trình: the unit head submits a draft or a returned proposal."""
    nomination = step.nomination
    deadline = nomination.campaign.submission_deadline
    if nomination.state == State.DRAFT and deadline < timezone.localdate():
        raise RuleViolation(
            reasons=[
                _("Đã quá hạn nộp hồ sơ của đợt (%(date)s).")
                % {"date": deadline.strftime("%d/%m/%Y")}
            ]
        )
    verdict = nomination_verdict(nomination)
    refusals = _refusals(verdict.having(Outcome.FAIL))
    missing = missing_documents(nomination)
    if missing:
        refusals.append(_("Hồ sơ còn thiếu: %(docs)s.") % {"docs": ", ".join(missing)})
    if refusals:
        raise RuleViolation(reasons=refusals)
    # A pending case defers it: it waits in the review's queue, unclaimable, not rejected.
    if verdict.having(Outcome.DEFER):
        nomination.submit_deferred()
    else:
        nomination.submit()
    _route_on(step)
    return {"eligibility": verdict.as_json()}


def _refusals(checks: list[Check]) -> list[str]:
    """Each check that blocks, with its reason and its article."""
    return [
        _("%(label)s: %(reason)s (%(article)s)")
        % {"label": c.label, "reason": c.reason, "article": c.article or "—"}
        for c in checks
    ]


def _eligible_for(step: Step, *, soft: bool) -> Verdict:
    """The live verdict, refusing a hard fail, a defer and (with `soft`) a soft fail the
    standing reviewer has not overridden."""
    verdict = nomination_verdict(step.nomination)
    blocking = verdict.having(Outcome.FAIL) + verdict.having(Outcome.DEFER)
    if soft:
        blocking += soft_fails_open(step.nomination, verdict)
    if blocking:
        raise RuleViolation(reasons=_refusals(blocking))
    return verdict


@applies("withdraw")
def _withdraw(step: Step) -> None:
    """The unit head withdraws the proposal before a decision; its open task is cancelled."""
    step.nomination.withdraw(reason=step.comment)
    NominationFlow.instance.cancel(step.nomination.process)


@applies("claim")
def _claim(step: Step) -> dict[str, Any]:
    """Take the open task from the role's queue; the standing review then starts (in_review)."""
    assert step.task is not None
    # Claimed under a delegation, the task is the lender's: theirs when they are back.
    _activation(step.task).assign(step.on_behalf_of or step.user)
    if step.nomination.state == State.SUBMITTED:
        step.nomination.claim_review()
    return {"task": step.task.flow_task.name}


@applies("release")
def _release(step: Step) -> dict[str, Any]:
    """Put a claimed task back in the queue; a review goes back to "submitted"."""
    assert step.task is not None
    _activation(step.task).unassign()
    if step.nomination.state == State.IN_REVIEW:
        step.nomination.release_review()
    return {"task": step.task.flow_task.name}


@applies("escalate_release")
def _escalate_release(step: Step) -> dict[str, Any]:
    """A manager takes a claimed task back from its holder into its role's queue, with a
    reason; a review goes back to "submitted". The previous holder is told."""
    task = step.task
    assert task is not None  # overdue: checked by the frame (Rule.overdue_only)
    previous = task.owner.username
    _activation(task).unassign()
    if step.nomination.state == State.IN_REVIEW:
        step.nomination.release_review()
    return {"task": task.flow_task.name, "from": previous}


@applies("reassign")
def _reassign(step: Step) -> dict[str, Any]:
    """An admin or manager hands a claimed task to another holder of the task's role, with a
    reason; the previous holder and the new one are told."""
    task = step.task
    assert task is not None
    assignee = assignee_for(step.nomination, TASK_ROLES[task.flow_task.name],
                            step.inputs["assignee"])
    if assignee is None:
        raise InvalidInput(
            fields={"assignee": [_("Người được giao không có vai trò xử lý bước này.")]}
        )
    previous = task.owner.username
    _activation(task).reassign(assignee)
    return {"task": task.flow_task.name, "from": previous, "to": assignee.username}


@applies("return")
def _return(step: Step) -> None:
    """Trả lại: the standing reviewer or the Director sends it back to the unit with a reason."""
    step.nomination.return_for_changes(reason=step.comment)
    _route_on(step)


@applies("recommend")
def _recommend(step: Step) -> dict[str, Any]:
    """The standing reviewer sends an appraised dossier to the council vote or to the Director."""
    nomination = step.nomination
    if step.inputs["to"] == "director" and nomination.award.requires_council_vote:
        raise RuleViolation(
            reasons=[
                _(
                    "Danh hiệu “%(award)s” phải được Hội đồng Thi đua - Khen thưởng bỏ phiếu "
                    "trước khi trình."
                )
                % {"award": nomination.award.name_vi}
            ]
        )
    verdict = _eligible_for(step, soft=True)
    if step.inputs["to"] == "council":
        nomination.recommend_to_council()
    else:
        nomination.recommend_to_director()
    _route_on(step)
    return {"eligibility": verdict.as_json()}


@applies("override_soft_fail")
def _override_soft_fail(step: Step) -> dict[str, Any]:
    """The standing reviewer confirms the soft fails of the live verdict, with a written
    justification (the comment); the history keeps which checks and the verdict."""
    verdict = nomination_verdict(step.nomination)
    pending = soft_fails_open(step.nomination, verdict)
    if not pending:
        raise RuleViolation(reasons=[_("Không có tiêu chuẩn nào cần xác nhận.")])
    return {"overridden": [c.code for c in pending], "eligibility": verdict.as_json()}


def _session_outcome(step: Step, *, passed: bool) -> None:
    """Only a council session being closed takes these (approvals.council sets its items'
    computed outcome first): the inputs must be that session's tally of this nomination."""
    inputs = step.inputs
    item = SessionItem.objects.filter(
        session_id=inputs["session"], nomination=step.nomination,
        session__status=VoteSession.Status.OPEN, passed=passed,
    ).first()
    if item is None or item.votes_for != inputs["votes_for"] or (
        item.session.members_total != inputs["votes_total"]
    ):
        raise Conflict(_("Chỉ phiên bỏ phiếu của Hội đồng mới quyết định kết quả này."))
    if step.task is None:
        raise Conflict()


@applies("council_pass")
def _council_pass(step: Step) -> None:
    """The council's session passed it (computed on the term's whole membership): on to
    the Director."""
    _session_outcome(step, passed=True)
    step.nomination.vote_passed(votes_for=step.inputs["votes_for"],
                                votes_total=step.inputs["votes_total"])
    _route_on(step)


@applies("council_fail")
def _council_fail(step: Step) -> None:
    """The council's session did not pass it: the proposal ends, the tally as its reason."""
    _session_outcome(step, passed=False)
    step.nomination.vote_failed(
        votes_for=step.inputs["votes_for"], votes_total=step.inputs["votes_total"],
        reason=step.comment or _("Hội đồng Thi đua - Khen thưởng không thông qua."),
    )
    _route_on(step)


@applies("approve")
def _approve(step: Step) -> dict[str, Any]:
    """The Director approves, recording the decision number and date: the nomination becomes
    a line of that decision, with its bonus (approvals.decision_lines)."""
    nomination, day = step.nomination, step.inputs["decision_date"]
    number = step.inputs["decision_number"].strip()
    _check_document_date("decision_date", day, nomination)
    verdict = _eligible_for(step, soft=False)
    nomination.approve(decision_number=number, decision_date=day)
    line = decision_line_add(nomination=nomination, user=step.user, number=number, date=day,
                             place=step.inputs.get("place") or "", roles=step.actor.role_map)
    _route_on(step)
    bonus = {"decision_line": line.position, "bonus": line.amount} if line else {}
    return {"eligibility": verdict.as_json(), **bonus}


@applies("report")
def _report(step: Step) -> None:
    """The liaison (or standing reviewer) reports the approved result to the provincial
    board; the report's own number and date go into the history with the action."""
    _check_document_date("report_date", step.inputs["report_date"], step.nomination)
    step.nomination.report()
    _route_on(step)


@applies("reject")
def _reject(step: Step) -> None:
    """The standing reviewer (after appraisal) or the Director refuses, with a reason."""
    step.nomination.reject(reason=step.comment)
    _route_on(step)


@applies("revoke")
def _revoke(step: Step) -> dict[str, Any]:
    """Thu hồi khen thưởng: the Director revokes an approved (or reported) award, with a
    reason and the revocation decision; its bonus is flagged for recovery, an open report
    task is cancelled (a reported award's process has ended) and its exemplar leaves the
    public page, in the same transaction."""
    nomination, day = step.nomination, step.inputs["revocation_date"]
    if nomination.decision_date is not None and day < nomination.decision_date:
        raise InvalidInput(fields={"revocation_date": [
            _("Ngày quyết định thu hồi không được trước ngày quyết định khen thưởng (%(date)s).")
            % {"date": nomination.decision_date.strftime("%d/%m/%Y")}
        ]})
    nomination.revoke(reason=step.comment,
                      revocation_number=step.inputs["revocation_number"].strip(),
                      revocation_date=day)
    if step.task is not None:
        NominationFlow.instance.cancel(nomination.process)
    withdrawn = exemplars_withdraw_for(nomination=nomination, user=step.user)
    return {"bonus_to_recover": True, "exemplars_withdrawn": withdrawn}


def _check_document_date(name: str, day: datetime.date, nomination: Nomination) -> None:
    """A decision or report is not dated before the proposal's (latest) submission."""
    submitted = nomination.submitted_at
    if submitted is not None and day < timezone.localdate(submitted):
        raise InvalidInput(
            fields={
                name: [
                    _("Ngày văn bản không được trước ngày trình đề nghị (%(date)s).")
                    % {"date": timezone.localdate(submitted).strftime("%d/%m/%Y")}
                ]
            }
        )


assert set(APPLY) == {a for a, r in POLICY.items() if not r.content}, "an action lacks its code"


def nomination_resume(*, nomination_id: int, user: User | None = None) -> bool:
    """Move a deferred proposal on to the standing review once no case about its nominee is
    pending (the verdict, re-evaluated under the lock, no longer defers); False when it still
    waits or is not deferred. `user`: who closed the case (None: the sweep)."""
    with transaction.atomic(durable=True):
        rules = deadline_rules(lock=True)
        nomination = (
            Nomination.objects.select_for_update(of=("self",))
            .select_related("award", "campaign").filter(pk=nomination_id).first()
        )
        if nomination is None or nomination.state != State.DEFERRED:
            return False
        verdict = nomination_verdict(nomination)
        if verdict.having(Outcome.DEFER):
            return False
        cell = open_cell(nomination)
        nomination.resume()
        nomination.state_changed_at = timezone.now()
        _run_clock(nomination, State.DEFERRED, rules)
        nomination.save()
        record = audit_append(
            nomination=nomination, actor=user, action="resume", from_state=State.DEFERRED,
            to_state=nomination.state, data={"eligibility": verdict.as_json()},
        )
        stage_visit_follow(nomination=nomination, record=record)
        tally_follow(nomination=nomination, before=cell, record=record)
        notify_transition(nomination=nomination, record=record)
    return True


def deferred_sweep(*, user: User | None = None) -> int:
    """Move on every deferred proposal whose case has closed; returns how many moved."""
    ids = list(Nomination.objects.filter(state=State.DEFERRED).values_list("pk", flat=True))
    return sum(nomination_resume(nomination_id=pk, user=user) for pk in ids)


# --- the same, one named function per action (tests, commands, the admin) ---


def _named(action: str) -> Callable[..., Nomination]:
    def service(
        *, user: User, nomination_id: int, within: Within | None = None,
        **inputs: InputValue,
    ) -> Nomination:
        return nomination_act(
            user=user, nomination_id=nomination_id, action=action, inputs=inputs, within=within
        )

    service.__name__ = f"nomination_{action}"
    service.__doc__ = APPLY[action].__doc__
    return service


nomination_submit = _named("submit")
nomination_withdraw = _named("withdraw")
nomination_claim = _named("claim")
nomination_release = _named("release")
nomination_reassign = _named("reassign")
nomination_escalate_release = _named("escalate_release")
nomination_return = _named("return")
nomination_recommend = _named("recommend")
nomination_approve = _named("approve")
nomination_reject = _named("reject")
nomination_report = _named("report")
nomination_override_soft_fail = _named("override_soft_fail")
nomination_revoke = _named("revoke")
