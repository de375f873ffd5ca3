"""Conflicting transitions at the same moment: exactly one wins, the rest get a conflict."""

import threading

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from approvals.services import role_grant
from approvals.states import State
from tests import factories
from workflow import services
from workflow.audit import verify_chain
from workflow.errors import Conflict
from workflow.models import AuditRecord

pytestmark = pytest.mark.django_db(transaction=True)


def run_at_once(calls):
    """Start every call together; return each one's result or exception class."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def worker(i, call):
        try:
            barrier.wait()
            results[i] = call().state
        except Exception as exc:  # the test inspects what each thread got
            results[i] = type(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


@pytest.fixture
def world():
    org = factories.make_org()
    return org, factories.make_people(org)


def test_only_one_of_six_simultaneous_decisions_wins_and_the_chain_still_verifies(world):
    org, people = world
    n = factories.nomination_in(org, people, State.AWAITING_DIRECTOR)
    before = AuditRecord.objects.count()
    director = people["director"]

    def approve():
        return services.nomination_approve(
            user=director, nomination_id=n.pk, decision_number="7/QĐ",
            decision_date=timezone.localdate(),
        )

    def reject():
        return services.nomination_reject(user=director, nomination_id=n.pk, comment="Không đạt")

    results = run_at_once([approve, reject, approve, reject, approve, reject])

    winners = [r for r in results if r in (State.APPROVED, State.REJECTED)]
    assert len(winners) == 1
    assert results.count(Conflict) == 5
    assert AuditRecord.objects.count() == before + 1
    assert verify_chain().ok
    call_command("check_consistency")


def test_two_reviewers_claiming_the_same_dossier_at_once_leave_one_holder(world):
    org, people = world
    second = get_user_model().objects.create_user(username="reviewer-b", password="x")
    role_grant(user=second, role="standing_reviewer")
    n = factories.nomination_in(org, people, State.SUBMITTED)
    before = AuditRecord.objects.count()

    results = run_at_once([
        lambda: services.nomination_claim(user=people["reviewer"], nomination_id=n.pk),
        lambda: services.nomination_claim(user=second, nomination_id=n.pk),
        lambda: services.nomination_claim(user=people["reviewer"], nomination_id=n.pk),
        lambda: services.nomination_claim(user=second, nomination_id=n.pk),
    ])

    assert results.count(State.IN_REVIEW) == 1
    assert results.count(Conflict) == 3
    assert AuditRecord.objects.count() == before + 1
    assert verify_chain().ok
    call_command("check_consistency")


def test_transitions_on_different_nominations_at_once_all_succeed_and_chain_in_order(world):
    org, people = world
    drafts = [factories.new_draft(org, people, name=f"Người {i}") for i in range(6)]
    before = AuditRecord.objects.count()

    results = run_at_once([
        (lambda pk=d.pk: services.nomination_submit(user=people["head"], nomination_id=pk))
        for d in drafts
    ])

    assert results == [State.SUBMITTED] * 6
    assert AuditRecord.objects.count() == before + 6
    assert verify_chain().ok
    call_command("check_consistency")
