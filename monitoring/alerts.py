"""Alerts: the scan that raises and clears them, acknowledging one, editing the rules, and the
daily digest of the open ones.

The scan (beat every ALERT_SCAN_SECONDS in production, a timer in the demo's server)
works rule by rule: it reads what holds now (a fixed number of queries per rule),
clears the live alerts whose condition is gone and inserts the new ones with
`INSERT ... ON CONFLICT DO NOTHING RETURNING`. The partial unique index on (rule, key)
among live alerts decides, not a check before the insert: when two scans overlap,
the later insert waits for the earlier's commit and then inserts nothing, so each
alert is raised and notified once. The notices are written in the same transaction
as the alerts and pushed after commit (notifications.services.push_on_commit), to the
managers covering the alert's unit and to nobody else; a scan that raises thousands (the
first one over a large database) gives each manager ALERT_NOTICES_PER_SCAN of them and one
notice counting the rest, which the alerts page lists.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from approvals.access import Actor, load_actor, load_actors, unit_tree
from approvals.models import Campaign, Nomination, RoleGrant, Unit
from approvals.names import full_name
from approvals.roles import Role
from approvals.states import State
from notifications import events
from notifications.models import DigestMail, Notification
from notifications.services import digest_outbox_send, notices_append, push_on_commit
from workflow.errors import Conflict, InvalidInput, PermissionRefused
from workflow.policy import STATE_TASK
from workflow.sla import STAGE_OF_STATE, Rules, deadline_rules

from .access import alert_units, get_alert_for_actor
from .models import Alert, AlertDigest, AlertRule, Stage, StageVisit

Kind = AlertRule.Kind
TEXT_MAX = 400
NOTE_MAX = 2000
# The open states past the draft, each with a stored due date (workflow/sla.py).
OVERDUE_STATES = [s for s in STAGE_OF_STATE if s != State.DRAFT]
# The stages with a queue to claim from (the unit's own stage has none).
QUEUE_STAGES = (Stage.REVIEW, Stage.VOTE, Stage.DECIDE, Stage.REPORT)
STAGE_NAMES = {
    Stage.PREPARE: ("lập, bổ sung hồ sơ", "preparation"),
    Stage.REVIEW: ("thẩm định", "review"),
    Stage.VOTE: ("Hội đồng bỏ phiếu", "council vote"),
    Stage.DECIDE: ("Thủ trưởng phê duyệt", "Director's decision"),
    Stage.REPORT: ("báo cáo Ban Thi đua - Khen thưởng tỉnh", "report to the provincial board"),
}


@dataclass(frozen=True)
class Finding:
    """A rule's condition holding for one object now."""

    key: str
    unit_id: int
    value: int
    text_vi: str
    text_en: str
    nomination_id: int | None = None
    campaign_id: int | None = None
    holder_id: int | None = None


@dataclass
class Scan:
    """What one scan reads once and every rule shares."""

    today: datetime.date
    rules: Rules
    children: dict[int | None, list[int]]
    units: dict[int, Unit]

    @property
    def root(self) -> int:
        return self.children[None][0]

    def subtree(self, unit_id: int | None) -> set[int]:
        """The unit and its sub-units; None: every unit."""
        if unit_id is None:
            return set(self.units)
        seen, stack = set(), [unit_id]
        while stack:
            pk = stack.pop()
            if pk not in seen:
                seen.add(pk)
                stack.extend(self.children.get(pk, ()))
        return seen

    def in_units(self, rule: AlertRule) -> Q:
        """The rule's units as a filter: nothing to filter for a whole-body rule (a list of
        every unit would only cost the planner)."""
        return Q() if rule.unit_id is None else Q(unit_id__in=self.subtree(rule.unit_id))

    def unit_name(self, unit_id: int) -> tuple[str, str]:
        unit = self.units[unit_id]
        return unit.name, unit.name_en or unit.name

    def campaigns_closing(self, days: int) -> list[Campaign]:
        """Campaigns whose submission deadline is today or within `days` working days."""
        last = self.rules.calendar.add_working_days(self.today, days)
        return list(Campaign.objects.filter(
            submission_deadline__gte=self.today, submission_deadline__lte=last
        ))

    def working_days_to(self, day: datetime.date) -> int:
        return self.rules.calendar.working_days_between(self.today, day)


