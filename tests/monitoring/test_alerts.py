"""Alerts: raised once per condition and object, cleared, raised again, acknowledged; each kind
of rule; who is told; the daily digest; rules edited only by whom they concern."""

import datetime
import threading
import time

import pytest
from django.core import mail
from django.db import connection, transaction

from approvals.models import Nomination
from approvals.roles import Role
from approvals.services import role_grant
from approvals.states import State
from monitoring import alerts
from monitoring.alerts import Finding, alert_acknowledge, alert_rule_save, alerts_scan
from monitoring.models import Alert, AlertDigest, AlertRule, StageVisit
from notifications.models import Notification
from tests import factories
from workflow import services
from workflow.errors import Conflict, InvalidInput, NotFound, PermissionRefused

LONG_AGO = datetime.date(2026, 1, 5)


def rule(kind, threshold=0, unit=None, enabled=True):
    return AlertRule.objects.create(kind=kind, threshold=threshold, unit=unit, enabled=enabled)


def make_late(n, day=LONG_AGO):
    """The stored due date of the open stage, as the clock would have written it long ago."""
    Nomination.objects.filter(pk=n.pk).update(due_on=day)


def alert_notices():
    return list(Notification.objects.filter(kind=Notification.Kind.ALERT)
                .values_list("recipient__username", flat=True))


def test_an_alert_is_raised_once_then_cleared_then_raised_again(org, people, nomination_in):
    overdue = rule(AlertRule.Kind.OVERDUE)
    n = nomination_in(State.SUBMITTED)
    make_late(n)
    first = alerts_scan()
    alert = Alert.objects.get()
    assert first.raised == [alert.pk] and alert.key == f"nomination:{n.pk}"
    assert alert.rule == overdue and alert.unit == org["a"] and alert.is_open
    assert "quá hạn" in alert.text_vi and "overdue" in alert.text_en
    assert alert_notices() == ["manager"]

    second = alerts_scan()
    assert second.raised == [] and Alert.objects.count() == 1 and alert_notices() == ["manager"]

    # The reviewer takes it on and recommends it: a new stage, a new (later) due date.
    services.nomination_claim(user=people["reviewer"], nomination_id=n.pk)
    services.nomination_recommend(user=people["reviewer"], nomination_id=n.pk, to="director")
    assert alerts_scan().cleared == [alert.pk]
    alert.refresh_from_db()
    assert alert.cleared_at is not None and not alert.is_open

    make_late(n)  # late again, in the Director's stage
    again = alerts_scan()
    assert len(again.raised) == 1 and again.raised != [alert.pk]
    assert Alert.objects.filter(cleared_at__isnull=True).count() == 1
    assert alert_notices() == ["manager", "manager"]


def test_an_acknowledged_alert_stays_on_record_and_is_not_raised_again(org, people,
                                                                       nomination_in):
    rule(AlertRule.Kind.OVERDUE)
    n = nomination_in(State.SUBMITTED)
    make_late(n)
    alerts_scan()
    alert = Alert.objects.get()
    alert_acknowledge(user=people["manager"], alert_id=alert.pk, note="Đã nhắc đơn vị")
    alert.refresh_from_db()
    assert not alert.is_open and alert.acknowledged_by == people["manager"]
    assert alert.note == "Đã nhắc đơn vị" and alert.acknowledged_at is not None
    assert alerts_scan().raised == [] and Alert.objects.count() == 1
    with pytest.raises(Conflict):
        alert_acknowledge(user=people["manager"], alert_id=alert.pk)
    # Still late: it clears only when the condition does.
    assert Alert.objects.get().cleared_at is None
    Nomination.objects.filter(pk=n.pk).update(due_on=datetime.date(2099, 1, 1))
    assert alerts_scan().cleared == [alert.pk]


