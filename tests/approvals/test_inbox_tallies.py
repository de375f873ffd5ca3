"""The inbox's stored copies (approvals/tallies.py): the counts always equal a recount.

After every kind of change (new drafts, submissions, claims and releases, returns,
votes, decisions, reports, rejections, withdrawals, delegations, reassignments, a manager
taking work back, a download, lost races), each person's three counts equal the length
of the tab they count, and the consistency check finds the copies and the tallies equal
to a recount from the history and viewflow's tasks. When they drift, it says so.
"""

import threading

import pytest
from django.db import connection
from django.utils import timezone

from approvals.access import load_actors
from approvals.models import InboxTally, Nomination
from approvals.roles import Role
from approvals.selectors import TABS, inbox, inbox_counts_many
from approvals.services import role_grant, role_revoke
from approvals.states import State
from approvals.tallies import tally_rebuild
from tests import factories
from workflow import services
from workflow.consistency import find_inconsistencies
from workflow.errors import Conflict


def _check(people) -> None:
    """Every person's counts equal their listed tabs; the copies equal a recount."""
    actors = load_actors(list(people.values()))
    counts = inbox_counts_many(list(actors.values()))
    for user_id, actor in actors.items():
        listed = {tab: inbox(actor, tab=tab).count() for tab in TABS}
        assert counts[user_id] == listed, actor.user.username
    assert find_inconsistencies()[1] == []


def test_the_counts_equal_a_recount_after_every_kind_of_change(org, people):
    everyone = {**people, "thay": factories.person("thay")}
    factories.delegate(people["reviewer"], everyone["thay"], Role.STANDING_REVIEWER)
    steps = []
    a = factories.new_draft(org, people, name="Một")
    b = factories.new_draft(org, people, unit="b", name="Hai")
    c = factories.new_draft(org, people, name="Ba")
    d = factories.new_draft(org, people, name="Bốn", award_code="chien-si-thi-dua-co-so")
    head, reviewer, thay = people["head"], people["reviewer"], everyone["thay"]
    steps += [
        lambda: services.nomination_submit(user=head, nomination_id=a.pk),
        lambda: services.nomination_submit(user=people["outsider_head"], nomination_id=b.pk),
        lambda: services.nomination_submit(user=head, nomination_id=d.pk),
        lambda: services.nomination_claim(user=reviewer, nomination_id=a.pk),
        lambda: services.nomination_release(user=reviewer, nomination_id=a.pk),
        # Under the delegation: the task is the lender's, worked by the substitute.
        lambda: services.nomination_claim(user=thay, nomination_id=a.pk),
        lambda: services.nomination_return(user=thay, nomination_id=a.pk, comment="Bổ sung"),
        lambda: services.nomination_submit(user=head, nomination_id=a.pk),
        lambda: services.nomination_claim(user=reviewer, nomination_id=b.pk),
        lambda: services.nomination_reassign(
            user=people["admin"], nomination_id=b.pk, assignee=thay_reviewer.pk,
            comment="Cân đối việc",
        ),
        # Escalation takes back overdue work only: the review began 30 working days ago.
        lambda: factories.backdate_clock(b, 30),
        lambda: services.nomination_escalate_release(
            user=people["manager"], nomination_id=b.pk, comment="Quá hạn"
        ),
        lambda: services.nomination_claim(user=reviewer, nomination_id=b.pk),
        lambda: services.nomination_reject(user=reviewer, nomination_id=b.pk, comment="Không đạt"),
        lambda: services.nomination_claim(user=reviewer, nomination_id=d.pk),
        lambda: services.nomination_recommend(user=reviewer, nomination_id=d.pk, to="council"),
        lambda: factories.council_decide(people, [d]),
        lambda: services.nomination_approve(
            user=people["director"], nomination_id=d.pk, decision_number="15/QĐ",
            decision_date=timezone.localdate(),
        ),
        lambda: services.nomination_report(
            user=people["liaison"], nomination_id=d.pk, report_number="12/BC",
            report_date=timezone.localdate(),
        ),
        lambda: services.nomination_withdraw(user=head, nomination_id=c.pk, comment="Rút"),
        lambda: services.nomination_withdraw(user=head, nomination_id=a.pk, comment="Rút"),
    ]
    thay_reviewer = factories.person("reviewer3", (Role.STANDING_REVIEWER, None))
    everyone["reviewer3"] = thay_reviewer
    _check(everyone)
    for step in steps:
        step()
        _check(everyone)
    # A role taken away hides what the person did in that unit from their "done" too.
    role_revoke(user=people["outsider_head"], role=Role.UNIT_HEAD, unit=org["b"])
    role_grant(user=people["outsider_head"], role=Role.LIAISON, unit=org["a"])
    _check(everyone)


def test_a_refused_action_changes_no_count(org, people):
    n = factories.nomination_in(org, people, State.IN_REVIEW)
    second = factories.make_second_reviewer()
    role_grant(user=second, role=Role.STANDING_REVIEWER)
    before = list(InboxTally.objects.values_list("person_id", "box", "state", "n"))
    with pytest.raises(Conflict):  # the review is held by the first reviewer
        services.nomination_claim(user=second, nomination_id=n.pk)
    assert list(InboxTally.objects.values_list("person_id", "box", "state", "n")) == before


def test_the_consistency_check_reports_a_drifted_tally_and_a_stale_task_copy(org, people):
    n = factories.nomination_in(org, people, State.SUBMITTED)
    assert find_inconsistencies()[1] == []
    InboxTally.objects.filter(box="open", state=State.SUBMITTED).update(n=5)
    Nomination.objects.filter(pk=n.pk).update(task_owner=people["reviewer"])
    problems = find_inconsistencies()[1]
    assert any("inbox copy of the open task" in p for p in problems)
    assert any(p.startswith("inbox tally") for p in problems)
    # What the check reports, the rebuild repairs (the tallies from the copies: the copy
    # is read again from viewflow's tasks first).
    tally_rebuild()
    assert find_inconsistencies()[1] == []


@pytest.mark.django_db(transaction=True)
def test_the_counts_equal_a_recount_after_simultaneous_claims_and_a_withdrawal():
    org = factories.make_org()
    people = factories.make_people(org)
    second = factories.make_second_reviewer()
    role_grant(user=second, role=Role.STANDING_REVIEWER)
    people["reviewer2"] = second
    n = factories.nomination_in(org, people, State.SUBMITTED)
    calls = [
        lambda: services.nomination_claim(user=people["reviewer"], nomination_id=n.pk),
        lambda: services.nomination_claim(user=second, nomination_id=n.pk),
        lambda: services.nomination_withdraw(user=people["head"], nomination_id=n.pk,
                                             comment="Rút"),
    ]
    barrier, results = threading.Barrier(len(calls)), []

    def worker(call):
        try:
            barrier.wait()
            results.append(call().state)
        except Conflict:
            results.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert len(results) == 3 and "conflict" in results
    _check(people)