@dataclass
class ScanReport:
    raised: list[int] = field(default_factory=list)
    cleared: list[int] = field(default_factory=list)
    notified: int = 0


# --- what holds now, one function per kind of rule ---------------------------


def _overdue(rule: AlertRule, scan: Scan) -> list[Finding]:
    """Open nominations past their stage's due date by more than N working days. A draft
    never submitted is its unit's alone (the managers do not see it): the drafts rule counts
    those, without naming them."""
    cutoff = scan.rules.calendar.add_working_days(scan.today, -rule.threshold)
    # Submitted work only, so never a draft (a draft has not been submitted; a returned
    # dossier is "returned"): the stored due date decides, through its index.
    rows = (
        Nomination.objects.filter(scan.in_units(rule), state__in=OVERDUE_STATES,
                                  submitted_at__isnull=False, due_on__lt=cutoff)
        .values_list("pk", "unit_id", "nominee_name", "state", "due_on")
    )
    # Tens of thousands of rows share a few hundred due dates: each date's lateness and
    # text are worked out once.
    days: dict[datetime.date, tuple[int, str]] = {}
    stages = {state: STAGE_NAMES[Stage(STATE_TASK[state])] for state in OVERDUE_STATES}
    found = []
    for pk, unit_id, name, state, due in rows:
        assert due is not None  # filtered on it
        if due not in days:
            days[due] = (scan.rules.calendar.working_days_between(due, scan.today),
                         f"{due:%d/%m/%Y}")
        (late, when), (stage_vi, stage_en) = days[due], stages[state]
        found.append(Finding(
            key=f"nomination:{pk}", unit_id=unit_id, value=late, nomination_id=pk,
            text_vi=f"Đề nghị #{pk} ({name}) quá hạn {late} ngày làm việc ở bước {stage_vi} "
            f"(hạn {when}).",
            text_en=f"Nomination #{pk} ({name}) is {late} working day(s) overdue at the "
            f"{stage_en} stage (due {when}).",
        ))
    return found


def _queue(rule: AlertRule, scan: Scan) -> list[Finding]:
    """A stage with more than N items waiting, unclaimed, in the rule's units."""
    counts = dict(
        StageVisit.objects.filter(scan.in_units(rule), left_at__isnull=True,
                                  claimed_at__isnull=True, stage__in=QUEUE_STAGES)
        .values("stage").annotate(n=Count("pk")).values_list("stage", "n")
    )
    unit_id = rule.unit_id or scan.root
    where_vi, where_en = scan.unit_name(unit_id)
    found = []
    for stage, n in sorted(counts.items()):
        if n > rule.threshold:
            stage_vi, stage_en = STAGE_NAMES[Stage(stage)]
            found.append(Finding(
                key=f"stage:{stage}", unit_id=unit_id, value=n,
                text_vi=f"Hàng chờ bước {stage_vi} ({where_vi}) có {n} hồ sơ chưa ai nhận, "
                f"vượt ngưỡng {rule.threshold}.",
                text_en=f"The {stage_en} queue ({where_en}) holds {n} unclaimed dossiers, "
                f"above {rule.threshold}.",
            ))
    return found


def _drafts_before_deadline(rule: AlertRule, scan: Scan) -> list[Finding]:
    """Units with drafts not yet submitted, N working days or fewer before the deadline."""
    campaigns = {c.pk: c for c in scan.campaigns_closing(rule.threshold)}
    if not campaigns:
        return []
    rows = (
        Nomination.objects.filter(scan.in_units(rule), state=State.DRAFT,
                                  campaign_id__in=list(campaigns))
        .values("campaign_id", "unit_id").annotate(n=Count("pk"))
        .values_list("campaign_id", "unit_id", "n")
    )
    found = []
    for campaign_id, unit_id, n in rows:
        campaign = campaigns[campaign_id]
        left = scan.working_days_to(campaign.submission_deadline)
        vi, en = scan.unit_name(unit_id)
        found.append(Finding(
            key=f"campaign:{campaign_id}:unit:{unit_id}", unit_id=unit_id, value=n,
            campaign_id=campaign_id,
            text_vi=f"{vi} còn {n} dự thảo chưa trình; {left} ngày làm việc nữa đến hạn nộp "
            f"{campaign.submission_deadline:%d/%m/%Y} của đợt “{campaign.name}”.",
            text_en=f"{en} has {n} draft(s) not submitted; {left} working day(s) to the "
            f"{campaign.submission_deadline:%d/%m/%Y} deadline of “{campaign.name}”.",
        ))
    return found


