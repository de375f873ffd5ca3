import pytest
from django.core.management import CommandError, call_command
from viewflow.workflow.models import Task

from approvals.models import Nomination
from approvals.states import State


def test_it_reports_every_nomination_consistent_after_normal_work(nomination_in, capsys):
    for state in (State.DRAFT, State.IN_REVIEW, State.WITHDRAWN, State.REPORTED):
        nomination_in(state)
    call_command("check_consistency")
    assert "OK: 4 nominations consistent" in capsys.readouterr().out


def test_it_names_a_nomination_whose_state_was_changed_behind_the_services(nomination_in):
    n = nomination_in(State.AWAITING_DIRECTOR)
    Nomination.objects.filter(pk=n.pk).update(state=State.APPROVED)
    # Its history and its task, and the inbox tallies it moved between behind them.
    with pytest.raises(CommandError, match="4 inconsistencies in 1 nominations"):
        call_command("check_consistency")


def test_it_names_a_nomination_whose_task_was_closed_behind_the_services(nomination_in, capsys):
    n = nomination_in(State.SUBMITTED)
    Task.objects.filter(process=n.process, flow_task_type="HUMAN", status="NEW").update(
        status="DONE"
    )
    with pytest.raises(CommandError):
        call_command("check_consistency")
    assert f"nomination #{n.pk}" in capsys.readouterr().err


def test_it_names_a_nomination_whose_due_date_was_changed_behind_the_services(
    nomination_in, capsys
):
    n = nomination_in(State.SUBMITTED)
    Nomination.objects.filter(pk=n.pk).update(due_on=None)
    with pytest.raises(CommandError, match="1 inconsistencies in 1 nominations"):
        call_command("check_consistency")
    assert f"nomination #{n.pk} (submitted): due date None, its clock gives" in (
        capsys.readouterr().err
    )
