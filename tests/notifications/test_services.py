"""Who hears about a transition: stored in its transaction, pushed after commit."""

import logging

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from approvals.roles import Role
from approvals.services import nomination_update, role_grant
from approvals.states import State
from notifications import events
from notifications.hub import WORKERS_GROUP, push_message
from notifications.models import Notification
from notifications.services import notifications_mark_read, notify_transition, push
from tests import factories
from tests.factories import PASSWORD, backdate_clock
from workflow import services
from workflow.models import AuditRecord

Kind = Notification.Kind
# Nothing listens on port 1: every connection is refused at once.
DEAD_LAYER = {
    "default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {"hosts": [{"address": "redis://127.0.0.1:1/0", "socket_connect_timeout": 0.5}]},
    }
}


def received(nomination=None) -> dict:
    """username -> kind of the notices written (for one nomination, if given)."""
    qs = Notification.objects.select_related("recipient")
    if nomination is not None:
        qs = qs.filter(nomination=nomination)
    return {n.recipient.username: n.kind for n in qs}


def last_record(nomination):
    return AuditRecord.objects.filter(nomination=nomination).order_by("-id").first()


def test_it_tells_the_standing_reviewer_and_no_one_else_when_the_unit_head_submits(draft, people):
    Notification.objects.all().delete()
    services.nomination_submit(user=people["head"], nomination_id=draft.pk)
    assert received(draft) == {"reviewer": Kind.TASK}


def test_a_new_draft_reaches_the_unit_head_but_not_its_author_nor_another_unit(draft):
    assert received(draft) == {"head": Kind.TASK}
    notice = Notification.objects.get()
    assert notice.actor.username == "staff"
    assert f"#{draft.pk}" in notice.text_vi and f"#{draft.pk}" in notice.text_en
    assert "Nguyễn Văn An" in notice.text_vi


def test_it_never_notifies_the_actor_of_their_own_action(org, people, nomination_in):
    # The head is both a unit role and the submitter: the unit's draft notice
    # went to the head, the submission's notice must not.
    n = nomination_in(State.SUBMITTED)
    record = last_record(n)
    assert not Notification.objects.filter(audit_record_id=record.pk, recipient=people["head"])
    assert Notification.objects.filter(audit_record_id=record.pk).count() == 1


def test_a_returned_nomination_reaches_its_unit_staff_and_head(nomination_in, people):
    n = nomination_in(State.IN_REVIEW)
    Notification.objects.all().delete()
    services.nomination_return(
        user=people["reviewer"], nomination_id=n.pk, comment="Thiếu tờ trình"
    )
    assert received(n) == {"staff": Kind.RETURNED, "head": Kind.RETURNED}
    assert "Thiếu tờ trình" in Notification.objects.filter(kind=Kind.RETURNED).first().text_vi


def test_an_opened_council_vote_reaches_the_members_and_the_secretary(nomination_in, people):
    n = nomination_in(State.IN_REVIEW, award_code="chien-si-thi-dua-co-so")
    Notification.objects.all().delete()
    services.nomination_recommend(user=people["reviewer"], nomination_id=n.pk, to="council")
    assert received(n) == {"member": Kind.VOTE_OPENED, "secretary": Kind.TASK}


def test_a_passed_vote_goes_to_the_director(nomination_in, people):
    n = nomination_in(State.COUNCIL_VOTE)
    Notification.objects.all().delete()
    factories.council_decide(people, [n], yes=6)
    assert received(n) == {"director": Kind.TASK}


def test_an_approval_tells_the_unit_and_queues_the_report(nomination_in, people):
    n = nomination_in(State.AWAITING_DIRECTOR)
    Notification.objects.all().delete()
    services.nomination_approve(
        user=people["director"],
        nomination_id=n.pk,
        decision_number="7/QĐ-TĐKT",
        decision_date=timezone.localdate(),
    )
    assert received(n) == {
        "staff": Kind.APPROVED,
        "head": Kind.APPROVED,
        "liaison": Kind.TASK,
        "reviewer": Kind.TASK,
    }
    assert "7/QĐ-TĐKT" in Notification.objects.filter(kind=Kind.APPROVED).first().text_en


def test_a_revocation_tells_the_unit_with_its_decision_number_and_reason(nomination_in, people):
    n = nomination_in(State.REPORTED)
    Notification.objects.all().delete()
    services.nomination_revoke(
        user=people["director"], nomination_id=n.pk, revocation_number="9/QĐ-THKT",
        revocation_date=timezone.localdate(), comment="Khai man thành tích",
    )
    assert received(n) == {"staff": Kind.REVOKED, "head": Kind.REVOKED}
    notice = Notification.objects.filter(kind=Kind.REVOKED).first()
    assert "9/QĐ-THKT" in notice.text_vi and "Khai man thành tích" in notice.text_vi
    assert "nộp lại" in notice.text_vi