def _silent_unit(rule: AlertRule, scan: Scan) -> list[Finding]:
    """Units (below the body) that have submitted nothing, N working days or fewer before the
    deadline."""
    campaigns = scan.campaigns_closing(rule.threshold)
    if not campaigns:
        return []
    submitted = set(
        Nomination.objects.filter(campaign__in=campaigns, submitted_at__isnull=False)
        .values_list("campaign_id", "unit_id").distinct()
    )
    units = sorted(scan.subtree(rule.unit_id) - set(scan.children[None]))
    found = []
    for campaign in campaigns:
        left = scan.working_days_to(campaign.submission_deadline)
        for unit_id in units:
            if (campaign.pk, unit_id) in submitted:
                continue
            vi, en = scan.unit_name(unit_id)
            found.append(Finding(
                key=f"campaign:{campaign.pk}:unit:{unit_id}", unit_id=unit_id, value=left,
                campaign_id=campaign.pk,
                text_vi=f"{vi} chưa trình hồ sơ nào của đợt “{campaign.name}”; còn {left} ngày "
                f"làm việc đến hạn nộp {campaign.submission_deadline:%d/%m/%Y}.",
                text_en=f"{en} has submitted nothing for “{campaign.name}”; {left} working "
                f"day(s) to the {campaign.submission_deadline:%d/%m/%Y} deadline.",
            ))
    return found


def _idle_holder(rule: AlertRule, scan: Scan) -> list[Finding]:
    """People holding claimed items that nobody touched for more than N working days."""
    last_day = scan.rules.calendar.add_working_days(scan.today, -rule.threshold)
    before = timezone.make_aware(datetime.datetime.combine(last_day, datetime.time.min))
    rows = list(
        StageVisit.objects.filter(scan.in_units(rule), left_at__isnull=True,
                                  claimed_at__isnull=False, holder__isnull=False,
                                  touched_at__lt=before)
        .values("holder_id", "unit_id").annotate(n=Count("pk"))
        .values_list("holder_id", "unit_id", "n")
    )
    names = {u.pk: full_name(u) for u in User.objects.filter(pk__in={r[0] for r in rows})}
    found = []
    for holder_id, unit_id, n in rows:
        vi, en = scan.unit_name(unit_id)
        who = names.get(holder_id, "?")
        found.append(Finding(
            key=f"holder:{holder_id}:unit:{unit_id}", unit_id=unit_id, value=n,
            holder_id=holder_id,
            text_vi=f"{who} đang giữ {n} hồ sơ của {vi} quá {rule.threshold} ngày làm việc "
            "mà không xử lý.",
            text_en=f"{who} has held {n} dossier(s) of {en} untouched for more than "
            f"{rule.threshold} working day(s).",
        ))
    return found


def _return_share(rule: AlertRule, scan: Scan) -> list[Finding]:
    """Units whose share of returned dossiers in a running campaign is above N %: of the
    nominations submitted (each once, however often resubmitted), those returned at least
    once (their visits that ended in a return: a partial index holds just those)."""
    running = {"campaign__ends_on__gte": scan.today}
    submitted: dict[tuple[int, int], int] = {
        (c, u): n for c, u, n in Nomination.objects.filter(
            scan.in_units(rule), submitted_at__isnull=False, **running)
        .values("campaign_id", "unit_id").annotate(n=Count("pk"))
        .values_list("campaign_id", "unit_id", "n")
    }
    returned: dict[tuple[int, int], int] = {
        (c, u): n for c, u, n in StageVisit.objects.filter(
            scan.in_units(rule), outcome=State.RETURNED, **running)
        .values("campaign_id", "unit_id").annotate(n=Count("nomination_id", distinct=True))
        .values_list("campaign_id", "unit_id", "n")
    }
    names = dict(Campaign.objects.filter(pk__in={c for c, _u in submitted})
                 .values_list("pk", "name"))
    found = []
    for (campaign_id, unit_id), total in sorted(submitted.items()):
        back = returned.get((campaign_id, unit_id), 0)
        share = round(100 * back / total)
        if 100 * back > rule.threshold * total:
            vi, en = scan.unit_name(unit_id)
            found.append(Finding(
                key=f"campaign:{campaign_id}:unit:{unit_id}", unit_id=unit_id, value=share,
                campaign_id=campaign_id,
                text_vi=f"{vi}: {back}/{total} hồ sơ ({share} %) của đợt "
                f"“{names[campaign_id]}” bị trả lại, vượt {rule.threshold} %.",
                text_en=f"{en}: {back} of {total} dossiers ({share} %) of "
                f"“{names[campaign_id]}” were returned, above {rule.threshold} %.",
            ))
    return found


