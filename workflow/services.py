"""Every change of a nomination's lifecycle state, one function per action.

Each service opens one durable transaction, locks the nomination row,
re-checks permission and state after the lock, moves the FSM state and the
viewflow task together, appends the hash-chained history record and queues
notifications. Web views, the API, admin actions, commands and tests all call
these functions and nothing else.
"""

import datetime
from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.db import OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from viewflow.workflow.exceptions import FlowLockFailed
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from approvals.access import Actor, get_nomination_for_actor, load_actor
from approvals.models import Nomination
from approvals.states import State
from notifications.services import notify_transition

from .audit import audit_append, security_log
from .errors import Conflict, InvalidInput, NotFound, PermissionRefused, RuleViolation
from .flows import NominationFlow
from .policy import POLICY, TASK_ROLES, allowed

_OPEN_TASK_STATUSES = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)
MAX_COMMENT = 4000


def _state_label(state: str) -> str:
    return str(State(state).label) if state in State.values else state


def acting_role(actor: Actor, nomination: Nomination, action: str) -> str:
    """The role in which `actor` may take `action` now, or why not (403 / 409)."""
    rule = POLICY[action]
    roles_here = actor.roles_at(nomination.unit_id) & rule.roles
    if not roles_here:
        raise PermissionRefused(
            _("Bạn không có vai trò được phép “%(action)s” đề nghị của đơn vị này.")
            % {"action": rule.label}
        )
    for role in rule.by_role:  # policy order makes the choice deterministic
        if role in roles_here and nomination.state in rule.by_role[role]:
            return role
    raise Conflict(
        _("Không thể “%(action)s” khi đề nghị đang ở trạng thái “%(state)s”.")
        % {"action": rule.label, "state": _state_label(nomination.state)}
    )


def open_task(nomination: Nomination):
    """The nomination's one open human task, or None once the process is over."""
    if nomination.process_id is None:
        return None
    return (
        Task.objects.filter(
            process_id=nomination.process_id,
            status__in=_OPEN_TASK_STATUSES,
            flow_task_type="HUMAN",
        )
        .select_related("owner")
        .order_by("-id")
        .first()
    )


def _clean_comment(comment, *, required: bool) -> str:
    comment = (comment or "").strip()
    if required and not comment:
        raise InvalidInput(fields={"comment": [_("Vui lòng nêu lý do.")]})
    if len(comment) > MAX_COMMENT:
        raise InvalidInput(
            fields={"comment": [_("Ý kiến dài quá %(n)d ký tự.") % {"n": MAX_COMMENT}]}
        )
    return comment


def _require_holder(task, user, *, auto_claim: bool):
    """The task must be held by `user`; an unclaimed one is claimed if `auto_claim`."""
    if task is None:
        raise Conflict()
    if task.owner_id is None:
        if not auto_claim:
            raise Conflict(_("Cần nhận xử lý đề nghị trước khi thực hiện thao tác này."))
        return
    if task.owner_id != user.pk:
        raise Conflict(_held_by(task))


def _held_by(task) -> str:
    owner = task.owner
    return _("Đề nghị đang do %(owner)s xử lý.") % {
        "owner": owner.get_full_name() or owner.username
    }


def _complete_task(task, user) -> None:
    """Finish the human task as `user`; viewflow then creates the next stage's task."""
    with task.activation() as activation:
        if activation.assign.can_proceed():
            activation.assign(user)
        elif task.owner_id != user.pk:
            activation.reassign(user)
        activation.start(None)
        activation.execute()


def _route_on(nomination, task, user) -> None:
    """Write the new state, then finish the task: the Switch after it routes on that state."""
    nomination.save()
    _complete_task(task, user)


