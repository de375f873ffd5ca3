"""The viewflow task layer: one human task per stage of the pipeline.

Tasks are created and completed only by workflow.services, inside the same
transaction that changes the nomination's state and writes the history; the
Switch gates route on the state the service has just set.

The tasks declare no viewflow `.Permission()`: viewflow does not enforce it when
a service drives the task, and who may work each stage is the policy table's
alone (workflow/policy.py TASK_ROLES and the rules' roles).
This module's import path is stored in viewflow's rows: keep it.
"""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from viewflow import this
from viewflow.workflow import flow
from viewflow.workflow.lock import select_for_update_lock

from approvals.models import Nomination
from approvals.states import State


def open_nomination_page(
    request: HttpRequest, process_pk: int, task_pk: int, **kwargs: Any
) -> HttpResponse:
    """viewflow needs a view per human task; ours is the nomination page."""
    nomination = Nomination.objects.only("pk").get(process_id=process_pk)
    return redirect("nomination-detail", pk=nomination.pk)


# The attribute of a Process that holds the locked nomination a service is changing.
_LOCKED = "_vd_locked_nomination"


def route_on_locked(process: Any, nomination: Nomination) -> None:
    """Let the Switches after this process's task route on `nomination` as it stands in
    memory: the service holds its row lock and has just set its state (not yet written)."""
    setattr(process, _LOCKED, nomination)
    setattr(process, _CREATED, None)


_CREATED = "_vinhdanh_created_task"


def created_task(process: Any) -> Any:
    """The human task this process's routing just created (NominationFlow.task_created),
    or None."""
    return getattr(process, _CREATED, None)


def _state_is(*states: str) -> Any:
    """A Switch condition on the state the service has just set: on the locked row it holds
    (route_on_locked), else read fresh from the database, never from a cache."""

    def check(activation: Any) -> bool:
        # A Switch tries its cases in turn on one activation: read the state once.
        if not hasattr(activation, "nomination_state"):
            pk = activation.process.artifact_object_id
            locked = getattr(activation.process, _LOCKED, None)
            activation.nomination_state = (
                locked.state if locked is not None and str(locked.pk) == str(pk)
                else Nomination.objects.filter(pk=pk).values_list("state", flat=True).first()
            )
        return activation.nomination_state in states

    return check


class NominationFlow(flow.Flow):
    """Đề nghị khen thưởng

    Unit proposal, standing review, council vote, Director decision, report.
    """

    lock_impl = select_for_update_lock

    start = flow.StartHandle(this.start_process).Next(this.prepare)

    # Unit staff draft the proposal; the unit head submits it (also after a return).
    prepare = flow.View(open_nomination_page).onCreate(this.task_created).Next(this.review)
    # The council's standing body appraises it (thẩm định).
    review = flow.View(open_nomination_page).onCreate(this.task_created).Next(this.after_review)
    after_review = (
        flow.Switch()
        .Case(this.prepare, _state_is(State.RETURNED))
        .Case(this.vote, _state_is(State.COUNCIL_VOTE))
        .Case(this.decide, _state_is(State.AWAITING_DIRECTOR))
        .Case(this.end, _state_is(State.REJECTED))
    )
    vote = flow.View(open_nomination_page).onCreate(this.task_created).Next(this.after_vote)
    after_vote = (
        flow.Switch()
        .Case(this.decide, _state_is(State.AWAITING_DIRECTOR))
        .Case(this.end, _state_is(State.REJECTED))
    )
    decide = flow.View(open_nomination_page).onCreate(this.task_created).Next(this.after_decide)
    after_decide = (
        flow.Switch()
        .Case(this.report, _state_is(State.APPROVED))
        .Case(this.prepare, _state_is(State.RETURNED))
        .Case(this.end, _state_is(State.REJECTED))
    )
    report = flow.View(open_nomination_page).onCreate(this.task_created).Next(this.end)
    end = flow.End()

    def task_created(self, activation: Any) -> None:
        """Keep the new human task on the process in memory: the service copies it onto
        the nomination without reading it again (approvals.tallies.task_follow)."""
        setattr(activation.process, _CREATED, activation.task)

    def start_process(self, activation: Any, nomination: Nomination) -> Any:
        activation.process.artifact = nomination
        return activation.process