def test_a_revocation_of_another_units_award_tells_nobody_of_this_unit(
        org, nomination_in, people):
    n = nomination_in(State.REPORTED, unit="b")
    Notification.objects.all().delete()
    services.nomination_revoke(
        user=people["director"], nomination_id=n.pk, revocation_number="10/QĐ-THKT",
        revocation_date=timezone.localdate(), comment="Hồ sơ không trung thực",
    )
    assert set(received(n)) == {"outsider_staff", "outsider_head"}


def test_a_rejection_tells_the_unit_with_the_reason(nomination_in, people):
    n = nomination_in(State.IN_REVIEW)
    Notification.objects.all().delete()
    services.nomination_reject(user=people["reviewer"], nomination_id=n.pk, comment="Chưa đủ")
    assert received(n) == {"staff": Kind.REJECTED, "head": Kind.REJECTED}


def test_claiming_edits_and_withdrawals_store_no_notice(nomination_in, draft, people):
    n = nomination_in(State.SUBMITTED)
    Notification.objects.all().delete()
    services.nomination_claim(user=people["reviewer"], nomination_id=n.pk)
    nomination_update(user=people["staff"], nomination_id=draft.pk, nominee_title="Chấp hành viên")
    services.nomination_withdraw(user=people["head"], nomination_id=draft.pk, comment="Rút")
    assert received() == {}


def test_a_reassignment_tells_the_new_holder_and_the_previous_one_only(nomination_in, people):
    other = get_user_model().objects.create_user(username="reviewer2", password=PASSWORD)
    role_grant(user=other, role=Role.STANDING_REVIEWER)
    n = backdate_clock(nomination_in(State.IN_REVIEW), 21)  # overdue: a manager may step in
    Notification.objects.all().delete()
    services.nomination_reassign(user=people["manager"], nomination_id=n.pk, assignee=other.pk,
                                 comment="Quá hạn thẩm định")
    assert received(n) == {"reviewer2": Kind.ASSIGNED, "reviewer": Kind.TAKEN_BACK}
    taken = Notification.objects.get(kind=Kind.TAKEN_BACK)
    assert taken.text_vi.endswith("đã được giao lại cho người khác: Quá hạn thẩm định")
    assert "reassigned to someone else: Quá hạn thẩm định" in taken.text_en


def test_a_manager_taking_work_back_tells_its_previous_holder_only(nomination_in, people):
    n = backdate_clock(nomination_in(State.IN_REVIEW), 21)
    Notification.objects.all().delete()
    services.nomination_escalate_release(user=people["manager"], nomination_id=n.pk,
                                         comment="Quá hạn thẩm định")
    assert received(n) == {"reviewer": Kind.TAKEN_BACK}
    assert Notification.objects.get().text_vi.endswith(
        "đã được thu hồi về hàng chờ: Quá hạn thẩm định"
    )


def test_a_reviewer_granted_for_another_unit_does_not_hear_of_this_one(org, people, draft):
    local = get_user_model().objects.create_user(username="reviewer_b", password=PASSWORD)
    role_grant(user=local, role=Role.STANDING_REVIEWER, unit=org["b"])
    services.nomination_submit(user=people["head"], nomination_id=draft.pk)
    assert "reviewer_b" not in received(draft)
    assert received(draft)["reviewer"] == Kind.TASK


def test_a_grant_on_a_parent_unit_covers_the_nominations_of_its_children(org, people, draft):
    local = get_user_model().objects.create_user(username="reviewer_body", password=PASSWORD)
    role_grant(user=local, role=Role.STANDING_REVIEWER, unit=org["body"])
    services.nomination_submit(user=people["head"], nomination_id=draft.pk)
    assert received(draft)["reviewer_body"] == Kind.TASK


def test_an_inactive_user_gets_no_notice(people, draft):
    get_user_model().objects.filter(pk=people["reviewer"].pk).update(is_active=False)
    Notification.objects.all().delete()
    services.nomination_submit(user=people["head"], nomination_id=draft.pk)
    assert received(draft) == {}


def test_choosing_recipients_takes_the_same_queries_for_one_or_thirty_reviewers(org, people):
    from tests.factories import new_draft

    def queries_for_submit() -> tuple:
        n = new_draft(org, people)
        services.nomination_submit(user=people["head"], nomination_id=n.pk)
        record = last_record(n)
        Notification.objects.filter(audit_record_id=record.pk).delete()  # write them again
        with transaction.atomic(), CaptureQueriesContext(connection) as ctx:
            rows = notify_transition(nomination=n, record=record)
            transaction.set_rollback(True)
        return len(ctx.captured_queries), len(rows)

    few, one = queries_for_submit()
    for i in range(30):
        user = get_user_model().objects.create_user(username=f"rv{i}", password=PASSWORD)
        role_grant(user=user, role=Role.STANDING_REVIEWER)
    many, thirty_one = queries_for_submit()
    assert (one, thirty_one) == (1, 31)
    assert few == many


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_transaction_leaves_no_notice_and_pushes_nothing(org, people, draft):
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(WORKERS_GROUP, channel)
    Notification.objects.all().delete()
    record = AuditRecord(
        nomination=draft,
        actor=people["head"],
        action="submit",
        from_state="draft",
        to_state="submitted",
        comment="",
    )
    with pytest.raises(RuntimeError), transaction.atomic():
        rows = notify_transition(nomination=draft, record=record)
        assert [r.recipient.username for r in rows] == ["reviewer"]
        raise RuntimeError("the transition failed after choosing recipients")
    assert Notification.objects.count() == 0
    # Prove the channel works, then that the only message on it is this one.
    async_to_sync(layer.group_send)(WORKERS_GROUP, {"type": "probe"})
    assert async_to_sync(layer.receive)(channel) == {"type": "probe"}
    async_to_sync(layer.group_discard)(WORKERS_GROUP, channel)