def test_only_a_manager_of_the_unit_may_acknowledge(org, people, nomination_in):
    rule(AlertRule.Kind.OVERDUE)
    make_late(nomination_in(State.SUBMITTED))  # unit A
    alerts_scan()
    alert = Alert.objects.get()
    role_grant(user=people["outsider_head"], role=Role.MANAGER, unit=org["b"])
    for name in ("outsider_head", "reviewer", "director", "head"):
        with pytest.raises(NotFound):
            alert_acknowledge(user=people[name], alert_id=alert.pk)
    assert Alert.objects.get().is_open


def test_the_managers_of_the_unit_concerned_are_told_and_nobody_else(org, people,
                                                                     nomination_in):
    role_grant(user=people["outsider_head"], role=Role.MANAGER, unit=org["b"])
    manager_a = factories.make_second_reviewer()  # a person with no role yet
    role_grant(user=manager_a, role=Role.MANAGER, unit=org["a"])
    rule(AlertRule.Kind.OVERDUE)
    make_late(nomination_in(State.SUBMITTED))  # unit A
    alerts_scan()
    assert sorted(alert_notices()) == ["manager", "reviewer2"]


def test_a_disabled_rule_raises_nothing_and_clears_what_it_had_raised(org, people,
                                                                      nomination_in):
    overdue = rule(AlertRule.Kind.OVERDUE)
    make_late(nomination_in(State.SUBMITTED))
    alerts_scan()
    alert_rule_save(user=people["manager"], rule_id=overdue.pk, kind=overdue.kind,
                    threshold=0, unit_id=None, enabled=False)
    assert alerts_scan().cleared == [Alert.objects.get().pk]
    assert alerts_scan().raised == []


def test_the_overdue_threshold_counts_working_days_past_the_due_date(org, people,
                                                                     nomination_in):
    rule(AlertRule.Kind.OVERDUE, threshold=3)
    n = nomination_in(State.SUBMITTED)
    make_late(n, datetime.date(2026, 11, 25))  # a Wednesday
    assert alerts_scan(today=datetime.date(2026, 11, 30)).raised == []  # 3 working days late
    report = alerts_scan(today=datetime.date(2026, 12, 1))  # 4
    assert len(report.raised) == 1 and Alert.objects.get().value == 4


def test_a_queue_above_its_threshold(org, people, nomination_in):
    rule(AlertRule.Kind.QUEUE, threshold=1)
    first = nomination_in(State.SUBMITTED)
    alerts_scan()
    assert not Alert.objects.exists()
    nomination_in(State.SUBMITTED, name="Hai")
    alerts_scan()
    alert = Alert.objects.get()
    assert (alert.key, alert.value, alert.unit) == ("stage:review", 2, org["body"])
    services.nomination_claim(user=people["reviewer"], nomination_id=first.pk)
    alerts_scan()  # one left unclaimed: not above 1
    assert Alert.objects.get().cleared_at is not None


def test_drafts_still_unsubmitted_close_to_the_deadline(org, people, draft):
    deadline = org["campaign"].submission_deadline
    rule(AlertRule.Kind.DRAFTS_BEFORE_DEADLINE, threshold=5)
    alerts_scan(today=deadline - datetime.timedelta(days=20))
    assert not Alert.objects.exists()
    alerts_scan(today=deadline - datetime.timedelta(days=1))
    alert = Alert.objects.get()
    assert alert.unit == org["a"] and alert.value == 1 and alert.campaign == org["campaign"]
    services.nomination_submit(user=people["head"], nomination_id=draft.pk)
    alerts_scan(today=deadline - datetime.timedelta(days=1))
    assert Alert.objects.get().cleared_at is not None


def test_a_unit_that_has_submitted_nothing_before_the_deadline(org, people, draft):
    deadline = org["campaign"].submission_deadline
    rule(AlertRule.Kind.SILENT_UNIT, threshold=10)
    services.nomination_submit(user=people["head"], nomination_id=draft.pk)  # unit A did
    alerts_scan(today=deadline - datetime.timedelta(days=2))
    assert [(a.unit.code, a.campaign_id) for a in Alert.objects.all()] == [
        ("don-vi-b", org["campaign"].pk)
    ]