FINDERS: dict[str, Callable[[AlertRule, Scan], list[Finding]]] = {
    Kind.OVERDUE: _overdue,
    Kind.QUEUE: _queue,
    Kind.DRAFTS_BEFORE_DEADLINE: _drafts_before_deadline,
    Kind.SILENT_UNIT: _silent_unit,
    Kind.IDLE_HOLDER: _idle_holder,
    Kind.RETURN_SHARE: _return_share,
}


# --- the scan -----------------------------------------------------------------


def alerts_scan(*, today: datetime.date | None = None) -> ScanReport:
    """Raise what holds now and is not raised, clear what no longer holds; safe to run at
    any time and in several processes at once.

    Each rule's findings are read first, outside any transaction; then one transaction
    clears, inserts (set-based: one statement per rule on PostgreSQL) and writes the notices
    of the new alerts, at most ALERT_NOTICES_PER_SCAN per manager and one summary beyond."""
    children = unit_tree()
    report = ScanReport()
    if not children.get(None):
        return report
    scan = Scan(
        today=today or timezone.localdate(), rules=deadline_rules(), children=children,
        units={u.pk: u for u in Unit.objects.all()},
    )
    managers = _managers_by_unit(scan)
    found = [
        (rule, {f.key: f for f in FINDERS[rule.kind](rule, scan)} if rule.enabled else {})
        for rule in AlertRule.objects.order_by("id")
    ]
    with transaction.atomic():
        raised: list[tuple[int, Finding]] = []
        for rule, findings in found:
            raised += _settle(rule, findings, report)
        report.notified = _notify(raised, managers, cap=settings.ALERT_NOTICES_PER_SCAN)
    return report


def _settle(rule: AlertRule, findings: dict[str, Finding],
            report: ScanReport) -> list[tuple[int, Finding]]:
    live = dict(Alert.objects.filter(rule=rule, cleared_at__isnull=True)
                .values_list("key", "pk"))
    gone = [pk for key, pk in live.items() if key not in findings]
    if gone:
        Alert.objects.filter(pk__in=gone, cleared_at__isnull=True).update(
            cleared_at=timezone.now()
        )
        report.cleared += gone
    new = [f for key, f in findings.items() if key not in live]
    raised = _insert_new(rule, new)
    report.raised += [pk for pk, _f in raised]
    return raised


COLUMNS = ("rule_id", "key", "unit_id", "nomination_id", "campaign_id", "holder_id", "value",
           "text_vi", "text_en", "raised_at", "note")
# PostgreSQL's types of COLUMNS, for one INSERT ... SELECT FROM unnest(arrays).
ARRAY_TYPES = ("bigint", "text", "bigint", "bigint", "bigint", "int", "int", "text", "text",
               "timestamptz", "text")


