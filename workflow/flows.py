"""The viewflow task layer: one human task per stage of the pipeline.

Tasks are created and completed only by workflow.services, inside the same
transaction that changes the nomination's state and writes the history; the
Switch gates route on the state the service has just set.
"""

from django.shortcuts import redirect
from viewflow import this
from viewflow.workflow import flow
from viewflow.workflow.lock import select_for_update_lock

from approvals.states import State


def open_nomination_page(request, process_pk, task_pk, **kwargs):
    """viewflow needs a view per human task; ours is the nomination page."""
    from approvals.models import Nomination

    nomination = Nomination.objects.only("pk").get(process_id=process_pk)
    return redirect("nomination-detail", pk=nomination.pk)


def _state_is(*states):
    """A Switch condition on the state the service has just written (read fresh, not cached)."""
    from approvals.models import Nomination

    def check(activation):
        # A Switch tries its cases in turn on one activation: read the state once.
        if not hasattr(activation, "nomination_state"):
            pk = activation.process.artifact_object_id
            activation.nomination_state = (
                Nomination.objects.filter(pk=pk).values_list("state", flat=True).first()
            )
        return activation.nomination_state in states

    return check


def _unit_of(process):
    # viewflow may pass the base Process here; the artifact is the nomination.
    return process.coerced.artifact.unit


class NominationFlow(flow.Flow):
    """Đề nghị khen thưởng

    Unit proposal, standing review, council vote, Director decision, report.
    """

    lock_impl = select_for_update_lock

    start = flow.StartHandle(this.start_process).Next(this.prepare)

    # Unit staff draft the proposal; the unit head submits it (also after a return).
    prepare = (
        flow.View(open_nomination_page)
        .Permission("approvals.role_unit_head", obj=_unit_of)
        .Next(this.review)
    )
    # The council's standing body appraises it (thẩm định).
    review = (
        flow.View(open_nomination_page)
        .Permission("approvals.role_standing_reviewer", obj=_unit_of)
        .Next(this.after_review)
    )
    after_review = (
        flow.Switch()
        .Case(this.prepare, _state_is(State.RETURNED))
        .Case(this.vote, _state_is(State.COUNCIL_VOTE))
        .Case(this.decide, _state_is(State.AWAITING_DIRECTOR))
        .Case(this.end, _state_is(State.REJECTED))
    )
    vote = (
        flow.View(open_nomination_page)
        .Permission("approvals.role_council_secretary", obj=_unit_of)
        .Next(this.after_vote)
    )
    after_vote = (
        flow.Switch()
        .Case(this.decide, _state_is(State.AWAITING_DIRECTOR))
        .Case(this.end, _state_is(State.REJECTED))
    )
    decide = (
        flow.View(open_nomination_page)
        .Permission("approvals.role_director", obj=_unit_of)
        .Next(this.after_decide)
    )
    after_decide = (
        flow.Switch()
        .Case(this.report, _state_is(State.APPROVED))
        .Case(this.prepare, _state_is(State.RETURNED))
        .Case(this.end, _state_is(State.REJECTED))
    )
    report = (
        flow.View(open_nomination_page)
        .Permission("approvals.role_liaison", obj=_unit_of)
        .Next(this.end)
    )
    end = flow.End()

    def start_process(self, activation, nomination):
        activation.process.artifact = nomination
        return activation.process