@pytest.mark.django_db(transaction=True)
def test_after_commit_one_message_to_every_worker_carries_the_notice_and_the_actors_nudge(
    org, people, draft
):
    layer = get_channel_layer()
    worker_a = async_to_sync(layer.new_channel)()
    worker_b = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(WORKERS_GROUP, worker_a)
    async_to_sync(layer.group_add)(WORKERS_GROUP, worker_b)
    services.nomination_submit(user=people["head"], nomination_id=draft.pk)
    notice = Notification.objects.get(recipient=people["reviewer"])
    for channel in (worker_a, worker_b):
        message = async_to_sync(layer.receive)(channel)
        assert message["type"] == "hub.push"
        [(user_id, body, notice_id, previous)] = message["notices"]
        event = events.validate({**message["bodies"][body], "id": notice_id,
                                 "previous": previous})
        assert (user_id, event["id"]) == (people["reviewer"].pk, notice.pk)
        assert event["nomination"] == draft.pk and event["url"] == f"/nominations/{draft.pk}/"
        assert message["nudge"] == [people["head"].pk]
        async_to_sync(layer.group_discard)(WORKERS_GROUP, channel)


@pytest.mark.django_db(transaction=True)
def test_the_pushed_notice_names_its_actor_family_name_first(org, people, draft):
    head = people["head"]
    head.last_name, head.first_name = "Phan Văn", "Long"
    head.save()
    layer = get_channel_layer()
    worker = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(WORKERS_GROUP, worker)
    services.nomination_submit(user=head, nomination_id=draft.pk)
    message = async_to_sync(layer.receive)(worker)
    async_to_sync(layer.group_discard)(WORKERS_GROUP, worker)
    assert [body["actor"] for body in message["bodies"]] == ["Phan Văn Long"]
    stored = Notification.objects.get(recipient=people["reviewer"])
    assert events.notification_event(stored)["actor"] == "Phan Văn Long"

def test_notices_to_many_people_send_their_common_body_once():
    body = {"type": "notification", "kind": "task", "text_vi": "x", "read": False}
    message = push_message(
        {7: [{**body, "id": 70, "previous": 0}], 8: [{**body, "id": 80, "previous": 60}],
         9: [{**body, "kind": "x", "id": 90, "previous": 0}]},
        {7, 3},
    )
    assert message["bodies"] == [body, {**body, "kind": "x"}]
    assert message["notices"] == [[7, 0, 70, 0], [8, 0, 80, 60], [9, 1, 90, 0]]
    assert message["nudge"] == [3]  # 7 is counted anyway: it has a notice


@pytest.mark.django_db(transaction=True)
def test_a_dead_channel_layer_does_not_fail_the_transition(org, people, draft, settings, caplog):
    settings.CHANNEL_LAYERS = DEAD_LAYER
    with caplog.at_level(logging.WARNING, logger="notifications.services"):
        n = services.nomination_submit(user=people["head"], nomination_id=draft.pk)
    assert n.state == State.SUBMITTED
    assert Notification.objects.filter(recipient=people["reviewer"], nomination=n).count() == 1
    assert "notification push failed" in caplog.text


def test_push_reports_failure_instead_of_raising(settings):
    settings.CHANNEL_LAYERS = DEAD_LAYER
    assert push(push_message({}, {1})) is False


def test_marking_read_changes_only_the_users_own_notices(nomination_in, people):
    n = nomination_in(State.IN_REVIEW)
    services.nomination_return(user=people["reviewer"], nomination_id=n.pk, comment="Bổ sung")
    staff_notice = Notification.objects.get(recipient=people["staff"], kind=Kind.RETURNED)
    head_notice = Notification.objects.get(recipient=people["head"], kind=Kind.RETURNED)
    assert notifications_mark_read(user=people["head"], notification_ids=[staff_notice.pk]) == 0
    assert notifications_mark_read(user=people["staff"], notification_ids=[staff_notice.pk]) == 1
    staff_notice.refresh_from_db()
    head_notice.refresh_from_db()
    assert staff_notice.read_at is not None and head_notice.read_at is None
    unread_head = Notification.objects.filter(recipient=people["head"], read_at__isnull=True)
    expected = unread_head.count()
    assert expected >= 2  # the draft notice and the return notice
    assert notifications_mark_read(user=people["head"]) == expected
    assert not unread_head.exists()