def perform_transition(
    *,
    user,
    nomination_id,
    action: str,
    comment: str = "",
    apply: Callable,
    data: dict | None = None,
    within: Callable[[Nomination], None] | None = None,
) -> Nomination:
    """The shared frame of every transition (see STYLE.md, "How a transition is written")."""
    try:
        with transaction.atomic(durable=True):
            actor = load_actor(user)
            nomination = get_nomination_for_actor(actor, nomination_id, for_update=True)
            role = acting_role(actor, nomination, action)
            comment = _clean_comment(comment, required=POLICY[action].needs_comment)
            from_state = nomination.state
            task = open_task(nomination)
            extra = apply(nomination=nomination, task=task, actor=actor, comment=comment) or {}
            if nomination.state != from_state:
                nomination.state_changed_at = timezone.now()
            nomination.save()
            record = audit_append(
                nomination=nomination,
                actor=user,
                role=role,
                action=action,
                from_state=from_state,
                to_state=nomination.state,
                comment=comment,
                data={**(data or {}), **extra},
            )
            notify_transition(nomination=nomination, record=record)
            if within is not None:
                # The caller's own write (a bulk job's item outcome) commits with the change.
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
        # A lock we could not get in time is a lost race, not a server error.
        raise Conflict() from exc
    return nomination


# --- the unit ---------------------------------------------------------------


def nomination_submit(*, user, nomination_id, within=None, comment: str = "") -> Nomination:
    """Thủ trưởng đơn vị trình: the unit head submits a draft or a returned proposal."""

    def apply(*, nomination, task, **_ignored):
        if nomination.state == State.DRAFT and nomination.campaign.submission_deadline < (
            timezone.localdate()
        ):
            raise RuleViolation(
                reasons=[
                    _("Đã quá hạn nộp hồ sơ của đợt (%(date)s).")
                    % {"date": nomination.campaign.submission_deadline.strftime("%d/%m/%Y")}
                ]
            )
        nomination.submit()
        _complete_task(task, user)

    return perform_transition(
        user=user,
        nomination_id=nomination_id,
        action="submit",
        comment=comment,
        apply=apply,
        within=within,
    )


def nomination_withdraw(*, user, nomination_id, within=None, comment: str) -> Nomination:
    """The unit head withdraws the proposal before a decision; its open task is cancelled."""

    def apply(*, nomination, **_ignored):
        nomination.withdraw(reason=comment)
        NominationFlow.instance.cancel(nomination.process)

    return perform_transition(
        user=user,
        nomination_id=nomination_id,
        action="withdraw",
        comment=comment,
        apply=apply,
        within=within,
    )


# --- claiming work ----------------------------------------------------------


def nomination_claim(*, user, nomination_id, within=None, comment: str = "") -> Nomination:
    """Take the open task from the role's queue; the standing review then starts (in_review)."""

    def apply(*, nomination, task, **_ignored):
        if task is None:
            raise Conflict()
        if task.owner_id is not None:
            raise Conflict(_held_by(task))
        with task.activation() as activation:
            activation.assign(user)
        if nomination.state == State.SUBMITTED:
            nomination.claim_review()
        return {"task": task.flow_task.name}

    return perform_transition(
        user=user,
        nomination_id=nomination_id,
        action="claim",
        comment=comment,
        apply=apply,
        within=within,
    )


def nomination_release(*, user, nomination_id, within=None, comment: str = "") -> Nomination:
    """Put a claimed task back in the queue; a review goes back to "submitted"."""

    def apply(*, nomination, task, **_ignored):
        _require_holder(task, user, auto_claim=False)
        with task.activation() as activation:
            activation.unassign()
        if nomination.state == State.IN_REVIEW:
            nomination.release_review()
        return {"task": task.flow_task.name}

    return perform_transition(
        user=user,
        nomination_id=nomination_id,
        action="release",
        comment=comment,
        apply=apply,
        within=within,
    )


def nomination_reassign(
    *, user, nomination_id, within=None, assignee_id, comment: str = ""
) -> Nomination:
    """An admin or manager hands a claimed task to another holder of the task's role."""
    assignee = get_user_model().objects.filter(pk=assignee_id, is_active=True).first()

    def apply(*, nomination, task, **_ignored):
        if task is None or task.owner_id is None:
            raise Conflict(_("Đề nghị chưa có người nhận xử lý; không có gì để giao lại."))
        roles = TASK_ROLES[task.flow_task.name]
        if assignee is None or not (load_actor(assignee).roles_at(nomination.unit_id) & roles):
            raise InvalidInput(
                fields={"assignee": [_("Người được giao không có vai trò xử lý bước này.")]}
            )
        previous = task.owner.username
        with task.activation() as activation:
            activation.reassign(assignee)
        return {"task": task.flow_task.name, "from": previous, "to": assignee.username}

    return perform_transition(
        user=user,
        nomination_id=nomination_id,
        action="reassign",
        comment=comment,
        apply=apply,
        within=within,
    )