def test_a_holder_with_claimed_items_untouched(org, people, nomination_in):
    rule(AlertRule.Kind.IDLE_HOLDER, threshold=5)
    n = nomination_in(State.IN_REVIEW)
    alerts_scan()
    assert not Alert.objects.exists()
    StageVisit.objects.filter(nomination=n, left_at__isnull=True).update(
        touched_at=datetime.datetime(2026, 1, 5, tzinfo=datetime.UTC))
    alerts_scan()
    alert = Alert.objects.get()
    assert (alert.holder, alert.unit, alert.value) == (people["reviewer"], org["a"], 1)


def test_the_share_of_returned_dossiers(org, people, nomination_in):
    rule(AlertRule.Kind.RETURN_SHARE, threshold=30)
    nomination_in(State.IN_REVIEW)
    alerts_scan()
    assert not Alert.objects.exists()
    nomination_in(State.RETURNED, name="Bị trả")  # 1 of 2 returned: 50 %
    alerts_scan()
    alert = Alert.objects.get()
    assert (alert.unit, alert.value) == (org["a"], 50)


@pytest.mark.django_db(transaction=True)
def test_a_concurrent_insert_of_the_same_alert_waits_and_then_inserts_nothing(org, people):
    """The unique index decides: the second insert blocks on the first's row until that
    commits, then does nothing; no check before the insert is involved."""
    overdue = rule(AlertRule.Kind.OVERDUE)
    finding = Finding(key="nomination:1", unit_id=org["a"].pk, value=1, text_vi="x",
                      text_en="x")
    inserted, first_holds, release = {}, threading.Event(), threading.Event()

    def first():
        with transaction.atomic():
            inserted["first"] = alerts._insert_new(overdue, [finding])
            first_holds.set()
            release.wait(10)
        connection.close()

    def second():
        with transaction.atomic():
            inserted["second"] = alerts._insert_new(overdue, [finding])
        connection.close()

    a = threading.Thread(target=first)
    a.start()
    assert first_holds.wait(10)
    b = threading.Thread(target=second)
    b.start()
    time.sleep(0.5)
    assert b.is_alive()  # waiting for the first transaction's row
    release.set()
    a.join(10)
    b.join(10)
    assert len(inserted["first"]) == 1 and inserted["second"] == []
    assert Alert.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_scans_at_once_raise_and_notify_each_alert_once(org, people):
    rule(AlertRule.Kind.OVERDUE)
    for i in range(20):
        make_late(factories.nomination_in(org, people, State.SUBMITTED, name=f"N{i}"))
    start = threading.Barrier(2)
    reports = []

    def scan():
        start.wait(10)
        reports.append(alerts_scan())
        connection.close()

    threads = [threading.Thread(target=scan) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert Alert.objects.count() == 20
    assert sorted(pk for r in reports for pk in r.raised) == sorted(
        Alert.objects.values_list("pk", flat=True))
    assert len(alert_notices()) == 20  # one manager, each alert told once


def test_past_the_cap_a_manager_gets_one_notice_counting_the_other_new_alerts(
    org, people, nomination_in, settings
):
    settings.ALERT_NOTICES_PER_SCAN = 2
    role_grant(user=people["outsider_head"], role=Role.MANAGER, unit=org["b"])
    rule(AlertRule.Kind.OVERDUE)
    for i in range(4):
        make_late(nomination_in(State.SUBMITTED, name=f"A{i}"))
    make_late(nomination_in(State.SUBMITTED, unit="b", name="B0"))
    report = alerts_scan()
    assert len(report.raised) == Alert.objects.count() == 5  # every alert is stored
    alert = Notification.Kind.ALERT
    told = list(Notification.objects.filter(recipient=people["manager"], kind=alert)
                .order_by("id"))
    assert len(told) == 3 and report.notified == 3 + 1
    assert [n.nomination_id for n in told[:2]] == [
        a.nomination_id for a in Alert.objects.order_by("id")[:2]]
    assert told[2].nomination_id is None
    assert told[2].text_vi.startswith("Và 3 cảnh báo mới khác")
    assert "3 more new alert(s)" in told[2].text_en
    # Chained like a transition's notices: each names the recipient's one before it.
    assert [n.previous_id for n in told[1:]] == [told[0].pk, told[1].pk]
    local = Notification.objects.get(recipient=people["outsider_head"], kind=alert)
    assert "B0" in local.text_vi  # unit B's manager: only unit B's alert
    assert alerts_scan().notified == 0  # nothing new: nobody is told again


def test_the_daily_digest_lists_the_open_alerts_once_a_day(org, people, nomination_in):
    people["manager"].email = "quanly@example.vn"
    people["manager"].save()
    rule(AlertRule.Kind.OVERDUE)
    first, second = nomination_in(State.SUBMITTED), nomination_in(State.SUBMITTED, name="Hai")
    make_late(first)
    make_late(second)
    alerts_scan()
    acknowledged = Alert.objects.get(nomination=second)
    alert_acknowledge(user=people["manager"], alert_id=acknowledged.pk)
    today = datetime.date(2026, 12, 1)
    assert alerts.alerts_digest_send(today=today) == (1, 1)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["quanly@example.vn"]
    body = mail.outbox[0].body
    assert f"#{first.pk}" in body and f"#{second.pk}" not in body
    assert alerts.alerts_digest_send(today=today) == (0, 0)  # not twice on one day
    assert AlertDigest.objects.count() == 1
    assert alerts.alerts_digest_send(today=today + datetime.timedelta(days=1)) == (1, 1)


def test_rules_are_edited_by_the_managers_they_concern_and_by_admins(org, people):
    body_rule = rule(AlertRule.Kind.QUEUE, threshold=20)
    role_grant(user=people["outsider_head"], role=Role.MANAGER, unit=org["b"])
    unit_manager = people["outsider_head"]
    with pytest.raises(PermissionRefused):
        alert_rule_save(user=unit_manager, rule_id=body_rule.pk, kind="queue", threshold=1,
                        unit_id=None, enabled=True)
    with pytest.raises(PermissionRefused):
        alert_rule_save(user=unit_manager, rule_id=None, kind="queue", threshold=1,
                        unit_id=org["a"].pk, enabled=True)
    own = alert_rule_save(user=unit_manager, rule_id=None, kind="queue", threshold=1,
                          unit_id=org["b"].pk, enabled=True)
    assert own.unit == org["b"] and own.updated_by == unit_manager
    changed = alert_rule_save(user=people["manager"], rule_id=body_rule.pk, kind="queue",
                              threshold=5, unit_id=None, enabled=True)
    assert changed.threshold == 5
    alert_rule_save(user=people["admin"], rule_id=own.pk, kind="queue", threshold=2,
                    unit_id=org["b"].pk, enabled=False)
    for name in ("reviewer", "director", "head"):
        with pytest.raises(PermissionRefused):
            alert_rule_save(user=people[name], rule_id=None, kind="queue", threshold=1,
                            unit_id=None, enabled=True)
    with pytest.raises(InvalidInput) as share:
        alert_rule_save(user=people["manager"], rule_id=None, kind="return_share",
                        threshold=150, unit_id=None, enabled=True)
    assert "threshold" in share.value.fields


def test_a_draft_never_submitted_is_not_named_to_the_managers(org, people, draft):
    """Only its unit sees it (main's visibility rule): past the deadline it is counted by the
    drafts rule, never named in an overdue alert."""
    rule(AlertRule.Kind.OVERDUE)
    deadline = org["campaign"].submission_deadline
    alerts_scan(today=deadline + datetime.timedelta(days=7))
    assert not Alert.objects.exists() and alert_notices() == []