def _insert_new(rule: AlertRule, findings: list[Finding]) -> list[tuple[int, Finding]]:
    """Insert the findings as alerts; a finding another scan raised meanwhile is skipped by
    the unique index (ON CONFLICT DO NOTHING). Returns (id, finding) of those inserted, in
    the findings' order. On PostgreSQL one statement whatever their number (a column per
    array); elsewhere (the demo's SQLite) VALUES in batches of 500."""
    if not findings:
        return []
    table = connection.ops.quote_name(Alert._meta.db_table)
    by_key = {f.key: f for f in findings}
    now = timezone.now()
    rows = [[rule.pk, f.key, f.unit_id, f.nomination_id, f.campaign_id, f.holder_id, f.value,
             f.text_vi[:TEXT_MAX], f.text_en[:TEXT_MAX], now, ""] for f in findings]
    inserted: dict[str, int] = {}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            arrays = ", ".join(f"%s::{t}[]" for t in ARRAY_TYPES)
            columns = [list(c) for c in zip(*rows, strict=True)]
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(COLUMNS)}) SELECT * FROM unnest({arrays}) "
                "ON CONFLICT DO NOTHING RETURNING id, key", columns,
            )
            inserted.update((key, pk) for pk, key in cursor.fetchall())
        else:
            for start in range(0, len(rows), 500):
                batch = rows[start:start + 500]
                values = ", ".join(["(" + ", ".join(["%s"] * len(COLUMNS)) + ")"] * len(batch))
                cursor.execute(
                    f"INSERT INTO {table} ({', '.join(COLUMNS)}) VALUES {values} "
                    "ON CONFLICT DO NOTHING RETURNING id, key", [v for r in batch for v in r],
                )
                inserted.update((key, pk) for pk, key in cursor.fetchall())
    return [(inserted[f.key], by_key[f.key]) for f in findings if f.key in inserted]


def _managers_by_unit(scan: Scan) -> Callable[[int], set[int]]:
    """unit id -> active managers covering it (a grant covers its sub-units): one query."""
    grants: dict[int | None, set[int]] = {}
    for user_id, unit_id in RoleGrant.objects.filter(
        role=Role.MANAGER, user__is_active=True
    ).values_list("user_id", "unit_id"):
        grants.setdefault(unit_id, set()).add(user_id)
    parents = {u.pk: u.parent_id for u in scan.units.values()}
    known: dict[int, set[int]] = {}

    def covering(unit_id: int) -> set[int]:
        if unit_id not in known:
            found = set(grants.get(None, ()))
            current: int | None = unit_id
            while current is not None:
                found |= grants.get(current, set())
                current = parents.get(current)
            known[unit_id] = found
        return known[unit_id]

    return covering


def _notify(raised: list[tuple[int, Finding]], managers: Callable[[int], set[int]], *,
            cap: int) -> int:
    """The notices of the new alerts, stored (chained to each manager's notices before) and
    pushed after commit to the managers of each alert's unit, and to nobody else: one per
    alert up to `cap` per manager, then one saying how many more (on the alerts page)."""
    mine: dict[int, list[Finding]] = {}
    for _pk, f in raised:
        for user_id in managers(f.unit_id):
            mine.setdefault(user_id, []).append(f)
    notices = []
    for user_id, found in sorted(mine.items()):
        notices += [
            Notification(recipient_id=user_id, kind=Notification.Kind.ALERT,
                         nomination_id=f.nomination_id, text_vi=f.text_vi[:TEXT_MAX],
                         text_en=f.text_en[:TEXT_MAX])
            for f in found[:cap]
        ]
        if len(found) > cap:
            more = len(found) - cap
            notices.append(Notification(
                recipient_id=user_id, kind=Notification.Kind.ALERT,
                text_vi=f"Và {more} cảnh báo mới khác: xem tất cả ở trang Cảnh báo (/alerts/).",
                text_en=f"And {more} more new alert(s): see them all on the Alerts page "
                "(/alerts/).",
            ))
    rows = notices_append(notices)
    pushes: dict[int, list[dict[str, Any]]] = {}
    for n in rows:
        pushes.setdefault(n.recipient_id, []).append(events.notification_event(n))
    push_on_commit(pushes, ())
    return len(rows)


# --- a manager's actions --------------------------------------------------------


def alert_acknowledge(*, user: User, alert_id: int, note: str = "") -> Alert:
    """A manager of the alert's unit acknowledges an open alert, with an optional note."""
    note = note.strip()
    if len(note) > NOTE_MAX:
        raise InvalidInput(fields={"note": [_("Ghi chú dài quá %(n)d ký tự.") % {"n": NOTE_MAX}]})
    with transaction.atomic(durable=True):
        actor = load_actor(user)
        alert = get_alert_for_actor(actor, alert_id, for_update=True)
        if alert.acknowledged_at is not None:
            raise Conflict(_("Cảnh báo này đã được xác nhận."))
        if alert.cleared_at is not None:
            raise Conflict(_("Cảnh báo này đã hết (điều kiện không còn)."))
        alert.acknowledged_at, alert.acknowledged_by, alert.note = timezone.now(), user, note
        alert.save(update_fields=["acknowledged_at", "acknowledged_by", "note"])
    return alert