# --- standing review, council and Director ---------------------------------


def nomination_return(*, user, nomination_id, within=None, comment: str) -> Nomination:
    """Trả lại: the standing reviewer or the Director sends it back to the unit with a reason."""

    def apply(*, nomination, task, comment, **_ignored):
        _require_holder(task, user, auto_claim=nomination.state == State.AWAITING_DIRECTOR)
        nomination.return_for_changes(reason=comment)
        _route_on(nomination, task, user)

    return perform_transition(
        user=user,
        nomination_id=nomination_id,
        action="return",
        comment=comment,
        apply=apply,
        within=within,
    )


def nomination_recommend(
    *, user, nomination_id, within=None, to: str, comment: str = ""
) -> Nomination:
    """The standing reviewer sends an appraised dossier to the council vote or to the Director."""
    if to not in ("council", "director"):
        raise InvalidInput(fields={"to": [_("Chọn “council” (Hội đồng) hoặc “director”.")]})

    def apply(*, nomination, task, **_ignored):
        _require_holder(task, user, auto_claim=False)
        if to == "director" and nomination.award.requires_council_vote:
            raise RuleViolation(
                reasons=[
                    _("Danh hiệu “%(award)s” phải được Hội đồng bỏ phiếu trước khi trình.")
                    % {"award": nomination.award.name_vi}
                ]
            )
        if to == "council":
            nomination.recommend_to_council()
        else:
            nomination.recommend_to_director()
        _route_on(nomination, task, user)

    return perform_transition(
        user=user,
        nomination_id=nomination_id,
        action="recommend",
        comment=comment,
        apply=apply,
        within=within,
        data={"to": to},
    )


def nomination_record_vote(
    *,
    user,
    nomination_id,
    within=None,
    votes_for: int,
    votes_total: int,
    passed: bool,
    comment: str = "",
) -> Nomination:
    """The council secretary records the ballot outcome; a failed vote ends the proposal."""
    try:
        votes_for, votes_total = int(votes_for), int(votes_total)
    except (TypeError, ValueError):
        raise InvalidInput(fields={"votes_for": [_("Số phiếu phải là số nguyên.")]}) from None
    if votes_total <= 0 or not 0 <= votes_for <= votes_total:
        raise InvalidInput(
            fields={"votes_for": [_("Số phiếu đồng ý phải từ 0 đến tổng số thành viên.")]}
        )

    def apply(*, nomination, task, comment, **_ignored):
        _require_holder(task, user, auto_claim=True)
        if passed:
            nomination.vote_passed(votes_for=votes_for, votes_total=votes_total)
        else:
            nomination.vote_failed(
                votes_for=votes_for,
                votes_total=votes_total,
                reason=comment or _("Hội đồng không thông qua."),
            )
        _route_on(nomination, task, user)

    return perform_transition(
        user=user,
        nomination_id=nomination_id,
        action="record_vote",
        comment=comment,
        apply=apply,
        within=within,
        data={"votes_for": votes_for, "votes_total": votes_total, "passed": bool(passed)},
    )


