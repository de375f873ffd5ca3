"""The deadline rules' first rows, and each open nomination's clock read from what it has."""

from django.db import migrations
from django.utils import timezone


def _day(moment):
    return timezone.localdate(moment) if moment else None


def load(apps, schema_editor):
    from approvals.deadline_data import load_deadline_data
    from workflow.sla import Clock, Limit, Rules, due_on
    from workflow.workdays import WorkingCalendar

    TimeLimit = apps.get_model("approvals", "TimeLimit")
    CalendarDay = apps.get_model("approvals", "CalendarDay")
    Version = apps.get_model("approvals", "DeadlineRulesVersion")
    Nomination = apps.get_model("approvals", "Nomination")
    AuditRecord = apps.get_model("workflow", "AuditRecord")
    load_deadline_data(TimeLimit, CalendarDay, Version)
    rules = Rules(
        token="",
        calendar=WorkingCalendar.from_rows(CalendarDay.objects.values_list("day", "kind")),
        limits={t.code: Limit(t.working_days, t.near_due_days) for t in TimeLimit.objects.all()},
    )
    returned_from = dict(
        AuditRecord.objects.filter(action="return").order_by("id")
        .values_list("nomination_id", "from_state")
    )
    for n in Nomination.objects.all().iterator():
        changed = _day(n.state_changed_at)
        if n.state == "draft":
            clock = Clock(started_on=_day(n.created_at))
        elif n.state in ("submitted", "in_review"):
            clock = Clock(started_on=_day(n.submitted_at) or changed)
        elif n.state == "returned":
            resumes = returned_from.get(n.pk) == "in_review"
            clock = Clock(started_on=_day(n.submitted_at) if resumes else None, returned_on=changed)
        else:
            clock = Clock(started_on=changed)
        n.clock_started_on, n.returned_on = clock.started_on, clock.returned_on
        n.due_on = due_on(clock, n.state, rules)
        n.save(update_fields=["clock_started_on", "returned_on", "due_on"])


class Migration(migrations.Migration):
    dependencies = [("approvals", "0011_deadlines"), ("workflow", "0004_audit_chain_key_id")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