MAX_THRESHOLD: dict[str, int] = {Kind.RETURN_SHARE: 100}


def alert_rule_save(
    *, user: User, rule_id: int | None, kind: str, threshold: int, unit_id: int | None,
    enabled: bool,
) -> AlertRule:
    """Create (rule_id None) or change a rule. A manager may edit the rules of the units
    they cover (whole-body rules need a whole-body grant); an administrator, any rule."""
    if kind not in Kind.values:
        raise InvalidInput(fields={"kind": [_("Loại cảnh báo không hợp lệ.")]})
    if threshold < 0 or threshold > MAX_THRESHOLD.get(kind, 10_000):
        raise InvalidInput(fields={"threshold": [
            _("Ngưỡng phải từ 0 đến %(n)d.") % {"n": MAX_THRESHOLD.get(kind, 10_000)}
        ]})
    with transaction.atomic(durable=True):
        actor = load_actor(user)
        if unit_id is not None and not Unit.objects.filter(pk=unit_id).exists():
            raise InvalidInput(fields={"unit": [_("Chọn đơn vị.")]})
        rule = AlertRule(kind=kind)
        if rule_id is not None:
            found = AlertRule.objects.select_for_update().filter(pk=rule_id).first()
            if found is None or not may_edit_rule(actor, found.unit_id):
                raise PermissionRefused(_("Bạn không được sửa quy tắc cảnh báo này."))
            rule = found
        if not may_edit_rule(actor, unit_id):
            raise PermissionRefused(_("Bạn không được đặt quy tắc cảnh báo cho đơn vị này."))
        rule.kind, rule.threshold, rule.unit_id, rule.enabled = kind, threshold, unit_id, enabled
        rule.updated_by = user
        rule.save()
    return rule


def may_edit_rule(actor: Actor, unit_id: int | None) -> bool:
    if actor.roots & actor.units_for(Role.ADMIN):
        return True
    covered = alert_units(actor)
    return bool(actor.roots & covered) if unit_id is None else unit_id in covered


# --- the daily digest -------------------------------------------------------------


def alerts_digest_send(*, today: datetime.date | None = None) -> tuple[int, int]:
    """Mail each manager with an e-mail address the open alerts of their units, once a day:
    a DigestMail outbox row (and the day's mark) per manager in one short transaction, then
    the outbox is sent after those commits (notifications.services.digest_outbox_send)."""
    alerts_digest_compose(today=today or timezone.localdate())
    return digest_outbox_send()


def alerts_digest_compose(*, today: datetime.date) -> int:
    managers = list(User.objects.filter(
        is_active=True, pk__in=RoleGrant.objects.filter(role=Role.MANAGER).values("user_id")
    ).exclude(email="").order_by("pk"))
    open_alerts = list(Alert.objects.filter(cleared_at__isnull=True, acknowledged_at__isnull=True)
                       .order_by("id").only("pk", "unit_id", "text_vi", "text_en"))
    written = 0
    for actor in load_actors(managers).values():
        mine = [a for a in open_alerts if a.unit_id in alert_units(actor)]
        if mine and _compose_one(actor.user, mine, today):
            written += 1
    return written


def _compose_one(user: User, alerts: Iterable[Alert], today: datetime.date) -> bool:
    alerts = list(alerts)
    body = "\n".join([
        f"Có {len(alerts)} cảnh báo đang mở trên Vinh Danh (/alerts/):",
        *[f"- {a.text_vi}" for a in alerts],
        "",
        f"{len(alerts)} open alert(s) on Vinh Danh (/alerts/):",
        *[f"- {a.text_en}" for a in alerts],
    ])
    try:
        with transaction.atomic():
            mail = DigestMail.objects.create(
                recipient=user, to=user.email, notices=len(alerts), body=body,
                subject=f"[Vinh Danh] {len(alerts)} cảnh báo đang mở / open alerts",
            )
            AlertDigest.objects.create(recipient=user, day=today, mail=mail)
    except IntegrityError:  # today's digest was written already (by this run's twin)
        return False
    return True