def nomination_approve(
    *, user, nomination_id, within=None, decision_number: str, decision_date, comment: str = ""
) -> Nomination:
    """The Director approves, recording the decision number and date."""
    decision_number = (decision_number or "").strip()
    decision_date = _parse_date(decision_date)
    errors = {}
    if not decision_number or len(decision_number) > 60:
        errors["decision_number"] = [_("Nhập số quyết định (tối đa 60 ký tự).")]
    if decision_date is None:
        errors["decision_date"] = [_("Nhập ngày quyết định hợp lệ (dd/mm/yyyy).")]
    elif decision_date > timezone.localdate():
        errors["decision_date"] = [_("Ngày quyết định không được ở tương lai.")]
    if errors:
        raise InvalidInput(fields=errors)

    def apply(*, nomination, task, **_ignored):
        _require_holder(task, user, auto_claim=True)
        nomination.approve(decision_number=decision_number, decision_date=decision_date)
        _route_on(nomination, task, user)

    return perform_transition(
        user=user,
        nomination_id=nomination_id,
        action="approve",
        comment=comment,
        apply=apply,
        within=within,
        data={"decision_number": decision_number, "decision_date": decision_date.isoformat()},
    )


def nomination_reject(*, user, nomination_id, within=None, comment: str) -> Nomination:
    """The standing reviewer (after appraisal) or the Director refuses, with a reason."""

    def apply(*, nomination, task, comment, **_ignored):
        _require_holder(task, user, auto_claim=nomination.state == State.AWAITING_DIRECTOR)
        nomination.reject(reason=comment)
        _route_on(nomination, task, user)

    return perform_transition(
        user=user,
        nomination_id=nomination_id,
        action="reject",
        comment=comment,
        apply=apply,
        within=within,
    )


def nomination_report(*, user, nomination_id, within=None, comment: str = "") -> Nomination:
    """The liaison (or standing reviewer) reports the approved result to the provincial board."""

    def apply(*, nomination, task, **_ignored):
        _require_holder(task, user, auto_claim=True)
        nomination.report()
        _route_on(nomination, task, user)

    return perform_transition(
        user=user,
        nomination_id=nomination_id,
        action="report",
        comment=comment,
        apply=apply,
        within=within,
    )


def _parse_date(value):
    if isinstance(value, datetime.date):
        return value
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(str(value).strip(), fmt).date()
        except (TypeError, ValueError):
            continue
    return None


# The order in which actions are offered to a person: the lifecycle, then the content.
ACTION_ORDER = [
    "claim",
    "submit",
    "recommend",
    "record_vote",
    "approve",
    "report",
    "return",
    "reject",
    "release",
    "reassign",
    "withdraw",
    "edit",
    "upload_document",
    "remove_document",
]
# Actions only the task's holder takes (an unclaimed task is taken on the way, or refused).
HOLDER_ACTIONS = {"recommend", "record_vote", "approve", "report", "return", "reject"}


def available_actions(actor: Actor, nomination: Nomination, *, task_id, owner_id) -> list[str]:
    """What `actor` may do now: the policy table plus who holds the open task.

    The web page and the API offer exactly these; the services check again when called.
    """
    roles_here = actor.roles_at(nomination.unit_id)
    me = actor.user.pk
    result = []
    for action in ACTION_ORDER:
        if not allowed(action, roles_here, nomination.state):
            continue
        if action == "claim" and (task_id is None or owner_id is not None):
            continue
        if action == "release" and owner_id != me:
            continue
        if action == "reassign" and owner_id is None:
            continue
        if action in HOLDER_ACTIONS and owner_id not in (None, me):
            continue
        result.append(action)
    return result


# Action name -> service, for the API, bulk jobs and the web forms.
ACTION_SERVICES = {
    "submit": nomination_submit,
    "withdraw": nomination_withdraw,
    "claim": nomination_claim,
    "release": nomination_release,
    "reassign": nomination_reassign,
    "return": nomination_return,
    "recommend": nomination_recommend,
    "record_vote": nomination_record_vote,
    "approve": nomination_approve,
    "reject": nomination_reject,
    "report": nomination_report,
}


def nomination_act(
    *,
    user,
    nomination_id: int,
    action: str,
    inputs: dict,
    within: Callable[[Nomination], None] | None = None,
) -> Nomination:
    """Take `action` with its parsed inputs (the comment among them): the one entry point
    of the web, the API and bulk jobs. `within(nomination)` runs inside the transition's
    transaction (a bulk job writes its item's outcome there)."""
    return ACTION_SERVICES[action](user=user, nomination_id=nomination_id, within=within, **inputs)
