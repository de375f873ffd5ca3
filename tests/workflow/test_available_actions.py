from approvals.access import available_actions, load_actor, open_task
from approvals.services import role_grant
from approvals.states import State
from tests.factories import make_second_reviewer


def offered(user, n):
    task = open_task(n)
    return available_actions(
        load_actor(user), n, task_id=task.pk if task else None,
        owner_id=task.owner_id if task else None,
    )


def test_the_unit_head_is_offered_submit_withdraw_and_editing_on_a_draft(people, draft):
    assert offered(people["head"], draft) == [
        "submit", "withdraw", "edit", "upload_document", "remove_document"
    ]
    assert offered(people["staff"], draft) == ["edit", "upload_document", "remove_document"]


def test_a_queued_review_offers_claim_but_not_the_decisions(people, nomination_in):
    assert offered(people["reviewer"], nomination_in(State.SUBMITTED)) == ["claim"]


def test_the_holder_of_a_review_is_offered_its_decisions_and_another_reviewer_nothing(
    people, nomination_in
):
    other = make_second_reviewer()
    role_grant(user=other, role="standing_reviewer")
    n = nomination_in(State.IN_REVIEW)
    assert offered(people["reviewer"], n) == [
        "recommend", "override_soft_fail", "return", "reject", "release"]
    assert offered(other, n) == []


def test_after_the_end_only_the_directors_revocation_is_offered(people, nomination_in):
    n = nomination_in(State.REPORTED)
    assert all(offered(people[p], n) == [] for p in ("head", "reviewer", "admin"))
    assert offered(people["director"], n) == ["revoke"]
